"""Build the domain-shift test set: held-out test photos re-rendered as other people and cameras would show them.

Built from the subject-disjoint test split, so no hand here belongs to a person seen in training.
Backgrounds are photographs and textures shipped with scikit-image plus plain colours; training
draws its own photographs from other files (``training.scenes.TRAINING_PHOTOS``; a test checks
they are disjoint). Most kinds keep the 224x224 square; ``wide_off_centre`` renders a 16:9 or
4:3 frame with a small hand off-centre, and ``hand_distant`` a 4:3 photo with the hand a quarter
to 0.4 of its short side anywhere (a phone held at arm's length): only hand localisation reads those well.
``webcam_room`` and ``hand_before_face`` are 640x480 webcam frames of a drawn person in front of a
photograph, the hand held up beside the face or large in front of it, as a kiosk sees people.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PIL import Image, ImageEnhance, ImageFilter

from training.distortions import (
    distant,
    fill_frame,
    jpeg,
    low_resolution,
    motion_blur,
    noisy,
    photometric,
    skin_tone,
    solid,
    tint,
    turned,
    under_exposed,
    wall_colour,
    webcam_frame,
    wide,
)
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
    "webcam_room",
    "hand_before_face",
)
TILT_DEGREES = (25, 60)  # the tilted kinds lean the hand this much, either way (people hold their hands so)
# Gains applied to the hand's pixels to render lighter and darker skin than the dataset's students'.
SKIN_TONES = ((0.62, 0.5, 0.42), (0.42, 0.33, 0.27), (0.3, 0.23, 0.19), (1.08, 1.0, 0.92), (0.8, 0.62, 0.5))


def shift_renderers(seed: int) -> dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]]:
    """Return one function per kind of shift, mapping (image, hand mask) to a new image."""
    return ShiftRenderers(seed).kinds()


class ShiftRenderers:
    """The shift kinds of one seed: they draw from one random stream, in the order pictures are rendered."""

    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)
        self.photos = [package_picture("skimage:" + name) for name in PHOTO_BACKGROUNDS]
        self.textures = [package_picture("skimage:" + name) for name in TEXTURE_BACKGROUNDS]

    def photo(self, size: int) -> np.ndarray:
        """Return a random ``size`` square of a random photograph."""
        return random_crop(self.photos[int(self.rng.integers(len(self.photos)))], size, self.rng)

    def texture(self, size: int) -> np.ndarray:
        return random_crop(self.textures[int(self.rng.integers(len(self.textures)))], size, self.rng)

    def on(self, background: Callable[[int], np.ndarray], scale: tuple[float, float] = (0.9, 1.1)) -> Callable:
        """Return a renderer putting the segmented hand on ``background``, scaled and shifted a little."""

        def render(image: np.ndarray, mask: np.ndarray) -> np.ndarray:
            size = image.shape[0]
            return place_hand(
                image,
                mask,
                background(size),
                scale=float(self.rng.uniform(*scale)),
                shift=tuple(float(v) for v in self.rng.uniform(-0.05, 0.05, 2)),
            )

        return render

    def rotate(self, image: np.ndarray, _mask: np.ndarray) -> np.ndarray:
        angle = float(self.rng.choice([-1, 1]) * self.rng.uniform(10, 20))
        return np.asarray(
            Image.fromarray(image).rotate(angle, resample=Image.Resampling.BILINEAR, fillcolor=wall_colour(image))
        )

    def tilt(self, image: np.ndarray, _mask: np.ndarray) -> np.ndarray:
        """Lean the hand 25-60 degrees either way, on a wall widened so that no finger is cut off."""
        angle = float(self.rng.choice([-1, 1]) * self.rng.uniform(*TILT_DEGREES))
        size = image.shape[0]
        wall = Image.new("RGB", (round(size * 1.3),) * 2, tuple(int(v) for v in wall_colour(image)))
        wall.paste(Image.fromarray(image), ((wall.width - size) // 2,) * 2)
        turned = wall.rotate(
            angle, resample=Image.Resampling.BILINEAR, fillcolor=tuple(int(v) for v in wall_colour(image))
        )
        return np.asarray(turned.resize((size, size), Image.Resampling.BILINEAR))

    def tilt_on_photo(self, image: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Lean the segmented hand 25-60 degrees either way on a photograph."""
        angle = float(self.rng.choice([-1, 1]) * self.rng.uniform(*TILT_DEGREES))
        background = self.photo(image.shape[0])
        scale = float(self.rng.uniform(0.7, 0.85))
        return place_hand(image, mask, background, scale=scale, angle=angle, shift=(0.0, 0.0))

    def hsv_colour(self, low: float, high: float) -> np.ndarray:
        rng = self.rng
        hue = Image.new(
            "HSV", (1, 1), (int(rng.integers(0, 256)), int(rng.integers(150, 256)), int(rng.uniform(low, high)))
        )
        return np.asarray(hue.convert("RGB"))[0, 0]

    def kinds(self) -> dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]]:
        """Return the renderers by kind name, in the order the shift set lists them."""
        rng, on = self.rng, self.on
        return {
            "background_black": on(lambda s: solid(rng.integers(0, 16, 3), s)),
            "background_dark": on(lambda s: solid(rng.integers(20, 80, 3), s)),
            "background_colored": on(lambda s: solid(self.hsv_colour(120, 255), s)),
            "background_cluttered": on(self.photo),
            "background_textured": on(self.texture),
            "hand_fills_frame": lambda image, mask: fill_frame(image, mask),
            "hand_small": on(self.photo, scale=(0.5, 0.65)),
            "rotated": self.rotate,
            "brighter": lambda image, _m: photometric(image, ImageEnhance.Brightness, 1.5),
            "darker": lambda image, _m: photometric(image, ImageEnhance.Brightness, 0.45),
            "low_contrast": lambda image, _m: photometric(image, ImageEnhance.Contrast, 0.45),
            "warmer": lambda image, _m: tint(image, (1.15, 1.0, 0.8)),
            "cooler": lambda image, _m: tint(image, (0.8, 1.0, 1.15)),
            "blurred": lambda image, _m: np.asarray(Image.fromarray(image).filter(ImageFilter.GaussianBlur(2.5))),
            "jpeg_compressed": lambda image, _m: jpeg(image, 15),
            "mirrored": lambda image, _m: np.ascontiguousarray(image[:, ::-1]),
            "turned_3d": lambda image, _m: turned(image, rng),
            "other_skin_tones": lambda image, mask: skin_tone(
                image, mask, SKIN_TONES[int(rng.integers(len(SKIN_TONES)))]
            ),
            "wide_off_centre": lambda image, mask: wide(image, mask, self.photo(400), rng),
            "low_resolution": lambda image, _m: low_resolution(image, rng),
            "sensor_noise": lambda image, _m: noisy(image, rng, float(rng.uniform(12, 22))),
            "under_exposed": lambda image, _m: under_exposed(image, rng),
            "motion_blur": lambda image, _m: motion_blur(image, rng),
            "hand_distant": lambda image, mask: distant(image, mask, self.photo(448), rng),
            "tilted": self.tilt,
            "tilted_on_photo": self.tilt_on_photo,
            # A left hand (the photo mirrored) leaning on a photograph; a camera well below or beside the hand.
            "left_tilted_on_photo": lambda image, mask: self.tilt_on_photo(
                np.ascontiguousarray(image[:, ::-1]), np.ascontiguousarray(mask[:, ::-1])
            ),
            "turned_3d_strong": lambda image, _m: turned(image, rng, (0.28, 0.38)),
            # Webcam frames of a person in a room: the hand up beside the face, or large in front of it.
            "webcam_room": lambda image, mask: webcam_frame(image, mask, self.photo(480), rng),
            "hand_before_face": lambda image, mask: webcam_frame(
                image, mask, self.photo(480), rng, hand_share=(0.5, 0.6), over_face=True
            ),
        }


def build_shift_set(images: np.ndarray, seed: int = 2024) -> dict[str, list[np.ndarray]]:
    """Return, per kind of shift, every image of ``images`` re-rendered that way (labels unchanged).

    Every picture is RGB uint8; all are 224x224 but the frames of ``wide_off_centre``, ``hand_distant``,
    ``webcam_room`` and ``hand_before_face``.
    """
    masks = hand_masks(images)
    renderers = shift_renderers(seed)
    return {
        kind: [renderers[kind](image, mask) for image, mask in zip(images, masks, strict=True)] for kind in SHIFT_KINDS
    }
