"""Shared fixtures of the serving tests: the shipped model, the app serving it and its client (no TensorFlow)."""

from __future__ import annotations

from pathlib import Path

import pytest

from recognition.memory import configure_process
from recognition.paths import DEFAULT_MODEL
from webapp.loader import EXTENSION


@pytest.fixture(scope="session", autouse=True)
def process_configured() -> None:
    """Apply what the app factory applies once per process (HEIF opener), for tests that decode directly."""
    configure_process()


@pytest.fixture(scope="session")
def shipped_model() -> Path:
    """The model the repository ships (served with its LiteRT export)."""
    assert DEFAULT_MODEL.is_file(), "the shipped model is missing"
    return DEFAULT_MODEL


@pytest.fixture()
def make_app(shipped_model):
    """Build the app serving the shipped model with more configuration, loaded synchronously."""
    from webapp import create_app

    def make(**config):
        application = create_app(
            {"TESTING": True, "MODEL_PATH": str(shipped_model), "LOAD_MODEL_AT_START": False, **config}
        )
        application.extensions[EXTENSION].get()
        return application

    return make


@pytest.fixture()
def app(make_app):
    """The app serving the shipped model, loaded synchronously."""
    return make_app()


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture(scope="session")
def database_url():
    """A real PostgreSQL server (Debian's, installed by the test command), its database's URL."""
    import os

    if os.environ.get("ASL_SKIP_POSTGRES_TESTS") == "1":
        pytest.skip("skipped on purpose (ASL_SKIP_POSTGRES_TESTS=1)")
    from tests.support.postgres import postgres_server

    with postgres_server() as url:
        yield url
