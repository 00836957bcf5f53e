"""Fit the hand-geometry model on the train split and choose it and how it joins the MobileNet, on two readings.

    python -m tuning.geometry [--model models/asl_digits.h5] [--write]

Every picture of the train split (with its mirror image), of the valid and test splits with their
shift sets, and of the outside signer is located as served, looked at by the hand-landmark model
(picture and world landmarks) and read by the MobileNet (fp32 export); the reads are cached under
runs/. One geometry model is fitted on the train looks per candidate (feature set: planar or
planar+world; landmark noise: none or 0.03 palm lengths; tilted copies: none, or turned up to 25 or
40 degrees out of the picture's plane, :mod:`training.geometry`), each also with
both models calibrated; then each (candidate, pooling rule, weight, presence gate) is scored on the
two readings, the validation split (photos and every shift kind) and the outside signer (never
fitted on), at the lowest unsure threshold keeping confident-wrong at or under 1% on both
(:mod:`tuning.blending`), and the one with the best worse-of-the-two share of pictures answered
right and surely is chosen. The MobileNet alone, the blend before and the chosen one are reported
on the test split too. ``--write`` saves the chosen geometry model beside the .h5 and its weight,
gate, temperatures and unsure threshold into its settings file. Writes bench/results/geometry.json.
"""

from __future__ import annotations

import argparse
import itertools
import json
from pathlib import Path

import numpy as np

from bench import save_result
from recognition.geometry import GeometryModel
from recognition.model_files import ModelFiles, sha256_of
from recognition.paths import DEFAULT_MODEL, PROJECT_ROOT
from recognition.settings import Settings
from training.geometry import fit_geometry
from tuning.blending import SERVED_RULE, alone, scored
from tuning.calibration import add_calibrated_twins, calibrated
from tuning.reads import landmarks_of, read_everything

