"""What browser tests and the pages bench share: where Chromium is, a phone's viewport, a fake camera clip."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
from PIL import Image

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3, "is_mobile": True, "has_touch": True}


def write_y4m(path: Path, image: Image.Image, frames: int = 30) -> None:
    """Write ``image`` as a short 4:2:0 YUV4MPEG2 clip, the format Chromium's fake camera reads."""
    width, height = image.size
    y, cb, cr = image.convert("YCbCr").split()
    chroma = [np.asarray(c.resize((width // 2, height // 2), Image.Resampling.BILINEAR)).tobytes() for c in (cb, cr)]
    frame = b"FRAME\n" + np.asarray(y).tobytes() + chroma[0] + chroma[1]
    path.write_bytes(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode() + frame * frames)
