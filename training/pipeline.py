"""The whole training run as one call: ``run(TrainingConfig(...)) -> TrainingResult``.

Split by subject, load, fit, save the .h5, export fp32 and int8 LiteRT models, evaluate as served
(hand localisation included) on every split and the domain-shift set, and write the card, manifest
and plots. The .h5 is scored through its fp32 export once the two are checked to agree (Keras'
own predict costs several times more on a CPU); the int8 export is gated on parity with it. The command line
(:mod:`training.cli`) only turns arguments into a :class:`TrainingConfig`.

:func:`run` calls one function per stage (load, fit, localise, evaluate and export, write); each logs
one line with its duration when it ends, and what they share travels in a :class:`Run`.
"""

from __future__ import annotations

import logging
import os
import tempfile
import time
from pathlib import Path

import numpy as np

from recognition.model_files import ModelFiles
from training.config import TrainingConfig
from training.parity import export_agreement, score_int8, served_part
from training.stages import Run, TrainingResult, stage

log = logging.getLogger(__name__)
AGREEMENT_IMAGES = 64  # validation squares on which the fp32 export must match the .h5
# Evaluation is offline: one one-thread interpreter per core, side by side (faster than one
# interpreter using every core).
EVALUATION_COPIES = max(1, os.cpu_count() or 1)


def run(config: TrainingConfig) -> TrainingResult:
    """Train, evaluate and save one model as ``config`` says; raise ``DataError`` on unusable data."""
    from training.upright import serving_settings

    state = Run(config, ModelFiles.from_h5(config.out), serving_settings(config.recipe.upright))
    with stage(state, "load"):
        load_data(state)
    with stage(state, "fit"):
        fit_model(state)
    with stage(state, "localise"):
        localise_and_fit_geometry(state)
    with stage(state, "evaluate"):
        evaluate(state)
    if config.export:
        with stage(state, "export"):
            export_int8_and_score(state)
    return TrainingResult(state.files, write_results(state))


def load_data(state: Run) -> None:
    """Split by subject (or reuse a manifest's splits) and read every split, extra training folders included."""
    from training.data import DataError, LoadedImages, discover, load_corrections, load_images, read_manifest, split

    config = state.config
    if config.manifest:
        state.splits = read_manifest(config.manifest)
        log.info("reusing the splits of %s", config.manifest)
    else:
        state.splits = split(discover(config.data), config.seed, config.valid_fraction, config.test_fraction)
    loaded = {name: load_images(config.data, state.splits[name]) for name in ("train", "valid", "test")}
    for source in config.extra_data:
        found, name = load_corrections(source)
        state.extra[name] = len(found.labels)
        train = loaded["train"]
        loaded["train"] = LoadedImages(
            np.concatenate([train.images, found.images]),
            np.concatenate([train.labels, found.labels]),
            train.paths,  # the manifest lists the data set's files; extra photos are counted in the card
            train.skipped + found.skipped,
        )
        log.info("extra training data %s: %d photos", name, len(found.labels))
    for name, data in loaded.items():
        log.info("%s: %d images loaded, %d skipped", name, len(data.labels), len(data.skipped))
    if any(len(data.labels) == 0 for data in loaded.values()):
        raise DataError("a split has no readable images")
    state.loaded = loaded


def fit_model(state: Run) -> None:
    """Build the MobileNet, fit it on the train split (upright hands when the recipe says) and save the .h5."""
    import keras

    from training.distribute import is_chief, scope, strategy_for
    from training.export import save_h5
    from training.model import build_model
    from training.scene_frames import squares_for_training
    from training.train import fit
    from training.upright import upright_inputs

    config = state.config
    fitted_on = {name: state.loaded[name] for name in ("train", "valid")}
    if config.recipe.upright:  # what serving will read: the hands turned upright
        fitted_on = {name: upright_inputs(data, state.settings) for name, data in fitted_on.items()}
    scenes, state.scenes = squares_for_training(state.loaded["train"], config.recipe, state.settings, config.seed)
    keras.utils.set_random_seed(config.seed)
    strategy = strategy_for(config.distribute)
    with scope(strategy):
        model = build_model(config.weights)
        state.history = fit(model, fitted_on["train"], fitted_on["valid"], config.recipe, config.seed, scenes=scenes)
    if strategy is not None:  # the same weights in a plain model, for saving and exporting
        trained, model = model, build_model(None)
        model.set_weights(trained.get_weights())
        if not is_chief():  # only the chief writes the results
            state.files = ModelFiles.from_h5(Path(tempfile.mkdtemp()) / state.files.h5.name)
    state.model = model
    state.files.h5.parent.mkdir(parents=True, exist_ok=True)
    state.h5_sha256 = save_h5(model, state.files.h5)


