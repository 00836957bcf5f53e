"""A request alone in its process uses every inference thread; concurrent ones use one each."""

from __future__ import annotations

import numpy as np
from PIL import Image

from recognition.hands import DETECTOR_PATH
from recognition.interpreters import InterpreterPair, Occupancy, running, running_alone
from recognition.parallel import in_parallel
from recognition.recogniser import Recogniser


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
    solo = pair.run(inputs, outputs)  # alone: the two-thread interpreter
    with running(alone=False):
        shared = pair.run(inputs, outputs)
    for a, b in zip(solo, shared, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-4)


class _RecordingPredictor:
    """Record how each call was asked to run; the first call starts a second recognition inside it."""

    backend = "recording"

    def __init__(self) -> None:
        self.calls: list[bool] = []
        self.recogniser: Recogniser | None = None

    def predict(self, images: np.ndarray) -> np.ndarray:
        self.calls.append(running_alone())
        if len(self.calls) == 1:
            self.recogniser.recognise([Image.new("RGB", (40, 40))])  # a concurrent request
        return np.full((len(images), 10), 0.1, np.float32)


def test_a_recognition_uses_the_solo_interpreters_only_while_no_other_runs():
    predictor = _RecordingPredictor()
    recogniser = Recogniser.around(predictor, localise=False)
    predictor.recogniser = recogniser
    recogniser.recognise([Image.new("RGB", (40, 40))])
    assert predictor.calls == [True, False]
    recogniser.recognise([Image.new("RGB", (40, 40))])
    assert predictor.calls[-1] is True


def test_side_by_side_copies_compute_what_the_solo_one_does_from_several_threads():
    pair = InterpreterPair(DETECTOR_PATH, threads=1, side_by_side=3)
    rng = np.random.default_rng(1)
    shape = pair.input_details[0]["shape"]
    tensors = [rng.random(shape).astype(np.float32) for _ in range(9)]
    index, outputs = pair.input_details[0]["index"], [pair.output_details[0]["index"]]
    expected = [pair.run({index: t}, outputs)[0] for t in tensors]
    got = in_parallel(lambda t: pair.run({index: t}, outputs)[0], tensors, workers=3)
    for a, b in zip(expected, got, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-4)


def test_in_parallel_keeps_the_order_of_its_chunks():
    assert in_parallel(lambda n: n * n, list(range(20)), workers=4) == [n * n for n in range(20)]
    assert in_parallel(lambda n: -n, [3], workers=4) == [-3]


def test_a_palm_detector_with_copies_finds_the_same_hands_spread_over_threads():
    from recognition.batch import prepare_all

    rng = np.random.default_rng(2)
    pictures = [rng.integers(0, 255, (90 + 7 * i, 120, 3), dtype=np.uint8) for i in range(12)]
    one = prepare_all(Recogniser.around(None), pictures, batch=4)
    spread = prepare_all(Recogniser.around(None, copies=2), pictures, batch=4)
    assert [(c.box, c.size, c.hand) for c in one.cuts] == [(c.box, c.size, c.hand) for c in spread.cuts]
    np.testing.assert_array_equal(one.inputs, spread.inputs)


class _CopiesPredictor:
    """Answer each square with its mean brightness in class 0; records the threads it was called from."""

    backend = "copies"
    side_by_side = 2

    def __init__(self) -> None:
        self.alone: list[bool] = []

    def predict(self, images: np.ndarray) -> np.ndarray:
        self.alone.append(running_alone())
        out = np.zeros((len(images), 10), np.float32)
        out[:, 0] = images.reshape(len(images), -1).mean(1)
        return out


def test_classify_with_workers_keeps_every_answer_in_place():
    from recognition.batch import prepare_all, recognise_all

    pictures = [np.full((30, 30, 3), value, np.uint8) for value in range(0, 250, 10)]
    predictor = _CopiesPredictor()
    recogniser = Recogniser.around(predictor, localise=False)
    answers = recognise_all(recogniser, prepare_all(recogniser, pictures))
    assert [round(float(a.probabilities[0])) for a in answers] == list(range(0, 250, 10))
    assert predictor.alone and not any(predictor.alone)  # the one-thread copies, side by side
