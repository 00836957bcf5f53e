"""Choose the confidence under which an answer is flagged "unsure", on validation, then report it on test.

    python -m bench.unsure [--model models/asl_digits.h5] [--backend auto]

An answer is *confident-wrong* when it is wrong with a confidence at or above the threshold: the
user is told a wrong digit with no warning. Raising the threshold lowers that rate and flags more
right answers as unsure. For every threshold of the grid this measures both on the valid split
and its domain-shift set (choice) and on the test split and its shift set (report), served as
the web app serves (hand localisation included). The choice is the lowest threshold that keeps
the confident-wrong rate at or under 1% on the valid split and on the mean of its shift kinds.
Writes bench/results/unsure.json and, with ``--write``, the chosen value into the model's settings file
(``NAME.settings.json``, read by serving and evaluation).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from bench import save_result
from recognition.answer import is_unsure
from recognition.batch import recognise_all
from recognition.model_files import ModelFiles
from recognition.paths import DEFAULT_MODEL
from recognition.recogniser import Recogniser
from recognition.settings import Settings
from training.data import load_images, read_manifest
from training.paths import SHARED_DATA
from training.shift import build_shift_set

THRESHOLDS = tuple(round(0.5 + 0.05 * step, 2) for step in range(10))  # 0.5 ... 0.95
TARGET = 0.01  # confident-wrong rate to stay under


def answers(recogniser, pictures, labels: np.ndarray) -> np.ndarray:
    """Return (confidence, right) per picture."""
    recognitions = recognise_all(recogniser, pictures)
    return np.array([(r.confidence, float(r.digit == label)) for r, label in zip(recognitions, labels, strict=True)])


def rates(found: np.ndarray, threshold: float) -> dict[str, float]:
    """Return the confident-wrong rate, the share of right answers flagged unsure, and accuracy."""
    confident, right = ~is_unsure(found[:, 0], threshold), found[:, 1] == 1.0
    return {
        "confident_wrong": float((confident & ~right).mean()),
        "right_but_unsure": float((~confident & right).sum() / max(right.sum(), 1)),
        "accuracy": float(right.mean()),
    }


def table(measured: dict[str, np.ndarray], threshold: float) -> dict[str, dict[str, float]]:
    """Return the rates on the plain split and the mean over shift kinds."""
    plain = rates(measured["plain"], threshold)
    kinds = [rates(found, threshold) for kind, found in measured.items() if kind != "plain"]
    shift = {key: float(np.mean([k[key] for k in kinds])) for key in plain}
    return {"plain": plain, "shift": shift}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    parser.add_argument("--backend", default="auto")
    parser.add_argument("--write", action="store_true", help="write the chosen value into the model's settings file")
    args = parser.parse_args()
    splits = read_manifest(ModelFiles.from_h5(args.model).manifest)
    recogniser = Recogniser.from_model(args.model, args.backend, threads=2)
    measured = {}
    for split in ("valid", "test"):
        data = load_images(SHARED_DATA, splits[split])
        sets = {"plain": data.images, **build_shift_set(data.images)}
        measured[split] = {kind: answers(recogniser, pictures, data.labels) for kind, pictures in sets.items()}
        print(split, {kind: len(found) for kind, found in measured[split].items()}, flush=True)
    grid = {f"{t:g}": {split: table(measured[split], t) for split in measured} for t in THRESHOLDS}
    meets = [
        t
        for t in THRESHOLDS
        if grid[f"{t:g}"]["valid"]["plain"]["confident_wrong"] <= TARGET
        and grid[f"{t:g}"]["valid"]["shift"]["confident_wrong"] <= TARGET
    ]
    chosen = meets[0] if meets else THRESHOLDS[-1]
    report = {
        "model": args.model.name,
        "backend": recogniser.backend,
        "pictures": {split: sum(len(found) for found in measured[split].values()) for split in measured},
        "target_confident_wrong": TARGET,
        "chosen_on_valid": chosen,
        "in_use": recogniser.settings.unsure_below,
        "at_chosen": grid[f"{chosen:g}"],
        "grid": grid,
    }
    save_result("unsure.json", report)
    for t in THRESHOLDS:
        row = grid[f"{t:g}"]
        print(
            f"{t:4.2f}",
            *(
                f"{split} {part}: cw {100 * row[split][part]['confident_wrong']:.2f}% "
                f"unsure-right {100 * row[split][part]['right_but_unsure']:.2f}%"
                for split in ("valid", "test")
                for part in ("plain", "shift")
            ),
            sep=" | ",
        )
    print("chosen on valid:", chosen, "(in use:", recogniser.settings.unsure_below, ")")
    if args.write:
        settings = Settings.for_model(args.model).with_values(unsure_below=chosen)
        note = (
            f"bench/unsure.py: lowest threshold keeping confident-wrong <= {TARGET:.0%} on the validation split "
            "and its shift set"
        )
        print("wrote", settings.save(args.model, {"unsure_below": note}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
