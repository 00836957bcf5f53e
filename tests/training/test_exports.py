"""The training command's exports: the Keras backend and the fp32 export agree; int8 carries its parity gate."""

from __future__ import annotations

import numpy as np

from recognition.backends import LiteRTPredictor, load_predictor
from recognition.keras_backend import KerasPredictor
from recognition.model_files import ModelFiles
from recognition.preprocessing import to_model_input
from tests.helpers import synthetic_hand


def test_litert_and_keras_agree_within_1e_4(trained_model):
    images = np.stack([to_model_input(synthetic_hand(d, 100, d)) for d in range(10)])
    litert = load_predictor(trained_model, "litert-fp32")
    keras_backend = load_predictor(trained_model, "keras")
    assert isinstance(litert, LiteRTPredictor) and isinstance(keras_backend, KerasPredictor)
    np.testing.assert_allclose(litert.predict(images), keras_backend.predict(images), atol=1e-4)


def test_int8_export_is_recorded_with_its_parity_gate_and_close_to_fp32(trained_model):
    files = ModelFiles.from_h5(trained_model)
    entry = files.read_card()["files"]["exports"]["int8"]
    assert entry["file"] == files.export("int8").name and len(entry["sha256"]) == 64
    assert set(entry["parity"]) >= {"worst_drop_points", "passed", "limit_points"}
    assert entry["served"] is entry["parity"]["passed"]
    int8 = LiteRTPredictor(files.export("int8"), backend="litert-int8")
    images = np.stack([to_model_input(synthetic_hand(d, 100, d)) for d in range(10)])
    probabilities = int8.predict(images)
    assert probabilities.shape == (10, 10) and np.allclose(probabilities.sum(axis=1), 1, atol=0.02)
    assert files.export("int8").stat().st_size < files.export("fp32").stat().st_size / 2
