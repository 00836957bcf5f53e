"""Decode uploaded bytes into the model's input, in memory, with errors a person understands."""

from __future__ import annotations

import io
import warnings

import numpy as np
from PIL import Image, UnidentifiedImageError

from training.preprocessing import to_model_input

ACCEPTED_FORMATS = {"JPEG", "PNG", "GIF", "WEBP", "BMP", "TIFF", "MPO", "AVIF"}
ACCEPTED_NAMES = "JPEG, PNG, GIF, WebP, BMP, TIFF or AVIF"


class ImageRejected(Exception):
    """An upload that cannot be classified; ``status`` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def _sniff_unsupported(data: bytes) -> str | None:
    """Name a known image format Pillow cannot or should not decode here, if ``data`` is one."""
    head = data[:512].lstrip().lower()
    if head.startswith(b"<svg") or (head.startswith(b"<?xml") and b"<svg" in data[:4096].lower()):
        return "SVG"
    if data[4:12] in (b"ftypheic", b"ftypheix", b"ftyphevc", b"ftypmif1", b"ftypmsf1"):
        return "HEIC"
    return None


def decode_upload(data: bytes, max_megapixels: float = 40) -> np.ndarray:
    """Return ``data`` as a (224, 224, 3) uint8 model input, or raise :class:`ImageRejected`."""
    if not data:
        raise ImageRejected("The file is empty.")
    unsupported = _sniff_unsupported(data)
    if unsupported:
        raise ImageRejected(f"{unsupported} images are not accepted; please send {ACCEPTED_NAMES}.", 415)
    max_pixels = int(max_megapixels * 1_000_000)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.format not in ACCEPTED_FORMATS:
                    raise ImageRejected(f"{image.format} images are not accepted; please send {ACCEPTED_NAMES}.", 415)
                width, height = image.size
                if width * height > max_pixels:
                    raise ImageRejected(f"The image is {width}x{height} pixels; the limit is {max_megapixels:g} megapixels.", 413)
                image.load()
                return to_model_input(image)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ImageRejected(
            f"The image's dimensions are far too large to decode safely; the limit is {max_megapixels:g} megapixels.", 413
        ) from error
    except UnidentifiedImageError as error:
        raise ImageRejected(f"This file is not an image that can be read; please send {ACCEPTED_NAMES}.") from error
    except (OSError, ValueError, SyntaxError, EOFError, IndexError, TypeError, MemoryError) as error:
        raise ImageRejected("The image is corrupt or truncated and cannot be decoded.") from error
