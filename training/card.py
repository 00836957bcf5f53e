"""The model card: what was trained, on what, how, and how well, written beside the .h5 as JSON."""

from __future__ import annotations

import platform
import time
from pathlib import Path
from typing import TYPE_CHECKING

from recognition.model_files import ModelFiles, sha256_of
from recognition.paths import CHECKER_PATH, DETECTOR_PATH, PROJECT_ROOT
from recognition.preprocessing import CLASS_NAMES, IMAGE_SIZE, PREPROCESSING_NOTE
from recognition.settings import Settings

if TYPE_CHECKING:
    from training.config import TrainingConfig


def data_name(folder: Path) -> str:
    """Name a data folder without the path of the machine that trained it: its last two parts
    (``sign-language-digits/Dataset``)."""
    return "/".join(Path(folder).resolve().parts[-2:])


def weights_name(weights: str | None) -> str:
    """Name the starting weights without the path of the machine that trained it."""
    if weights is None:
        return "none"
    return weights if weights == "imagenet" else Path(weights).name


def versions() -> dict[str, str]:
    """Return the versions of the libraries that shaped the model."""
    import keras
    import numpy
    import PIL
    import tensorflow as tf

    return {
        "python": platform.python_version(),
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "numpy": numpy.__version__,
        "pillow": PIL.__version__,
    }


def hand_models() -> dict:
    """Return the palm detector's and the hand checker's files and SHA-256 (what located the hands measured)."""

    def entry(path: Path) -> dict:
        return {"file": path.relative_to(PROJECT_ROOT).as_posix(), "sha256": sha256_of(path)}

    return {**entry(DETECTOR_PATH), "hand_check": entry(CHECKER_PATH)}


def build_card(
    config: TrainingConfig,
    files: ModelFiles,
    splits: dict[str, list[str]],
    skipped: dict[str, list[str]],
    history: dict[str, list[float]],
    metrics: dict,
    exports: dict,
    h5_sha256: str,
    seconds: dict[str, float],
    localised: bool,
    scored_with: str,
) -> dict:
    """Return the model card of a finished run."""
    history = dict(history)
    best_epoch = int(history.pop("best_epoch")[0])
    detector = hand_models() if localised else None
    return {
        "name": files.name,
        "task": "American Sign Language digit (0-9) from a photo of one hand",
        "architecture": "keras.applications.MobileNet v1, alpha 1.0, 224x224, pooled 1024-d features + Dense(10, "
        "softmax)",
        "class_names": list(CLASS_NAMES),
        "input": {"shape": [IMAGE_SIZE, IMAGE_SIZE, 3], "dtype": "RGB 0-255", "preprocessing": PREPROCESSING_NOTE},
        "hand_detector": detector,
        "files": {"h5": files.h5.name, "h5_sha256": h5_sha256, "manifest": files.manifest.name, "exports": exports},
        "data": {
            "folder": data_name(config.data),
            "split": "by subject (no person in two splits), stratified by digit",
            "counts": {name: len(paths) for name, paths in splits.items()},
            "skipped_unreadable": skipped,
            "manifest": files.manifest.name,
            "seed": config.seed,
        },
        "weights_source": weights_name(config.weights),
        "recipe": config.recipe.as_dict(),
        "distribute": config.distribute,
        "settings": {"file": files.settings.name, "values": Settings().as_dict()},
        "epochs": config.recipe.epochs,
        "best_epoch": best_epoch,
        "history": history,
        "training_seconds": round(seconds["training"], 1),
        "total_seconds": round(seconds["total"], 1),
        "metrics": metrics,
        "metrics_scored_with": scored_with,  # litert-fp32: the .h5 scored through its fp32 export (agreement in files)
        "seconds_per_stage": {stage: round(value, 1) for stage, value in seconds.get("stages", {}).items()},
        "versions": versions(),
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
