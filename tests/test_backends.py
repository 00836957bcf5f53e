"""Backends behind one interface: LiteRT (int8, fp32) and Keras agree; only exports the card vouches for are served."""

from __future__ import annotations

import io
import shutil
import sys

import pytest

from recognition.backends import BACKENDS, BackendUnavailable, load_predictor
from recognition.model_files import ModelFiles
from recognition.paths import PROJECT_ROOT
from tests.helpers import encode, synthetic_hand
from webapp import create_app
from webapp.loader import EXTENSION


def test_auto_serves_the_first_vouched_for_export(tmp_path, shipped_model, monkeypatch):
    files = ModelFiles.from_h5(shutil.copy(shipped_model, tmp_path / "m.h5"))
    for precision in ("fp32", "int8"):
        shutil.copy(ModelFiles.from_h5(shipped_model).export(precision), files.export(precision))
    card = ModelFiles.from_h5(shipped_model).read_card()
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
    monkeypatch.setitem(sys.modules, "keras", None)  # as in a serving-only install: no Keras to import
    with pytest.raises(BackendUnavailable, match="keras backend needs the training install"):
        load_predictor(files.h5)  # nothing vouched for: auto falls through to Keras
    files.card.unlink()  # no card at all: Keras too
    with pytest.raises(BackendUnavailable):
        load_predictor(files.h5)
    with pytest.raises(FileNotFoundError, match="no litert-int8 export"):
        load_predictor(files.h5, "litert-int8")


def test_registry_names_every_backend():
    assert set(BACKENDS) == {"litert-int8", "litert-fp32", "keras"}
    with pytest.raises(ValueError, match="unknown backend"):
        load_predictor(__file__.replace(".py", ".h5"), "onnx")


def test_serving_with_litert_never_imports_tensorflow(shipped_model, tmp_path):
    """A fresh interpreter imports the app, serves a prediction with LiteRT, and never loads TensorFlow."""
    photo = tmp_path / "hand.jpg"
    photo.write_bytes(encode(synthetic_hand(3, 120)))
    script = f"""
import io, sys
from webapp import create_app
from webapp.loader import EXTENSION
app = create_app({{"MODEL_PATH": {str(shipped_model)!r}, "LOAD_MODEL_AT_START": False}})
app.extensions[EXTENSION].get()
response = app.test_client().post("/api/predict", data=open({str(photo)!r}, "rb").read(), content_type="image/jpeg")
assert response.status_code == 200, response.get_data(as_text=True)
assert response.get_json()["digit"] in range(10)
assert app.extensions[EXTENSION].recogniser.backend.startswith("litert")
print("tensorflow" in sys.modules, "keras" in sys.modules)
"""
    import subprocess

    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, cwd=PROJECT_ROOT
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split()[-2:] == ["False", "False"]


def test_missing_model_gives_503_without_a_server_path(tmp_path, caplog):
    app = create_app({"MODEL_PATH": str(tmp_path / "absent.h5"), "LOAD_MODEL_AT_START": True})
    client = app.test_client()
    app.extensions[EXTENSION].wait(10)
    answers = [
        client.get("/healthz"),
        client.post("/api/predict", data=b"x", content_type="image/jpeg"),
        client.post("/api/predict", data={"image": (io.BytesIO(b"\xff\xd8"), "a.jpg")}),
        client.get("/api/model"),
        client.post("/result", data={"image": (io.BytesIO(b"\xff\xd8"), "a.jpg")}),
    ]
    for answer in answers:
        assert answer.status_code == 503
        assert str(tmp_path) not in answer.get_data(as_text=True) and "absent.h5" not in answer.get_data(as_text=True)
    assert "could not be loaded" in answers[0].get_json()["error"]
    assert "absent.h5" in caplog.text  # the operator finds the reason in the log


def test_corrupt_model_gives_503_not_a_crash(tmp_path):
    bad = tmp_path / "corrupt.h5"
    bad.write_bytes(b"this is not HDF5")
    app = create_app({"MODEL_PATH": str(bad), "LOAD_MODEL_AT_START": False})
    client = app.test_client()
    response = client.post("/api/predict", data=encode(synthetic_hand(1)), content_type="image/jpeg")
    assert response.status_code == 503
    assert "could not be loaded" in response.get_json()["error"]
    assert client.get("/healthz").status_code == 503


def test_healthz_is_503_while_loading(shipped_model):
    app = create_app({"MODEL_PATH": str(shipped_model), "LOAD_MODEL_AT_START": False})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503 and response.get_json()["status"] == "not loaded"
