"""Shared fixtures: a synthetic data set, one tiny trained model, the app and its client."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from tests.helpers import make_dataset
from webapp.predictor import EXTENSION


@pytest.fixture(scope="session")
def dataset_dir(tmp_path_factory) -> Path:
    """A labelled folder of synthetic hand images, 6 per digit."""
    return make_dataset(tmp_path_factory.mktemp("data"))


@pytest.fixture(scope="session")
def trained_model(tmp_path_factory, dataset_dir) -> Path:
    """Train for one epoch with --weights none through the real CLI; return the .h5 path."""
    from training.cli import main

    out = tmp_path_factory.mktemp("model") / "tiny.h5"
    status = main(
        [
            "--data",
            str(dataset_dir),
            "--weights",
            "none",
            "--epochs",
            "1",
            "--out",
            str(out),
            "--seed",
            "7",
            "--batch-size",
            "8",
            "--valid-fraction",
            "0.2",
            "--test-fraction",
            "0.2",
            "--no-shift",
        ]
    )
    assert status == 0
    return out


@pytest.fixture()
def app(trained_model):
    """The app serving the tiny model, loaded synchronously."""
    from webapp import create_app

    application = create_app({"TESTING": True, "MODEL_PATH": str(trained_model), "LOAD_MODEL_AT_START": False})
    application.extensions[EXTENSION].get()
    return application


@pytest.fixture()
def client(app):
    return app.test_client()
