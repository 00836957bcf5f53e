"""The world-landmark features: the same hand read the same whatever its turn, size or side."""

import numpy as np
import pytest

from recognition.hand_shape import FEATURE_SETS, palm_frame, shape_features, world_features


def a_hand(seed: int = 0) -> np.ndarray:
    hand = np.random.default_rng(seed).normal(0, 0.03, (21, 3))
    hand[0], hand[5], hand[9], hand[17] = (0, 0, 0), (-0.03, -0.08, 0.0), (0, -0.09, 0.005), (0.04, -0.07, 0.0)
    return hand


def turned(points: np.ndarray, seed: int) -> np.ndarray:
    rotation, _ = np.linalg.qr(np.random.default_rng(seed).normal(size=(3, 3)))
    if np.linalg.det(rotation) < 0:
        rotation[:, 0] = -rotation[:, 0]  # a turn, not a mirror
    return points @ rotation.T


def test_world_features_ignore_turn_size_and_place():
    hand = a_hand()
    reference = world_features(hand, 0.9)
    assert reference.shape == (FEATURE_SETS["planar+world"] - FEATURE_SETS["planar"],)
    for seed in range(3):
        np.testing.assert_allclose(world_features(turned(hand, seed) * 1.7 + 0.3, 0.9), reference, atol=1e-5)


def test_a_left_hand_reads_as_its_mirror_image():
    hand = a_hand(1)
    mirrored = hand * np.array([-1.0, 1.0, 1.0])
    np.testing.assert_allclose(world_features(mirrored, 0.1), world_features(hand, 0.9), atol=1e-5)
    assert not np.allclose(world_features(mirrored, 0.9), world_features(hand, 0.9), atol=1e-3)


def test_the_palm_frame_lays_the_palm_flat_with_the_fingers_up():
    framed = palm_frame(turned(a_hand(2), 4), 0.9)
    assert framed[0] == pytest.approx([0, 0, 0])
    assert framed[9][2] == pytest.approx(0, abs=1e-9) and framed[9][1] > 0  # the middle knuckle: in the palm, up
    assert np.linalg.norm(framed[9]) == pytest.approx(1)  # scaled by the palm's length
    assert framed[17][1] == pytest.approx(framed[5][1]) and framed[17][0] > framed[5][0]  # index to little: +x


def test_feature_sets_are_named_and_need_their_landmarks():
    points = a_hand(3) * 1000
    assert shape_features(points, None, 0.9, "planar").shape == (FEATURE_SETS["planar"],)
    with pytest.raises(ValueError):
        shape_features(points, None, 0.9, "planar+world")
    with pytest.raises(ValueError):
        shape_features(points, a_hand(3), 0.9, "volumetric")
