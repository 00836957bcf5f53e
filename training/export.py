"""Save the trained model as .h5 and .tflite, and write its model card."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # keep this module importable without TensorFlow (the LiteRT web app uses it)
    import keras


def sha256_of(path: Path) -> str:
    """Return the hex SHA-256 of the file at ``path``."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def save_h5(model: keras.Model, path: Path) -> str:
    """Save ``model`` (architecture and weights, no optimizer) as HDF5; return its SHA-256."""
    path.parent.mkdir(parents=True, exist_ok=True)
    model.save(path, include_optimizer=False)
    return sha256_of(path)


def export_tflite(model: keras.Model, path: Path) -> str:
    """Convert ``model`` to an fp32 LiteRT flatbuffer at ``path``; return its SHA-256."""
    import tensorflow as tf

    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    path.write_bytes(converter.convert())
    return sha256_of(path)


def card_path(model_path: Path) -> Path:
    """Return where the model card of ``model_path`` lives (same name, ``.json``)."""
    return model_path.with_suffix(".json")


def write_card(model_path: Path, card: dict) -> Path:
    """Write ``card`` beside ``model_path`` and return its path."""
    path = card_path(model_path)
    path.write_text(json.dumps(card, indent=1) + "\n")
    return path
