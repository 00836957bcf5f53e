"""Re-render a segmented hand on new backgrounds, at new scales, angles and positions.

Training draws its backgrounds from :func:`training_background` (procedural only). The
domain-shift test set draws from :mod:`training.shift`, whose photographic backgrounds never
appear in training.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFilter


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
        scaled = hand.resize((max(1, round(size[0] * scale)), max(1, round(size[1] * scale))), Image.Resampling.BILINEAR)
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


def _random_colour(rng: np.random.Generator) -> tuple[int, int, int]:
    return tuple(int(v) for v in rng.integers(0, 256, 3))


def training_background(rng: np.random.Generator, size: int) -> np.ndarray:
    """Draw one procedural background: solid, gradient, smooth noise, stripes or clutter."""
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
        box = sorted(rng.integers(-size // 4, size + size // 4, 2)), sorted(rng.integers(-size // 4, size + size // 4, 2))
        xy = (box[0][0], box[1][0], box[0][1], box[1][1])
        if rng.random() < 0.5:
            draw.rectangle(xy, fill=_random_colour(rng))
        else:
            draw.ellipse(xy, fill=_random_colour(rng))
    image = np.asarray(canvas, dtype=np.int16)
    noise = rng.normal(0, rng.uniform(0, 20), image.shape)
    return np.clip(image + noise, 0, 255).astype(np.uint8)
