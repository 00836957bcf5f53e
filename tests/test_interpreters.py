"""A request alone in its process uses every inference thread; concurrent ones use one each."""

from __future__ import annotations

import numpy as np
from PIL import Image

from training.hands import DETECTOR_PATH
from training.inference import Recogniser
from training.interpreters import InterpreterPair, Occupancy


def test_occupancy_says_who_started_alone():
    occupancy = Occupancy()
    with occupancy.entered() as first, occupancy.entered() as second:
        assert (first, second) == (True, False)
    with occupancy.entered() as again:
        assert again  # the count went back down


def test_both_interpreters_of_a_pair_compute_the_same():
    pair = InterpreterPair(DETECTOR_PATH, threads=2)
    tensor = np.random.default_rng(0).random(pair.input_details[0]["shape"]).astype(np.float32)
    inputs = {pair.input_details[0]["index"]: tensor}
    outputs = [detail["index"] for detail in pair.output_details]
    solo, shared = pair.run(inputs, outputs, alone=True), pair.run(inputs, outputs, alone=False)
    for a, b in zip(solo, shared, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-4)


class _RecordingPredictor:
    """Record how each call was asked to run; the first call starts a second recognition inside it."""

    backend = "recording"

    def __init__(self) -> None:
        self.calls: list[bool] = []
        self.recogniser: Recogniser | None = None

    def predict(self, images: np.ndarray, alone: bool = True) -> np.ndarray:
        self.calls.append(alone)
        if len(self.calls) == 1:
            self.recogniser.recognise([Image.new("RGB", (40, 40))])  # a concurrent request
        return np.full((len(images), 10), 0.1, np.float32)


def test_a_recognition_uses_the_solo_interpreters_only_while_no_other_runs():
    predictor = _RecordingPredictor()
    recogniser = Recogniser(predictor)
    predictor.recogniser = recogniser
    recogniser.recognise([Image.new("RGB", (40, 40))])
    assert predictor.calls == [True, False]
    recogniser.recognise([Image.new("RGB", (40, 40))])
    assert predictor.calls[-1] is True
