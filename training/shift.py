"""Build the domain-shift test set: held-out test photos re-rendered as other people and cameras would show them.

Built from the subject-disjoint test split, so no hand here belongs to a person seen in training.
Backgrounds are photographs and textures shipped with scikit-image plus plain colours; training
draws its own photographs from other files (``training.scenes.TRAINING_PHOTOS``; a test checks
they are disjoint). Most kinds keep the 224x224 square; ``wide_off_centre`` renders a 16:9 or
4:3 frame with a small hand off-centre, and ``hand_distant`` a 4:3 photo with the hand a quarter
to 0.4 of its short side anywhere (a phone held at arm's length): only hand localisation reads those well.
"""

from __future__ import annotations

import io
from collections.abc import Callable

import numpy as np
from PIL import Image, ImageEnhance, ImageFilter
from scipy import ndimage

from training.distortions import low_resolution, motion_blur, noisy, turned, under_exposed, wall_colour
from training.scenes import package_picture, place_hand, random_crop
from training.segmentation import hand_masks

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
    "turned_3d",
    "other_skin_tones",
    "wide_off_centre",
    "low_resolution",
    "sensor_noise",
    "under_exposed",
    "motion_blur",
    "hand_distant",
    "tilted",
    "tilted_on_photo",
    "left_tilted_on_photo",
    "turned_3d_strong",
)
TILT_DEGREES = (25, 60)  # the tilted kinds lean the hand this much, either way (people hold their hands so)
# Gains applied to the hand's pixels to render lighter and darker skin than the dataset's students'.
SKIN_TONES = ((0.62, 0.5, 0.42), (0.42, 0.33, 0.27), (0.3, 0.23, 0.19), (1.08, 1.0, 0.92), (0.8, 0.62, 0.5))


def _solid(colour: np.ndarray, size: int) -> np.ndarray:
    return np.broadcast_to(colour.astype(np.uint8), (size, size, 3)).copy()


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


def _skin_tone(image: np.ndarray, mask: np.ndarray, gains: tuple[float, float, float]) -> np.ndarray:
    """Return ``image`` with the hand's pixels re-toned by ``gains``, the edge feathered."""
    alpha = ndimage.gaussian_filter(mask.astype(np.float32), 1.0)[..., None]
    toned = np.clip(image.astype(np.float32) * np.array(gains, np.float32), 0, 255)
    return (toned * alpha + image.astype(np.float32) * (1 - alpha)).astype(np.uint8)


def _pasted(
    image: np.ndarray,
    mask: np.ndarray,
    background: np.ndarray,
    size: tuple[int, int],
    side: int,
    corner: tuple[int, int],
) -> np.ndarray:
    """Return ``background`` resized to ``size`` with the hand of ``image`` (``side`` pixels) pasted at ``corner``."""
    scene = Image.fromarray(background).resize(size, Image.Resampling.BILINEAR)
    hand = Image.fromarray(image).resize((side, side), Image.Resampling.BILINEAR)
    alpha = Image.fromarray((ndimage.gaussian_filter(mask.astype(np.float32), 1.0) * 255).astype(np.uint8)).resize(
        (side, side)
    )
    scene.paste(hand, corner, alpha)
    return np.asarray(scene)


