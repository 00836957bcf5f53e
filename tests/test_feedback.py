"""Corrections: never offered or stored without the operator's folder; with it, stored atomically, with consent only."""

from __future__ import annotations

import io
import os
import re
import tempfile

import pytest
from PIL import Image

from feedback.__main__ import main as feedback_command
from feedback.store import FeedbackStore
from recognition.paths import PROJECT_ROOT
from webapp.loader import EXTENSION

PHOTO = (PROJECT_ROOT / "static" / "examples" / "digit_7.jpg").read_bytes()
SKIP = {".git", "__pycache__", ".pytest_cache", ".ruff_cache"}


def snapshot(root, times: bool = True) -> dict[str, int]:
    """Every file under ``root`` (but virtualenvs, caches, git and pytest's own) with its modification time."""
    found = {}
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in SKIP and not d.startswith((".venv", "pytest-of-"))]
        for name in files:
            path = os.path.join(folder, name)
            found[path] = os.stat(path).st_mtime_ns if times else 0
    return found


@pytest.fixture()
def collecting(shipped_model, tmp_path):
    from webapp import create_app

    app = create_app(
        {"MODEL_PATH": str(shipped_model), "LOAD_MODEL_AT_START": False, "FEEDBACK_DIR": str(tmp_path / "corrections")}
    )
    app.extensions[EXTENSION].get()
    return app.test_client(), tmp_path / "corrections"


def form_of(page: str) -> dict[str, str]:
    """The hidden fields of the correction form on ``page``."""
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page))


def test_without_a_folder_nothing_is_offered_and_nothing_is_ever_written(client):
    before = snapshot(PROJECT_ROOT), snapshot(tempfile.gettempdir(), times=False)
    page = client.post("/", data={"image": (io.BytesIO(PHOTO), "seven.jpg")}).get_data(as_text=True)
    assert "feedback-form" not in page and "never stored" in page
    assert client.post("/result", data={"image": (io.BytesIO(PHOTO), "seven.jpg")}).status_code == 200
    assert client.post("/api/predict", data=PHOTO, content_type="image/jpeg").status_code == 200
    refused = client.post("/feedback", data={"digit": "3", "consent": "yes", "photo": "data:image/jpeg;base64,AAAA"})
    assert refused.status_code == 404
    assert (snapshot(PROJECT_ROOT), snapshot(tempfile.gettempdir(), times=False)) == before


def test_a_correction_with_consent_is_stored_whole_and_without_metadata(collecting):
    client, folder = collecting
    page = client.post("/", data={"image": (io.BytesIO(PHOTO), "seven.jpg")}).get_data(as_text=True)
    fields = form_of(page)
    assert "feedback-form" in page and "except the small copy you choose to send" in page
    sent = client.post("/feedback", data={**fields, "digit": "8", "consent": "yes"})
    assert sent.status_code == 200 and "stored as a 8" in sent.get_data(as_text=True)
    (correction,) = FeedbackStore(folder).corrections()
    assert (
        correction.digit == 8 and correction.answered == int(fields["answered"]) and correction.photo.parent.name == "8"
    )
    with Image.open(correction.photo) as stored:
        assert stored.format == "JPEG" and max(stored.size) <= 480 and not stored.getexif()
    assert sorted(p.name for p in (folder / "8").iterdir()) == sorted([f"{correction.id}.jpg", f"{correction.id}.json"])


def test_no_consent_or_no_photo_stores_nothing(collecting):
    client, folder = collecting
    page = client.post("/", data={"image": (io.BytesIO(PHOTO), "seven.jpg")}).get_data(as_text=True)
    fields = form_of(page)
    assert client.post("/feedback", data={**fields, "digit": "8"}).status_code == 400
    assert client.post("/feedback", data={**fields, "digit": "12", "consent": "yes"}).status_code == 400
    broken = {**fields, "photo": "data:image/jpeg;base64,bm90IGEgcGhvdG8=", "digit": "8", "consent": "yes"}
    assert client.post("/feedback", data=broken).status_code == 400
    inline = client.post("/feedback", data={**fields, "digit": "8"}, headers={"X-Requested-With": "fetch"})
    assert inline.status_code == 400 and 'role="alert"' in inline.get_data(as_text=True)
    assert not folder.exists() or not list(folder.rglob("*"))


def test_the_operator_lists_and_deletes_corrections(tmp_path, capsys):
    store = FeedbackStore(tmp_path)
    kept, dropped = store.save(PHOTO, 3, 5, 0.5), store.save(PHOTO, 4)
    assert feedback_command([str(tmp_path), "list"]) == 0
    listed = capsys.readouterr().out
    assert kept.id in listed and dropped.id in listed
    assert feedback_command([str(tmp_path), "delete", dropped.id]) == 0
    assert [c.id for c in store.corrections()] == [kept.id]
    assert feedback_command([str(tmp_path), "delete", "../../etc/passwd"]) == 1  # names only, never paths
    assert feedback_command([str(tmp_path), "delete-all"]) == 0 and store.corrections() == []
