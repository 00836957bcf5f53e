"""The whole training run as one call: ``run(TrainingConfig(...)) -> TrainingResult``.

Split by subject, load, fit, save the .h5, export fp32 and int8 LiteRT models, evaluate each as
served (hand localisation included) on the test split and the domain-shift set, gate the int8
export on parity with the .h5, and write the card, manifest and plots. The command line
(:mod:`training.cli`) only turns arguments into a :class:`TrainingConfig`.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from training.model_files import ModelFiles
from training.recipe import TEST_FRACTION, VALID_FRACTION, Recipe

log = logging.getLogger(__name__)
PARITY_POINTS = 0.5  # an int8 export that loses more accuracy than this anywhere is not served


@dataclass(frozen=True)
class TrainingConfig:
    """Everything a training run needs; ``weights`` is ``"imagenet"``, a no-top .weights.h5 path or ``None``."""

    data: Path
    out: Path
    weights: str | None
    recipe: Recipe = field(default_factory=Recipe)
    seed: int = 42
    manifest: Path | None = None  # reuse these splits instead of making new ones
    valid_fraction: float = VALID_FRACTION
    test_fraction: float = TEST_FRACTION
    shift: bool = True  # measure the domain-shift set
    export: bool = True  # write the LiteRT exports (fp32 and int8)


@dataclass
class TrainingResult:
    files: ModelFiles
    card: dict


class InMemoryKerasPredictor:
    """Serve a Keras model that is still in memory (the one just trained) through the Predictor interface."""

    backend = "keras"

    def __init__(self, model) -> None:
        self.model = model

    def predict(self, images: np.ndarray) -> np.ndarray:
        return self.model.predict(images.astype(np.float32), batch_size=64, verbose=0)


def parity(reference: dict, candidate: dict) -> dict:
    """Return the largest accuracy drop (points) of ``candidate`` against ``reference`` and whether it passes."""
    drops = {"test": 100 * (reference["test"]["accuracy"] - candidate["test"]["accuracy"])}
    for kind, accuracy in (reference.get("domain_shift") or {}).get("per_kind", {}).items():
        drops[kind] = 100 * (accuracy - candidate["domain_shift"]["per_kind"][kind])
    worst = max(drops, key=drops.get)
    return {
        "worst": worst,
        "worst_drop_points": round(drops[worst], 3),
        "limit_points": PARITY_POINTS,
        "passed": drops[worst] <= PARITY_POINTS,
    }


def run(config: TrainingConfig) -> TrainingResult:
    """Train, evaluate and save one model as ``config`` says; raise ``DataError`` on unusable data."""
    from training.data import DataError, discover, load_images, read_manifest, split

    started = time.perf_counter()
    files = ModelFiles.from_h5(config.out)
    if config.manifest:
        splits = read_manifest(config.manifest)
        log.info("reusing the splits of %s", config.manifest)
    else:
        splits = split(discover(config.data), config.seed, config.valid_fraction, config.test_fraction)
    loaded = {name: load_images(config.data, splits[name]) for name in ("train", "valid", "test")}
    for name, data in loaded.items():
        log.info("%s: %d images loaded, %d skipped", name, len(data.labels), len(data.skipped))
    if any(len(data.labels) == 0 for data in loaded.values()):
        raise DataError("a split has no readable images")

    import keras

    from training.card import build_card, data_name
    from training.data import write_manifest
    from training.evaluate import evaluate_split, prepare_all, shift_metrics
    from training.export import calibration_images, export_int8, export_tflite, save_h5
    from training.hands import DETECTOR_PATH, PalmDetector
    from training.inference import Recogniser
    from training.model import build_model
    from training.plots import plot_confusion_matrix, plot_history
    from training.predictors import LiteRTPredictor
    from training.train import fit

    keras.utils.set_random_seed(config.seed)
    model = build_model(config.weights)
    fit_started = time.perf_counter()
    history = fit(model, loaded["train"], loaded["valid"], config.recipe, config.seed)
    training_seconds = time.perf_counter() - fit_started

    files.h5.parent.mkdir(parents=True, exist_ok=True)
    h5_sha256 = save_h5(model, files.h5)
    detector = PalmDetector(DETECTOR_PATH) if DETECTOR_PATH.is_file() else None
    # Locate hands and cut squares once; every backend then classifies the same squares.
    locator = Recogniser(InMemoryKerasPredictor(model), detector)
    prepared = {name: prepare_all(locator, loaded[name].images) for name in loaded}
    shift_set = None
    if config.shift:
        from training.shift import build_shift_set

        shift_set = {kind: prepare_all(locator, pictures) for kind, pictures in build_shift_set(loaded["test"].images).items()}

    def measure(recogniser: Recogniser, names: tuple[str, ...]) -> dict:
        metrics = {name: evaluate_split(recogniser, prepared[name], loaded[name].labels) for name in names}
        if shift_set is not None:
            metrics["domain_shift"] = shift_metrics(recogniser, shift_set, loaded["test"].labels)
        return metrics

    metrics = measure(locator, ("train", "valid", "test"))
    for name in ("train", "valid", "test"):
        log.info("%s accuracy %.4f", name, metrics[name]["accuracy"])
    exports = {}
    if config.export:
        export_tflite(model, files.export("fp32"))
        export_int8(model, files.export("int8"), calibration_images(loaded["train"].images, config.seed))
        for precision in ("fp32", "int8"):
            predictor = LiteRTPredictor(files.export(precision), backend=f"litert-{precision}")
            measured = measure(Recogniser(predictor, detector), ("test",))
            gate = parity(metrics, measured)
            exports[precision] = files.export_entry(precision, h5_sha256, metrics=measured, parity=gate, served=gate["passed"])
            log.info("%s export: test %.4f, parity %s", precision, measured["test"]["accuracy"], gate)

    used = {name: loaded[name].paths for name in loaded}  # only what was really read
    write_manifest(files.manifest, used, config.seed, data_name(config.data))
    plot_history(history, files.history_plot)
    plot_confusion_matrix(metrics["test"]["confusion_matrix"], files.confusion_plot, f"{files.name}: test split")
    card = build_card(
        config,
        files,
        splits=used,
        skipped={name: loaded[name].skipped for name in loaded},
        history=history,
        metrics=metrics,
        exports=exports,
        h5_sha256=h5_sha256,
        seconds={"training": training_seconds, "total": time.perf_counter() - started},
        localised=detector is not None,
    )
    files.write_card(card)
    return TrainingResult(files, card)
