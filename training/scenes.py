"""Re-render a segmented hand on new backgrounds, at new scales, angles and positions.

Training draws its backgrounds from :func:`training_background`: procedural patterns and, when
asked, crops of :data:`TRAINING_PHOTOS`. The domain-shift test set (:mod:`training.shift`) uses
other photographs, so none of its backgrounds appears in training.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

# Photographs shipped inside installed packages, read without any download. Disjoint from
# training.shift's PHOTO_BACKGROUNDS and TEXTURE_BACKGROUNDS (a test checks it).
TRAINING_PHOTOS = (
    "sklearn:china.jpg",
    "sklearn:flower.jpg",
    "matplotlib:grace_hopper.jpg",
    "matplotlib:Minduka_Present_Blue_Pack.png",
    "skimage:coins.png",
    "skimage:moon.png",
    "skimage:retina.jpg",
    "skimage:cell.png",
    "skimage:color.png",
    "skimage:page.png",
    "skimage:clock_motion.png",
    "skimage:logo.png",
)


def package_picture(name: str) -> np.ndarray:
    """Return a picture shipped in a package, named ``package:file``, as RGB uint8."""
    package, _, file = name.partition(":")
    if package == "skimage":
        from skimage.data import data_dir

        path = Path(data_dir) / file
    elif package == "sklearn":
        import sklearn.datasets

        path = Path(sklearn.datasets.__file__).parent / "images" / file
    elif package == "matplotlib":
        import matplotlib

        path = Path(matplotlib.get_data_path()) / "sample_data" / file
    else:
        raise ValueError(f"unknown picture source {name!r}")
    with Image.open(path) as picture:
        return np.asarray(picture.convert("RGB"))


@lru_cache(maxsize=1)
def training_photos() -> tuple[np.ndarray, ...]:
    """Load :data:`TRAINING_PHOTOS` once per process."""
    return tuple(package_picture(name) for name in TRAINING_PHOTOS)


def random_crop(picture: np.ndarray, size: int, rng: np.random.Generator) -> np.ndarray:
    """Return a random square crop of ``picture`` (a third of it or more), resized to ``size``."""
    height, width, _ = picture.shape
    side = int(rng.integers(min(height, width) // 3, min(height, width) + 1))
    top = int(rng.integers(0, height - side + 1))
    left = int(rng.integers(0, width - side + 1))
    crop = Image.fromarray(picture[top : top + side, left : left + side])
    return np.asarray(crop.resize((size, size), Image.Resampling.BILINEAR))


def place_hand(
    image: np.ndarray,
    mask: np.ndarray,
    background: np.ndarray,
    scale: float = 1.0,
    angle: float = 0.0,
    shift: tuple[float, float] = (0.0, 0.0),
    feather: float = 1.0,
) -> np.ndarray:
    """Paste the masked hand of ``image`` onto ``background``, transformed about the centre.

    ``scale`` > 1 enlarges the hand, ``angle`` is in degrees (counter-clockwise), ``shift`` is
    a fraction of the image size. The mask is feathered so the edge looks photographic.
    """
    size = image.shape[1], image.shape[0]
    alpha = Image.fromarray(mask.astype(np.uint8) * 255)
    if feather > 0:
        alpha = alpha.filter(ImageFilter.GaussianBlur(feather))
    hand = Image.fromarray(image).convert("RGBA")
    hand.putalpha(alpha)
    if scale != 1.0:
        scaled = hand.resize(
            (max(1, round(size[0] * scale)), max(1, round(size[1] * scale))), Image.Resampling.BILINEAR
        )
        canvas = Image.new("RGBA", size, (0, 0, 0, 0))
        offset = ((size[0] - scaled.size[0]) // 2, (size[1] - scaled.size[1]) // 2)
        canvas.paste(scaled, offset)
        hand = canvas
    if angle:
        hand = hand.rotate(angle, resample=Image.Resampling.BILINEAR)
    if shift != (0.0, 0.0):
        hand = hand.transform(
            size,
            Image.Transform.AFFINE,
            (1, 0, -shift[0] * size[0], 0, 1, -shift[1] * size[1]),
            resample=Image.Resampling.BILINEAR,
        )
    scene = Image.fromarray(background).convert("RGBA")
    scene.alpha_composite(hand)
    return np.asarray(scene.convert("RGB"))


def _photo_crop(rng: np.random.Generator, size: int | tuple[int, int]) -> np.ndarray:
    """Return a random crop of a training photo, mirrored half the time, resized to ``size`` (square or (w, h))."""
    photos = training_photos()
    width, height = (size, size) if isinstance(size, int) else size
    crop = random_crop(photos[int(rng.integers(len(photos)))], max(width, height), rng)
    if rng.random() < 0.5:
        crop = crop[:, ::-1]
    return np.asarray(Image.fromarray(np.ascontiguousarray(crop)).resize((width, height), Image.Resampling.BILINEAR))


def photo_collage(rng: np.random.Generator, size: int) -> np.ndarray:
    """Return a cluttered scene: the frame cut into 2-5 rectangles, each a crop of another training photo."""
    canvas = np.empty((size, size, 3), np.uint8)
    boxes = [(0, 0, size, size)]  # left, top, right, bottom
    for _ in range(int(rng.integers(1, 5))):
        left, top, right, bottom = boxes.pop(int(rng.integers(len(boxes))))
        if right - left >= bottom - top and right - left > 16:
            cut = int(rng.integers(left + 8, right - 7))
            boxes += [(left, top, cut, bottom), (cut, top, right, bottom)]
        elif bottom - top > 16:
            cut = int(rng.integers(top + 8, bottom - 7))
            boxes += [(left, top, right, cut), (left, cut, right, bottom)]
        else:
            boxes.append((left, top, right, bottom))
    for left, top, right, bottom in boxes:
        canvas[top:bottom, left:right] = _photo_crop(rng, (right - left, bottom - top))
    return canvas


def _random_colour(rng: np.random.Generator) -> tuple[int, int, int]:
    return tuple(int(v) for v in rng.integers(0, 256, 3))


def training_background(rng: np.random.Generator, size: int, photo_share: float = 0.0) -> np.ndarray:
    """Draw one background: a training photo crop (``photo_share`` of the time), else procedural."""
    if photo_share and rng.random() < photo_share:
        return photo_collage(rng, size) if rng.random() < 0.5 else _photo_crop(rng, size)
    kind = rng.integers(0, 5)
    if kind == 0:  # solid colour, often dark
        colour = np.array(_random_colour(rng)) * (rng.random() if rng.random() < 0.5 else 1.0)
        return np.broadcast_to(colour.astype(np.uint8), (size, size, 3)).copy()
    if kind == 1:  # two-colour linear gradient
        start, end = np.array(_random_colour(rng)), np.array(_random_colour(rng))
        ramp = np.linspace(0, 1, size)[:, None, None]
        image = start * (1 - ramp) + end * ramp
        image = np.broadcast_to(image, (size, size, 3))
        if rng.random() < 0.5:
            image = image.transpose(1, 0, 2)
        return image.astype(np.uint8).copy()
    if kind == 2:  # smooth coloured noise
        cells = int(rng.integers(2, 16))
        low = rng.integers(0, 256, (cells, cells, 3), dtype=np.uint8)
        return np.asarray(Image.fromarray(low).resize((size, size), Image.Resampling.BICUBIC))
    if kind == 3:  # stripes or checks
        period = int(rng.integers(6, 48))
        a, b = np.array(_random_colour(rng)), np.array(_random_colour(rng))
        yy, xx = np.mgrid[0:size, 0:size]
        pattern = (xx // period) % 2 if rng.random() < 0.5 else ((xx // period) + (yy // period)) % 2
        image = np.where(pattern[..., None] == 1, a, b).astype(np.uint8)
        return np.asarray(Image.fromarray(image).rotate(float(rng.uniform(0, 180)), fillcolor=tuple(a)))
    canvas = Image.new("RGB", (size, size), _random_colour(rng))  # clutter of shapes
    draw = ImageDraw.Draw(canvas)
    for _ in range(int(rng.integers(5, 25))):
        box = (
            sorted(rng.integers(-size // 4, size + size // 4, 2)),
            sorted(rng.integers(-size // 4, size + size // 4, 2)),
        )
        xy = (box[0][0], box[1][0], box[0][1], box[1][1])
        if rng.random() < 0.5:
            draw.rectangle(xy, fill=_random_colour(rng))
        else:
            draw.ellipse(xy, fill=_random_colour(rng))
    image = np.asarray(canvas, dtype=np.int16)
    noise = rng.normal(0, rng.uniform(0, 20), image.shape)
    return np.clip(image + noise, 0, 255).astype(np.uint8)