WEIGHTS = (0.0, 0.2, 0.3, 0.4, 0.5, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 1.0)
PRESENCES = (0.3, 0.5, 0.7, 0.8, 0.9, 0.95)
RULES = (SERVED_RULE, "linear")
CANDIDATES = {  # feature set, landmark noise (palm lengths), tilted copies' largest turn (degrees)
    "planar, no noise": ("planar", 0.0, 0.0),
    "planar, noise 0.03": ("planar", 0.03, 0.0),
    "planar+world, no noise": ("planar+world", 0.0, 0.0),
    "planar+world, noise 0.03": ("planar+world", 0.03, 0.0),
    "planar+world, no noise, tilted 25": ("planar+world", 0.0, 25.0),
    "planar+world, no noise, tilted 40": ("planar+world", 0.0, 40.0),
}
SERVED = "served now"  # the geometry model the settings file goes with, compared in the answers table
RULE = (
    "the best worse-of-two share of pictures answered right and surely (validation photos and shift kinds; "
    "the outside signer), at the lowest unsure threshold keeping confident-wrong <= 1% on both"
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    parser.add_argument(
        "--write", action="store_true", help="save the geometry model and the chosen pair beside the model"
    )
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out", default="geometry.json", help="result file name under bench/results")
    args = parser.parse_args()
    files = ModelFiles.from_h5(args.model)
    base = Settings.for_model(files)
    reads = read_everything(files, base, PROJECT_ROOT / "runs" / f"geometry_reads3d_{sha256_of(files.h5)[:12]}.npz")
    models = fit_candidates(reads["train"]["plain"], base.hand_present, args.seed)
    shapes = {name: shapes_of(model, reads) for name, model in models.items()}
    reads_for, temperatures = add_calibrated_twins(models, shapes, reads, base.hand_present)
    readings = [name for name in ("valid", "outside") if name in reads]
    grid = {
        key: scored(reads_for, shapes, key, readings, readings, None)
        for key in itertools.product(models, RULES, WEIGHTS, PRESENCES)
    }
    chosen = choose(grid, readings)
    report = {
        "model": files.h5.name,
        "pictures": {split: int(sum(len(k["labels"]) for k in kinds.values())) for split, kinds in reads.items()},
        "train_looks": int((reads["train"]["plain"]["presence"] >= base.hand_present).sum()),
        "readings": readings,
        "rule": RULE,
        "candidates": {
            candidate: {
                "features": model.features,
                "noise": CANDIDATES[candidate.removesuffix(", calibrated")][1],
                "tilt": CANDIDATES[candidate.removesuffix(", calibrated")][2],
                "temperatures": {"image": temperatures[candidate][0], "geometry": temperatures[candidate][1]},
                "alone": alone(reads_for, shapes, candidate),
            }
            for candidate, model in models.items()
        },
        "answers": answers_table(*with_served(files, base, reads, reads_for, shapes), base, chosen, grid[chosen][0]),
        "chosen": dict(zip(("candidate", "rule", "geometry_weight", "geometry_presence"), chosen, strict=True))
        | {"unsure_below": grid[chosen][0]},
        "best": [
            {"key": list(key), "unsure_below": grid[key][0], **grid[key][1]}
            for key in sorted(grid, key=lambda key: -worse_of(grid[key], readings))[:12]
        ],
    }
    save_result(args.out, report)
    print(json.dumps({k: report[k] for k in ("chosen", "answers")}, indent=1, default=str)[:6000])
    if args.write:
        write_choice(files, base, models[chosen[0]], chosen, temperatures[chosen[0]], grid[chosen][0])
    return 0


def with_served(files: ModelFiles, base: Settings, reads: dict, reads_for: dict, shapes: dict) -> tuple[dict, dict]:
    """Return ``reads_for`` and ``shapes`` with the geometry model served now, tempered as its settings say, added
    as :data:`SERVED` (read beside the candidates, never chosen); unchanged without a geometry model."""
    if not files.geometry.is_file():
        return reads_for, shapes
    served_shapes = shapes_of(GeometryModel.load(files.geometry), reads)
    tempered_reads, tempered_shapes = calibrated(
        reads, served_shapes, base.image_temperature, base.geometry_temperature
    )
    return {**reads_for, SERVED: tempered_reads}, {**shapes, SERVED: tempered_shapes}


def write_choice(
    files: ModelFiles, base: Settings, model: GeometryModel, chosen: tuple, temperatures: tuple, unsure: float
) -> None:
    """Save the chosen geometry model beside the .h5, and its weight, gate, temperatures and the unsure threshold
    chosen with them into the settings file."""
    name, _rule, weight, presence = chosen
    model.save(files.geometry)
    candidate = name if "calibrated" in name else f"{name}, not calibrated"
    note = f"tuning/geometry.py: {RULE} (candidate: {candidate}; pooled as a weighted geometric mean)"
    values = {
        "geometry_weight": weight,
        "geometry_presence": presence,
        "image_temperature": temperatures[0],
        "geometry_temperature": temperatures[1],
        "unsure_below": unsure,
    }
    print("wrote", files.geometry, base.with_values(**values).save(files, dict.fromkeys(values, note)))


def fit_candidates(train: dict, least_presence: float, seed: int) -> dict[str, GeometryModel]:
    """Fit one geometry model per feature set, landmark noise and tilt on the train looks."""
    kept = train["presence"] >= least_presence
    landmarks = landmarks_of({key: value[kept] for key, value in train.items() if key != "image"})
    labels = train["labels"][kept]
    return {
        name: fit_geometry(landmarks, labels, seed, kind=kind, noise=noise, tilt=tilt)
        for name, (kind, noise, tilt) in CANDIDATES.items()
    }


def shapes_of(model: GeometryModel, reads: dict) -> dict[str, dict[str, np.ndarray]]:
    """Return the model's probabilities for every look of every reading and kind (pictures without a look too)."""
    return {
        split: {
            kind: model.predict(landmarks_of(read_set).features(model.features)) for kind, read_set in kinds.items()
        }
        for split, kinds in reads.items()
        if split != "train"
    }


def worse_of(entry: tuple, readings: list[str]) -> float:
    """Return the worse of the readings' right-and-sure shares (validation: photos and shift kinds; the outside
    signer: photos) at the entry's threshold; -1 when no threshold keeps confident-wrong at or under 1%."""
    threshold, scores = entry
    return -1.0 if threshold is None else min(scores[r]["right_and_sure"] for r in readings)


def choose(grid: dict, readings: list[str]) -> tuple[str, str, float, float]:
    """Return the (candidate, rule, weight, presence) with the best worse-of-the-readings right-and-sure share,
    among those pooled as serving pools (the other rule is only compared)."""
    servable = [key for key in grid if key[1] == SERVED_RULE]
    return max(
        servable, key=lambda key: (worse_of(grid[key], readings), min(grid[key][1][r]["mean"] for r in readings))
    )


def answers_table(reads_for: dict, shapes: dict, base: Settings, chosen: tuple, unsure: float) -> dict:
    """Return the MobileNet alone, the blend served before this choice (when there is one) and the chosen one,
    on every reading."""
    before = SERVED if SERVED in shapes else chosen[0]
    rows = {
        "MobileNet alone": ((before, SERVED_RULE, 0.0, 0.0), base.unsure_below),
        f"weight {base.geometry_weight:g}, presence {base.geometry_presence:g}, unsure below {base.unsure_below:g}"
        " (served before)": (
            (SERVED, SERVED_RULE, base.geometry_weight, base.geometry_presence),
            base.unsure_below,
        ),
        f"{chosen[0]}, {chosen[1]}, weight {chosen[2]:g}, presence {chosen[3]:g}, unsure below {unsure:g} (chosen)": (
            chosen,
            unsure,
        ),
    }
    return {
        label: scored(reads_for, shapes, key, list(shapes[key[0]]), [], t)[1]
        for label, (key, t) in rows.items()
        if key[0] in shapes
    }


if __name__ == "__main__":
    raise SystemExit(main())
