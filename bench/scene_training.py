"""Measure models trained with scene frames against a baseline model: the MobileNet alone and as served.

    python -m bench.scene_training [--baseline BASE.h5] [--reuse] [MODEL.h5 ...]

The baseline is the shipped model unless given; the models, by default runs/scenes/*/asl_digits.h5.

Every model reads the same squares: the pictures are found and cut once, as served with the shipped
settings, and each model's MobileNet (its fp32 export) and its own geometry model classify them. Readings:
the validation photos and the shift kinds that look most like real scenes (webcam frames, distant, wide
and leaning hands on photographs), the outside signer (600 webcam photos of another person: read, never
fitted on) and, for the report only, the test split with the same kinds. "As served" counts a "no hand"
as wrong. The squares found are kept in runs/scene_training_squares.pkl; ``--reuse`` reads them from there
instead of finding them again. Writes bench/results/scene_training.json.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import sys
from pathlib import Path

import numpy as np

from bench import save_result
from bench.seeds import summary as spread
from recognition.backends import load_predictor
from recognition.batch import prepare_all
from recognition.geometry import GeometryModel
from recognition.model_files import ModelFiles
from recognition.paths import DEFAULT_MODEL, PROJECT_ROOT
from recognition.recogniser import Recogniser
from recognition.records import Prepared

KINDS = (
    "webcam_room",
    "hand_before_face",
    "hand_distant",
    "wide_off_centre",
    "background_cluttered",
    "tilted_on_photo",
    "left_tilted_on_photo",
    "turned_3d_strong",
)
RUNS = PROJECT_ROOT / "runs" / "scenes"
SQUARES = PROJECT_ROOT / "runs" / "scene_training_squares.pkl"


def readings(manifest: Path) -> dict[str, tuple[dict[str, list[np.ndarray]], np.ndarray]]:
    """Return the validation and test splits (photos and :data:`KINDS`, as the shift set renders them) and the
    outside signer, as (pictures by kind, labels)."""
    from training.data import load_images, load_outside, read_manifest
    from training.paths import SHARED_DATA, SHARED_OUTSIDE
    from training.shift import build_shift_set

    splits = read_manifest(manifest)
    found = {}
    for split in ("valid", "test"):
        data = load_images(SHARED_DATA, splits[split])
        shifted = build_shift_set(data.images)  # every kind, so that each is drawn as the shift set draws it
        found[split] = ({"plain": list(data.images), **{kind: shifted[kind] for kind in KINDS}}, data.labels)
    outside = load_outside(SHARED_OUTSIDE)
    if outside is not None:
        found["outside"] = ({"plain": list(outside[0])}, outside[1])
    return found


def scorer_of(finder: Recogniser, h5: Path) -> Recogniser:
    """Return ``finder`` (the shipped settings and hand models) reading with ``h5``'s MobileNet and geometry model."""
    files = ModelFiles.from_h5(h5)
    geometry = GeometryModel.load(files.geometry) if files.geometry.is_file() else None
    return finder.with_predictor(load_predictor(files, "litert-fp32", copies=2)).with_geometry(geometry)


def scores(scorer: Recogniser, prepared: Prepared, labels: np.ndarray) -> dict:
    """Return the MobileNet-alone and as-served accuracy of ``prepared`` squares, confident-wrong and per digit."""
    recognitions = scorer.classify(prepared, workers=2)
    alone = np.array(
        [
            np.argmax(r.image_probabilities if r.image_probabilities is not None else r.probabilities)
            for r in recognitions
        ]
    )
    served = np.array([r.digit if not r.no_hand else -1 for r in recognitions])
    sure_wrong = np.array(
        [r.digit != label and not (r.unsure or r.no_hand) for r, label in zip(recognitions, labels, strict=True)]
    )
    return {
        "count": len(labels),
        "mobilenet_alone": float(np.mean(alone == labels)),
        "as_served": float(np.mean(served == labels)),
        "confident_wrong": float(np.mean(sure_wrong)),
        "per_digit_alone": [float(np.mean(alone[labels == d] == d)) for d in range(10)],
        "per_digit_served": [float(np.mean(served[labels == d] == d)) for d in range(10)],
    }


