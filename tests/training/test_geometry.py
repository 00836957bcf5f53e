"""Fitting the hand-geometry classifier (scikit-learn) into a model that serving runs in NumPy."""

from __future__ import annotations

import numpy as np
import pytest

from recognition.geometry import GeometryModel
from recognition.landmarks import FEATURES
from training.geometry import features_of, fit_geometry


def clusters(per_digit: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    centres = np.random.default_rng(0).normal(0, 3, (10, FEATURES))
    labels = np.repeat(np.arange(10), per_digit)
    return (centres[labels] + rng.normal(0, 1, (len(labels), FEATURES))).astype(np.float32), labels


def test_fitted_geometry_model_reads_unseen_hands_of_its_shapes(tmp_path):
    features, labels = clusters(20, seed=1)
    model = fit_geometry(features, labels, seed=3)
    unseen, truth = clusters(10, seed=2)
    loaded = GeometryModel.load(model.save(tmp_path / "g.npz"))
    assert (loaded.predict(unseen).argmax(axis=1) == truth).mean() > 0.95
    shuffled = fit_geometry(features, np.random.default_rng(4).permutation(labels), seed=3)
    assert (shuffled.predict(unseen).argmax(axis=1) == truth).mean() < 0.5  # it learns the shapes, not the order


def test_geometry_needs_every_digit():
    features, labels = clusters(5, seed=1)
    with pytest.raises(ValueError):
        fit_geometry(features[labels != 7], labels[labels != 7])


def test_only_looks_that_see_a_hand_are_kept():
    class Look:
        def __init__(self, presence: float) -> None:
            self.presence = presence

        def features(self) -> np.ndarray:
            return np.full(FEATURES, self.presence, np.float32)

    features, labels = features_of([Look(0.9), None, Look(0.2), Look(0.6)], np.array([1, 2, 3, 4]), 0.5)
    assert labels.tolist() == [1, 4]
    assert features[:, 0].tolist() == pytest.approx([0.9, 0.6])


def test_rescore_scores_a_trained_model_again_as_served(trained_model, dataset_dir, tmp_path):
    import json
    import shutil

    from training.rescore import main

    copy = tmp_path / "model"
    shutil.copytree(trained_model.parent, copy)
    model = copy / trained_model.name
    before = json.loads(model.with_suffix(".json").read_text())
    assert main(["--model", str(model), "--data", str(dataset_dir)]) == 0
    card = json.loads(model.with_suffix(".json").read_text())
    assert card["rescored"]["why"] and card["history"] == before["history"]
    assert card["files"]["geometry"]["fitted"] is False  # synthetic hands: the landmark model sees none
    assert set(card["metrics"]) == {"train", "valid", "test", "domain_shift"}
    assert card["metrics"]["test"]["count"] == before["metrics"]["test"]["count"]
    assert "parity" in card["files"]["exports"]["int8"]
