"""Fit the hand-geometry model on the train split and choose it and how it joins the MobileNet, on two readings.

    python -m tuning.geometry [--model models/asl_digits.h5] [--write]

Every picture of the train split (with its mirror image), of the valid and test splits with their
shift sets, and of the outside signer is located as served, looked at by the hand-landmark model
(picture and world landmarks) and read by the MobileNet (fp32 export); the reads are cached under
runs/. One geometry model is fitted on the train looks per candidate (feature set: planar or
planar+world; landmark noise: none or 0.03 palm lengths, :mod:`training.geometry`); then each
(candidate, weight, presence gate) is scored on the two readings, the validation split (mean over
photos and every shift kind) and the outside signer (never fitted on), and the one with the best
worse-of-the-two mean and confident-wrong at or under 1% on both is chosen. The MobileNet alone,
the blend before and the chosen one are reported on the test split too. ``--write`` saves the chosen
geometry model beside the .h5 and the pair into its settings file. Writes bench/results/geometry.json.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from bench import save_result
from recognition.answer import is_unsure
from recognition.geometry import GeometryModel
from recognition.model_files import ModelFiles, sha256_of
from recognition.paths import DEFAULT_MODEL, PROJECT_ROOT
from recognition.settings import Settings
from training.geometry import fit_geometry
from tuning.calibration import add_calibrated_twins
from tuning.reads import landmarks_of, read_everything

WEIGHTS = (0.0, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 1.0)
PRESENCES = (0.3, 0.5, 0.7, 0.9)
MOST_CONFIDENT_WRONG = 0.01
CANDIDATES = {
    "planar, no noise": ("planar", 0.0),
    "planar, noise 0.03": ("planar", 0.03),
    "planar+world, no noise": ("planar+world", 0.0),
    "planar+world, noise 0.03": ("planar+world", 0.03),
}
NOISES = {name: noise for name, (_kind, noise) in CANDIDATES.items()}
RULE = (
    "the best worse-of-two mean (validation photos and shift kinds; the outside signer) with confident-wrong "
    "<= 1% on both"
)


def score(sets: dict[str, dict], shapes: dict[str, np.ndarray], weight: float, presence: float, unsure: float) -> dict:
    """Return accuracy per kind, per digit (plain) and the confident-wrong and right-but-unsure shares of a blend."""
    per_kind, wrong, doubted, right_count, count = {}, 0, 0, 0, 0
    per_digit: dict[str, float] = {}
    for kind, read_set in sets.items():
        labels = read_set["labels"]
        seen = (read_set["presence"] >= presence)[:, None]
        rows = np.where(seen, (1 - weight) * read_set["image"] + weight * shapes[kind], read_set["image"])
        answers, sure = rows.argmax(axis=1), ~is_unsure(rows.max(axis=1) / rows.sum(axis=1), unsure)
        right = answers == labels
        per_kind[kind] = float(right.mean())
        if kind == "plain":
            per_digit = {str(d): float(right[labels == d].mean()) for d in range(10) if (labels == d).any()}
        wrong += int((~right & sure).sum())
        doubted += int((right & ~sure).sum())
        right_count += int(right.sum())
        count += len(labels)
    shift = {k: v for k, v in per_kind.items() if k != "plain"}
    return {
        "plain": per_kind["plain"],
        "shift_mean": float(np.mean(list(shift.values()))) if shift else None,
        "mean": float(np.mean(list(per_kind.values()))),
        "worst_kind": min(shift, key=shift.get) if shift else None,
        "confident_wrong": wrong / count,
        "right_but_unsure": doubted / max(right_count, 1),
        "per_kind": per_kind,
        "per_digit": per_digit,
    }


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
        (name, w, p): {r: score(reads_for[name][r], shapes[name][r], w, p, base.unsure_below) for r in readings}
        for name in models
        for w in WEIGHTS
        for p in PRESENCES
    }
    chosen = choose(grid, readings)
    name, weight, presence = chosen
    report = {
        "model": files.h5.name,
        "pictures": {split: int(sum(len(k["labels"]) for k in kinds.values())) for split, kinds in reads.items()},
        "train_looks": int((reads["train"]["plain"]["presence"] >= base.hand_present).sum()),
        "readings": readings,
        "rule": RULE,
        "candidates": {
            candidate: {
                "features": model.features,
                "noise": NOISES[candidate.removesuffix(", calibrated")],
                "temperatures": {"image": temperatures[candidate][0], "geometry": temperatures[candidate][1]},
                "alone": {
                    split: score(reads_for[candidate][split], shapes[candidate][split], 1.0, 0.0, base.unsure_below)
                    for split in reads
                    if split != "train"
                },
            }
            for candidate, model in models.items()
        },
        "answers": answers_table(reads_for, shapes, base, chosen, served_before(files, base)),
        "chosen": {"candidate": name, "geometry_weight": weight, "geometry_presence": presence},
        "best_pairs": {
            f"{n}; weight {w:g}, presence {p:g}": grid[(n, w, p)]
            for n, w, p in sorted(grid, key=lambda key: -worse_of(grid[key], readings))[:12]
        },
    }
    save_result(args.out, report)
    print(json.dumps({k: report[k] for k in ("chosen", "answers")}, indent=1, default=str)[:6000])
    if args.write:
        write_choice(files, base, models[name], chosen, temperatures[name])
    return 0


def served_before(files: ModelFiles, base: Settings) -> str:
    """Return the candidate that matches what is served now (its feature set, no noise, calibrated or not)."""
    features = GeometryModel.load(files.geometry).features if files.geometry.is_file() else "planar"
    calibrated = base.image_temperature != 1.0 or base.geometry_temperature != 1.0
    return f"{features}, no noise" + (", calibrated" if calibrated else "")


def write_choice(files: ModelFiles, base: Settings, model: GeometryModel, chosen: tuple, temperatures: tuple) -> None:
    """Save the chosen geometry model beside the .h5 and its blend and temperatures into the settings file."""
    name, weight, presence = chosen
    model.save(files.geometry)
    note = f"tuning/geometry.py: {RULE} (feature set and landmark noise: {name})"
    values = {
        "geometry_weight": weight,
        "geometry_presence": presence,
        "image_temperature": temperatures[0],
        "geometry_temperature": temperatures[1],
    }
    print("wrote", files.geometry, base.with_values(**values).save(files, dict.fromkeys(values, note)))


def fit_candidates(train: dict, least_presence: float, seed: int) -> dict[str, GeometryModel]:
    """Fit one geometry model per feature set and landmark noise on the train looks."""
    kept = train["presence"] >= least_presence
    landmarks = landmarks_of({key: value[kept] for key, value in train.items() if key != "image"})
    labels = train["labels"][kept]
    return {
        name: fit_geometry(landmarks, labels, seed, kind=kind, noise=noise)
        for name, (kind, noise) in CANDIDATES.items()
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


def worse_of(scores: dict, readings: list[str]) -> float:
    """Return the worse of the readings' means (validation: photos and shift kinds; the outside signer: photos)."""
    return min(scores[r]["mean"] for r in readings)


def choose(grid: dict, readings: list[str]) -> tuple[str, float, float]:
    """Return the (candidate, weight, presence) with the best worse-of-the-readings mean, confident-wrong capped."""
    allowed = [
        key
        for key, scores in grid.items()
        if all(scores[r]["confident_wrong"] <= MOST_CONFIDENT_WRONG for r in readings)
    ] or list(grid)
    return max(allowed, key=lambda key: worse_of(grid[key], readings))


def answers_table(reads_for: dict, shapes: dict, base: Settings, chosen: tuple, before: str) -> dict:
    """Return the MobileNet alone, the blend served before this choice and the chosen one, on every reading."""
    rows = {
        "MobileNet alone": (before, 0.0, 0.0),
        f"{before}, weight {base.geometry_weight:g}, presence {base.geometry_presence:g} (served before)": (
            before,
            base.geometry_weight,
            base.geometry_presence,
        ),
        f"{chosen[0]}, weight {chosen[1]:g}, presence {chosen[2]:g} (chosen)": chosen,
    }
    return {
        label: {split: score(reads_for[n][split], shapes[n][split], w, p, base.unsure_below) for split in shapes[n]}
        for label, (n, w, p) in rows.items()
    }


if __name__ == "__main__":
    raise SystemExit(main())
