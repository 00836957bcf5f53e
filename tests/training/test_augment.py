"""The augmentation layers: one-resampling placement and the two-pass blur do what they promise."""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from training.augment import RandomBlur, RandomPlacement, keras_augmenter
from training.recipe import AugmentConfig


def stripes(count: int = 4, size: int = 32) -> np.ndarray:
    """Return ``count`` images, each with a bright left third and noise elsewhere."""
    images = np.random.default_rng(0).uniform(0, 100, (count, size, size, 3)).astype("float32")
    images[:, :, : size // 3] = 250
    return images


def test_placement_without_range_only_flips():
    images = stripes(8)
    placed = RandomPlacement(degrees=0, zoom=0, shift=0, seed=1)(images, training=True).numpy()
    flipped = [np.allclose(out, image[:, ::-1], atol=1e-3) for out, image in zip(placed, images, strict=True)]
    kept = [np.allclose(out, image, atol=1e-3) for out, image in zip(placed, images, strict=True)]
    assert all(f or k for f, k in zip(flipped, kept, strict=True))
    assert any(flipped) and any(kept)  # about half of each with this seed


def test_placement_moves_the_picture_and_fills_from_the_edge():
    images = stripes(16)
    placed = RandomPlacement(degrees=20, zoom=0.15, shift=0.08, seed=2)(images, training=True).numpy()
    assert placed.shape == images.shape
    assert not np.allclose(placed, images)
    assert placed.min() >= 0 and placed.max() <= 255  # nearest-edge fill: no black corners brought in
    assert (placed < 1).mean() < 0.001


def test_placement_is_identity_when_not_training():
    images = stripes()
    np.testing.assert_array_equal(RandomPlacement(20, 0.15, 0.08, seed=3)(images, training=False), images)


def test_blur_keeps_flat_pictures_flat_and_softens_edges():
    flat = np.full((2, 16, 16, 3), 120.0, "float32")
    blur = RandomBlur(factor=1.0, kernel_size=5, sigma=(1.5, 1.5), seed=4)
    np.testing.assert_allclose(blur(flat, training=True), flat, atol=1e-3)  # mirrored edges: no dark border
    edge = np.zeros((1, 16, 16, 3), "float32")
    edge[:, :, 8:] = 255
    outputs = [blur(edge, training=True).numpy() for _ in range(20)]
    softened = [out for out in outputs if not np.allclose(out, edge)]
    assert softened, "factor 1 blurs most images"
    assert all(0 < out[0, 8, 7, 0] < 255 for out in softened)


def test_blur_with_factor_zero_changes_nothing():
    images = stripes()
    np.testing.assert_allclose(RandomBlur(0.0, 5, (0.1, 1.6), seed=5)(images, training=True), images, atol=1e-4)


def test_augmenter_runs_inside_tf_data_with_unknown_sizes():
    augmenter = keras_augmenter(AugmentConfig(), seed=6)
    images = tf.data.Dataset.from_tensor_slices(stripes(6).astype("uint8"))
    # A JPEG round trip loses the static shape, as the training pipeline's does.
    images = images.map(lambda image: tf.image.decode_jpeg(tf.image.encode_jpeg(image), channels=3)).batch(3)
    augmented = images.map(lambda batch: augmenter(tf.cast(batch, tf.float32), training=True))
    batches = [batch.numpy() for batch in augmented]
    assert [batch.shape for batch in batches] == [(3, 32, 32, 3), (3, 32, 32, 3)]
    assert all(np.isfinite(batch).all() for batch in batches)
