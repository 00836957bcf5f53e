"""The model's files people may take away: the LiteRT exports, the geometry model, the card and settings.

Listed by ``GET /api/model`` (``downloads``: name, size, SHA-256, licence) and the ``/api`` page,
served by ``GET /api/files/<name>`` as attachments. Only the files named here can be fetched: the
name is looked up, never joined to a path.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from recognition.model_files import ModelFiles
from recognition.paths import CHECKER_PATH, DETECTOR_PATH

MODEL_LICENCE = (
    "Apache-2.0: fine-tuned from Keras' ImageNet MobileNet (Apache-2.0) on the Sign Language Digits Dataset "
    "(Apache-2.0, Zeynep Dikle and Arda Mavi)"
)
HANDS_LICENCE = "Apache-2.0: MediaPipe's hand models, unchanged (models/hands/NOTICE.txt)"


def downloadable(model_path: str | Path) -> dict[str, tuple[Path, str, str]]:
    """Return name -> (path, what it is, licence) for the files of ``model_path`` that exist."""
    files = ModelFiles.from_h5(model_path)
    offered = {
        files.h5.name: (files.h5, "the classifier as a Keras 3 .h5 model (the reference)", MODEL_LICENCE),
        files.export("fp32").name: (files.export("fp32"), "the classifier as a float32 LiteRT model", MODEL_LICENCE),
        files.export("int8").name: (files.export("int8"), "the classifier as an int8 LiteRT model", MODEL_LICENCE),
        files.geometry.name: (files.geometry, "the hand-geometry classifier (NumPy arrays)", MODEL_LICENCE),
        files.card.name: (files.card, "the model card: data, recipe, measured accuracy", MODEL_LICENCE),
        files.settings.name: (files.settings, "the thresholds chosen on validation", MODEL_LICENCE),
        DETECTOR_PATH.name: (DETECTOR_PATH, "MediaPipe's palm detector (LiteRT)", HANDS_LICENCE),
        CHECKER_PATH.name: (CHECKER_PATH, "MediaPipe's hand-landmark model (LiteRT)", HANDS_LICENCE),
    }
    return {name: entry for name, entry in offered.items() if entry[0].is_file()}


@lru_cache(maxsize=32)
def _sha256(path: Path, size: int, modified: float) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def sha256_of(path: Path) -> str:
    """Return the SHA-256 of ``path``, computed once per version of the file in this process."""
    stat = path.stat()
    return _sha256(path, stat.st_size, stat.st_mtime)


def listing(model_path: str | Path, url_for_file) -> list[dict[str, object]]:
    """Return one entry per downloadable file: name, what, bytes, SHA-256, licence and URL."""
    return [
        {
            "file": name,
            "what": what,
            "bytes": path.stat().st_size,
            "sha256": sha256_of(path),
            "licence": licence,
            "url": url_for_file(name),
        }
        for name, (path, what, licence) in downloadable(model_path).items()
    ]
