"""The state one training run hands from stage to stage, and the timing of each stage."""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from recognition.model_files import ModelFiles
from recognition.settings import Settings
from training.config import TrainingConfig

log = logging.getLogger("training.pipeline")


@dataclass
class TrainingResult:
    files: ModelFiles
    card: dict


@dataclass
class Run:
    """What the stages of one training run hand on to each other."""

    config: TrainingConfig
    files: ModelFiles
    settings: Settings
    started: float = field(default_factory=time.perf_counter)
    splits: dict = field(default_factory=dict)
    loaded: dict = field(default_factory=dict)
    extra: dict[str, int] = field(default_factory=dict)  # extra training folders -> photos
    scenes: dict[str, int] = field(default_factory=dict)  # scene frames rendered and squares kept (scene_frames)
    stages: dict[str, float] = field(default_factory=dict)  # seconds per stage
    model: Any = None
    history: Any = None
    h5_sha256: str = ""
    recogniser: Any = None  # the Keras model's recogniser (with the geometry model once fitted)
    scorer: Any = None  # what scores the .h5: its fp32 export once the two agree
    prepared: dict = field(default_factory=dict)
    shift_set: dict | None = None
    geometry_entry: dict | None = None
    metrics: dict = field(default_factory=dict)
    exports: dict = field(default_factory=dict)

    @property
    def labels(self) -> dict[str, np.ndarray]:
        return {name: data.labels for name, data in self.loaded.items()}


@contextlib.contextmanager
def stage(state: Run, name: str) -> Iterator[None]:
    """Time one stage: record its seconds and log one line when it ends."""
    clock = time.perf_counter()
    log.info("stage %s ...", name)
    yield
    state.stages[name] = time.perf_counter() - clock
    log.info("stage %s done in %.1f s", name, state.stages[name])
