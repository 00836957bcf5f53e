"""Save the trained model as .h5 and as LiteRT exports (fp32 and full-integer int8)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from recognition.model_files import sha256_of

if TYPE_CHECKING:
    import keras

CALIBRATION_IMAGES = 180  # training images that calibrate the int8 ranges


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


def calibration_images(images: np.ndarray, seed: int, count: int = CALIBRATION_IMAGES) -> np.ndarray:
    """Return up to ``count`` of ``images`` drawn without replacement, reproducibly."""
    chosen = np.random.default_rng(seed).permutation(len(images))[:count]
    return images[np.sort(chosen)]


def export_int8(model: keras.Model, path: Path, calibration: np.ndarray) -> str:
    """Convert ``model`` to a full-integer LiteRT model (uint8 input, float output) at ``path``; return its SHA-256.

    ``calibration`` holds uint8 training images (N, 224, 224, 3) that set the activation ranges.
    """
    import tensorflow as tf

    def representative():
        for image in calibration:
            yield [image[None].astype(np.float32)]

    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = representative
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    converter.inference_input_type = tf.uint8
    path.write_bytes(converter.convert())
    return sha256_of(path)