def summary(by_reading: dict) -> dict:
    """Return the validation mean over kinds, its weakest kind, the outside figures and the worse of the two."""
    out: dict = {}
    for split in ("valid", "test"):
        kinds = by_reading.get(split, {})
        for measure in ("mobilenet_alone", "as_served"):
            values = {kind: figures[measure] for kind, figures in kinds.items()}
            out[f"{split}_{measure}_mean"] = float(np.mean(list(values.values())))
            out[f"{split}_{measure}_weakest"] = min(values.items(), key=lambda item: item[1])
    outside = by_reading.get("outside", {}).get("plain")
    if outside is not None:
        for measure in ("mobilenet_alone", "as_served"):
            out[f"outside_{measure}"] = outside[measure]
            out[f"worse_of_two_{measure}"] = min(out[f"valid_{measure}_mean"], outside[measure])
        out["outside_weakest_digit_served"] = int(np.argmin(outside["per_digit_served"]))
    return out


def mean_of_runs(runs: list[dict]) -> dict:
    """Return the mean (and range) over ``runs`` of each summary figure and of the test photos as served."""
    if not runs:
        return {}
    figures = {
        name: [run["summary"][name] for run in runs]
        for name, value in runs[0]["summary"].items()
        if isinstance(value, float)
    }
    figures["test_photos_as_served"] = [run["readings"]["test"]["plain"]["as_served"] for run in runs]
    return {"runs": len(runs), **{name: spread(values) for name, values in figures.items()}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("models", nargs="*", type=Path, help="candidate .h5 files (default: runs/scenes/*/)")
    parser.add_argument(
        "--baseline", type=Path, default=DEFAULT_MODEL, help="the model to compare with (default: the shipped one)"
    )
    parser.add_argument("--reuse", action="store_true", help=f"read the squares found last time ({SQUARES.name})")
    args = parser.parse_args(argv)
    candidates = args.models or sorted(RUNS.glob("*/asl_digits.h5"))
    finder = Recogniser.from_model(DEFAULT_MODEL, "litert-fp32", copies=2)
    if args.reuse and SQUARES.is_file():
        prepared, labels = pickle.loads(SQUARES.read_bytes())  # written by this bench, below
    else:
        found = readings(ModelFiles.from_h5(DEFAULT_MODEL).manifest)
        labels = {split: split_labels for split, (_, split_labels) in found.items()}
        prepared = {
            (split, kind): prepare_all(finder, pictures)
            for split, (kinds, _) in found.items()
            for kind, pictures in kinds.items()
        }
        SQUARES.parent.mkdir(exist_ok=True)
        SQUARES.write_bytes(pickle.dumps((prepared, labels)))
    report: dict = {
        "kinds": list(KINDS),
        "baseline": os.path.relpath(args.baseline.resolve(), PROJECT_ROOT),
        "models": {},
    }
    for h5 in [args.baseline, *candidates]:
        scorer = scorer_of(finder, h5)
        card = ModelFiles.from_h5(h5).read_card()
        by_reading: dict = {}
        for (split, kind), squares in prepared.items():
            by_reading.setdefault(split, {})[kind] = scores(scorer, squares, labels[split])
        name = "baseline" if h5 == args.baseline else h5.parent.name
        report["models"][name] = {
            "scene_frames": card.get("recipe", {}).get("scene_frames", 0),
            "scene_squares": card.get("data", {}).get("scene_frames", {}),
            "seed": card.get("data", {}).get("seed"),
            "summary": summary(by_reading),
            "readings": by_reading,
        }
        print(name, json.dumps(report["models"][name]["summary"]), flush=True)
    report["mean_of_scene_runs"] = mean_of_runs([m for m in report["models"].values() if m["scene_frames"]])
    save_result("scene_training.json", report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
