"""Separate the hand from the light, even wall that the training photos share."""

from __future__ import annotations

import os

import numpy as np
from scipy import ndimage

from recognition.parallel import in_parallel

CHROMA_THRESHOLD = 0.12
DARK_FRACTION = 0.45
MAX_FILLED_HOLE = 0.002


def hand_mask(rgb: np.ndarray) -> np.ndarray:
    """Return a boolean mask of the hand (and arm) in a photo taken against a plain light wall.

    The wall's colour is the median of the top and side borders. A pixel belongs to the hand
    where its chromaticity differs from the wall's or where it is much darker than the wall
    (sleeves, shadows in the palm). The largest connected region is kept and only small holes
    are filled, so the gap in a "0" or a "9" still shows the background.
    """
    pixels = rgb.astype(np.float32) / 255.0
    height, _width, _ = pixels.shape
    border = max(2, height // 20)
    ring = np.concatenate(
        [
            pixels[:border].reshape(-1, 3),
            pixels[:, :border].reshape(-1, 3),
            pixels[:, -border:].reshape(-1, 3),
        ]
    )
    wall = np.median(ring, axis=0)
    luminance = pixels.mean(axis=-1)
    chroma = pixels / (luminance[..., None] + 1e-3)
    wall_chroma = wall / (wall.mean() + 1e-3)
    chroma_distance = np.sqrt(((chroma - wall_chroma) ** 2).sum(axis=-1))
    mask = (chroma_distance > CHROMA_THRESHOLD) | (luminance < DARK_FRACTION * wall.mean())
    mask = ndimage.binary_opening(mask, iterations=max(1, height // 100))
    labelled, count = ndimage.label(mask)
    if count == 0:
        return np.zeros(mask.shape, dtype=bool)
    sizes = ndimage.sum(mask, labelled, range(1, count + 1))
    mask = labelled == (int(np.argmax(sizes)) + 1)
    holes = ndimage.binary_fill_holes(mask) & ~mask
    hole_labels, hole_count = ndimage.label(holes)
    if hole_count:
        hole_sizes = ndimage.sum(holes, hole_labels, range(1, hole_count + 1))
        small = np.flatnonzero(hole_sizes <= MAX_FILLED_HOLE * mask.size) + 1
        mask |= np.isin(hole_labels, small)
    return mask


def hand_masks(images: np.ndarray | list[np.ndarray], workers: int | None = None) -> list[np.ndarray]:
    """Return :func:`hand_mask` of each image, computed by ``workers`` threads (default: one per core)."""
    return in_parallel(hand_mask, list(images), workers or os.cpu_count() or 1)
