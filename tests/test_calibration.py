"""Calibration: tempering a model's probabilities keeps its answer and changes how sure it says it is."""

import numpy as np
import pytest

from recognition.geometry import fit_temperature, tempered
from recognition.settings import Settings


def test_tempering_keeps_the_answer_and_the_sum():
    probabilities = np.array([[0.7, 0.2, 0.1], [0.05, 0.05, 0.9]])
    for temperature in (0.5, 1.0, 2.0):
        soft = tempered(probabilities, temperature)
        assert soft.sum(axis=1) == pytest.approx([1.0, 1.0])
        assert (soft.argmax(axis=1) == probabilities.argmax(axis=1)).all()
    assert tempered(probabilities, 2.0).max() < probabilities.max() < tempered(probabilities, 0.5).max()
    assert tempered(probabilities, 1.0) is probabilities


def test_an_overconfident_model_gets_a_temperature_above_one_and_an_underconfident_one_below():
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 10, 2000)
    right = rng.random(2000) < 0.7  # right 70% of the time ...
    answers = np.where(right, labels, (labels + 1) % 10)
    overconfident = np.full((2000, 10), 0.001)
    overconfident[np.arange(2000), answers] = 0.991  # ... while 99% sure
    assert fit_temperature(overconfident, labels) > 1.5
    underconfident = np.full((2000, 10), 0.09)
    underconfident[np.arange(2000), labels] = 0.19  # always right, never more than 19% sure
    assert fit_temperature(underconfident, labels) < 0.7


def test_temperatures_must_be_positive():
    with pytest.raises(ValueError):
        Settings(image_temperature=0.0)
    assert Settings().image_temperature == Settings().geometry_temperature == 1.0
