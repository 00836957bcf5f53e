"""Turn any decoded picture into the model's input, identically for training and serving.

This module must not import TensorFlow: the web app uses it with the LiteRT backend.
"""

from __future__ import annotations

import contextlib

import numpy as np
from PIL import Image, ImageOps

IMAGE_SIZE = 224
CLASS_NAMES: tuple[str, ...] = tuple(str(digit) for digit in range(10))
RESAMPLING = Image.Resampling.BILINEAR
PREPROCESSING_NOTE = (
    "EXIF-upright, first frame, RGB (alpha composited on white), centre crop to a square, "
    f"Pillow bilinear resize to {IMAGE_SIZE}x{IMAGE_SIZE}, uint8 0-255 into the model; "
    "the model itself scales x/127.5-1 (keras.applications.mobilenet.preprocess_input)."
)


def to_rgb(image: Image.Image) -> Image.Image:
    """Return the first frame of ``image``, upright and in RGB, transparency on white."""
    with contextlib.suppress(EOFError):
        image.seek(0)
    image = ImageOps.exif_transpose(image)
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        # 16/32-bit greyscale: scale to 8 bits instead of clipping.
        array = np.asarray(image, dtype=np.float64)
        peak = float(array.max()) or 1.0
        scaled = np.clip(array / max(peak, 255.0) * 255.0 if peak > 255 else array, 0, 255)
        return Image.fromarray(scaled.astype(np.uint8)).convert("RGB")
    return image.convert("RGB")


def center_square(image: Image.Image) -> Image.Image:
    """Crop the largest centred square out of ``image``."""
    width, height = image.size
    side = min(width, height)
    left = (width - side) // 2
    top = (height - side) // 2
    return image.crop((left, top, left + side, top + side))


def to_model_input(image: Image.Image, size: int = IMAGE_SIZE) -> np.ndarray:
    """Return ``image`` as a ``(size, size, 3)`` uint8 array ready for the model."""
    square = center_square(to_rgb(image))
    if square.size != (size, size):
        square = square.resize((size, size), RESAMPLING)
    return np.asarray(square, dtype=np.uint8)
