"""What every chooser shares: the served recogniser, the validation data read once, the outside signer.

Two readings decide a choice: the dataset's validation split with its shift kinds, and the
outside signer (``../shared/datasets/asl-digits-other-signer``: another person, a real webcam and
room), which is read but never fitted on.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from recognition.model_files import ModelFiles
from recognition.recogniser import Recogniser
from training.data import load_images, load_outside, read_manifest
from training.paths import SHARED_DATA, SHARED_OUTSIDE
from training.shift import build_shift_set


@dataclass(frozen=True)
class Reading:
    """Labelled pictures by kind ("plain" and, for a split of the dataset, each shift kind)."""

    name: str
    kinds: dict[str, list[np.ndarray]]
    labels: np.ndarray

    @property
    def pictures(self) -> int:
        return len(self.labels) * len(self.kinds)


def served(model: str | Path, backend: str = "litert-fp32", copies: int = 2, **overrides: float | int) -> Recogniser:
    """Return the recogniser the app serves for ``model`` (one-thread copies side by side, as offline work runs)."""
    return Recogniser.from_model(model, backend, copies=copies, **overrides)


@lru_cache(maxsize=4)
def split_reading(model: str | Path, split: str = "valid", shift: bool = True) -> Reading:
    """Return the ``split`` of ``model``'s manifest as photos and (with ``shift``) every shift kind, read once."""
    data = load_images(SHARED_DATA, read_manifest(ModelFiles.from_h5(model).manifest)[split])
    kinds = {"plain": list(data.images), **(build_shift_set(data.images) if shift else {})}
    return Reading(split, kinds, data.labels)


@lru_cache(maxsize=1)
def outside_reading(folder: Path = SHARED_OUTSIDE) -> Reading | None:
    """Return the outside signer's photos (``None`` when they are not there), for choosing, never for fitting."""
    found = load_outside(folder)
    return None if found is None else Reading("outside", {"plain": found[0]}, found[1])


def readings(model: str | Path, split: str = "valid", shift: bool = True, outside: bool = True) -> list[Reading]:
    """Return the readings a choice is made on: the split (with its shift kinds) and the outside signer."""
    found = [split_reading(model, split, shift)]
    if outside and (signer := outside_reading()) is not None:
        found.append(signer)
    return found
