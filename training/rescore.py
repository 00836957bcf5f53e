"""Fit the hand-geometry model for a trained .h5 and score it again as served; update its card.

    python -m training.rescore [--model models/asl_digits.h5]

For a model trained before the geometry model existed, or after the serving pipeline changed: the
geometry model is fitted as the training command fits it (:func:`training.geometry.fit_for_training`,
the train split of the model's manifest, the card's seed), saved beside the .h5, and every split,
the domain-shift set and both exports are scored again by the recogniser that serves them (the
settings file beside the .h5 included). The card keeps its training history and records when and
why it was scored again.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from recognition.paths import DEFAULT_MODEL


def rescore(model: Path, data: Path | None = None, outside: Path | None = None, copies: int = 2) -> dict:
    """Fit the geometry model of ``model`` on ``data`` (its data set), score it as served, write and return its card.

    ``outside`` holds photos of a signer outside the data set (``<digit>/*.jpg``), read as served and never
    fitted on; by default the shared outside signer, only when ``data`` is the shared data set.
    """
    from recognition.batch import prepare_all
    from recognition.model_files import ModelFiles, sha256_of
    from recognition.recogniser import Recogniser
    from training.card import hand_models
    from training.data import load_images, load_outside, read_manifest
    from training.evaluate import evaluate_split, score_as_served
    from training.geometry import blend_note, fit_for_training
    from training.parity import score_int8, served_part
    from training.paths import SHARED_DATA, SHARED_OUTSIDE
    from training.shift import build_shift_set

    files = ModelFiles.from_h5(model)
    card = files.read_card()
    loaded = {name: load_images(data or SHARED_DATA, paths) for name, paths in read_manifest(files.manifest).items()}
    fp32 = Recogniser.from_model(files.h5, "litert-fp32", copies=copies)
    fp32 = fp32.with_geometry(None)  # the geometry model is fitted again below
    settings = fp32.settings
    started = time.perf_counter()
    seed = int(card.get("data", {}).get("seed", 42))
    geometry, entry = fit_for_training(fp32, loaded["train"].images, loaded["train"].labels, seed)
    files.geometry.unlink(missing_ok=True)
    if geometry is not None:
        geometry.save(files.geometry)
        entry.update(file=files.geometry.name, sha256=sha256_of(files.geometry), blend=blend_note(settings))
    fp32 = fp32.with_geometry(geometry)
    prepared = {name: prepare_all(fp32, data.images) for name, data in loaded.items()}
    shift = {kind: prepare_all(fp32, pictures) for kind, pictures in build_shift_set(loaded["test"].images).items()}

    labels = {name: data.labels for name, data in loaded.items()}
    metrics = score_as_served(fp32, prepared, labels, ("train", "valid", "test"), shift)
    if outside is None and Path(data or SHARED_DATA) == SHARED_DATA:
        outside = SHARED_OUTSIDE
    photos = load_outside(outside) if outside is not None else None
    if photos is not None:  # read as served, never fitted on
        metrics["outside_signer"] = evaluate_split(fp32, prepare_all(fp32, photos[0]), photos[1])
    int8, gate = score_int8(fp32, files.export("int8"), copies, prepared, labels, shift, metrics)
    exports = card["files"]["exports"]
    exports["fp32"]["metrics"] = served_part(metrics)
    exports["int8"].update(metrics=int8, parity=gate, served=gate["passed"])
    card["files"]["geometry"] = entry
    card["hand_detector"] = hand_models()
    card["metrics"] = metrics
    card["settings"] = {"file": files.settings.name, "values": settings.as_dict()}
    card["rescored"] = {
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "why": "scored again as served, with the hand-geometry model fitted for this .h5 (python -m training.rescore)",
        "seconds": round(time.perf_counter() - started, 1),
    }
    files.write_card(card)
    return card


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m training.rescore", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    parser.add_argument(
        "--data", type=Path, help="the data set the model was trained on (default: the shared ASL digits)"
    )
    parser.add_argument(
        "--outside",
        type=Path,
        help="photos of a signer outside the data set, <digit>/*.jpg, read as served and never fitted on "
        "(default: the shared outside signer when --data is the shared data set)",
    )
    args = parser.parse_args(argv)
    card = rescore(args.model, args.data, args.outside)
    metrics = card["metrics"]
    print(
        f"test {metrics['test']['accuracy']:.4f}, valid {metrics['valid']['accuracy']:.4f}, "
        f"domain shift {metrics['domain_shift']['overall']:.4f} (worst {metrics['domain_shift']['worst_kind']})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
