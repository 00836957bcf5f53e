"""What browser tests and the pages bench share: where Chromium is, a phone's viewport, a fake camera clip."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
from PIL import Image

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3, "is_mobile": True, "has_touch": True}


def _frame(image: Image.Image) -> bytes:
    width, height = image.size
    y, cb, cr = image.convert("YCbCr").split()
    chroma = [np.asarray(c.resize((width // 2, height // 2), Image.Resampling.BILINEAR)).tobytes() for c in (cb, cr)]
    return b"FRAME\n" + np.asarray(y).tobytes() + chroma[0] + chroma[1]


def write_y4m(path: Path, image: Image.Image | list[Image.Image], frames: int = 30) -> None:
    """Write ``image`` (held for ``frames`` frames) or a list of frames as a 4:2:0 YUV4MPEG2 clip at 10 frames a
    second, the format Chromium's fake camera reads (and loops)."""
    images = image if isinstance(image, list) else [image]
    width, height = images[0].size
    body = b"".join(_frame(picture) for picture in images) * (1 if isinstance(image, list) else frames)
    path.write_bytes(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode() + body)


def jittered_sign(sign: Image.Image, frames: int = 40, seed: int = 3) -> list[Image.Image]:
    """Return 640x480 frames of ``sign`` (a photo of a signing hand) held unsteadily: moved up to 20 pixels
    and turned up to 8 degrees from frame to frame, as a hand held up to a webcam moves."""
    rng = np.random.default_rng(seed)
    hand = sign.convert("RGB").resize((320, 320))
    clip = []
    for _ in range(frames):
        scene = Image.new("RGB", (640, 480), (40, 70, 60))
        turned = hand.rotate(float(rng.uniform(-8, 8)), resample=Image.Resampling.BILINEAR, fillcolor=(40, 70, 60))
        scene.paste(turned, (160 + int(rng.integers(-20, 21)), 80 + int(rng.integers(-20, 21))))
        clip.append(scene)
    return clip
