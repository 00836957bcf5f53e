"""The files of one trained model and its card: where they live, how they are read, which exports match.

A model ``NAME.h5`` has beside it ``NAME.json`` (the card), ``NAME.manifest.json`` (the split),
``NAME.settings.json`` (thresholds chosen on validation), ``NAME.geometry.npz`` (the hand-geometry classifier),
``NAME.tflite`` (fp32), ``NAME.int8.tflite`` (full-integer) and two plots. The card records each
export with its SHA-256 and the SHA-256 of the ``.h5`` it was made from; an export whose hashes
do not match is never served. No TensorFlow here.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

PRECISIONS = ("fp32", "int8")


def sha256_of(path: Path) -> str:
    """Return the hex SHA-256 of the file at ``path``."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True)
class ModelFiles:
    """Paths of a model's files, all derived from its ``.h5``."""

    h5: Path

    @classmethod
    def from_h5(cls, path: str | Path) -> ModelFiles:
        path = Path(path)
        if path.suffix != ".h5":
            raise ValueError(f"a model is named by its .h5 file, not {path.name}")
        return cls(path)

    def _beside(self, suffix: str) -> Path:
        return self.h5.with_name(self.h5.stem + suffix)

    @property
    def name(self) -> str:
        return self.h5.stem

    @property
    def card(self) -> Path:
        return self._beside(".json")

    @property
    def settings(self) -> Path:
        return self._beside(".settings.json")

    @property
    def geometry(self) -> Path:
        return self._beside(".geometry.npz")

    @property
    def manifest(self) -> Path:
        return self._beside(".manifest.json")

    @property
    def history_plot(self) -> Path:
        return self._beside(".history.png")

    @property
    def confusion_plot(self) -> Path:
        return self._beside(".confusion.png")

    def export(self, precision: str) -> Path:
        """Return where the LiteRT export of ``precision`` (fp32 or int8) lives."""
        if precision not in PRECISIONS:
            raise ValueError(f"unknown precision {precision!r}; use {' or '.join(PRECISIONS)}")
        return self._beside(".tflite" if precision == "fp32" else f".{precision}.tflite")

    def read_card(self) -> dict:
        """Return the model card, or an empty dict when there is none or it is not JSON."""
        try:
            card = json.loads(self.card.read_text())
        except (OSError, ValueError):
            return {}
        return card if isinstance(card, dict) else {}

    def write_card(self, card: dict) -> Path:
        """Write ``card`` beside the model and return its path."""
        self.card.write_text(json.dumps(card, indent=1) + "\n")
        return self.card

    def export_entry(self, precision: str, h5_sha256: str, **extra: object) -> dict:
        """Return the card entry that vouches for the export of ``precision`` made from the .h5 with ``h5_sha256``."""
        path = self.export(precision)
        return {
            "file": path.name,
            "sha256": sha256_of(path),
            "h5_sha256": h5_sha256,
            "bytes": path.stat().st_size,
            **extra,
        }

    def verified_export(self, precision: str, card: dict | None = None) -> Path | None:
        """Return the export of ``precision`` if the card vouches that it matches the .h5 (and passed its gate)."""
        card = self.read_card() if card is None else card
        entry = ((card.get("files") or {}).get("exports") or {}).get(precision) or {}
        if not entry.get("file") or entry.get("served") is False:
            return None
        path = self.h5.with_name(entry["file"])
        if not path.is_file() or not self.h5.is_file():
            return None
        if entry.get("h5_sha256") != sha256_of(self.h5) or entry.get("sha256") != sha256_of(path):
            return None
        return path
