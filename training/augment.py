"""Training-time augmentation: background replacement plus Keras preprocessing layers."""

from __future__ import annotations

import math

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from training.recipe import AugmentConfig
from training.scenes import place_hand, training_background


def _apply_to_chosen(images, chosen, transform):
    """Return ``images`` with ``transform`` applied to the chosen ones only (the others cost nothing)."""
    where = tf.where(chosen)
    return tf.cond(
        tf.size(where) > 0,
        lambda: tf.tensor_scatter_nd_update(images, where, transform(tf.gather_nd(images, where))),
        lambda: images,
    )


class _SeededLayer(keras.layers.Layer):
    """A random augmentation layer: its own seed generator, and a config made of the settings in ``SETTINGS``."""

    SETTINGS: tuple[str, ...] = ()

    def __init__(self, seed: int | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def get_config(self) -> dict:
        return {**super().get_config(), "seed": self.seed, **{name: getattr(self, name) for name in self.SETTINGS}}


class RandomPlacement(_SeededLayer):
    """Flip, rotate, zoom and shift each image of a batch in one resampling (nearest-edge fill).

    Does what RandomFlip, RandomRotation, RandomZoom and RandomTranslation do one after the
    other, as one affine transform per image: a quarter of their cost and one interpolation
    instead of three.
    """

    SETTINGS = ("degrees", "zoom", "shift")

    def __init__(self, degrees: float, zoom: float, shift: float, seed: int | None = None, **kwargs) -> None:
        super().__init__(seed, **kwargs)
        self.degrees, self.zoom, self.shift = degrees, zoom, shift

    def call(self, images, training: bool = True):
        if not training:
            return images
        batch = ops.shape(images)[0]
        height, width = (ops.cast(ops.shape(images)[axis], "float32") for axis in (1, 2))

        def uniform(low: float, high: float, count: int = 1):
            return keras.random.uniform((batch, count), low, high, seed=self.seed_generator)

        angle = uniform(-self.degrees, self.degrees) * (math.pi / 180)
        scale = 1 + uniform(-self.zoom, self.zoom)  # above 1 shows more of the picture (zooms out)
        flip = ops.where(uniform(0, 1) < 0.5, -1.0, 1.0)
        shift = uniform(-self.shift, self.shift, 2) * ops.stack([width, height])[None]
        cos, sin = ops.cos(angle) * scale, ops.sin(angle) * scale
        a0, a1, b0, b1 = cos * flip, -sin, sin * flip, cos
        cx, cy = (width - 1.0) / 2, (height - 1.0) / 2
        a2 = cx - a0 * cx - a1 * cy + shift[:, :1]
        b2 = cy - b0 * cx - b1 * cy + shift[:, 1:]
        transform = ops.concatenate([a0, a1, a2, b0, b1, b2, ops.zeros((batch, 2))], axis=1)
        return ops.image.affine_transform(images, transform, interpolation="bilinear", fill_mode="nearest")


class RandomBlur(_SeededLayer):
    """Blur some images of a batch with a Gaussian, as RandomGaussianBlur does, in two 1-D passes.

    Each image is blurred with a probability drawn from [0, ``factor``]; the batch shares one
    sigma per axis drawn from ``sigma``. Edges are mirrored, so borders keep their brightness.
    """

    SETTINGS = ("factor", "kernel_size", "sigma")

    def __init__(
        self, factor: float, kernel_size: int, sigma: tuple[float, float], seed: int | None = None, **kwargs
    ) -> None:
        if kernel_size % 2 == 0:
            raise ValueError(f"kernel_size must be odd, not {kernel_size}")
        super().__init__(seed, **kwargs)
        self.factor, self.kernel_size, self.sigma = factor, kernel_size, tuple(sigma)

    def _kernel(self, sigma, channels: int):
        half = self.kernel_size // 2
        taps = ops.exp(-(ops.arange(-half, half + 1, dtype="float32") ** 2) / (2 * sigma**2))
        taps = taps / ops.sum(taps)
        return ops.tile(ops.reshape(taps, (-1, 1, 1)), (1, channels, 1))

    def call(self, images, training: bool = True):
        if not training:
            return images
        batch, channels, half = ops.shape(images)[0], images.shape[-1], self.kernel_size // 2
        probability = keras.random.uniform((batch,), 0, self.factor, seed=self.seed_generator)
        chosen = keras.random.uniform((batch,), 0, 1, seed=self.seed_generator) < probability
        sigma = keras.random.uniform((2,), *self.sigma, seed=self.seed_generator) + 1e-6

        def blur(some):
            padded = ops.pad(some, [[0, 0], [half, half], [half, half], [0, 0]], mode="reflect")
            across = ops.depthwise_conv(padded, ops.expand_dims(self._kernel(sigma[0], channels), 0), padding="valid")
            return ops.depthwise_conv(across, ops.expand_dims(self._kernel(sigma[1], channels), 1), padding="valid")

        return _apply_to_chosen(images, chosen, blur)


class RandomResolution(_SeededLayer):
    """Show some images of a batch as a far-away or cheap camera would: shrunk, then enlarged back.

    Each image is chosen with ``probability``; the batch shares one small size, drawn between
    ``smallest`` and ``largest`` pixels a side (area-averaged down, bilinear up).
    """

    SETTINGS = ("probability", "smallest", "largest")

    def __init__(self, probability: float, smallest: int, largest: int, seed: int | None = None, **kwargs) -> None:
        if not 1 <= smallest <= largest:
            raise ValueError(f"need 1 <= smallest <= largest, not {smallest} and {largest}")
        super().__init__(seed, **kwargs)
        self.probability, self.smallest, self.largest = probability, smallest, largest

    def call(self, images, training: bool = True):
        if not training:
            return images
        batch, height, width = (ops.shape(images)[axis] for axis in range(3))
        chosen = keras.random.uniform((batch,), 0, 1, seed=self.seed_generator) < self.probability
        side = ops.cast(keras.random.uniform((), self.smallest, self.largest + 1, seed=self.seed_generator), "int32")

        def coarsen(some):
            small = tf.image.resize(some, tf.stack([side, side]), method="area")
            return tf.image.resize(small, tf.stack([height, width]), method="bilinear")

        return _apply_to_chosen(images, chosen, coarsen)


def keras_augmenter(config: AugmentConfig, seed: int) -> keras.Sequential | None:
    """Return the Keras layers that augment a batch of uint8-valued images as ``config`` says, or ``None``."""
    if config.level == "none":
        return None
    layers: list[keras.layers.Layer] = [
        RandomPlacement(degrees=config.rotation_degrees, zoom=config.zoom, shift=config.shift, seed=seed)
    ]
    if config.level == "strong":
        smallest, largest = config.low_resolution_sides
        layers += [
            keras.layers.RandomBrightness(config.brightness, value_range=(0, 255), seed=seed + 4),
            keras.layers.RandomContrast(config.contrast, value_range=(0, 255), seed=seed + 5),
            keras.layers.RandomSaturation(tuple(config.saturation), value_range=(0, 255), seed=seed + 6),
            keras.layers.RandomHue(config.hue, value_range=(0, 255), seed=seed + 7),
            RandomBlur(config.blur_probability, kernel_size=5, sigma=tuple(config.blur_sigma), seed=seed + 8),
            RandomResolution(config.low_resolution_probability, smallest=smallest, largest=largest, seed=seed + 9),
        ]
    return keras.Sequential(layers, name=f"augment_{config.level}")


class BackgroundReplacer:
    """Put a share of training images' hands on procedural backgrounds, rescaled and moved."""

    def __init__(self, masks: np.ndarray, config: AugmentConfig, seed: int) -> None:
        self.masks = masks
        self.probability = config.background_probability
        self.min_scale = config.min_hand_scale
        self.photo_share = config.photo_share
        self.config = config
        self.rng = np.random.default_rng(seed)

    def __call__(self, image: np.ndarray, index: np.ndarray) -> np.ndarray:
        mask = self.masks[int(index)]
        if self.rng.random() >= self.probability or mask.mean() < 0.01:
            return image
        background = training_background(self.rng, image.shape[0], self.photo_share)
        return place_hand(
            image,
            mask,
            background,
            scale=float(np.exp(self.rng.uniform(np.log(self.min_scale), np.log(self.config.max_hand_scale)))),
            angle=float(self.rng.uniform(-self.config.background_angle, self.config.background_angle)),
            shift=tuple(
                float(v) for v in self.rng.uniform(-self.config.background_shift, self.config.background_shift, 2)
            ),
            feather=float(self.rng.uniform(0.5, 1.5)),
        )


def jpeg_and_colour_cast(image: tf.Tensor, config: AugmentConfig) -> tf.Tensor:
    """Randomly re-compress one uint8 image as JPEG and tint it warmer or cooler, as ``config`` says."""
    lowest, highest = config.jpeg_quality
    image = tf.image.random_jpeg_quality(image, lowest, highest)
    cast = config.colour_cast
    gains = tf.stack(
        [1.0 + tf.random.uniform([], -cast, cast), tf.constant(1.0), 1.0 + tf.random.uniform([], -cast, cast)]
    )
    return tf.cast(tf.clip_by_value(tf.cast(image, tf.float32) * gains, 0, 255), tf.uint8)
