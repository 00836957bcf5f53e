"""The chooser's scoring of a pooling rule: thresholds, right-and-sure shares, and the geometric pool it serves."""

from __future__ import annotations

import numpy as np

from tuning.blending import confidences, lowest_threshold, score, scored


def reads_of(image: np.ndarray, presence: np.ndarray, labels: np.ndarray) -> dict:
    return {"image": image, "presence": presence, "labels": labels}


def one_hot_ish(digits: list[int], sure: float) -> np.ndarray:
    rows = np.full((len(digits), 10), (1 - sure) / 9)
    rows[np.arange(len(digits)), digits] = sure
    return rows


def test_the_geometric_pool_follows_the_geometry_where_it_is_seen_and_the_image_elsewhere():
    labels = np.array([1, 2, 3, 4])
    image = one_hot_ish([1, 7, 3, 9], 0.9)  # wrong on the second and fourth
    shapes = one_hot_ish([1, 2, 3, 4], 0.97)
    presence = np.array([0.99, 0.99, 0.2, 0.2])  # the last two unseen: the MobileNet alone
    found = confidences({"plain": reads_of(image, presence, labels)}, {"plain": shapes}, "geometric", 0.7, 0.9)
    confidence, right = found["plain"]
    assert right.tolist() == [True, True, True, False]
    assert confidence[0] > 0.9  # agreement is surer than either
    linear = confidences({"plain": reads_of(image, presence, labels)}, {"plain": shapes}, "linear", 0.7, 0.9)
    assert linear["plain"][0][1] < confidence[1]  # the linear pool keeps more of the image's doubt


def test_the_threshold_is_the_lowest_keeping_confident_wrong_at_one_percent_and_right_and_sure_counts_doubt():
    confidence = np.array([0.95] * 97 + [0.72, 0.8, 0.9])
    right = np.array([True] * 97 + [False, False, True])
    found = {"outside": {"plain": (confidence, right)}}
    threshold = lowest_threshold(found)
    assert threshold is not None and 0.72 < threshold <= 0.8  # 1 of 100 wrong and sure is allowed
    scores = score(found["outside"], threshold, {"plain": np.zeros(100, int)})
    assert scores["confident_wrong"] == 0.01 and scores["right_and_sure"] == 0.98
    never = {"valid": {"plain": (np.full(10, 0.99), np.array([False] * 5 + [True] * 5))}}
    assert lowest_threshold(never) is None


def test_scored_chooses_its_threshold_on_the_readings_and_reports_every_split():
    labels = np.arange(10).repeat(10)
    image = one_hot_ish(labels.tolist(), 0.8)
    reads = {name: {"plain": reads_of(image, np.ones(100), labels)} for name in ("valid", "test")}
    shapes = {"c": {name: {"plain": one_hot_ish(labels.tolist(), 0.9)} for name in reads}}
    threshold, scores = scored({"c": reads}, shapes, ("c", "geometric", 0.5, 0.5), ["valid", "test"], ["valid"], None)
    assert threshold == 0.5 and scores["test"]["right_and_sure"] == 1.0
