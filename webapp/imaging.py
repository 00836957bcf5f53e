"""Decode uploaded bytes into an upright RGB picture, in memory, with bounded work and errors a person understands.

This is the one place that decodes: every failure of Pillow or its codecs becomes
:class:`ImageRejected` (4xx), never a 500. Work is bounded before decoding: pixel count,
decoded bytes, progressive-JPEG scans; JPEGs decode at a reduced scale (draft mode), other
formats are reduced right after decoding, before any conversion.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import io
import logging
import threading
import warnings
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError
from pillow_heif import register_heif_opener

from training.preprocessing import to_rgb

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
MAX_JPEG_SCANS = 32  # a normal progressive JPEG has about 10; thousands make a minute-long decode
BYTES_PER_PIXEL = {"1": 1, "L": 1, "P": 1, "I;16": 2, "I;16B": 2, "I;16L": 2, "I;16N": 2}  # others: 4
BIG_DECODE_BYTES = 32 * 1024 * 1024  # decodes above this take the process's one big-decode slot
_big_decode = threading.Semaphore(1)
_libc = ctypes.CDLL(ctypes.util.find_library("c")) if ctypes.util.find_library("c") else None
M_MMAP_THRESHOLD = -3  # glibc mallopt parameter
if _libc is not None and hasattr(_libc, "mallopt"):
    # A fixed threshold (glibc otherwise raises it after each big free) keeps every buffer over 1 MB in
    # its own mapping, handed back to the system as soon as a decode frees it.
    _libc.mallopt(M_MMAP_THRESHOLD, 1 << 20)
# HEIC/HEIF (iPhone photos) through pillow-heif (libheif). Only the main picture is read, not the
# thumbnails, depth maps or auxiliary images a phone stores beside it. libheif applies the file's
# rotation and mirroring and resets its EXIF orientation, so nothing is turned twice. pillow-heif, not
# its decode-only twin pi-heif: pi-heif 1.4.0's older libheif crashed the process on one of 20,000
# mutated files; pillow-heif 1.8.1 rejected them all.
register_heif_opener(thumbnails=False, depth_images=False, aux_images=False, decode_threads=2)


class ImageRejected(Exception):
    """An upload that cannot be classified; ``status`` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class DecodeLimits:
    max_megapixels: float = 40
    max_decoded_mb: float = 120


def _sniff_unsupported(data: bytes) -> str | None:
    """Name a known image format Pillow cannot or should not decode here, if ``data`` is one."""
    head = data[:512].lstrip().lower()
    if head.startswith(b"<svg") or (head.startswith(b"<?xml") and b"<svg" in data[:4096].lower()):
        return "SVG"
    return None


def _give_back_memory() -> None:
    """Return freed heap pages to the system after a big decode, so workers shrink back."""
    gc.collect()
    if _libc is not None and hasattr(_libc, "malloc_trim"):
        _libc.malloc_trim(0)


def _reduce(image: Image.Image) -> Image.Image:
    """Return a loaded ``image`` shrunk by an integer factor so its short side stays at least WORK_SIZE."""
    factor = min(image.size) // WORK_SIZE
    if factor < 2:
        return image
    if image.mode in ("L", "LA", "RGB", "RGBA", "I", "F", "CMYK", "RGBX", "YCbCr"):
        return image.reduce(factor)
    return image.resize((image.width // factor, image.height // factor), Image.Resampling.NEAREST)


def _open_checked(data: bytes, limits: DecodeLimits) -> Image.Image:
    """Open ``data`` lazily and refuse what would cost too much to decode; return the opened image."""
    image = Image.open(io.BytesIO(data))
    if image.format not in ACCEPTED_FORMATS:
        raise ImageRejected(f"{image.format} images are not accepted; please send {ACCEPTED_NAMES}.", 415)
    width, height = image.size
    if width * height > limits.max_megapixels * 1_000_000:
        raise ImageRejected(f"The image is {width}x{height} pixels; the limit is {limits.max_megapixels:g} megapixels.", 413)
    if image.format in ("JPEG", "MPO"):
        if data.count(b"\xff\xda") > MAX_JPEG_SCANS:
            raise ImageRejected(f"The JPEG has more than {MAX_JPEG_SCANS} progressive scans; please send a normal photo.", 413)
        image.draft("RGB", (WORK_SIZE, WORK_SIZE))  # decode at 1/2, 1/4 or 1/8 scale, never below WORK_SIZE
    return image


def decode_picture(data: bytes, limits: DecodeLimits | None = None) -> Image.Image:
    """Return ``data`` as an upright RGB picture reduced to about WORK_SIZE, or raise :class:`ImageRejected`."""
    limits = limits or DecodeLimits()
    if not data:
        raise ImageRejected("The file is empty.")
    unsupported = _sniff_unsupported(data)
    if unsupported:
        raise ImageRejected(f"{unsupported} images are not accepted; please send {ACCEPTED_NAMES}.", 415)
    big = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = _open_checked(data, limits)
            decoded = image.width * image.height * BYTES_PER_PIXEL.get(image.mode, 4)
            if decoded > limits.max_decoded_mb * 1024 * 1024:
                raise ImageRejected(
                    f"The image would take {decoded / 2**20:.0f} MB to decode; the limit is {limits.max_decoded_mb:g} MB.", 413
                )
            big = decoded > BIG_DECODE_BYTES
            if big:
                _big_decode.acquire()
            with image:
                image.load()
                return to_rgb(_reduce(image))
    except ImageRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ImageRejected(
            f"The image's dimensions are far too large to decode safely; the limit is {limits.max_megapixels:g} megapixels.", 413
        ) from error
    except UnidentifiedImageError as error:
        raise ImageRejected(f"This file is not an image that can be read; please send {ACCEPTED_NAMES}.") from error
    except MemoryError as error:
        raise ImageRejected("The image is too large to decode.", 413) from error
    except Exception as error:  # any codec failure (OSError, struct.error, RuntimeError, ...) is a bad upload
        log.info("undecodable upload: %s: %s", type(error).__name__, str(error)[:200])
        raise ImageRejected("The image is corrupt or truncated and cannot be decoded.") from error
    finally:
        if big:
            _big_decode.release()
            _give_back_memory()
