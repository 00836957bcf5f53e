"""The Keras backend: serve or score the ``.h5`` itself (needs TensorFlow; LiteRT serves without it)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from recognition.preprocessing import IMAGE_SIZE


class KerasPredictor:
    """Run the .h5 with Keras through one traced ``tf.function`` (never ``predict()`` per request)."""

    backend = "keras"

    def __init__(self, path: Path) -> None:
        import keras
        import tensorflow as tf

        model = keras.models.load_model(path, compile=False)
        self._call = tf.function(
            lambda x: model(x, training=False),
            input_signature=[tf.TensorSpec([None, IMAGE_SIZE, IMAGE_SIZE, 3], tf.float32)],
            reduce_retracing=True,
        )
        self._call(np.zeros((1, IMAGE_SIZE, IMAGE_SIZE, 3), np.float32))  # trace once, now

    def predict(self, images: np.ndarray) -> np.ndarray:
        return np.asarray(self._call(images.astype(np.float32)))


class InMemoryKerasPredictor:
    """Serve a Keras model that is still in memory (the one just trained) through the Predictor interface."""

    backend = "keras"

    def __init__(self, model) -> None:
        self.model = model

    def predict(self, images: np.ndarray) -> np.ndarray:
        return self.model.predict(images.astype(np.float32), batch_size=64, verbose=0)
