"""Decode a HEIC/HEIF photo straight to the working size: libheif's picture is averaged down in strips.

Through Pillow, a phone's HEIC is held three times at full size (libheif's tiles and picture,
Pillow's 4-byte copy, then the reduction): about 8 bytes a pixel, so a 24-MP iPhone photo did not
fit one picture's decode memory. Here libheif's picture (3 bytes a pixel, 4 with alpha) is read in
place and averaged block by block, a few rows at a time: the peak is about 1.7 times the picture
(measured by ``bench/hostile.py``: :data:`HEIF_COPIES`). libheif applies the file's rotation and
mirroring; the EXIF orientation is not applied again.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

HEIF_COPIES = 1.75  # peak bytes of a decode over the decoded picture's bytes (libheif's tiles and picture)
STRIP_ROWS = 32  # output rows averaged at once


def _average(cells: np.ndarray, factor: int, alpha: bool) -> np.ndarray:
    """Return the ``(rows, factor, cols, factor, channels)`` blocks averaged, transparency laid on white."""
    if not alpha:
        total = cells.sum(axis=(1, 3), dtype=np.uint32)
        return ((total + factor * factor // 2) // (factor * factor)).astype(np.uint8)
    cover = cells[..., -1:].astype(np.uint32)
    colour = (cells[..., :-1] * cover).sum(axis=(1, 3), dtype=np.uint32)
    full = factor * factor * 255
    covered = cover.sum(axis=(1, 3), dtype=np.uint32)
    return ((colour + (full - covered) * 255 + full // 2) // full).astype(np.uint8)


def reduce_pixels(pixels: np.ndarray, factor: int, alpha: bool) -> np.ndarray:
    """Return ``pixels`` (height, width, channels; uint8) averaged over ``factor``-square blocks, alpha on white.

    Blocks cut by the right or bottom edge are dropped; the work is done ``STRIP_ROWS`` output rows at a time.
    """
    rows, cols = pixels.shape[0] // factor, pixels.shape[1] // factor
    channels = pixels.shape[2] - (1 if alpha else 0)
    out = np.empty((rows, cols, channels), np.uint8)
    for top in range(0, rows, STRIP_ROWS):
        bottom = min(rows, top + STRIP_ROWS)
        strip = pixels[top * factor : bottom * factor, : cols * factor]
        cells = strip.reshape(bottom - top, factor, cols, factor, pixels.shape[2])
        out[top:bottom] = _average(cells, factor, alpha)
    return out


def read_heif(data: bytes) -> np.ndarray:
    """Return the primary picture of the HEIF ``data``, upright, as libheif decoded it: (height, width, channels).

    The array is libheif's own buffer, read in place. Raises what libheif raises on bad data
    (``ValueError``, ``RuntimeError``); the caller answers it.
    """
    import pillow_heif  # the serving install has it; imported here so that importing this module stays light

    heif = pillow_heif.open_heif(data, convert_hdr_to_8bit=True)
    if heif.mode not in ("L", "LA", "RGB", "RGBA"):
        raise ValueError(f"unexpected HEIF mode {heif.mode}")
    width, height = heif.size
    channels = len(heif.mode)  # L, LA, RGB, RGBA: a byte each
    return np.ndarray(  # its rows as long as libheif made them
        (height, width, channels), np.uint8, buffer=heif.data, strides=(heif.stride, channels, 1)
    )


def shrink_heif(pixels: np.ndarray, factor: int) -> Image.Image:
    """Return :func:`read_heif`'s ``pixels`` shrunk ``factor`` times, in RGB, transparency on white."""
    picture = reduce_pixels(pixels, max(1, factor), alpha=pixels.shape[2] in (2, 4))
    if picture.shape[2] == 1:
        picture = np.repeat(picture, 3, axis=2)
    return Image.fromarray(picture)  # uint8, three channels: RGB
