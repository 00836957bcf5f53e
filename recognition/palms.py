"""Decode MediaPipe's palm detector: its input letterbox, anchors, palms and the square framing each hand.

The detector takes the picture letterboxed to 192x192, RGB scaled to [0, 1], and scores 2016
anchors; each anchor regresses a palm box and 7 keypoints (18 numbers, in 192-pixel units, centres
relative to the anchor). Pure NumPy and Pillow; :mod:`recognition.hands` runs the model.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from PIL import Image

DETECTOR_SIZE = 192
OVERLAP = 0.3  # anchors overlapping the best box this much (IoU) are averaged into it
MIN_SCORE = 0.1  # below this no box is returned at all (the caller falls back to the whole picture)


@lru_cache(maxsize=1)
def anchors() -> np.ndarray:
    """Return the detector's 2016 anchor centres (x, y) in [0, 1]: 24x24 cells x 2, then 12x12 x 6."""
    centres = []
    for grid, per_cell in ((24, 2), (12, 6)):
        ys, xs = np.mgrid[0:grid, 0:grid]
        cell = np.stack([(xs + 0.5) / grid, (ys + 0.5) / grid], axis=-1).reshape(-1, 1, 2)
        centres.append(np.repeat(cell, per_cell, axis=1).reshape(-1, 2))
    return np.concatenate(centres).astype(np.float32)


def letterbox(image: Image.Image, size: int = DETECTOR_SIZE) -> tuple[np.ndarray, float, float, float]:
    """Return ``image`` scaled into a black ``size`` square as float32 [0, 1], with the scale and offsets used."""
    width, height = image.size
    scale = size / max(width, height)
    resized = image.resize((max(1, round(width * scale)), max(1, round(height * scale))), Image.Resampling.BILINEAR)
    offset_x, offset_y = (size - resized.width) // 2, (size - resized.height) // 2
    canvas = resized
    if resized.size != (size, size):
        canvas = Image.new("RGB", (size, size))
        canvas.paste(resized, (offset_x, offset_y))
    return unit_floats(canvas), scale, offset_x, offset_y


def unit_floats(pixels: Image.Image | np.ndarray) -> np.ndarray:
    """Return RGB uint8 ``pixels`` as float32 in [0, 1], as MediaPipe's models take them (scaled in place)."""
    array = np.array(pixels, np.float32)
    array /= 255.0
    return array


def _iou(box: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    """Return the IoU of one (x0, y0, x1, y1) box with each of ``boxes``."""
    x0 = np.maximum(box[0], boxes[:, 0])
    y0 = np.maximum(box[1], boxes[:, 1])
    x1 = np.minimum(box[2], boxes[:, 2])
    y1 = np.minimum(box[3], boxes[:, 3])
    inter = np.clip(x1 - x0, 0, None) * np.clip(y1 - y0, 0, None)
    area = (box[2] - box[0]) * (box[3] - box[1])
    areas = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    return inter / np.maximum(area + areas - inter, 1e-9)


def decode_palms(
    regressors: np.ndarray, logits: np.ndarray, limit: int = 1, size: int = DETECTOR_SIZE
) -> list[tuple[float, np.ndarray]]:
    """Return up to ``limit`` (score, palm) pairs, best first, in detector units [0, 1].

    Each palm is the best remaining anchor averaged with the anchors overlapping it (which are then
    used up). ``palm`` holds centre x, y, width, height and keypoints 0 and 2 (x, y each): 8 numbers.
    """
    scores = 1 / (1 + np.exp(-np.clip(logits.reshape(-1), -80, 80)))
    left = scores >= MIN_SCORE
    if not left.any():
        return []
    centres = anchors()
    raw = regressors.reshape(-1, 18) / size
    cx, cy = raw[:, 0] + centres[:, 0], raw[:, 1] + centres[:, 1]
    boxes = np.stack([cx - raw[:, 2] / 2, cy - raw[:, 3] / 2, cx + raw[:, 2] / 2, cy + raw[:, 3] / 2], axis=1)
    keypoints = raw[:, 4:8] + np.tile(centres, 2)
    palms = []
    while left.any() and len(palms) < limit:
        best = int(np.argmax(np.where(left, scores, -1.0)))
        near = (_iou(boxes[best], boxes) >= OVERLAP) & left
        weights = scores[near] / scores[near].sum()
        palm = np.concatenate([cx[near, None], cy[near, None], raw[near, 2:4], keypoints[near]], axis=1)
        palms.append((float(scores[best]), (palm * weights[:, None]).sum(axis=0)))
        left &= ~near
    return palms
