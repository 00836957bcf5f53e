"""Fit the classifier with the seed recipe or the two-phase schedule."""

from __future__ import annotations

import logging
import math
import sys

import keras
import numpy as np
import tensorflow as tf

from recognition.preprocessing import CLASS_NAMES
from training.augment import BackgroundReplacer, jpeg_and_colour_cast, keras_augmenter
from training.data import LoadedImages
from training.model import backbone_of, set_trainable_top
from training.recipe import Recipe
from training.segmentation import hand_masks

log = logging.getLogger(__name__)


def training_dataset(
    data: LoadedImages, recipe: Recipe, seed: int, scenes: LoadedImages | None = None
) -> tf.data.Dataset:
    """Return shuffled, augmented batches of (uint8-valued float images, one-hot labels).

    ``scenes`` (squares cut from scenes, :mod:`training.scene_frames`) join the photos, never put on a new background.
    """
    augment = recipe.augment
    images, label_values = data.images, data.labels
    if scenes is not None and len(scenes.labels):
        images = np.concatenate([images, scenes.images])
        label_values = np.concatenate([label_values, scenes.labels])
    count = len(label_values)
    replacer = None
    if augment.replaces_background:
        masks = np.stack(hand_masks(data.images))
        if len(images) > len(data.images):  # a blank mask keeps a scene square as it is
            masks = np.concatenate([masks, np.zeros((len(images) - len(masks), *masks.shape[1:]), masks.dtype)])
        replacer = BackgroundReplacer(masks, augment, seed)
    labels = tf.one_hot(label_values, len(CLASS_NAMES))

    def fetch(index: np.ndarray) -> np.ndarray:
        image = images[int(index)]
        return replacer(image, index) if replacer else image

    def load(index: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
        image = tf.numpy_function(fetch, [index], tf.uint8, stateful=True)
        image = tf.ensure_shape(image, images.shape[1:])
        if augment.level == "strong":
            image = tf.ensure_shape(jpeg_and_colour_cast(image, augment), images.shape[1:])
        return image, tf.gather(labels, index)

    dataset = (
        tf.data.Dataset.range(count)
        .shuffle(count, seed=seed, reshuffle_each_iteration=True)
        .map(load, num_parallel_calls=1, deterministic=True)
        .batch(recipe.batch_size)
    )
    augmenter = keras_augmenter(augment, seed)
    if augmenter is not None:
        dataset = dataset.map(
            lambda x, y: (augmenter(tf.cast(x, tf.float32), training=True), y),
            num_parallel_calls=1,
        )
    else:
        dataset = dataset.map(lambda x, y: (tf.cast(x, tf.float32), y))
    return dataset.prefetch(tf.data.AUTOTUNE)


def evaluation_dataset(data: LoadedImages, batch_size: int = 32) -> tf.data.Dataset:
    """Return un-augmented batches of (images, one-hot labels), cached."""
    labels = tf.one_hot(data.labels, len(CLASS_NAMES))
    return (
        tf.data.Dataset.from_tensor_slices((data.images, labels))
        .batch(batch_size)
        .map(lambda x, y: (tf.cast(x, tf.float32), y))
        .cache()
        .prefetch(tf.data.AUTOTUNE)
    )


class RestoreBestWeights(keras.callbacks.Callback):
    """Keep the weights of the epoch with the lowest validation loss and restore them at the end."""

    def __init__(self) -> None:
        super().__init__()
        self.best_loss = np.inf
        self.best_weights: list[np.ndarray] | None = None
        self.best_epoch = -1

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        loss = (logs or {}).get("val_loss")
        if loss is not None and loss < self.best_loss:
            self.best_loss, self.best_epoch = loss, epoch
            self.best_weights = self.model.get_weights()

    def restore(self) -> None:
        if self.best_weights is not None:
            self.model.set_weights(self.best_weights)


def learning_rate_for(recipe: Recipe, steps: int) -> float | keras.optimizers.schedules.LearningRateSchedule:
    """Return the fine-tuning rate of ``recipe``: a number, or a cosine decay over ``steps`` optimiser steps."""
    if recipe.schedule == "cosine":
        return keras.optimizers.schedules.CosineDecay(recipe.learning_rate, decay_steps=max(steps, 1), alpha=0.01)
    return recipe.learning_rate


def _compile(
    model: keras.Model, learning_rate: float | keras.optimizers.schedules.LearningRateSchedule, recipe: Recipe
) -> None:
    model.compile(
        # Keras checks and uses ema_momentum only with use_ema.
        optimizer=keras.optimizers.Adam(
            learning_rate, use_ema=recipe.ema_momentum > 0, ema_momentum=recipe.ema_momentum
        ),
        loss=keras.losses.CategoricalCrossentropy(label_smoothing=recipe.label_smoothing),
        metrics=["accuracy"],
    )


def fit(
    model: keras.Model,
    train: LoadedImages,
    valid: LoadedImages,
    recipe: Recipe,
    seed: int,
    verbose: int | None = None,
    scenes: LoadedImages | None = None,
) -> dict[str, list[float]]:
    """Train ``model`` in place following ``recipe`` (validated when made); return the merged per-epoch history.

    ``verbose`` is Keras': by default a progress bar per epoch in a terminal, else one line per epoch. ``scenes``:
    squares cut as served from scenes, trained on beside ``train``.
    """
    if verbose is None:
        verbose = 1 if sys.stdout.isatty() else 2
    steps_per_epoch = math.ceil((len(train.labels) + (0 if scenes is None else len(scenes.labels))) / recipe.batch_size)
    train_batches = training_dataset(train, recipe, seed, scenes)
    valid_batches = evaluation_dataset(valid)
    best = RestoreBestWeights()
    history: dict[str, list[float]] = {}

    def run(epochs: int, initial_epoch: int, phase: str) -> None:
        log.info("phase %s: epochs %d to %d", phase, initial_epoch + 1, initial_epoch + epochs)
        # With weight averaging, validation, the best-epoch choice and the final weights all use the
        # average: SwapEMAWeights puts it in the model at each epoch's end, before ``best`` looks.
        callbacks = [keras.callbacks.SwapEMAWeights(swap_on_epoch=True)] if recipe.ema_momentum else []
        result = model.fit(
            train_batches,
            validation_data=valid_batches,
            epochs=initial_epoch + epochs,
            initial_epoch=initial_epoch,
            callbacks=[*callbacks, best],
            shuffle=False,  # the dataset shuffles itself
            verbose=verbose,
        )
        for key, values in result.history.items():
            history.setdefault(key, []).extend(float(v) for v in values)

    if recipe.name == "seed":
        set_trainable_top(model, recipe.fine_tune_layers)
        _compile(model, learning_rate_for(recipe, steps_per_epoch * recipe.epochs), recipe)
        run(recipe.epochs, 0, "fine-tune")
    else:
        head_epochs = min(recipe.head_epochs, recipe.epochs)
        backbone_of(model).trainable = False
        _compile(model, recipe.head_learning_rate, recipe)
        run(head_epochs, 0, "head")
        if recipe.epochs > head_epochs:
            set_trainable_top(model, recipe.fine_tune_layers)
            rate = learning_rate_for(recipe, steps_per_epoch * (recipe.epochs - head_epochs))
            _compile(model, rate, recipe)  # recompile after changing trainable
            run(recipe.epochs - head_epochs, head_epochs, "fine-tune")
    best.restore()
    history["best_epoch"] = [float(best.best_epoch + 1)]
    log.info("restored the weights of epoch %d (lowest validation loss)", best.best_epoch + 1)
    return history
