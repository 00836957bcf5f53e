"""Train on what serving reads: each photo's hand square, turned so the hand stands upright.

A model trained so (``Recipe.upright``) is served with every hand read by its own square turned
upright (:func:`recognition.framing.upright_turn` with ``upright_from_degrees`` 0): the
training photos go through the same palm detector, framing and one-resample turn
(:func:`recognition.preprocessing.to_model_input`) before augmentation, which still turns them up
to its ``rotation_degrees`` (the lean of a small hand is a guess).
"""

from __future__ import annotations

import os
from dataclasses import replace

from recognition.batch import prepare_all
from recognition.recogniser import Recogniser
from recognition.settings import Settings
from training.data import LoadedImages

ALWAYS_UPRIGHT = {"upright_from_degrees": 0.0, "upright_min_share": 0.0}


def serving_settings(upright: bool) -> Settings:
    """Return the settings a model trained with (``upright``) or without turning is served with."""
    return Settings().with_values(**ALWAYS_UPRIGHT) if upright else Settings()


def upright_inputs(data: LoadedImages, settings: Settings) -> LoadedImages:
    """Return ``data`` with each picture replaced by the square serving reads from it, turned upright."""
    locator = Recogniser.around(None, settings, copies=max(1, os.cpu_count() or 1))
    prepared = prepare_all(locator, data.images)
    return replace(data, images=prepared.inputs)