def localise_and_fit_geometry(state: Run) -> None:
    """Locate hands and cut squares once (every backend classifies the same squares); fit the geometry model."""
    from recognition.batch import prepare_all
    from recognition.keras_backend import InMemoryKerasPredictor
    from recognition.model_files import sha256_of
    from recognition.paths import hand_models_present
    from recognition.recogniser import Recogniser
    from training.geometry import blend_note, fit_for_training

    files, train = state.files, state.loaded["train"]
    recogniser = Recogniser.around(
        InMemoryKerasPredictor(state.model), state.settings, localise=hand_models_present(), copies=EVALUATION_COPIES
    )
    state.prepared = {name: prepare_all(recogniser, data.images) for name, data in state.loaded.items()}
    if recogniser.landmarks is not None:
        geometry, state.geometry_entry = fit_for_training(recogniser, train.images, train.labels, state.config.seed)
        files.geometry.unlink(missing_ok=True)  # never serve another model's geometry
        if geometry is not None:
            geometry.save(files.geometry)
            recogniser = recogniser.with_geometry(geometry)
            state.geometry_entry.update(
                file=files.geometry.name, sha256=sha256_of(files.geometry), blend=blend_note(state.settings)
            )
    if state.config.shift:
        from training.shift import build_shift_set

        shifted = build_shift_set(state.loaded["test"].images)
        state.shift_set = {kind: prepare_all(recogniser, pictures) for kind, pictures in shifted.items()}
    state.recogniser = state.scorer = recogniser


def evaluate(state: Run) -> None:
    """Score every split and the shift set as served, through the fp32 export once it agrees with the .h5."""
    from recognition.backends import LiteRTPredictor
    from recognition.batch import prepare_all
    from training.data import load_outside
    from training.evaluate import evaluate_split, score_as_served
    from training.export import export_tflite
    from training.paths import SHARED_DATA, SHARED_OUTSIDE

    files = state.files
    if state.config.export:
        # The fp32 export computes what the .h5 computes (checked here) at a fraction of Keras' cost on a CPU.
        export_tflite(state.model, files.export("fp32"))
        fp32 = LiteRTPredictor(files.export("fp32"), backend="litert-fp32", side_by_side=EVALUATION_COPIES)
        squares = state.prepared["valid"].inputs[:AGREEMENT_IMAGES]
        agreement = export_agreement(state.recogniser.predictor, fp32, squares)
        log.info("fp32 export against the .h5: %s", agreement)
        if agreement["passed"]:
            state.scorer = state.recogniser.with_predictor(fp32)
    state.metrics = score_as_served(
        state.scorer, state.prepared, state.labels, ("train", "valid", "test"), state.shift_set
    )
    outside = load_outside(SHARED_OUTSIDE) if Path(state.config.data) == SHARED_DATA else None
    if outside is not None:  # another signer in a real room: read as served, never fitted on
        state.metrics["outside_signer"] = evaluate_split(
            state.scorer, prepare_all(state.scorer, outside[0]), outside[1]
        )
    for name in ("train", "valid", "test"):
        log.info("%s accuracy %.4f (%s)", name, state.metrics[name]["accuracy"], state.scorer.backend)
    if state.config.export:
        state.exports["fp32"] = files.export_entry(
            "fp32", state.h5_sha256, agreement=agreement, served=agreement["passed"], metrics=served_part(state.metrics)
        )


def export_int8_and_score(state: Run) -> None:
    """Export the int8 model, calibrated on the squares cut from training pictures, and gate it on parity."""
    from training.export import calibration_images, export_int8

    files = state.files
    export_int8(
        state.model, files.export("int8"), calibration_images(state.prepared["train"].inputs, state.config.seed)
    )
    measured, gate = score_int8(
        state.scorer,
        files.export("int8"),
        EVALUATION_COPIES,
        state.prepared,
        state.labels,
        state.shift_set,
        state.metrics,
    )
    state.exports["int8"] = files.export_entry(
        "int8", state.h5_sha256, metrics=measured, parity=gate, served=gate["passed"]
    )
    log.info("int8 export: test %.4f, parity %s", measured["test"]["accuracy"], gate)


def write_results(state: Run) -> dict:
    """Write the manifest, plots, card and settings file; return the card."""
    from training.card import build_card, data_name
    from training.data import write_manifest
    from training.plots import plot_confusion_matrix, plot_history
    from training.upright import ALWAYS_UPRIGHT

    config, files, loaded = state.config, state.files, state.loaded
    used = {name: data.paths for name, data in loaded.items()}  # only what was really read
    write_manifest(files.manifest, used, config.seed, data_name(config.data))
    plot_history(state.history, files.history_plot)
    plot_confusion_matrix(state.metrics["test"]["confusion_matrix"], files.confusion_plot, f"{files.name}: test split")
    seconds = {"training": state.stages["fit"], "total": time.perf_counter() - state.started, "stages": state.stages}
    card = build_card(
        config,
        files,
        splits=used,
        skipped={name: data.skipped for name, data in loaded.items()},
        history=state.history,
        metrics=state.metrics,
        exports=state.exports,
        h5_sha256=state.h5_sha256,
        seconds=seconds,
        localised=state.recogniser.detector is not None,
        scored_with=state.scorer.backend,
    )
    card["data"]["extra_training_data"] = state.extra  # folder name -> photos, in training only
    card["data"]["scene_frames"] = state.scenes  # frames rendered around training hands, squares kept
    card["files"]["geometry"] = state.geometry_entry
    card["settings"]["values"] = state.settings.as_dict()
    files.write_card(card)
    carried = (
        "carried over from the shipped settings, not re-chosen for this model "
        "(tuning/unsure.py --write, tuning/no_hand.py --write)"
    )
    notes = {name: carried for name in state.settings.as_dict()}
    if config.recipe.upright:
        upright = "the recipe trains on upright hands: every hand read by its own square is turned"
        notes.update({name: upright for name in ALWAYS_UPRIGHT})
    state.settings.save(files, notes)
    return card
