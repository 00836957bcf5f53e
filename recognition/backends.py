"""Backends that turn model inputs into digit probabilities, behind one interface and a registry.

``load_predictor(model, "auto")`` serves the int8 LiteRT export when the card vouches for it
(matching hashes, parity gate passed), else the fp32 export, else the ``.h5`` with Keras. A new
backend is one class and one line in :data:`BACKENDS`. The Keras backend
(:mod:`recognition.keras_backend`) imports Keras and TensorFlow only when it is built, so that this
package runs in an install without TensorFlow.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

import numpy as np

from recognition.interpreters import InterpreterPair
from recognition.keras_backend import KerasPredictor
from recognition.model_files import ModelFiles
from recognition.parallel import in_parallel
from recognition.preprocessing import CLASS_NAMES

log = logging.getLogger(__name__)


class BackendUnavailable(RuntimeError):
    """The chosen backend cannot run in this install."""


class Predictor(Protocol):
    """Anything that maps uint8 images (N, 224, 224, 3) to probabilities (N, 10)."""

    backend: str

    def predict(self, images: np.ndarray) -> np.ndarray:
        """Return probabilities (with every thread when running alone, :mod:`recognition.interpreters`)."""
        ...


class LiteRTPredictor:
    """Run a LiteRT export (float or uint8 input), one invoke per image.

    ``threads`` serve a request alone in its process; while others run a one-thread copy of the
    model runs instead, so that concurrent requests share the cores (:mod:`recognition.interpreters`);
    offline work loads ``side_by_side`` such copies and calls them from as many threads.
    """

    def __init__(self, path: Path, threads: int = 1, backend: str = "litert", side_by_side: int = 1) -> None:
        self.backend = backend
        self.path = Path(path)
        self._interpreters = InterpreterPair(self.path, threads, side_by_side)
        self.side_by_side = self._interpreters.side_by_side  # one-thread copies that may run at once
        source = self._interpreters.input_details[0]
        self._input, self._input_dtype = source["index"], source["dtype"]
        self._input_scale, self._input_zero = source["quantization"]
        target = self._interpreters.output_details[0]
        self._output = target["index"]
        self._output_scale, self._output_zero = target["quantization"]

    def _encode(self, image: np.ndarray) -> np.ndarray:
        if self._input_dtype == np.float32:
            return image.astype(np.float32)[None]
        if self._input_scale == 1.0 and self._input_zero == 0 and self._input_dtype == np.uint8:
            return image[None]
        info = np.iinfo(self._input_dtype)
        quantised = np.round(image.astype(np.float32) / self._input_scale + self._input_zero)
        return np.clip(quantised, info.min, info.max).astype(self._input_dtype)[None]

    def predict(self, images: np.ndarray) -> np.ndarray:
        outputs = []
        for image in images:
            (output,) = self._interpreters.run({self._input: self._encode(image)}, [self._output])
            output = output[0]
            if output.dtype != np.float32:
                output = (output.astype(np.float32) - self._output_zero) * self._output_scale
            outputs.append(output)
        return np.stack(outputs)


def predict_side_by_side(predictor: Predictor, images: np.ndarray, workers: int) -> np.ndarray:
    """Return ``predictor``'s probabilities for ``images`` from ``workers`` threads on its one-thread copies (offline
    work)."""
    if workers <= 1:
        return predictor.predict(images)
    chunks = [part for part in np.array_split(images, 4 * workers) if len(part)]
    parts = in_parallel(lambda part: predictor.predict(part), chunks, workers)
    return np.concatenate(parts) if parts else np.zeros((0, len(CLASS_NAMES)), np.float32)


def _litert(precision: str) -> Callable[[ModelFiles, dict, int, int], Predictor | None]:
    def load(files: ModelFiles, card: dict, threads: int, copies: int) -> Predictor | None:
        path = files.verified_export(precision, card)
        return None if path is None else LiteRTPredictor(path, threads, f"litert-{precision}", copies)

    return load


def _keras(files: ModelFiles, _card: dict, _threads: int, _copies: int) -> Predictor:
    try:
        return KerasPredictor(files.h5)
    except ImportError as error:
        raise BackendUnavailable(
            "the keras backend needs the training install (TensorFlow); use a LiteRT backend"
        ) from error


# name -> loader returning a predictor, or None when its files are missing or not vouched for
BACKENDS: dict[str, Callable[[ModelFiles, dict, int, int], Predictor | None]] = {
    "litert-int8": _litert("int8"),
    "litert-fp32": _litert("fp32"),
    "keras": _keras,
}
ALIASES = {"litert": "litert-fp32", "int8": "litert-int8"}
AUTO_ORDER = ("litert-int8", "litert-fp32", "keras")


def load_predictor(
    model: str | Path | ModelFiles, backend: str = "auto", threads: int = 1, card: dict | None = None, copies: int = 1
) -> Predictor:
    """Load the model with ``backend`` (``auto``: the first of :data:`AUTO_ORDER` whose files are vouched for).

    ``copies`` one-thread copies of a LiteRT model may run side by side (offline work).
    """
    backend = ALIASES.get(backend, backend)
    if backend != "auto" and backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}; use auto, {', '.join(BACKENDS)}")
    files = model if isinstance(model, ModelFiles) else ModelFiles.from_h5(model)
    if not files.h5.is_file():
        raise FileNotFoundError(f"model file not found: {files.h5}")
    card = files.read_card() if card is None else card
    for name in AUTO_ORDER if backend == "auto" else (backend,):
        predictor = BACKENDS[name](files, card, threads, copies)
        if predictor is not None:
            return predictor
        log.info("no vouched-for %s export of %s", name, files.h5.name)
    raise FileNotFoundError(f"no {backend} export matching {files.h5.name} (see its model card)")
