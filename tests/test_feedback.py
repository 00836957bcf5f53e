"""Corrections: never offered or stored without the operator's folder; with it, stored atomically, with consent only."""

from __future__ import annotations

import io
import os
import re
import tempfile

import pytest
from PIL import Image

from feedback.__main__ import main as feedback_command
from feedback.store import FeedbackStore, StoreUnavailable
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


def collecting_app(shipped_model, folder, **config):
    from webapp import create_app

    app = create_app(
        {"MODEL_PATH": str(shipped_model), "LOAD_MODEL_AT_START": False, "FEEDBACK_DIR": str(folder), **config}
    )
    app.extensions[EXTENSION].get()
    return app.test_client()


@pytest.fixture()
def collecting(shipped_model, tmp_path):
    return collecting_app(shipped_model, tmp_path / "corrections"), tmp_path / "corrections"


def small_photo_field(comment: bytes = b"") -> str:
    """A correction form's photo field: a small JPEG data URL (with a JPEG comment when given)."""
    import base64

    buffer = io.BytesIO()
    Image.open(io.BytesIO(PHOTO)).convert("RGB").resize((120, 120)).save(buffer, "JPEG", comment=comment)
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode()


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
    assert sent.status_code == 200 and "stored as 8." in sent.get_data(as_text=True)
    (correction,) = FeedbackStore(folder).corrections()
    assert (
        correction.digit == 8 and correction.answered == int(fields["answered"]) and correction.photo.parent.name == "8"
    )
    with Image.open(correction.photo) as stored:
        assert stored.format == "JPEG" and max(stored.size) <= 480 and not stored.getexif()
        assert not {"comment", "exif", "icc_profile", "xmp"} & set(stored.info)
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


def test_one_client_is_held_to_its_rate_and_the_store_to_its_cap(shipped_model, tmp_path):
    folder = tmp_path / "c"
    client = collecting_app(shipped_model, folder, FEEDBACK_PER_HOUR=5, FEEDBACK_MAX_COUNT=3)
    form = {"photo": small_photo_field(), "digit": "2", "consent": "yes", "answered": "1", "confidence": "0.5"}
    statuses = [client.post("/feedback", data=form).status_code for _ in range(40)]
    assert statuses[:3] == [200] * 3 and statuses[3:5] == [503] * 2  # the cap
    assert set(statuses[5:]) == {429}  # the rate, from the sixth in the hour
    assert len(FeedbackStore(folder).corrections()) == 3


def test_an_unwritable_folder_is_a_503_and_leaves_nothing(shipped_model, tmp_path, monkeypatch):
    folder = tmp_path / "c"
    client = collecting_app(shipped_model, folder)
    form = {"photo": small_photo_field(), "digit": "2", "consent": "yes"}
    real_replace = os.replace

    def disk_full_on_the_photo(source, target):
        if str(target).endswith(".jpg"):
            raise OSError(28, "No space left on device")
        return real_replace(source, target)

    monkeypatch.setattr(os, "replace", disk_full_on_the_photo)
    answer = client.post("/feedback", data=form)
    assert answer.status_code == 503 and "Nothing was stored" in answer.get_data(as_text=True)
    assert [p for p in folder.rglob("*") if p.is_file()] == []  # neither the note nor a temporary file
    monkeypatch.undo()

    def not_allowed(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", not_allowed)  # a folder that cannot be written
    answer = client.post("/feedback", data=form)
    assert answer.status_code == 503 and "cannot be saved right now" in answer.get_data(as_text=True)
    assert [p for p in folder.rglob("*") if p.is_file()] == []


def test_confidences_are_kept_only_when_they_are_probabilities_and_comments_are_dropped(collecting):
    client, folder = collecting
    photo = small_photo_field(comment=b"taken at 1 Main Street")
    for confidence in ("nan", "inf", "-5", "7", "0.25"):
        form = {"photo": photo, "digit": "2", "consent": "yes", "answered": "3", "confidence": confidence}
        assert client.post("/feedback", data=form).status_code == 200
    stored = FeedbackStore(folder).corrections()
    assert sorted(c.confidence for c in stored if c.confidence is not None) == [0.25]
    assert sum(c.confidence is None for c in stored) == 4
    for correction in stored:
        assert b"Main Street" not in correction.photo.read_bytes()
    for note in folder.rglob("*.json"):
        assert "NaN" not in note.read_text() and "Infinity" not in note.read_text()


def test_a_long_text_field_is_refused_before_it_is_kept(client):
    answer = client.post("/api/predict", data={"image": (io.BytesIO(PHOTO), "a.jpg"), "track": "1," * 600_000})
    assert answer.status_code == 413 and "track" in answer.get_json()["error"]


def test_the_command_line_says_what_it_cannot_do(tmp_path, capsys):
    assert feedback_command([str(tmp_path / "missing"), "list"]) == 2
    assert "no feedback folder" in capsys.readouterr().err
    assert feedback_command([str(tmp_path / "missing"), "delete-all"]) == 2
    store = FeedbackStore(tmp_path)
    kept = store.save(PHOTO, 3)
    orphan = store.save(PHOTO, 5, 5, 0.9)
    orphan.photo.unlink()  # a note whose photo was lost
    (tmp_path / "3" / ".incoming-x1").write_bytes(b"half")
    assert feedback_command([str(tmp_path), "list"]) == 0
    listed = capsys.readouterr()
    assert (
        "ORPHAN" in listed.out and orphan.id in listed.out and kept.id in listed.out and "2 corrections" in listed.err
    )
    assert "answer not recorded" in listed.out and "(0%)" not in listed.out
    assert feedback_command([str(tmp_path), "delete-all"]) == 0
    assert "deleted 2 and 1 unfinished writes" in capsys.readouterr().out
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_a_store_that_cannot_write_raises_and_keeps_nothing(tmp_path):
    blocker = tmp_path / "root"
    blocker.write_text("a file where the folder should be")
    with pytest.raises(StoreUnavailable):
        FeedbackStore(blocker).save(PHOTO, 1)
    assert blocker.read_text() == "a file where the folder should be"


def test_the_rate_counts_the_forwarded_client_only_behind_a_configured_proxy(shipped_model, tmp_path):
    form = {"photo": small_photo_field(), "digit": "2", "consent": "yes"}
    for hops, second_client_status in ((0, 429), (1, 200)):
        client = collecting_app(shipped_model, tmp_path / f"c{hops}", FEEDBACK_PER_HOUR=1, PROXY_HOPS=hops)
        first = client.post("/feedback", data=form, headers={"X-Forwarded-For": "203.0.113.1"})
        second = client.post("/feedback", data=form, headers={"X-Forwarded-For": "203.0.113.2"})
        assert (first.status_code, second.status_code) == (200, second_client_status), hops
