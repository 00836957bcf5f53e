"""Decode uploaded bytes into an upright RGB picture, in memory, with bounded work and errors a person understands.

This is the one place that decodes. What would cost too much is refused before decoding: pixel
count (JPEGs by the size they decode to at a reduced scale), decoded bytes, the request's decode
budget, extreme shapes, and layouts that Pillow decodes in Python (RLE bitmaps, TIFFs cut in
thousands of strips or tiles). Only the codec's own failures become :class:`ImageRejected` (4xx);
a failure of the code after decoding is a bug and is left to the app's 500 handler.

Process-wide setup (the HEIF opener, the allocator's trim threshold) is applied by
:func:`recognition.memory.configure_process`, called once by the app factory, never on import.
"""

from __future__ import annotations

import enum
import io
import logging
import math
import struct
import threading
import warnings
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

from recognition.memory import give_back_memory
from recognition.preprocessing import to_rgb

log = logging.getLogger(__name__)

ACCEPTED_FORMATS = {"JPEG", "PNG", "GIF", "WEBP", "BMP", "TIFF", "MPO", "AVIF", "HEIF"}
ACCEPTED_NAMES = "JPEG, PNG, GIF, WebP, BMP, TIFF, AVIF or HEIC"
ACCEPTED_MEDIA_TYPES = (
    "image/jpeg",
    "image/png",
    "image/gif",
    "image/webp",
    "image/bmp",
    "image/tiff",
    "image/avif",
    "image/heic",
    "image/heif",
)  # what the pages let a person choose (checked again here, by content, whatever the browser says)
WORK_SIZE = 448  # short side the picture is reduced to (at least) before localisation and cropping
MAX_LONG_SIDE = 4 * WORK_SIZE  # ... and the long side at most, however long the picture
MAX_ASPECT = 20  # a picture longer than this many times its width cannot show a hand to read
MAX_JPEG_SCANS = 32  # a normal progressive JPEG has about 10; thousands make a minute-long decode
MAX_RLE_PIXELS = 2_000_000  # run-length BMPs are decoded in Python (about 0.15 s per megapixel)
MAX_TIFF_TILES = 4096  # strips or tiles: each costs a Python-level decoder call
BYTES_PER_PIXEL = {"1": 1, "L": 1, "P": 1, "I;16": 2, "I;16B": 2, "I;16L": 2, "I;16N": 2}  # others: 4
# Peak memory of a decode over its picture's size, where a codec holds copies (measured by bench/hostile.py:
# Pillow's WebP path keeps the decoder's canvas, a bytes copy and the image; libavif and libheif one more).
DECODE_COPIES = {"WEBP": 4.0, "AVIF": 2.2, "HEIF": 2.0}
BIG_DECODE_BYTES = 32 * 1024 * 1024  # decodes above this take the process's one big-decode slot
# What Pillow and its codecs raise on bad data (besides UnidentifiedImageError, an OSError).
CODEC_ERRORS = (
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
    RuntimeError,
    struct.error,
    IndexError,
    KeyError,
    TypeError,
    ZeroDivisionError,
)
DECODE_FAILURES = (*CODEC_ERRORS, MemoryError, Image.DecompressionBombError, Image.DecompressionBombWarning)
_big_decode = threading.Semaphore(1)


class Rejection(enum.Enum):
    """Why an upload cannot be classified (the web layer maps each to an HTTP status)."""

    UNREADABLE = "unreadable"  # not an image, corrupt, empty, or no file at all
    TOO_LARGE = "too large"  # over a size, pixel, decode or count limit
    NOT_ACCEPTED = "not accepted"  # an image format that is not accepted


class ImageRejected(Exception):
    """An upload that cannot be classified: a message for people and the ``reason``."""

    def __init__(self, message: str, reason: Rejection = Rejection.UNREADABLE) -> None:
        super().__init__(message)
        if not isinstance(reason, Rejection):
            raise TypeError(f"a rejection's reason is a Rejection, not {reason!r}")
        self.message = message
        self.reason = reason


@dataclass(frozen=True)
class DecodeLimits:
    """What one picture may cost to decode."""

    max_megapixels: float = 40
    max_decoded_mb: float = 120


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


def _sniff_unsupported(data: bytes) -> str | None:
    """Name a known image format Pillow cannot or should not decode here, if ``data`` is one."""
    head = data[:512].lstrip().lower()
    if head.startswith(b"<svg") or (head.startswith(b"<?xml") and b"<svg" in data[:4096].lower()):
        return "SVG"
    return None


