"""Read the digit from the hand's shape: a small classifier over hand landmarks, beside the MobileNet.

The training command fits it (:mod:`training.geometry`) on the landmarks of the train split and
saves it as ``NAME.geometry.npz`` beside ``NAME.h5``: feature means and scales, then the weights
and biases of each layer (ReLU between layers, softmax at the end). Serving runs it in NumPy.
The MobileNet stays the image classifier; where the landmark model sees a hand, the two answers
are pooled (:func:`blend`: a weighted geometric mean, the weight chosen on two validation readings
by tuning/geometry.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from recognition.hand_shape import FEATURE_SETS

if TYPE_CHECKING:
    from recognition.landmarks import HandLook


@dataclass(frozen=True)
class GeometryModel:
    """A multilayer perceptron over one set of :mod:`recognition.hand_shape` features (``features`` names it)."""

    mean: np.ndarray
    scale: np.ndarray
    weights: tuple[np.ndarray, ...]
    biases: tuple[np.ndarray, ...]
    features: str = "planar"

    def __post_init__(self) -> None:
        if self.features not in FEATURE_SETS:
            raise ValueError(f"unknown feature set {self.features!r}")
        width = FEATURE_SETS[self.features]
        widths = [width] + [w.shape[1] for w in self.weights]
        shapes_fit = all(w.shape == (a, b) for w, a, b in zip(self.weights, widths, widths[1:], strict=False))
        if not self.weights or not shapes_fit or widths[-1] != 10 or self.mean.shape != (width,):
            raise ValueError("the geometry model's layers do not fit its features and 10 digits")

    @classmethod
    def load(cls, path: str | Path) -> GeometryModel:
        """Read a model saved by :meth:`save` (no pickles are loaded)."""
        with np.load(Path(path), allow_pickle=False) as arrays:
            layers = sum(1 for name in arrays.files if name.startswith("weights_"))
            return cls(
                arrays["mean"].astype(np.float32),
                arrays["scale"].astype(np.float32),
                tuple(arrays[f"weights_{i}"].astype(np.float32) for i in range(layers)),
                tuple(arrays[f"biases_{i}"].astype(np.float32) for i in range(layers)),
                str(arrays["features"]) if "features" in arrays.files else "planar",
            )

    def save(self, path: str | Path) -> Path:
        """Write this model to ``path`` (an ``.npz``)."""
        arrays = {"mean": self.mean, "scale": self.scale, "features": np.array(self.features)}
        arrays.update({f"weights_{i}": w for i, w in enumerate(self.weights)})
        arrays.update({f"biases_{i}": b for i, b in enumerate(self.biases)})
        with open(path, "wb") as handle:
            np.savez(handle, **arrays)
        return Path(path)

    def predict(self, features: np.ndarray) -> np.ndarray:
        """Return digit probabilities, ``(N, 10)``, for ``(N, width)`` features of this model's set."""
        values = (np.asarray(features, np.float32) - self.mean) / self.scale
        for index, (weights, biases) in enumerate(zip(self.weights, self.biases, strict=True)):
            values = values @ weights + biases
            if index < len(self.weights) - 1:
                values = np.maximum(values, 0.0)
        values = values - values.max(axis=1, keepdims=True)
        exp = np.exp(values)
        return exp / exp.sum(axis=1, keepdims=True)

    def read_looks(self, looks: list[HandLook | None], least: float) -> list[np.ndarray | None]:
        """Return probabilities for each look whose hand presence reaches ``least`` (``None`` for the others)."""
        seen = [i for i, look in enumerate(looks) if look is not None and look.presence >= least]
        shapes: list[np.ndarray | None] = [None] * len(looks)
        if seen:
            rows = self.predict(np.stack([looks[i].features(self.features) for i in seen]))
            for i, row in zip(seen, rows, strict=True):
                shapes[i] = row
        return shapes


def tempered(probabilities: np.ndarray, temperature: float) -> np.ndarray:
    """Return ``probabilities`` softened (temperature above 1) or sharpened (below 1); themselves at 1."""
    if temperature == 1.0:
        return probabilities
    logits = np.log(np.clip(probabilities, 1e-12, 1.0)) / temperature
    logits -= logits.max(axis=-1, keepdims=True)
    exp = np.exp(logits)
    return exp / exp.sum(axis=-1, keepdims=True)


def fit_temperature(probabilities: np.ndarray, labels: np.ndarray) -> float:
    """Return the temperature (0.3 to 8) that gives ``labels`` the highest likelihood (calibration on validation)."""
    candidates = np.exp(np.linspace(np.log(0.3), np.log(8.0), 60))
    rows = np.arange(len(labels))

    def loss(temperature: float) -> float:
        return float(-np.log(np.clip(tempered(probabilities, temperature)[rows, labels], 1e-12, 1.0)).mean())

    return float(min(candidates, key=loss))


def blend(image_probabilities: np.ndarray, geometry_probabilities: np.ndarray | None, weight: float) -> np.ndarray:
    """Return the MobileNet's and the geometry model's probabilities pooled as a weighted geometric mean
    (``weight`` for the geometry), renormalised; the MobileNet's alone when there are none or ``weight`` is 0.

    Where the two agree the answer is surer than either; where they disagree it leans to the surer
    and heavier one and its confidence drops (a linear mean keeps half the doubt of the weaker model
    even when the other is right; tuning/geometry.py measures both).
    """
    if geometry_probabilities is None or weight <= 0:
        return image_probabilities
    logs = (1.0 - weight) * np.log(np.clip(image_probabilities, 1e-12, 1.0))
    logs = logs + weight * np.log(np.clip(geometry_probabilities, 1e-12, 1.0))
    pooled = np.exp(logs - logs.max(axis=-1, keepdims=True))
    return pooled / pooled.sum(axis=-1, keepdims=True)
