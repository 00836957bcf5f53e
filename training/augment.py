"""Training-time augmentation: background replacement plus Keras preprocessing layers."""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from training.recipe import AugmentConfig
from training.scenes import place_hand, training_background


def keras_augmenter(level: str, seed: int) -> keras.Sequential | None:
    """Return the Keras layers that augment a batch of uint8-valued images, or ``None``."""
    if level == "none":
        return None
    layers: list[keras.layers.Layer] = [
        keras.layers.RandomFlip("horizontal", seed=seed),
        keras.layers.RandomRotation(20 / 360, fill_mode="nearest", seed=seed + 1),
        keras.layers.RandomZoom((-0.15, 0.15), fill_mode="nearest", seed=seed + 2),
        keras.layers.RandomTranslation(0.08, 0.08, fill_mode="nearest", seed=seed + 3),
    ]
    if level == "strong":
        layers += [
            keras.layers.RandomBrightness(0.35, value_range=(0, 255), seed=seed + 4),
            keras.layers.RandomContrast(0.45, value_range=(0, 255), seed=seed + 5),
            keras.layers.RandomSaturation((0.35, 0.7), value_range=(0, 255), seed=seed + 6),
            keras.layers.RandomHue(0.04, value_range=(0, 255), seed=seed + 7),
            keras.layers.RandomGaussianBlur(0.3, kernel_size=5, sigma=(0.1, 1.6), value_range=(0, 255), seed=seed + 8),
        ]
    return keras.Sequential(layers, name=f"augment_{level}")


class BackgroundReplacer:
    """Put a share of training images' hands on procedural backgrounds, rescaled and moved."""

    def __init__(self, masks: np.ndarray, config: AugmentConfig, seed: int) -> None:
        self.masks = masks
        self.probability = config.background_probability
        self.min_scale = config.min_hand_scale
        self.photo_share = config.photo_share
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
            scale=float(np.exp(self.rng.uniform(np.log(self.min_scale), np.log(1.5)))),
            angle=float(self.rng.uniform(-25, 25)),
            shift=tuple(float(v) for v in self.rng.uniform(-0.15, 0.15, 2)),
            feather=float(self.rng.uniform(0.5, 1.5)),
        )


def jpeg_and_colour_cast(image: tf.Tensor) -> tf.Tensor:
    """Randomly re-compress one uint8 image as JPEG and tint it warmer or cooler."""
    image = tf.image.random_jpeg_quality(image, 25, 100)
    gains = tf.stack([1.0 + tf.random.uniform([], -0.15, 0.15), tf.constant(1.0), 1.0 + tf.random.uniform([], -0.15, 0.15)])
    return tf.cast(tf.clip_by_value(tf.cast(image, tf.float32) * gains, 0, 255), tf.uint8)
