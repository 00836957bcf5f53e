"""LiteRT and Keras serve the same probabilities; the app picks LiteRT only for a matching export."""

from __future__ import annotations

import json
import shutil

import numpy as np

from tests.helpers import synthetic_hand
from training.preprocessing import to_model_input
from webapp import create_app
from webapp.predictor import KerasPredictor, LiteRTPredictor, load_predictor


def test_litert_and_keras_agree_within_1e_4(trained_model):
    images = np.stack([to_model_input(synthetic_hand(d, 100, d)) for d in range(10)])
    litert = load_predictor(trained_model, "litert")
    keras_backend = load_predictor(trained_model, "keras")
    assert isinstance(litert, LiteRTPredictor) and isinstance(keras_backend, KerasPredictor)
    np.testing.assert_allclose(litert.predict(images), keras_backend.predict(images), atol=1e-4)


def test_stale_tflite_is_not_served(tmp_path, trained_model):
    for suffix in (".h5", ".json", ".tflite"):
        shutil.copy(trained_model.with_suffix(suffix), tmp_path / f"m{suffix}")
    card = json.loads((tmp_path / "m.json").read_text())
    card["files"]["tflite"]["h5_sha256"] = "0" * 64  # the .tflite was made from another .h5
    (tmp_path / "m.json").write_text(json.dumps(card))
    assert load_predictor(tmp_path / "m.h5").backend == "keras"
    (tmp_path / "m.json").unlink()  # no card at all: Keras too
    assert load_predictor(tmp_path / "m.h5").backend == "keras"


def test_missing_model_gives_503_with_the_reason(tmp_path):
    app = create_app({"MODEL_PATH": str(tmp_path / "absent.h5"), "LOAD_MODEL_AT_START": True})
    client = app.test_client()
    app.extensions["predictor"]._done.wait(10)
    health = client.get("/healthz")
    assert health.status_code == 503 and "absent.h5" in health.get_json()["error"]
    predicted = client.post("/api/predict", data=b"x", content_type="image/jpeg")
    assert predicted.status_code in (400, 503)
    assert client.post("/api/predict", data={"image": (__import__("io").BytesIO(b"\xff\xd8"), "a.jpg")}).status_code in (400, 503)


def test_corrupt_model_gives_503_not_a_crash(tmp_path):
    bad = tmp_path / "corrupt.h5"
    bad.write_bytes(b"this is not HDF5")
    app = create_app({"MODEL_PATH": str(bad), "LOAD_MODEL_AT_START": False})
    client = app.test_client()
    from tests.helpers import encode

    response = client.post("/api/predict", data=encode(synthetic_hand(1)), content_type="image/jpeg")
    assert response.status_code == 503
    assert "could not be loaded" in response.get_json()["error"]
    assert client.get("/healthz").status_code == 503


def test_healthz_is_503_while_loading(trained_model):
    app = create_app({"MODEL_PATH": str(trained_model), "LOAD_MODEL_AT_START": False})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503 and response.get_json()["status"] == "not loaded"
