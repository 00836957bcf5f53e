"""Make small synthetic images and data sets for the tests (no ../shared, no network)."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from PIL import Image

WALL = (214, 214, 220)
SKIN = (205, 140, 105)


def synthetic_hand(digit: int, size: int = 100, seed: int = 0) -> Image.Image:
    """Draw a skin-coloured 'hand' whose finger count is the digit, on a light wall."""
    rng = np.random.default_rng(seed * 10 + digit)
    image = np.zeros((size, size, 3), np.float32) + np.array(WALL) + rng.normal(0, 3, (size, size, 3))
    palm_top = int(size * 0.55)
    image[palm_top:size, int(size * 0.3) : int(size * 0.7)] = SKIN
    for finger in range(digit % 5 + 1):
        left = int(size * (0.3 + finger * 0.08))
        top = int(size * (0.15 + 0.05 * (digit // 5)))
        image[top:palm_top, left : left + int(size * 0.05)] = SKIN
    return Image.fromarray(np.clip(image, 0, 255).astype(np.uint8))


def make_dataset(root: Path, per_class: int = 6, size: int = 64) -> Path:
    """Write ``per_class`` synthetic JPEGs into ``root/<digit>/`` for each digit.

    Named like the real dataset's camera counters: subject ``index`` signs its ten digits as
    ``IMG_<1000 + 10 * index + digit>.JPG``, so the subject-disjoint split has ``per_class`` people.
    """
    for digit in range(10):
        folder = root / str(digit)
        folder.mkdir(parents=True, exist_ok=True)
        for index in range(per_class):
            synthetic_hand(digit, size, seed=index).save(folder / f"IMG_{1000 + 10 * index + digit}.JPG", quality=92)
    return root


def encode(image: Image.Image, format: str = "JPEG", **params) -> bytes:
    """Return ``image`` encoded in ``format`` (``"HEIF"`` too: the web app registers pillow-heif)."""
    buffer = io.BytesIO()
    image.save(buffer, format=format, **params)
    return buffer.getvalue()
