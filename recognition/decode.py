"""Decode uploaded bytes into an upright RGB picture, in memory, with bounded work and errors a person understands.

This is the one place that decodes. What would cost too much is refused before decoding: pixel
count (JPEGs by the size they decode to at a reduced scale), decoded bytes, the request's decode
budget, extreme shapes, and layouts that Pillow decodes in Python (RLE bitmaps, TIFFs cut in
thousands of strips or tiles). Only the codec's own failures become :class:`ImageRejected` (4xx);
a failure of the code after decoding is a bug and is left to the app's 500 handler.

Process-wide setup (the HEIF opener, the allocator's trim threshold) is applied by
:func:`recognition.memory.configure_process`, called once by the app factory, never on import.

:class:`ImageRejected` and :class:`Rejection` (:mod:`recognition.rejections`) and the limits
(:mod:`recognition.decode_cost`) are imported from here by the web app.
"""

from __future__ import annotations

import io
import logging
import math
import struct
import warnings
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

from PIL import Image, UnidentifiedImageError

from recognition.decode_cost import DecodeBudget, DecodeLimits, DecodeMemory, tiff_strip_count, working_bytes
from recognition.heif import HEIF_COPIES, read_heif, shrink_heif
from recognition.memory import give_back_memory
from recognition.preprocessing import to_rgb
from recognition.rejections import ImageRejected, Rejection

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
# Pillow's WebP path keeps the decoder's canvas, a bytes copy and the image; libavif one more). HEIF is decoded
# without Pillow's copy, counted by its channels (recognition.heif).
DECODE_COPIES = {"WEBP": 4.0, "AVIF": 2.2, "HEIF": HEIF_COPIES}
BIG_DECODE_BYTES = 32 * 1024 * 1024  # after a decode above this, freed memory is given back to the system
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
_memory = DecodeMemory(240 * 2**20)  # every decode of the process together (configure_decode_memory)


def configure_decode_memory(total_mb: float, wait_seconds: float = 15.0) -> None:
    """Set the bytes all decodes of this process may hold at once (the app sets it from its settings)."""
    global _memory
    _memory = DecodeMemory(round(total_mb * 2**20), wait_seconds)


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
    if image.format in ("JPEG", "MPO") and data.count(b"\xff\xda") > MAX_JPEG_SCANS:
        raise ImageRejected(
            f"The JPEG has more than {MAX_JPEG_SCANS} progressive scans; please send a normal photo.",
            Rejection.TOO_LARGE,
        )
    full_size = image.size
    if image.format in ("JPEG", "MPO"):
        image.draft("RGB", (WORK_SIZE, WORK_SIZE))  # decode at 1/2, 1/4 or 1/8 scale, never below WORK_SIZE
    width, height = image.size  # for a JPEG, the size it decodes to
    if width * height > limits.max_megapixels * 1_000_000:
        hint = " Please send it at 24 megapixels or as a JPEG." if image.format in ("HEIF", "AVIF") else ""
        raise ImageRejected(
            f"The image is {width}x{height} pixels; the limit is {limits.max_megapixels:g} megapixels.{hint}",
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
    pixel_bytes = len(image.getbands()) if image.format == "HEIF" else BYTES_PER_PIXEL.get(image.mode, 4)
    decoded = round(width * height * pixel_bytes * DECODE_COPIES.get(image.format, 1.0))
    decoded = working_bytes(image, full_size, decoded, reduction_factor(image.size) >= 2)
    if decoded > limits.max_decoded_mb * 1024 * 1024:
        raise ImageRejected(
            f"The image would take {decoded / 2**20:.0f} MB to decode; the limit is {limits.max_decoded_mb:g} MB.",
            Rejection.TOO_LARGE,
        )
    return decoded


@contextmanager
def _decode_slot(decoded_bytes: int) -> Iterator[None]:
    """Hold the picture's bytes of the process's decode memory while it decodes; give big ones back after."""
    with _memory.held(decoded_bytes) as granted:
        if not granted:
            raise ImageRejected(
                "The server is decoding other large pictures; please try again in a moment.", Rejection.BUSY
            )
        try:
            yield
        finally:
            if decoded_bytes > BIG_DECODE_BYTES:
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
    strips = tiff_strip_count(data)
    if strips is not None and strips > MAX_TIFF_TILES:
        raise ImageRejected(
            f"The TIFF is cut into {strips} strips or tiles; at most {MAX_TIFF_TILES} are accepted.",
            Rejection.TOO_LARGE,
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
                if image.format == "HEIF":  # decoded without Pillow's full-size copy (recognition.heif)
                    pixels = read_heif(data)
                else:
                    image.load()
            except DECODE_FAILURES as error:
                raise _rejection(error, limits) from error
            if image.format == "HEIF":
                return shrink_heif(pixels, reduction_factor(image.size))
            picture = to_rgb(_reduce(image))
            if picture is image:  # already upright RGB at the working size: keep it rather than copy it
                cleanup.pop_all()
            return picture
