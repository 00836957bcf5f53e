"""Classify model inputs with LiteRT when a matching .tflite exists, else with Keras.

A :class:`PredictorHolder` lives on the app (``app.extensions``), loads the model once per
process (in a worker, after gunicorn forks) and is safe to share between request threads.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np

from training.export import sha256_of
from training.preprocessing import CLASS_NAMES, IMAGE_SIZE

log = logging.getLogger(__name__)


class Predictor(Protocol):
    """Anything that maps uint8 images (N, 224, 224, 3) to probabilities (N, 10)."""

    backend: str

    def predict(self, images: np.ndarray) -> np.ndarray: ...


class LiteRTPredictor:
    """Run the fp32 .tflite export with the LiteRT interpreter, one invoke per image."""

    backend = "litert"

    def __init__(self, path: Path, threads: int = 1) -> None:
        from ai_edge_litert.interpreter import Interpreter

        self._interpreter = Interpreter(model_path=str(path), num_threads=threads)
        self._interpreter.allocate_tensors()
        self._input = self._interpreter.get_input_details()[0]["index"]
        self._output = self._interpreter.get_output_details()[0]["index"]
        self._lock = threading.Lock()  # an interpreter must not be invoked from two threads

    def predict(self, images: np.ndarray) -> np.ndarray:
        outputs = []
        for image in images.astype(np.float32):
            with self._lock:
                self._interpreter.set_tensor(self._input, image[None])
                self._interpreter.invoke()
                outputs.append(self._interpreter.get_tensor(self._output)[0].copy())
        return np.stack(outputs)


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


def read_card(model_path: Path) -> dict:
    """Return the model card beside ``model_path``, or an empty dict when there is none."""
    card = model_path.with_suffix(".json")
    try:
        return json.loads(card.read_text())
    except (OSError, ValueError):
        return {}


def matching_tflite(model_path: Path, card: dict) -> Path | None:
    """Return the .tflite export of ``model_path`` if the card vouches that it matches the .h5."""
    entry = (card.get("files") or {}).get("tflite") or {}
    if not entry.get("file"):
        return None
    tflite = model_path.with_name(entry["file"])
    if not tflite.is_file():
        return None
    if entry.get("h5_sha256") != sha256_of(model_path) or entry.get("sha256") != sha256_of(tflite):
        log.warning("%s does not match %s (hash differs); serving the .h5 with Keras", tflite.name, model_path.name)
        return None
    return tflite


def load_predictor(model_path: Path, backend: str = "auto", threads: int = 1, card: dict | None = None) -> Predictor:
    """Load the model at ``model_path`` with the requested backend (auto prefers LiteRT).

    ``card`` is the model card when the caller has already read it.
    """
    if not model_path.is_file():
        raise FileNotFoundError(f"model file not found: {model_path}")
    if backend not in ("auto", "litert", "keras"):
        raise ValueError(f"unknown backend {backend!r}; use auto, litert or keras")
    if backend in ("auto", "litert"):
        tflite = matching_tflite(model_path, read_card(model_path) if card is None else card)
        if tflite is not None:
            return LiteRTPredictor(tflite, threads)
        if backend == "litert":
            raise FileNotFoundError(f"no .tflite matching {model_path.name} (see its model card)")
    return KerasPredictor(model_path)


@dataclass
class PredictorHolder:
    """Load the predictor once, in the background or on first use, and report its state."""

    model_path: Path
    backend: str = "auto"
    threads: int = 1
    predictor: Predictor | None = None
    error: str | None = None
    card: dict = field(default_factory=dict)
    load_seconds: float | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _done: threading.Event = field(default_factory=threading.Event)
    _started: bool = False

    def start_background_load(self) -> None:
        """Begin loading in a daemon thread; requests wait for it to finish."""
        with self._lock:
            if self._started:
                return
            self._started = True
        threading.Thread(target=self._load, name="model-loader", daemon=True).start()

    def get(self, timeout: float = 60.0) -> Predictor:
        """Return the loaded predictor, loading it now if nobody started; raise if it failed."""
        with self._lock:
            start_here = not self._started
            self._started = True
        if start_here:
            self._load()
        if not self._done.wait(timeout):
            raise ModelUnavailable("the model is still loading; try again in a moment")
        if self.predictor is None:
            raise ModelUnavailable(f"the model could not be loaded: {self.error}")
        return self.predictor

    @property
    def state(self) -> str:
        if not self._done.is_set():
            return "loading" if self._started else "not loaded"
        return "ok" if self.predictor is not None else "failed"

    def _load(self) -> None:
        started = time.perf_counter()
        try:
            self.card = read_card(self.model_path)
            self.predictor = load_predictor(self.model_path, self.backend, self.threads, self.card)
            self.load_seconds = time.perf_counter() - started
            log.info("model %s loaded with %s in %.2f s", self.model_path, self.predictor.backend, self.load_seconds)
        except Exception as error:  # any failure must become a 503 with its reason, not a crash
            self.error = f"{type(error).__name__}: {error}".splitlines()[0][:300]
            log.error("model %s failed to load: %s", self.model_path, self.error)
        finally:
            self._done.set()


class ModelUnavailable(Exception):
    """The model is loading or failed to load; answer 503."""


@dataclass
class Prediction:
    """One classified image."""

    probabilities: np.ndarray

    @property
    def digit(self) -> int:
        return int(np.argmax(self.probabilities))

    def as_dict(self, unsure_below: float) -> dict:
        probabilities = self.probabilities.astype(np.float64)
        probabilities = probabilities / probabilities.sum()
        return {
            "digit": self.digit,
            "label": CLASS_NAMES[self.digit],
            "confidence": round(float(probabilities[self.digit]), 6),
            "probabilities": [round(float(p), 6) for p in probabilities],
            "unsure": bool(probabilities[self.digit] < unsure_below),
        }
