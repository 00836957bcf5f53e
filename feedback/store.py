"""A folder of corrections: each photo under ``<digit>/`` (the data set's layout) with a note beside it.

Nothing here knows about HTTP or TensorFlow. A correction is a pair, photo and note, written as a
pair: both go to temporary files in the digit's folder first, then the note and the photo are
renamed into place, and if anything fails on the way (a full disk, a folder that cannot be written)
whatever was written is removed and :class:`StoreUnavailable` is raised. A note left without its
photo (a crash between the two renames) is an *orphan*: listed as such and removed by
``delete-all``. The store holds at most ``max_count`` corrections and ``max_bytes`` bytes
(:class:`StoreFull` beyond). It keeps no personal data beyond the photo (no address, no browser,
no name) and can be listed and deleted by the operator (``python -m feedback``). The training
command reads such folders with ``--extra-data``.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import secrets
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

from recognition.preprocessing import CLASS_NAMES

NAME_LENGTH = 16  # hex characters of a correction's random name
TEMPORARY_PREFIX = ".incoming-"


class StoreUnavailable(Exception):
    """The folder cannot take a correction now (not writable, disk full); nothing was left behind."""


class StoreFull(StoreUnavailable):
    """The store holds as many corrections, or bytes, as it may."""


@dataclass(frozen=True)
class Correction:
    """One stored correction: its photo, the digit the person says it is, and what the app answered."""

    id: str
    digit: int
    answered: int | None
    confidence: float | None
    created: str
    photo: Path | None  # the photo's file; None for an orphan (a note whose photo is missing) or in a database
    where: str = ""  # where the photo is kept, for people ("database" for the database store)

    @property
    def orphan(self) -> bool:
        return self.photo is None and not self.where


def new_correction(digit: int, answered: object, confidence: object, photo: Path | None, where: str = "") -> Correction:
    """Return the record of a correction about to be stored: a new random name, the time, the answer and
    confidence kept only when they are a digit and a probability; raise ``ValueError`` if ``digit`` is not one."""
    if not 0 <= digit < len(CLASS_NAMES):
        raise ValueError(f"not a digit: {digit}")
    identifier = secrets.token_hex(NAME_LENGTH // 2)
    created = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    answered = answered if isinstance(answered, int) and 0 <= answered < len(CLASS_NAMES) else None
    return Correction(identifier, digit, answered, clean_confidence(confidence), created, photo, where)


def refuse_when_full(count: int, size: int, adding: int, max_count: int, max_bytes: int) -> None:
    """Raise :class:`StoreFull` when one more correction of ``adding`` bytes would pass a store's caps."""
    if count >= max_count or size + adding > max_bytes:
        raise StoreFull(f"the store holds {count} corrections, {size / 2**20:.1f} MB: its limit")


def clean_confidence(value: object) -> float | None:
    """Return ``value`` as a confidence (a finite number from 0 to 1), or ``None`` when it is not one."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) and 0.0 <= number <= 1.0 else None


def _temporary(folder: Path, data: bytes) -> Path:
    """Write ``data`` to a new temporary file in ``folder``, flushed to disk; return its path."""
    handle, name = tempfile.mkstemp(dir=folder, prefix=TEMPORARY_PREFIX)
    path = Path(name)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path


class FeedbackStore:
    """The corrections under ``root`` (made on first save), at most ``max_count`` of them and ``max_bytes``."""

    def __init__(self, root: str | Path, max_count: int = 10_000, max_bytes: int = 500 * 2**20) -> None:
        self.root = Path(root)
        self.max_count = max_count
        self.max_bytes = max_bytes

    def usage(self) -> tuple[int, int]:
        """Return how many corrections the store holds and how many bytes its files take."""
        count, size = 0, 0
        for path in self.root.glob("[0-9]/*"):
            with contextlib.suppress(OSError):
                size += path.stat().st_size
                count += path.suffix == ".jpg"
        return count, size

    def save(self, jpeg: bytes, digit: int, answered: int | None = None, confidence: float | None = None) -> Correction:
        """Store a JPEG photo as a correction to ``digit``, photo and note together; return it."""
        folder = self.root / str(digit)
        record = new_correction(digit, answered, confidence, None)
        refuse_when_full(*self.usage(), len(jpeg) + 200, self.max_count, self.max_bytes)  # 200: about the note
        note = {"digit": digit, "answered": record.answered, "confidence": record.confidence, "created": record.created}
        photo, note_path = folder / f"{record.id}.jpg", folder / f"{record.id}.json"
        written: list[Path] = []
        try:
            folder.mkdir(parents=True, exist_ok=True)
            written.append(_temporary(folder, json.dumps(note).encode()))
            written.append(_temporary(folder, jpeg))
            os.replace(written[0], note_path)
            written[0] = note_path
            os.replace(written[1], photo)
        except OSError as error:
            for path in written:
                path.unlink(missing_ok=True)
            raise StoreUnavailable(f"the correction could not be written: {error.strerror or error}") from error
        return replace(record, photo=photo)

    def corrections(self) -> list[Correction]:
        """Return every stored correction, oldest first, orphans (notes without a photo) included."""
        found = []
        for note_path in self.root.glob("[0-9]/*.json"):
            photo = note_path.with_suffix(".jpg")
            try:
                note = json.loads(note_path.read_text())
            except (OSError, ValueError):
                note = {}
            note = note if isinstance(note, dict) else {}
            answered = note.get("answered")
            found.append(
                Correction(
                    note_path.stem,
                    int(note_path.parent.name),
                    answered if isinstance(answered, int) else None,
                    clean_confidence(note.get("confidence")),
                    str(note.get("created", "")),
                    photo if photo.is_file() else None,
                )
            )
        noted = {c.id for c in found}
        for photo in self.root.glob("[0-9]/*.jpg"):
            if photo.stem not in noted:  # a photo whose note was lost: still a correction to its folder's digit
                found.append(Correction(photo.stem, int(photo.parent.name), None, None, "", photo))
        return sorted(found, key=lambda correction: (correction.created, correction.id))

    def delete(self, identifier: str) -> bool:
        """Delete the correction ``identifier`` (photo and note); return whether there was one."""
        if len(identifier) != NAME_LENGTH or any(c not in "0123456789abcdef" for c in identifier):
            return False
        deleted = False
        for path in self.root.glob(f"[0-9]/{identifier}.*"):
            path.unlink()
            deleted = True
        return deleted

    def delete_leftovers(self) -> int:
        """Delete temporary files a failed write left behind; return how many."""
        leftovers = list(self.root.glob(f"[0-9]/{TEMPORARY_PREFIX}*"))
        for path in leftovers:
            path.unlink(missing_ok=True)
        return len(leftovers)
