"""Training on upright hands: the photos are cut as serving reads them, turned so the hand stands up."""

from __future__ import annotations

import math

import numpy as np
from PIL import Image

from recognition.hands import PalmDetector
from recognition.paths import PROJECT_ROOT
from recognition.preprocessing import to_model_input
from training.data import LoadedImages
from training.recipe import Recipe
from training.upright import serving_settings, upright_inputs

EXAMPLE = PROJECT_ROOT / "static" / "examples" / "digit_5.jpg"


def leaning_hand(degrees: float) -> np.ndarray:
    wall = Image.new("RGB", (420, 420), (225, 222, 215))
    wall.paste(Image.open(EXAMPLE).convert("RGB").resize((260, 260)), (80, 80))
    return to_model_input(wall.rotate(degrees, resample=Image.Resampling.BILINEAR, fillcolor=(225, 222, 215)))


def test_upright_inputs_turn_a_leaning_hand_to_stand_up():
    settings = serving_settings(upright=True)
    assert settings.upright_from_degrees == 0.0 and serving_settings(upright=False).upright_from_degrees == 180.0
    pictures = np.stack([leaning_hand(40.0), leaning_hand(-35.0)])
    data = LoadedImages(pictures, np.array([5, 5]), ["a", "b"])
    turned = upright_inputs(data, settings)
    assert turned.images.shape == pictures.shape and turned.labels.tolist() == [5, 5]
    detector = PalmDetector()
    for before, after in zip(pictures, turned.images, strict=True):
        lean_before = detector.locate(Image.fromarray(before), settings).lean
        lean_after = detector.locate(Image.fromarray(after), settings).lean
        assert abs(math.degrees(lean_before)) > 25
        assert abs(math.degrees(lean_after)) < 12


def test_the_upright_recipe_is_off_by_default_and_recorded():
    assert Recipe().upright is False
    assert Recipe.named("two-phase", upright=True).as_dict()["upright"] is True
