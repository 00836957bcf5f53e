"""Choose the confidence under which an answer is flagged "unsure", on validation, then report it on test.

    python -m tuning.unsure [--model models/asl_digits.h5] [--backend litert-fp32] [--write]

An answer is *confident-wrong* when it is wrong with a confidence at or above the threshold: the
user is told a wrong digit with no warning. Raising the threshold lowers that rate and flags more
right answers as unsure. For every threshold of the grid this measures both on the valid split
and its domain-shift set (choice) and on the test split and its shift set (report), served as
the web app serves (hand localisation included), and on the outside signer (choice, never fitted).
The choice is the lowest threshold that keeps the confident-wrong rate at or under 1% on the valid
split, on the mean of its shift kinds and on the outside signer.
Writes bench/results/unsure.json and, with ``--write``, the chosen value into the model's settings file
(``NAME.settings.json``, read by serving and evaluation).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from bench import save_result
from recognition.answer import hand_confirmed, is_unsure
from recognition.batch import recognise_all
from recognition.paths import DEFAULT_MODEL
from recognition.settings import Settings
from tuning.harness import readings, served, split_reading

THRESHOLDS = tuple(round(0.5 + 0.01 * step, 2) for step in range(46))  # 0.5 ... 0.95
TARGET = 0.01  # confident-wrong rate to stay under
CHOOSING = ("valid", "outside")  # the readings a threshold must meet TARGET on (test only reports)


def answers(recogniser, pictures, labels: np.ndarray) -> np.ndarray:
    """Return (confidence, right) per picture; a hand no hand model confirms counts at confidence 0 (never sure)."""
    recognitions = recognise_all(recogniser, pictures)
    settings = recogniser.settings
    return np.array(
        [
            (r.confidence if hand_confirmed(r.hand, r.look, settings) else 0.0, float(r.digit == label))
            for r, label in zip(recognitions, labels, strict=True)
        ]
    )


def rates(found: np.ndarray, threshold: float) -> dict[str, float]:
    """Return the confident-wrong rate, the share of right answers flagged unsure, and accuracy."""
    confident, right = ~is_unsure(found[:, 0], threshold), found[:, 1] == 1.0
    return {
        "confident_wrong": float((confident & ~right).mean()),
        "right_but_unsure": float((~confident & right).sum() / max(right.sum(), 1)),
        "accuracy": float(right.mean()),
    }


def table(measured: dict[str, np.ndarray], threshold: float) -> dict[str, dict[str, float]]:
    """Return the rates on the plain pictures and, where there are shift kinds, their mean over the kinds."""
    plain = rates(measured["plain"], threshold)
    kinds = [rates(found, threshold) for kind, found in measured.items() if kind != "plain"]
    if not kinds:
        return {"plain": plain}
    return {"plain": plain, "shift": {key: float(np.mean([k[key] for k in kinds])) for key in plain}}


def lowest_threshold(found_by_reading: dict[str, dict]) -> float | None:
    """Return the lowest threshold keeping confident-wrong at or under TARGET on every reading's photos and on
    the mean of its shift kinds, or None; ``found_by_reading`` maps reading, kind to (confidences, right)."""
    for threshold in THRESHOLDS:
        worst = 0.0
        for found in found_by_reading.values():
            wrong = {k: float((~is_unsure(c, threshold) & ~r).mean()) for k, (c, r) in found.items()}
            shift = [v for k, v in wrong.items() if k != "plain"]
            worst = max(worst, wrong["plain"], float(np.mean(shift)) if shift else 0.0)
        if worst <= TARGET:
            return threshold
    return None


def choose(measured: dict[str, dict[str, np.ndarray]]) -> float:
    """Return the lowest threshold keeping confident-wrong at or under TARGET on every choosing reading."""
    found = {
        name: {kind: (rows[:, 0], rows[:, 1] == 1.0) for kind, rows in measured[name].items()}
        for name in CHOOSING
        if name in measured
    }
    threshold = lowest_threshold(found)
    return THRESHOLDS[-1] if threshold is None else threshold


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    parser.add_argument("--backend", default="litert-fp32")
    parser.add_argument("--write", action="store_true", help="write the chosen value into the model's settings file")
    args = parser.parse_args()
    recogniser = served(args.model, args.backend)
    measured = {}
    for reading in [*readings(args.model, "valid"), split_reading(args.model, "test")]:
        measured[reading.name] = {
            kind: answers(recogniser, pictures, reading.labels) for kind, pictures in reading.kinds.items()
        }
        print(reading.name, {kind: len(found) for kind, found in measured[reading.name].items()}, flush=True)
    grid = {f"{t:g}": {name: table(measured[name], t) for name in measured} for t in THRESHOLDS}
    chosen = choose(measured)
    report = {
        "model": args.model.name,
        "backend": recogniser.backend,
        "pictures": {name: sum(len(found) for found in measured[name].values()) for name in measured},
        "target_confident_wrong": TARGET,
        "chosen_on": [name for name in CHOOSING if name in measured],
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
                f"{name} {part}: cw {100 * rates['confident_wrong']:.2f}% "
                f"unsure-right {100 * rates['right_but_unsure']:.2f}%"
                for name in row
                for part, rates in row[name].items()
            ),
            sep=" | ",
        )
    print("chosen:", chosen, "(in use:", recogniser.settings.unsure_below, ")")
    if args.write:
        settings = Settings.for_model(args.model).with_values(unsure_below=chosen)
        note = (
            f"tuning/unsure.py: lowest threshold keeping confident-wrong <= {TARGET:.0%} on the validation split, "
            "its shift set and the outside signer"
        )
        print("wrote", settings.save(args.model, {"unsure_below": note}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
