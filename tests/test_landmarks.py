"""Hand landmarks on the hand's upright region, the shape features and the geometry model."""

from __future__ import annotations

import math

import numpy as np
import pytest
from PIL import Image, ImageDraw

from recognition.framing import HandBox, Region, region_for_hand, region_of
from recognition.geometry import GeometryModel, blend
from recognition.landmarks import FEATURES, LOOK_SIZE, HandLook, LandmarkModel, cut_region
from recognition.paths import PROJECT_ROOT
from recognition.recogniser import Recogniser
from recognition.settings import Settings

EXAMPLE = PROJECT_ROOT / "static" / "examples" / "digit_5.jpg"


def hand_points(rng: np.random.Generator) -> np.ndarray:
    """Return 21 plausible (x, y, z) landmarks of an upright right hand around (100, 100)."""
    points = np.zeros((21, 3))
    points[0] = (100, 160, 0)
    for finger in range(5):
        for joint in range(4):
            points[1 + finger * 4 + joint] = (60 + finger * 20, 130 - joint * 20 - 5 * finger % 3, -joint)
    points[9] = (100, 110, -1)  # middle-finger base straight above the wrist
    return points + rng.normal(0, 1, points.shape)


def moved(points: np.ndarray, degrees: float, scale: float, shift: tuple[float, float]) -> np.ndarray:
    angle = math.radians(degrees)
    turn = np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])
    out = points.copy()
    out[:, :2] = (points[:, :2] @ turn.T) * scale + shift
    out[:, 2] = points[:, 2] * scale
    return out


def test_features_ignore_position_size_turn_and_which_hand():
    points = hand_points(np.random.default_rng(0))
    region = Region(0, 0, 1, 0)
    reference = HandLook(region, points, 0.9, 0.9).features()
    assert reference.shape == (FEATURES,)
    turned = HandLook(region, moved(points, 50, 2.5, (300, -40)), 0.9, 0.9).features()
    np.testing.assert_allclose(turned, reference, atol=1e-4)
    mirrored_points = points.copy()
    mirrored_points[:, 0] = 500 - points[:, 0]
    np.testing.assert_allclose(HandLook(region, mirrored_points, 0.9, 0.1).features(), reference, atol=1e-4)
    assert not np.allclose(HandLook(region, mirrored_points, 0.9, 0.9).features(), reference, atol=1e-2)


def test_region_moves_towards_the_fingers_and_cuts_the_hand_upright():
    region = region_of(200, 200, 50, math.radians(90))  # a hand lying on its side, fingers to the right
    assert region.side == pytest.approx(130)
    assert (region.centre_x, region.centre_y) == pytest.approx((225, 200))
    picture = Image.new("RGB", (400, 400))
    ImageDraw.Draw(picture).ellipse((275, 190, 295, 210), fill=(255, 0, 0))  # a dot 60 px towards the fingers
    cut = cut_region(picture, region)
    red = np.argwhere(cut[:, :, 0] > 128)
    row, column = red.mean(axis=0)
    assert column == pytest.approx(LOOK_SIZE / 2, abs=3)
    assert row == pytest.approx(LOOK_SIZE / 2 - 60 * LOOK_SIZE / 130, abs=3)  # above the centre: upright
    back = region.to_picture(np.array([[column, row]]), LOOK_SIZE)
    np.testing.assert_allclose(back, [[285, 200]], atol=2)


def tiny_model(seed: int = 0) -> GeometryModel:
    rng = np.random.default_rng(seed)
    return GeometryModel(
        np.zeros(FEATURES, np.float32),
        np.ones(FEATURES, np.float32),
        (rng.normal(size=(FEATURES, 8)).astype(np.float32), rng.normal(size=(8, 10)).astype(np.float32)),
        (np.zeros(8, np.float32), np.zeros(10, np.float32)),
    )


def test_geometry_model_saves_loads_and_predicts_probabilities(tmp_path):
    model = tiny_model()
    features = np.random.default_rng(2).normal(size=(5, FEATURES)).astype(np.float32)
    loaded = GeometryModel.load(model.save(tmp_path / "g.npz"))
    np.testing.assert_allclose(loaded.predict(features), model.predict(features), rtol=1e-6)
    np.testing.assert_allclose(model.predict(features).sum(axis=1), 1.0, rtol=1e-5)
    with pytest.raises(ValueError):
        GeometryModel(model.mean, model.scale, (model.weights[0],), (model.biases[0],))  # 8 outputs, not 10


def test_blend_pools_as_a_weighted_geometric_mean_and_falls_back_to_the_image():
    image = np.full(10, 0.02)
    image[3], image[5] = 0.72, 0.1
    shape = np.full(10, 0.01)
    shape[3], shape[5] = 0.12, 0.8
    assert blend(image, None, 0.6) is image
    assert blend(image, shape, 0.0) is image
    pooled = blend(image, shape, 0.6)
    expected = image**0.4 * shape**0.6
    np.testing.assert_allclose(pooled, expected / expected.sum(), rtol=1e-9)
    assert int(np.argmax(pooled)) == 5 and int(np.argmax(blend(image, shape, 0.3))) == 3
    agreeing = blend(shape, shape, 0.5)
    np.testing.assert_allclose(agreeing, shape, rtol=1e-9)  # one opinion twice is the same opinion
    rows = blend(np.stack([image, shape]), np.stack([shape, image]), 0.5)
    np.testing.assert_allclose(rows.sum(axis=1), 1.0)
    assert rows[0].max() < 0.72 and rows[0].max() < 0.8  # disagreement lowers the confidence


def test_landmark_model_sees_the_example_hand_and_not_a_plain_wall():
    model = LandmarkModel()
    hand = Image.open(EXAMPLE).convert("RGB")
    width, height = hand.size
    look = model.look(hand, region_of(width / 2, height * 0.6, width / 2.6, 0.0))
    assert look.presence > 0.5
    assert look.points.shape == (21, 3)
    inside = (look.points[:, 0] > -width * 0.2) & (look.points[:, 0] < width * 1.2)
    assert inside.all()
    wall = model.look(Image.new("RGB", (300, 300), (200, 190, 180)), Region(150, 150, 200, 0.0))
    assert wall.presence < 0.5


def test_recogniser_looks_at_the_hand_it_found():
    recogniser = Recogniser.around(None, Settings())
    hand = Image.open(EXAMPLE).convert("RGB")
    box = HandBox(20.0, 10.0, 160.0, 0.9, lean=0.2)
    region = region_for_hand(box, recogniser.settings)
    assert region.side == pytest.approx(160 / Settings().hand_scale * 2.6)
    assert region.lean == 0.2
    assert recogniser.look(hand, None) is None
    assert recogniser.look(hand, HandBox(0, 0, 1e7, 0.9)) is None  # far larger than the picture: not looked at
    assert recogniser.look(hand, box).region == region
