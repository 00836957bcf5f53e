"""The whole training run as one call: ``run(TrainingConfig(...)) -> TrainingResult``.

Split by subject, load, fit, save the .h5, export fp32 and int8 LiteRT models, evaluate as served
(hand localisation included) on every split and the domain-shift set, and write the card, manifest
and plots. The .h5 is scored through its fp32 export once the two are checked to agree (Keras'
own predict costs several times more on a CPU); the int8 export is gated on parity with it. The command line
(:mod:`training.cli`) only turns arguments into a :class:`TrainingConfig`.
"""

from __future__ import annotations

import logging
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from recognition.model_files import ModelFiles
from training.config import TrainingConfig
from training.parity import export_agreement, score_int8, served_part

if TYPE_CHECKING:
    pass

log = logging.getLogger(__name__)
AGREEMENT_IMAGES = 64  # validation squares on which the fp32 export must match the .h5
# Evaluation is offline: one one-thread interpreter per core, side by side (faster than one
# interpreter using every core).
EVALUATION_COPIES = max(1, os.cpu_count() or 1)


@dataclass
class TrainingResult:
    files: ModelFiles
    card: dict


def run(config: TrainingConfig) -> TrainingResult:
    """Train, evaluate and save one model as ``config`` says; raise ``DataError`` on unusable data."""
    from training.data import DataError, LoadedImages, discover, extra_images, load_images, read_manifest, split

    started = time.perf_counter()
    files = ModelFiles.from_h5(config.out)
    if config.manifest:
        splits = read_manifest(config.manifest)
        log.info("reusing the splits of %s", config.manifest)
    else:
        splits = split(discover(config.data), config.seed, config.valid_fraction, config.test_fraction)
    loaded = {name: load_images(config.data, splits[name]) for name in ("train", "valid", "test")}
    extra = {}
    for folder in config.extra_data:
        found = load_images(folder, extra_images(folder))
        extra[Path(folder).name] = len(found.labels)
        train = loaded["train"]
        loaded["train"] = LoadedImages(
            np.concatenate([train.images, found.images]),
            np.concatenate([train.labels, found.labels]),
            train.paths,  # the manifest lists the data set's files; extra photos are counted in the card
            train.skipped + found.skipped,
        )
        log.info("extra training data %s: %d photos", folder, len(found.labels))
    for name, data in loaded.items():
        log.info("%s: %d images loaded, %d skipped", name, len(data.labels), len(data.skipped))
    if any(len(data.labels) == 0 for data in loaded.values()):
        raise DataError("a split has no readable images")

    import keras

    from recognition.backends import LiteRTPredictor
    from recognition.batch import prepare_all
    from recognition.keras_backend import InMemoryKerasPredictor
    from recognition.model_files import sha256_of
    from recognition.paths import DETECTOR_PATH
    from recognition.recogniser import Recogniser
    from training.card import build_card, data_name
    from training.data import write_manifest
    from training.distribute import is_chief, scope, strategy_for
    from training.evaluate import score_as_served
    from training.export import calibration_images, export_int8, export_tflite, save_h5
    from training.geometry import blend_note, fit_for_training
    from training.model import build_model
    from training.plots import plot_confusion_matrix, plot_history
    from training.train import fit
    from training.upright import ALWAYS_UPRIGHT, serving_settings, upright_inputs

    settings = serving_settings(config.recipe.upright)
    fitted_on = {name: loaded[name] for name in ("train", "valid")}
    if config.recipe.upright:  # what serving will read: the hands turned upright
        fitted_on = {name: upright_inputs(data, settings) for name, data in fitted_on.items()}
    keras.utils.set_random_seed(config.seed)
    strategy = strategy_for(config.distribute)
    fit_started = time.perf_counter()
    with scope(strategy):
        model = build_model(config.weights)
        history = fit(model, fitted_on["train"], fitted_on["valid"], config.recipe, config.seed)
    training_seconds = time.perf_counter() - fit_started
    if strategy is not None:  # the same weights in a plain model, for saving and exporting
        trained, model = model, build_model(None)
        model.set_weights(trained.get_weights())
        if not is_chief():
            files = ModelFiles.from_h5(Path(tempfile.mkdtemp()) / files.h5.name)  # only the chief writes the results

    files.h5.parent.mkdir(parents=True, exist_ok=True)
    h5_sha256 = save_h5(model, files.h5)
    stages = {"fit": training_seconds}
    clock = time.perf_counter()
    # Locate hands and cut squares once; every backend then classifies the same squares.
    keras_recogniser = Recogniser.around(
        InMemoryKerasPredictor(model), settings, localise=DETECTOR_PATH.is_file(), copies=EVALUATION_COPIES
    )
    prepared = {name: prepare_all(keras_recogniser, loaded[name].images) for name in loaded}
    geometry, geometry_entry = None, None
    if keras_recogniser.landmarks is not None:
        geometry, geometry_entry = fit_for_training(
            keras_recogniser, loaded["train"].images, loaded["train"].labels, config.seed
        )
        files.geometry.unlink(missing_ok=True)  # never serve another model's geometry
        if geometry is not None:
            geometry.save(files.geometry)
            keras_recogniser = keras_recogniser.with_geometry(geometry)
            geometry_entry.update(
                file=files.geometry.name, sha256=sha256_of(files.geometry), blend=blend_note(settings)
            )
    shift_set = None
    if config.shift:
        from training.shift import build_shift_set

        shift_set = {
            kind: prepare_all(keras_recogniser, pictures)
            for kind, pictures in build_shift_set(loaded["test"].images).items()
        }
    stages["localise"], clock = time.perf_counter() - clock, time.perf_counter()

    labels = {name: loaded[name].labels for name in loaded}

    exports = {}
    scorer = keras_recogniser
    if config.export:
        # The fp32 export computes what the .h5 computes (checked below) at a fraction of Keras'
        # cost on a CPU, so it scores the .h5 on every split and the shift set.
        export_tflite(model, files.export("fp32"))
        fp32 = LiteRTPredictor(files.export("fp32"), backend="litert-fp32", side_by_side=EVALUATION_COPIES)
        agreement = export_agreement(keras_recogniser.predictor, fp32, prepared["valid"].inputs[:AGREEMENT_IMAGES])
        log.info("fp32 export against the .h5: %s", agreement)
        if agreement["passed"]:
            scorer = keras_recogniser.with_predictor(fp32)
    metrics = score_as_served(scorer, prepared, labels, ("train", "valid", "test"), shift_set)
    stages["evaluate"], clock = time.perf_counter() - clock, time.perf_counter()
    for name in ("train", "valid", "test"):
        log.info("%s accuracy %.4f (%s)", name, metrics[name]["accuracy"], scorer.backend)
    if config.export:
        exports["fp32"] = files.export_entry(
            "fp32", h5_sha256, agreement=agreement, served=agreement["passed"], metrics=served_part(metrics)
        )
        # Calibrate on the squares the detector cut from training pictures: what int8 will be shown.
        export_int8(model, files.export("int8"), calibration_images(prepared["train"].inputs, config.seed))
        measured, gate = score_int8(
            scorer, files.export("int8"), EVALUATION_COPIES, prepared, labels, shift_set, metrics
        )
        exports["int8"] = files.export_entry("int8", h5_sha256, metrics=measured, parity=gate, served=gate["passed"])
        log.info("int8 export: test %.4f, parity %s", measured["test"]["accuracy"], gate)
        stages["export"] = time.perf_counter() - clock

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
        seconds={"training": training_seconds, "total": time.perf_counter() - started, "stages": stages},
        localised=keras_recogniser.detector is not None,
        scored_with=scorer.backend,
    )
    card["data"]["extra_training_data"] = extra  # folder name -> photos, in training only
    card["files"]["geometry"] = geometry_entry
    card["settings"]["values"] = settings.as_dict()
    files.write_card(card)
    carried = (
        "carried over from the shipped settings, not re-chosen for this model "
        "(tuning/unsure.py --write, tuning/no_hand.py --write)"
    )
    notes = {name: carried for name in settings.as_dict()}
    if config.recipe.upright:
        notes.update(
            {
                name: "the recipe trains on upright hands: every hand read by its own square is turned"
                for name in ALWAYS_UPRIGHT
            }
        )
    settings.save(files, notes)
    return TrainingResult(files, card)
