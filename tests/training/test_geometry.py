"""Fitting the hand-geometry classifier (scikit-learn) into a model that serving runs in NumPy."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from recognition.geometry import GeometryModel
from recognition.hand_shape import FEATURE_SETS
from training.geometry import Landmarks, fit_geometry, seen_looks


def hands(per_digit: int, seed: int) -> tuple[Landmarks, np.ndarray]:
    """Return ten made-up hand shapes (one per digit), each drawn ``per_digit`` times with jitter, turned and moved."""
    rng = np.random.default_rng(seed)
    templates = np.random.default_rng(0).normal(0, 1, (10, 21, 3))
    templates[:, 0] = 0.0
    templates[:, 9] = (0.0, -2.0, 0.0)  # wrist to middle knuckle: the palm's length
    labels = np.repeat(np.arange(10), per_digit)
    world = templates[labels] + rng.normal(0, 0.08, (len(labels), 21, 3))
    angles = rng.uniform(-1, 1, len(labels))
    turn = np.stack([[[np.cos(a), -np.sin(a), 0], [np.sin(a), np.cos(a), 0], [0, 0, 1]] for a in angles])
    points = np.einsum("nij,nkj->nki", turn, world) * rng.uniform(20, 60, (len(labels), 1, 1)) + 200
    return Landmarks(points, world * 0.02, np.ones(len(labels))), labels


@pytest.mark.parametrize("kind", list(FEATURE_SETS))
def test_fitted_geometry_model_reads_unseen_hands_of_its_shapes(tmp_path, kind):
    landmarks, labels = hands(20, seed=1)
    model = fit_geometry(landmarks, labels, seed=3, kind=kind, copies=1)
    unseen, truth = hands(10, seed=2)
    loaded = GeometryModel.load(model.save(tmp_path / "g.npz"))
    assert loaded.features == kind and loaded.mean.shape == (FEATURE_SETS[kind],)
    assert (loaded.predict(unseen.features(kind)).argmax(axis=1) == truth).mean() > 0.95
    shuffled = fit_geometry(landmarks, np.random.default_rng(4).permutation(labels), seed=3, kind=kind, copies=1)
    assert (shuffled.predict(unseen.features(kind)).argmax(axis=1) == truth).mean() < 0.5  # shapes, not the order


def test_noisy_copies_move_every_landmark_by_a_share_of_its_palm():
    landmarks, _ = hands(3, seed=5)
    noisy = landmarks.with_noise(0.05, 2, np.random.default_rng(0))
    assert len(noisy.right_hand) == 3 * len(landmarks.right_hand)
    np.testing.assert_array_equal(noisy.points[: len(landmarks.points)], landmarks.points)
    palm = np.linalg.norm(landmarks.points[:, 9] - landmarks.points[:, 0], axis=-1)
    moved = np.abs(noisy.points[len(landmarks.points) : 2 * len(landmarks.points)] - landmarks.points)
    assert 0.02 < float(np.median(moved / palm[:, None, None])) < 0.06
    assert landmarks.with_noise(0.0, 2, np.random.default_rng(0)) is landmarks


def test_tilted_copies_turn_the_picture_landmarks_out_of_plane_and_keep_the_world_landmarks():
    landmarks, _ = hands(4, seed=6)
    tilted = landmarks.with_tilt(40.0, 2, np.random.default_rng(0))
    count = len(landmarks.right_hand)
    assert len(tilted.right_hand) == 3 * count
    np.testing.assert_array_equal(tilted.points[:count], landmarks.points)
    np.testing.assert_array_equal(tilted.world[count:], np.tile(landmarks.world, (2, 1, 1)))
    copy = tilted.points[count : 2 * count]
    np.testing.assert_allclose(copy[:, 0], landmarks.points[:, 0])  # turned about the wrist
    reach = np.linalg.norm(landmarks.points - landmarks.points[:, :1], axis=-1)
    np.testing.assert_allclose(np.linalg.norm(copy - copy[:, :1], axis=-1), reach, rtol=1e-9)  # a turn, not a warp
    drawn = np.linalg.norm((copy - landmarks.points)[..., :2], axis=-1)
    assert float(np.median(drawn / np.maximum(reach, 1e-9))) > 0.05  # the picture positions moved
    world_features = tilted.features("planar+world")[:, -89:]
    np.testing.assert_allclose(world_features[count : 2 * count], world_features[:count], atol=1e-5)
    assert landmarks.with_tilt(0.0, 2, np.random.default_rng(0)) is landmarks


def test_geometry_needs_every_digit():
    landmarks, labels = hands(5, seed=1)
    kept = labels != 7
    partial = Landmarks(landmarks.points[kept], landmarks.world[kept], landmarks.right_hand[kept])
    with pytest.raises(ValueError):
        fit_geometry(partial, labels[kept])


def test_only_looks_that_see_a_hand_are_kept():
    class Look:
        def __init__(self, presence: float) -> None:
            self.presence = presence
            self.points = np.full((21, 3), presence)
            self.world = np.zeros((21, 3))
            self.right_hand = 0.9

    landmarks, labels = seen_looks([Look(0.9), None, Look(0.2), Look(0.6)], np.array([1, 2, 3, 4]), 0.5)
    assert labels.tolist() == [1, 4]
    assert landmarks.points[:, 0, 0].tolist() == pytest.approx([0.9, 0.6])


def test_rescore_scores_a_trained_model_again_as_served(trained_model, dataset_dir, tmp_path):
    import json
    import shutil

    from training.rescore import main

    copy = tmp_path / "model"
    shutil.copytree(trained_model.parent, copy)
    model = copy / trained_model.name
    before = json.loads(model.with_suffix(".json").read_text())
    outside = tmp_path / "outside"
    for digit, name in ((3, "a.jpg"), (3, "b.jpg"), (7, "c.jpg")):
        (outside / str(digit)).mkdir(parents=True, exist_ok=True)
        Image.new("RGB", (96, 72), (40 * digit, 90, 120)).save(outside / str(digit) / name)
    assert main(["--model", str(model), "--data", str(dataset_dir), "--outside", str(outside)]) == 0
    card = json.loads(model.with_suffix(".json").read_text())
    assert card["rescored"]["why"] and card["history"] == before["history"]
    assert card["files"]["geometry"]["fitted"] is False  # synthetic hands: the landmark model sees none
    assert set(card["metrics"]) == {"train", "valid", "test", "domain_shift", "outside_signer"}
    assert card["metrics"]["outside_signer"]["count"] == 3
    assert card["metrics"]["test"]["count"] == before["metrics"]["test"]["count"]
    assert "parity" in card["files"]["exports"]["int8"]
