"""Build the domain-shift test set: held-out test photos re-rendered as other cameras would see them.

Backgrounds here are photographs and textures shipped with scikit-image plus plain colours;
training never sees any of the photographs (it uses procedural backgrounds only).
"""

from __future__ import annotations

import io
from collections.abc import Callable

import numpy as np
from PIL import Image, ImageEnhance, ImageFilter

from training.scenes import package_picture, place_hand, random_crop
from training.segmentation import hand_mask

# Files shipped inside the scikit-image wheel (skimage/data/), read without any download.
PHOTO_BACKGROUNDS = (
    "astronaut.png",
    "coffee.png",
    "chelsea.png",
    "rocket.jpg",
    "motorcycle_left.png",
    "hubble_deep_field.jpg",
    "ihc.png",
)
TEXTURE_BACKGROUNDS = ("brick.png", "grass.png", "gravel.png", "camera.png", "text.png")
SHIFT_KINDS = (
    "background_black",
    "background_dark",
    "background_colored",
    "background_cluttered",
    "background_textured",
    "hand_fills_frame",
    "hand_small",
    "rotated",
    "brighter",
    "darker",
    "low_contrast",
    "warmer",
    "cooler",
    "blurred",
    "jpeg_compressed",
    "mirrored",
)


def _solid(colour: np.ndarray, size: int) -> np.ndarray:
    return np.broadcast_to(colour.astype(np.uint8), (size, size, 3)).copy()


def _wall_colour(image: np.ndarray) -> tuple[int, int, int]:
    return tuple(int(v) for v in np.median(image[:8].reshape(-1, 3), axis=0))


def _photometric(image: np.ndarray, enhancer: type, factor: float) -> np.ndarray:
    return np.asarray(enhancer(Image.fromarray(image)).enhance(factor))


def _tint(image: np.ndarray, gains: tuple[float, float, float]) -> np.ndarray:
    return np.clip(image.astype(np.float32) * np.array(gains), 0, 255).astype(np.uint8)


def _jpeg(image: np.ndarray, quality: int) -> np.ndarray:
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, format="JPEG", quality=quality)
    return np.asarray(Image.open(buffer).convert("RGB"))


def _fill_frame(image: np.ndarray, mask: np.ndarray) -> np.ndarray:
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    size = image.shape[0]
    if rows.size == 0:
        return image
    side = max(rows[-1] - rows[0], cols[-1] - cols[0]) + 1
    side = int(np.clip(side * 1.05, size // 3, size))
    centre_y, centre_x = (rows[0] + rows[-1]) // 2, (cols[0] + cols[-1]) // 2
    top = int(np.clip(centre_y - side // 2, 0, size - side))
    left = int(np.clip(centre_x - side // 2, 0, size - side))
    crop = Image.fromarray(image[top : top + side, left : left + side])
    return np.asarray(crop.resize((size, size), Image.Resampling.BILINEAR))


def shift_renderers(seed: int) -> dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]]:
    """Return one function per kind of shift, mapping (image, hand mask) to a new image."""
    rng = np.random.default_rng(seed)
    photos = [package_picture("skimage:" + name) for name in PHOTO_BACKGROUNDS]
    textures = [package_picture("skimage:" + name) for name in TEXTURE_BACKGROUNDS]

    def on(background: Callable[[int], np.ndarray], scale: tuple[float, float] = (0.9, 1.1)):
        def render(image: np.ndarray, mask: np.ndarray) -> np.ndarray:
            size = image.shape[0]
            return place_hand(
                image,
                mask,
                background(size),
                scale=float(rng.uniform(*scale)),
                shift=tuple(float(v) for v in rng.uniform(-0.05, 0.05, 2)),
            )

        return render

    def rotate(image: np.ndarray, _mask: np.ndarray) -> np.ndarray:
        angle = float(rng.choice([-1, 1]) * rng.uniform(10, 20))
        return np.asarray(Image.fromarray(image).rotate(angle, resample=Image.Resampling.BILINEAR, fillcolor=_wall_colour(image)))

    def hsv_colour(low: float, high: float) -> np.ndarray:
        hue = Image.new("HSV", (1, 1), (int(rng.integers(0, 256)), int(rng.integers(150, 256)), int(rng.uniform(low, high))))
        return np.asarray(hue.convert("RGB"))[0, 0]

    return {
        "background_black": on(lambda s: _solid(rng.integers(0, 16, 3), s)),
        "background_dark": on(lambda s: _solid(rng.integers(20, 80, 3), s)),
        "background_colored": on(lambda s: _solid(hsv_colour(120, 255), s)),
        "background_cluttered": on(lambda s: random_crop(photos[int(rng.integers(len(photos)))], s, rng)),
        "background_textured": on(lambda s: random_crop(textures[int(rng.integers(len(textures)))], s, rng)),
        "hand_fills_frame": lambda image, mask: _fill_frame(image, mask),
        "hand_small": on(lambda s: random_crop(photos[int(rng.integers(len(photos)))], s, rng), scale=(0.5, 0.65)),
        "rotated": rotate,
        "brighter": lambda image, _m: _photometric(image, ImageEnhance.Brightness, 1.5),
        "darker": lambda image, _m: _photometric(image, ImageEnhance.Brightness, 0.45),
        "low_contrast": lambda image, _m: _photometric(image, ImageEnhance.Contrast, 0.45),
        "warmer": lambda image, _m: _tint(image, (1.15, 1.0, 0.8)),
        "cooler": lambda image, _m: _tint(image, (0.8, 1.0, 1.15)),
        "blurred": lambda image, _m: np.asarray(Image.fromarray(image).filter(ImageFilter.GaussianBlur(2.5))),
        "jpeg_compressed": lambda image, _m: _jpeg(image, 15),
        "mirrored": lambda image, _m: np.ascontiguousarray(image[:, ::-1]),
    }


def build_shift_set(images: np.ndarray, seed: int = 2024) -> dict[str, np.ndarray]:
    """Return, per kind of shift, every image of ``images`` re-rendered that way (labels unchanged)."""
    masks = [hand_mask(image) for image in images]
    renderers = shift_renderers(seed)
    return {
        kind: np.stack([renderers[kind](image, mask) for image, mask in zip(images, masks, strict=True)]) for kind in SHIFT_KINDS
    }
