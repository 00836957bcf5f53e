"""Turn any decoded picture into the model's input, identically for training, evaluation and serving.

No TensorFlow here (a test checks it): the web app uses this module with the LiteRT backend.
"""

from __future__ import annotations

import contextlib
import math

import numpy as np
from PIL import Image

from recognition.framing import center_square

IMAGE_SIZE = 224
CLASS_NAMES: tuple[str, ...] = tuple(str(digit) for digit in range(10))
RESAMPLING = Image.Resampling.BILINEAR
PREPROCESSING_NOTE = (
    "EXIF-upright, first frame, RGB (alpha composited on white), a square around the hand the palm "
    "detector finds (the hand's own square when the palm scores 0.8 or more, else the largest square "
    "of the picture centred on it; the centre square when none is found), Pillow bilinear resize to "
    f"{IMAGE_SIZE}x{IMAGE_SIZE}, uint8 0-255 into the model; "
    "the model itself scales x/127.5-1 (keras.applications.mobilenet.preprocess_input)."
)
ORIENTATION_TAG = 0x0112
MAX_EXIF_BYTES = 65535  # a JPEG APP1 segment holds no more; larger EXIF blocks are not read
_TRANSPOSE_FOR_ORIENTATION = {
    2: (Image.Transpose.FLIP_LEFT_RIGHT,),
    3: (Image.Transpose.ROTATE_180,),
    4: (Image.Transpose.FLIP_TOP_BOTTOM,),
    5: (Image.Transpose.TRANSPOSE,),
    6: (Image.Transpose.ROTATE_270,),
    7: (Image.Transpose.TRANSVERSE,),
    8: (Image.Transpose.ROTATE_90,),
}


def upright(image: Image.Image) -> Image.Image:
    """Return ``image`` turned as its EXIF orientation says (itself when upright).

    Only the orientation tag is read, and only from an EXIF block of at most :data:`MAX_EXIF_BYTES`
    (JPEG's own limit; a PNG's eXIf chunk has none): a larger or broken block is ignored. The
    picture is turned by transposes, never by re-writing its EXIF.
    """
    if len(image.info.get("exif") or b"") > MAX_EXIF_BYTES:
        return image
    try:
        orientation = int(image.getexif().get(ORIENTATION_TAG, 1))
    except Exception:  # Pillow raises struct.error, AttributeError, ... on malformed EXIF
        return image
    for method in _TRANSPOSE_FOR_ORIENTATION.get(orientation, ()):
        image = image.transpose(method)
    return image


def _eight_bit(image: Image.Image) -> Image.Image:
    """Return a 16- or 32-bit greyscale ``image`` scaled to 8 bits (its peak to 255), without float copies."""
    array = np.asarray(image)
    peak = int(array.max()) if array.size else 0
    if peak <= 255:
        return Image.fromarray(np.clip(array, 0, 255).astype(np.uint8))
    shift = max(0, peak.bit_length() - 8)  # keep the top 8 significant bits
    return Image.fromarray(np.clip(array >> shift, 0, 255).astype(np.uint8))


def to_rgb(image: Image.Image) -> Image.Image:
    """Return the first frame of ``image``, upright and in RGB, transparency on white (``image`` itself when it already
    is)."""
    with contextlib.suppress(EOFError):
        image.seek(0)
    image = upright(image)
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    if image.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I"):
        return _eight_bit(image).convert("RGB")
    if image.mode == "F":
        array = np.asarray(image, np.float32)
        peak = float(np.nanmax(array)) if array.size else 0.0
        scaled = np.nan_to_num(array * (255.0 / peak) if peak > 255 else array)
        return Image.fromarray(np.clip(scaled, 0, 255).astype(np.uint8)).convert("RGB")
    return image if image.mode == "RGB" else image.convert("RGB")


def to_model_input(
    image: Image.Image, box: tuple[int, int, int, int] | None = None, size: int = IMAGE_SIZE, turn: float = 0.0
) -> np.ndarray:
    """Return the square ``box`` of ``image`` (default: its centre square) as a ``(size, size, 3)`` uint8 array.

    With ``turn`` (degrees), the square is first turned that much anticlockwise about its centre, as
    a hand leaning clockwise needs to stand upright. ``image`` should already be RGB (see
    :func:`to_rgb`); other modes are converted here.
    """
    rgb = image if image.mode == "RGB" else to_rgb(image)
    box = box or center_square(rgb.size)
    if turn:
        return _turned_square(rgb, box, turn, size)
    square = rgb.crop(box)
    if square.size != (size, size):
        square = square.resize((size, size), RESAMPLING)
    return np.asarray(square, dtype=np.uint8)


def _turned_square(rgb: Image.Image, box: tuple[int, int, int, int], turn: float, size: int) -> np.ndarray:
    """Cut the square ``box`` turned ``turn`` degrees anticlockwise: the square's circle, scaled once, turned, cropped.

    What lies past the picture's edges repeats its edge pixels (no black corners).
    """
    left, top, right, bottom = box
    centre_x, centre_y, reach = (left + right) / 2, (top + bottom) / 2, (right - left) * math.sqrt(2) / 2
    x0, y0 = math.floor(centre_x - reach), math.floor(centre_y - reach)
    x1, y1 = math.ceil(centre_x + reach), math.ceil(centre_y + reach)
    pixels = np.asarray(rgb.crop((max(x0, 0), max(y0, 0), min(x1, rgb.width), min(y1, rgb.height))))
    pad = ((max(0, -y0), max(0, y1 - rgb.height)), (max(0, -x0), max(0, x1 - rgb.width)), (0, 0))
    region = Image.fromarray(np.pad(pixels, pad, mode="edge"))
    scaled = max(size, round(region.width * size / (right - left)))
    region = region.resize((scaled, scaled), RESAMPLING).rotate(turn, resample=RESAMPLING)
    offset = (scaled - size) // 2
    return np.asarray(region.crop((offset, offset, offset + size, offset + size)), dtype=np.uint8)
