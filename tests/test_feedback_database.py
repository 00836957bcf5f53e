"""Corrections in a real PostgreSQL server shared by two app instances, the command line and training."""

from __future__ import annotations

import base64
import io

import pytest
from PIL import Image

from feedback.__main__ import main as feedback_command
from feedback.database import DatabaseStore
from recognition.paths import PROJECT_ROOT
from webapp.loader import EXTENSION

PHOTO = (PROJECT_ROOT / "static" / "examples" / "digit_7.jpg").read_bytes()


@pytest.fixture()
def empty_database(database_url):
    store = DatabaseStore(database_url)
    for correction in store.corrections():
        store.delete(correction.id)
    return database_url


def instance(shipped_model, url: str, **config):
    from webapp import create_app

    app = create_app(
        {"MODEL_PATH": str(shipped_model), "LOAD_MODEL_AT_START": False, "FEEDBACK_DATABASE_URL": url, **config}
    )
    app.extensions[EXTENSION].get()
    return app.test_client()


def photo_field() -> str:
    buffer = io.BytesIO()
    Image.open(io.BytesIO(PHOTO)).convert("RGB").resize((120, 120)).save(buffer, "JPEG", comment=b"a note")
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode()


def test_two_instances_share_one_store_and_its_cap(shipped_model, empty_database):
    first = instance(shipped_model, empty_database, FEEDBACK_MAX_COUNT=3)
    second = instance(shipped_model, empty_database, FEEDBACK_MAX_COUNT=3)
    assert 'class="feedback-form"' in first.post("/", data={"image": (io.BytesIO(PHOTO), "7.jpg")}).get_data(
        as_text=True
    )
    form = {"photo": photo_field(), "digit": "3", "consent": "yes", "answered": "7", "confidence": "nan"}
    statuses = [(first if i % 2 else second).post("/feedback", data=form).status_code for i in range(6)]
    assert statuses == [200, 200, 200, 503, 503, 503]  # the cap holds across instances
    stored = DatabaseStore(empty_database).corrections()
    assert len(stored) == 3 and {c.digit for c in stored} == {3} and all(c.confidence is None for c in stored)
    photo = DatabaseStore(empty_database).photo(stored[0].id)
    assert photo.startswith(b"\xff\xd8") and b"a note" not in photo  # a clean JPEG, no comment
    assert second.post("/feedback", data={**form, "consent": ""}).status_code == 400  # consent, as ever


def test_the_command_line_reads_and_empties_the_database(empty_database, capsys):
    store = DatabaseStore(empty_database)
    kept = store.save(PHOTO, 4, 5, 0.5)
    assert feedback_command([empty_database, "list"]) == 0
    listed = capsys.readouterr()
    assert kept.id in listed.out and "said 4, answered 5 (50%)" in listed.out and "database" in listed.out
    assert feedback_command([empty_database, "delete-all"]) == 0 and store.corrections() == []
    assert feedback_command(["postgresql://nobody@/none?host=/nonexistent&port=1", "list"]) == 2
    assert "cannot be reached" in capsys.readouterr().err


def test_an_unreachable_database_is_a_503_and_nothing_else(shipped_model):
    client = instance(shipped_model, "postgresql://nobody@/none?host=/nonexistent&port=1")
    form = {"photo": photo_field(), "digit": "3", "consent": "yes"}
    answer = client.post("/feedback", data=form)
    assert answer.status_code == 503 and "cannot be saved right now" in answer.get_data(as_text=True)