def reduction_factor(size: tuple[int, int]) -> int:
    """Return the integer factor keeping the short side at least WORK_SIZE and the long side at most MAX_LONG_SIDE."""
    return max(1, min(size) // WORK_SIZE, math.ceil(max(size) / MAX_LONG_SIDE))


def _reduce(image: Image.Image) -> Image.Image:
    """Return a loaded ``image`` shrunk by :func:`reduction_factor` (itself when the factor is 1)."""
    factor = reduction_factor(image.size)
    if factor < 2:
        return image
    if image.mode in ("L", "LA", "RGB", "RGBA", "I", "F", "CMYK", "RGBX", "YCbCr"):
        return image.reduce(factor)
    size = (max(1, image.width // factor), max(1, image.height // factor))
    return image.resize(size, Image.Resampling.NEAREST)


def _refuse_costly(image: Image.Image, data: bytes, limits: DecodeLimits) -> int:
    """Raise :class:`ImageRejected` for an opened ``image`` that would cost too much; return its decoded bytes."""
    if image.format not in ACCEPTED_FORMATS:
        raise ImageRejected(
            f"{image.format} images are not accepted; please send {ACCEPTED_NAMES}.", Rejection.NOT_ACCEPTED
        )
    if image.format in ("JPEG", "MPO"):
        if data.count(b"\xff\xda") > MAX_JPEG_SCANS:
            raise ImageRejected(
                f"The JPEG has more than {MAX_JPEG_SCANS} progressive scans; please send a normal photo.",
                Rejection.TOO_LARGE,
            )
        image.draft("RGB", (WORK_SIZE, WORK_SIZE))  # decode at 1/2, 1/4 or 1/8 scale, never below WORK_SIZE
    width, height = image.size  # for a JPEG, the size it decodes to
    if width * height > limits.max_megapixels * 1_000_000:
        raise ImageRejected(
            f"The image is {width}x{height} pixels; the limit is {limits.max_megapixels:g} megapixels.",
            Rejection.TOO_LARGE,
        )
    if max(width, height) > MAX_ASPECT * max(1, min(width, height)):
        raise ImageRejected(
            f"The image is {width}x{height} pixels; a photo of a hand is at most {MAX_ASPECT} times as long as it is "
            "wide."
        )
    decoders = {tile[0] for tile in image.tile}
    if "bmp_rle" in decoders and width * height > MAX_RLE_PIXELS:
        raise ImageRejected(
            f"Run-length compressed BMPs are accepted up to {MAX_RLE_PIXELS / 1e6:g} megapixels; please send a PNG or "
            "JPEG.",
            Rejection.TOO_LARGE,
        )
    if image.format == "TIFF" and len(image.tile) > MAX_TIFF_TILES:
        raise ImageRejected(
            f"The TIFF is cut into {len(image.tile)} strips or tiles; at most {MAX_TIFF_TILES} are accepted.",
            Rejection.TOO_LARGE,
        )
    decoded = round(width * height * BYTES_PER_PIXEL.get(image.mode, 4) * DECODE_COPIES.get(image.format, 1.0))
    if decoded > limits.max_decoded_mb * 1024 * 1024:
        raise ImageRejected(
            f"The image would take {decoded / 2**20:.0f} MB to decode; the limit is {limits.max_decoded_mb:g} MB.",
            Rejection.TOO_LARGE,
        )
    return decoded


@contextmanager
def _decode_slot(decoded_bytes: int) -> Iterator[None]:
    """Hold the process's one big-decode slot while a big picture decodes, and give its memory back after."""
    if decoded_bytes <= BIG_DECODE_BYTES:
        yield
        return
    with _big_decode:
        try:
            yield
        finally:
            give_back_memory()


def _rejection(error: BaseException, limits: DecodeLimits) -> ImageRejected:
    """Return the answer to a failure of Pillow or a codec."""
    if isinstance(error, (Image.DecompressionBombError, Image.DecompressionBombWarning)):
        return ImageRejected(
            f"The image's dimensions are far too large to decode safely; the limit is {limits.max_megapixels:g} "
            "megapixels.",
            Rejection.TOO_LARGE,
        )
    if isinstance(error, UnidentifiedImageError):
        return ImageRejected(f"This file is not an image that can be read; please send {ACCEPTED_NAMES}.")
    if isinstance(error, MemoryError):
        return ImageRejected("The image is too large to decode.", Rejection.TOO_LARGE)
    log.info("undecodable upload: %s: %s", type(error).__name__, str(error)[:200])
    return ImageRejected("The image is corrupt or truncated and cannot be decoded.")


def decode_picture(data: bytes, limits: DecodeLimits | None = None, budget: DecodeBudget | None = None) -> Image.Image:
    """Return ``data`` as an upright RGB picture reduced to about WORK_SIZE, or raise :class:`ImageRejected`.

    ``budget`` (one per request) is charged the picture's decoded bytes before it is decoded.
    """
    limits = limits or DecodeLimits()
    if not data:
        raise ImageRejected("The file is empty.")
    unsupported = _sniff_unsupported(data)
    if unsupported:
        raise ImageRejected(
            f"{unsupported} images are not accepted; please send {ACCEPTED_NAMES}.", Rejection.NOT_ACCEPTED
        )
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
            decoded = _refuse_costly(image, data, limits)
        except DECODE_FAILURES as error:
            raise _rejection(error, limits) from error
        if budget is not None:
            budget.spend(decoded)
        with _decode_slot(decoded), ExitStack() as cleanup:
            cleanup.callback(image.close)
            try:
                image.load()
            except DECODE_FAILURES as error:
                raise _rejection(error, limits) from error
            picture = to_rgb(_reduce(image))
            if picture is image:  # already upright RGB at the working size: keep it rather than copy it
                cleanup.pop_all()
            return picture