def _wide(image: np.ndarray, mask: np.ndarray, background: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Return a 16:9 or 4:3 frame with the hand (a third to a half of its height) off-centre on ``background``."""
    height = image.shape[0]
    width = round(height * (16 / 9 if rng.random() < 0.5 else 4 / 3))
    side = int(height * rng.uniform(0.55, 0.75))  # the photo's hand fills most of it
    left = (
        int(rng.uniform(0.0, 0.12) * width)
        if rng.random() < 0.5
        else width - side - int(rng.uniform(0.0, 0.12) * width)
    )
    return _pasted(image, mask, background, (width, height), side, (left, int(rng.integers(0, height - side + 1))))


def _distant(image: np.ndarray, mask: np.ndarray, background: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Return a 4:3 photo, either way up, with the hand (a quarter to 0.4 of its short side) anywhere in it."""
    short = 336
    width, height = (448, short) if rng.random() < 0.5 else (short, 448)
    side = int(short * rng.uniform(0.25, 0.4) / 0.8)  # the photo's hand fills about 0.8 of it
    corner = (int(rng.integers(0, width - side + 1)), int(rng.integers(0, height - side + 1)))
    return _pasted(image, mask, background, (width, height), side, corner)


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
        return np.asarray(
            Image.fromarray(image).rotate(angle, resample=Image.Resampling.BILINEAR, fillcolor=wall_colour(image))
        )

    def tilt(image: np.ndarray, _mask: np.ndarray) -> np.ndarray:
        """Lean the hand 25-60 degrees either way, on a wall widened so that no finger is cut off."""
        angle = float(rng.choice([-1, 1]) * rng.uniform(*TILT_DEGREES))
        size = image.shape[0]
        wall = Image.new("RGB", (round(size * 1.3),) * 2, tuple(int(v) for v in wall_colour(image)))
        wall.paste(Image.fromarray(image), ((wall.width - size) // 2,) * 2)
        turned = wall.rotate(
            angle, resample=Image.Resampling.BILINEAR, fillcolor=tuple(int(v) for v in wall_colour(image))
        )
        return np.asarray(turned.resize((size, size), Image.Resampling.BILINEAR))

    def tilt_on_photo(image: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Lean the segmented hand 25-60 degrees either way on a photograph."""
        angle = float(rng.choice([-1, 1]) * rng.uniform(*TILT_DEGREES))
        background = random_crop(photos[int(rng.integers(len(photos)))], image.shape[0], rng)
        return place_hand(image, mask, background, scale=float(rng.uniform(0.7, 0.85)), angle=angle, shift=(0.0, 0.0))

    def hsv_colour(low: float, high: float) -> np.ndarray:
        hue = Image.new(
            "HSV", (1, 1), (int(rng.integers(0, 256)), int(rng.integers(150, 256)), int(rng.uniform(low, high)))
        )
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
        "turned_3d": lambda image, _m: turned(image, rng),
        "other_skin_tones": lambda image, mask: _skin_tone(image, mask, SKIN_TONES[int(rng.integers(len(SKIN_TONES)))]),
        "wide_off_centre": lambda image, mask: _wide(
            image, mask, random_crop(photos[int(rng.integers(len(photos)))], 400, rng), rng
        ),
        "low_resolution": lambda image, _m: low_resolution(image, rng),
        "sensor_noise": lambda image, _m: noisy(image, rng, float(rng.uniform(12, 22))),
        "under_exposed": lambda image, _m: under_exposed(image, rng),
        "motion_blur": lambda image, _m: motion_blur(image, rng),
        "hand_distant": lambda image, mask: _distant(
            image, mask, random_crop(photos[int(rng.integers(len(photos)))], 448, rng), rng
        ),
        "tilted": tilt,
        "tilted_on_photo": tilt_on_photo,
        # A left hand (the photo mirrored) leaning on a photograph; a camera well below or beside the hand.
        "left_tilted_on_photo": lambda image, mask: tilt_on_photo(
            np.ascontiguousarray(image[:, ::-1]), np.ascontiguousarray(mask[:, ::-1])
        ),
        "turned_3d_strong": lambda image, _m: turned(image, rng, (0.28, 0.38)),
    }


def build_shift_set(images: np.ndarray, seed: int = 2024) -> dict[str, list[np.ndarray]]:
    """Return, per kind of shift, every image of ``images`` re-rendered that way (labels unchanged).

    Every picture is RGB uint8; all are 224x224 but those of ``wide_off_centre`` and ``hand_distant``.
    """
    masks = hand_masks(images)
    renderers = shift_renderers(seed)
    return {
        kind: [renderers[kind](image, mask) for image, mask in zip(images, masks, strict=True)] for kind in SHIFT_KINDS
    }
