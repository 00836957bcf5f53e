"""Backends behind one interface: LiteRT (int8, fp32) and Keras agree; only exports the card vouches for are served."""

from __future__ import annotations

import io
import shutil
import sys

import numpy as np
import pytest

from tests.helpers import encode, synthetic_hand
from training.model_files import ModelFiles
from training.paths import PROJECT_ROOT
from training.predictors import BACKENDS, KerasPredictor, LiteRTPredictor, load_predictor
from training.preprocessing import to_model_input
from webapp import create_app
from webapp.predictor import EXTENSION


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


def test_auto_serves_the_first_vouched_for_export(tmp_path, trained_model):
    files = ModelFiles.from_h5(shutil.copy(trained_model, tmp_path / "m.h5"))
    for precision in ("fp32", "int8"):
        shutil.copy(ModelFiles.from_h5(trained_model).export(precision), files.export(precision))
    card = ModelFiles.from_h5(trained_model).read_card()
    for precision in ("fp32", "int8"):
        card["files"]["exports"][precision]["file"] = files.export(precision).name
    card["files"]["exports"]["int8"]["served"] = True
    files.write_card(card)
    assert load_predictor(files.h5).backend == "litert-int8"
    card["files"]["exports"]["int8"]["served"] = False  # failed its parity gate
    files.write_card(card)
    assert load_predictor(files.h5).backend == "litert-fp32"
    card["files"]["exports"]["fp32"]["h5_sha256"] = "0" * 64  # made from another .h5
    files.write_card(card)
    assert load_predictor(files.h5).backend == "keras"
    files.card.unlink()  # no card at all: Keras too
    assert load_predictor(files.h5).backend == "keras"
    with pytest.raises(FileNotFoundError, match="no litert-int8 export"):
        load_predictor(files.h5, "litert-int8")


def test_registry_names_every_backend():
    assert set(BACKENDS) == {"litert-int8", "litert-fp32", "keras"}
    with pytest.raises(ValueError, match="unknown backend"):
        load_predictor(__file__.replace(".py", ".h5"), "onnx")


def test_serving_with_litert_never_imports_tensorflow(trained_model, tmp_path):
    """A fresh interpreter imports the app, serves a prediction with LiteRT, and never loads TensorFlow."""
    photo = tmp_path / "hand.jpg"
    photo.write_bytes(encode(synthetic_hand(3, 120)))
    script = f"""
import io, sys
from webapp import create_app
from webapp.predictor import EXTENSION
app = create_app({{"MODEL_PATH": {str(trained_model)!r}, "LOAD_MODEL_AT_START": False}})
app.extensions[EXTENSION].get()
response = app.test_client().post("/api/predict", data=open({str(photo)!r}, "rb").read(), content_type="image/jpeg")
assert response.status_code == 200, response.get_data(as_text=True)
assert response.get_json()["digit"] in range(10)
assert app.extensions[EXTENSION].recogniser.backend.startswith("litert")
print("tensorflow" in sys.modules, "keras" in sys.modules)
"""
    import subprocess

    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, cwd=PROJECT_ROOT)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split()[-2:] == ["False", "False"]


def test_missing_model_gives_503_with_the_reason(tmp_path):
    app = create_app({"MODEL_PATH": str(tmp_path / "absent.h5"), "LOAD_MODEL_AT_START": True})
    client = app.test_client()
    app.extensions[EXTENSION].wait(10)
    health = client.get("/healthz")
    assert health.status_code == 503 and "absent.h5" in health.get_json()["error"]
    predicted = client.post("/api/predict", data=b"x", content_type="image/jpeg")
    assert predicted.status_code in (400, 503)
    assert client.post("/api/predict", data={"image": (io.BytesIO(b"\xff\xd8"), "a.jpg")}).status_code in (400, 503)


def test_corrupt_model_gives_503_not_a_crash(tmp_path):
    bad = tmp_path / "corrupt.h5"
    bad.write_bytes(b"this is not HDF5")
    app = create_app({"MODEL_PATH": str(bad), "LOAD_MODEL_AT_START": False})
    client = app.test_client()
    response = client.post("/api/predict", data=encode(synthetic_hand(1)), content_type="image/jpeg")
    assert response.status_code == 503
    assert "could not be loaded" in response.get_json()["error"]
    assert client.get("/healthz").status_code == 503


def test_healthz_is_503_while_loading(trained_model):
    app = create_app({"MODEL_PATH": str(trained_model), "LOAD_MODEL_AT_START": False})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503 and response.get_json()["status"] == "not loaded"
