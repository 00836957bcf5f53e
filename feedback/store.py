"""A folder of corrections: each photo under ``<digit>/`` (the data set's layout) with a note beside it.

Nothing here knows about HTTP or TensorFlow. A correction is written atomically (a temporary file
in the same folder, then a rename), holds no personal data beyond the photo (no address, no browser,
no name), and can be listed and deleted by the operator (``python -m feedback``). The training
command reads such folders with ``--extra-data``.
"""

from __future__ import annotations

import json
import os
import secrets
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from recognition.preprocessing import CLASS_NAMES

NAME_LENGTH = 16  # hex characters of a correction's random name


@dataclass(frozen=True)
class Correction:
    """One stored correction: its photo, the digit the person says it is, and what the app answered."""

    id: str
    digit: int
    answered: int | None
    confidence: float | None
    created: str
    photo: Path


def _atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that no reader ever sees a part of it."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class FeedbackStore:
    """The corrections under ``root`` (made on first save)."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def save(self, jpeg: bytes, digit: int, answered: int | None = None, confidence: float | None = None) -> Correction:
        """Store a JPEG photo as a correction to ``digit``; return it."""
        if not 0 <= digit < len(CLASS_NAMES):
            raise ValueError(f"not a digit: {digit}")
        folder = self.root / str(digit)
        folder.mkdir(parents=True, exist_ok=True)
        identifier = secrets.token_hex(NAME_LENGTH // 2)
        created = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        note = {"digit": digit, "answered": answered, "confidence": confidence, "created": created}
        photo = folder / f"{identifier}.jpg"
        _atomic_write(folder / f"{identifier}.json", json.dumps(note).encode())
        _atomic_write(photo, jpeg)
        return Correction(identifier, digit, answered, confidence, created, photo)

    def corrections(self) -> list[Correction]:
        """Return every stored correction, oldest first."""
        found = []
        for photo in self.root.glob("[0-9]/*.jpg"):
            try:
                note = json.loads(photo.with_suffix(".json").read_text())
            except (OSError, ValueError):
                note = {}
            found.append(
                Correction(
                    photo.stem,
                    int(photo.parent.name),
                    note.get("answered"),
                    note.get("confidence"),
                    note.get("created", ""),
                    photo,
                )
            )
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
