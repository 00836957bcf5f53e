"""Fixtures of the training tests (TensorFlow): a synthetic data set and one tiny model trained through the CLI."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.helpers import make_dataset

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def pytest_collection_modifyitems(config, items):
    """Mark every test of this folder ``training``: it needs the training install (TensorFlow)."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.training)


@pytest.fixture(scope="session")
def dataset_dir(tmp_path_factory) -> Path:
    """A labelled folder of synthetic hand images, 6 per digit."""
    return make_dataset(tmp_path_factory.mktemp("data"))


@pytest.fixture(scope="session")
def trained_model(tmp_path_factory, dataset_dir) -> Path:
    """Train for one epoch with --weights none through the real CLI; return the .h5 path."""
    from training.cli import main

    out = tmp_path_factory.mktemp("model") / "tiny.h5"
    arguments = ["--data", str(dataset_dir), "--weights", "none", "--epochs", "1", "--out", str(out), "--seed", "7"]
    arguments += ["--batch-size", "8", "--valid-fraction", "0.2", "--test-fraction", "0.2", "--no-shift"]
    assert main(arguments) == 0
    return out
