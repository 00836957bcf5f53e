"""Process-wide settings decoding relies on: the HEIF opener, Pillow's size check, and an allocator that gives
large buffers back to the system."""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
from functools import cache

from PIL import Image

LARGEST_HEADER_PIXELS = 65535 * 65535  # Pillow refuses to open more (the JPEG format's own maximum)
M_MMAP_THRESHOLD = -3  # glibc mallopt parameter


@cache
def _libc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    return ctypes.CDLL(name) if name else None


def give_back_memory() -> None:
    """Return freed heap pages to the system after a big decode, so workers shrink back."""
    gc.collect()
    libc = _libc()
    if libc is not None and hasattr(libc, "malloc_trim"):
        libc.malloc_trim(0)


@cache
def configure_process() -> None:
    """Apply the process-wide settings decoding relies on (once a process; the app factory calls it; repeating it is
    harmless).

    - HEIC/HEIF (iPhone photos) through pillow-heif: the main picture only, not the thumbnails,
      depth maps or auxiliary images a phone stores beside it; libheif applies the file's rotation
      and resets its EXIF orientation, so nothing is turned twice.
    - glibc's mmap threshold fixed at 1 MB (glibc otherwise raises it after each big free), so that
      every decode buffer has its own mapping, handed back to the system as soon as it is freed.
    - Pillow's own size check on opening raised to the largest JPEG (65,535 pixels a side): a 200-MP
      phone JPEG decodes at 1/8 scale, and the pixel limit applies to what is decoded
      (:func:`recognition.decode.decode_picture`), before any decoding.
    """
    from pillow_heif import register_heif_opener

    register_heif_opener(thumbnails=False, depth_images=False, aux_images=False, decode_threads=2)
    Image.MAX_IMAGE_PIXELS = LARGEST_HEADER_PIXELS
    libc = _libc()
    if libc is not None and hasattr(libc, "mallopt"):
        libc.mallopt(M_MMAP_THRESHOLD, 1 << 20)
