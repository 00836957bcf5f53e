"""What a decode costs in memory, known before it starts, and one per-process budget of bytes for all decodes.

The decoded picture is not all a codec holds: libjpeg keeps a progressive JPEG's coefficients at
full size (2 bytes a sample) even when it decodes at 1/8 scale; Pillow's ``reduce`` makes a
full-size premultiplied copy of an RGBA picture; libtiff reads a whole strip at its own bit depth.
:func:`working_bytes` adds these to the estimate from the header alone, and :func:`tiff_strip_count`
reads a TIFF's strip or tile count from its first directory before Pillow parses the offsets.
Concurrent decodes in a process share :class:`DecodeMemory`: a decode waits until its bytes are
free, so N pictures at once never hold more than the budget.
"""

from __future__ import annotations

import struct
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from PIL import Image

from recognition.rejections import ImageRejected, Rejection

COEFFICIENT_BYTES = 2  # libjpeg's JCOEF: one 16-bit value per sample, for the whole picture, when progressive
STRIP_TAGS = (273, 324)  # TIFF StripOffsets, TileOffsets


def jpeg_coefficient_bytes(image: Image.Image, full_size: tuple[int, int]) -> int:
    """Return what libjpeg holds for a progressive JPEG's coefficients (0 for a baseline one)."""
    if not (image.info.get("progressive") or image.info.get("progression")):
        return 0
    width, height = full_size
    layers = getattr(image, "layer", None) or [("", 1, 1, 0)] * len(image.getbands())
    most_h = max(layer[1] for layer in layers) or 1
    most_v = max(layer[2] for layer in layers) or 1
    samples = sum(width * layer[1] / most_h * height * layer[2] / most_v for layer in layers)
    return round(samples * COEFFICIENT_BYTES)


def tiff_raw_bytes(image: Image.Image) -> int:
    """Return the bytes of the largest strip libtiff reads at the file's own bit depth (0 if not a TIFF)."""
    if image.format != "TIFF":
        return 0
    tags = getattr(image, "tag_v2", {})
    bits = tags.get(258, (8,))
    bits = sum(bits) if isinstance(bits, tuple) else int(bits) * int(tags.get(277, 1))
    width, height = image.size
    rows = min(height, int(tags.get(278, height) or height))
    return rows * width * max(bits, 1) // 8


def working_bytes(image: Image.Image, full_size: tuple[int, int], decoded: int, reduced: bool) -> int:
    """Return the peak bytes of decoding ``image`` (already drafted), its decoded bytes ``decoded`` included."""
    extra = jpeg_coefficient_bytes(image, full_size) + tiff_raw_bytes(image)
    if reduced and image.mode in ("RGBA", "LA", "PA", "RGBa"):
        extra += image.width * image.height * 4  # Image.reduce premultiplies a full-size copy first
    return decoded + extra


def tiff_strip_count(data: bytes) -> int | None:
    """Return the strip or tile count of a TIFF's first directory from its header, or ``None`` if not a TIFF."""
    order = {b"II": "<", b"MM": ">"}.get(data[:2])
    if order is None or len(data) < 8:
        return None
    try:
        magic, offset = struct.unpack_from(order + "HI", data, 2)
        if magic != 42:
            return None
        (entries,) = struct.unpack_from(order + "H", data, offset)
        for index in range(min(entries, 4096)):
            tag, _kind, count = struct.unpack_from(order + "HHI", data, offset + 2 + 12 * index)
            if tag in STRIP_TAGS:
                return count
    except struct.error:
        return None
    return None


class DecodeMemory:
    """Bytes the decodes of one process may hold at once; thread-safe.

    :meth:`held` waits (up to ``wait_seconds``) until a decode's bytes are free and gives them back
    after; it returns False at once for more than the whole budget, or when the wait runs out.
    """

    def __init__(self, total_bytes: int, wait_seconds: float = 15.0) -> None:
        self.total = total_bytes
        self.free = total_bytes
        self.wait_seconds = wait_seconds
        self._changed = threading.Condition()

    @contextmanager
    def held(self, size: int) -> Iterator[bool]:
        """Hold ``size`` bytes of the budget while the block runs; yield whether they were granted."""
        granted = False
        with self._changed:
            if size <= self.total:
                granted = self._changed.wait_for(lambda: self.free >= size, timeout=self.wait_seconds)
                if granted:
                    self.free -= size
        try:
            yield granted
        finally:
            if granted:
                with self._changed:
                    self.free += size
                    self._changed.notify_all()


@dataclass(frozen=True)
class DecodeLimits:
    """What one picture may cost to decode."""

    max_megapixels: float = 40
    max_decoded_mb: float = 160  # a 48-MP progressive phone JPEG needs 140 (its coefficients)


class DecodeBudget:
    """The decoded bytes one request may spend on all its pictures together; not shared between threads."""

    def __init__(self, max_mb: float) -> None:
        self.max_mb = max_mb
        self.left = max_mb * 1024 * 1024

    def spend(self, decoded_bytes: int) -> None:
        """Take ``decoded_bytes`` from the budget, or refuse it as too large when it would run out."""
        if decoded_bytes > self.left:
            raise ImageRejected(
                f"The pictures of this request would take more than {self.max_mb:g} MB to decode together; "
                "send fewer or smaller pictures.",
                Rejection.TOO_LARGE,
            )
        self.left -= decoded_bytes
