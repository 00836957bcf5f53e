"""Choose the "no hand" rule on validation, then measure it on the test split and unseen non-hand pictures.

    python -m tuning.no_hand [--model models/asl_digits.h5] [--backend auto]

Hands: the valid (choice) or test (report) split, plus its domain-shift set. Non-hands: pictures
shipped in scikit-image, matplotlib and scikit-learn (animals, faces, food, objects, scenes), plain
colours, gradients, noise, shapes, patterns, skin-coloured blobs, text and people who are not
signing (faces on shoulders, some with arms crossed: :func:`people_non_hands`),
split in two halves by a fixed draw (one to choose, one to report). The rule is
``recognition.recogniser.says_no_hand``: for a hand neither the hand check nor the look confirms, a
faint hand-landmark presence while the classifier is unsure, or no palm or a faint one while the
classifier is unsure; the grid search picks the thresholds that keep false "no hand" on valid hands at or
under 1% and finds the most non-hands (or, if none keeps it, the fewest false answers).
Writes bench/results/no_hand.json, the raw signals to runs/no_hand_signals.npz and, with
``--write``, the chosen thresholds into the model's settings file (``NAME.settings.json``).
"""

from __future__ import annotations

import argparse
import itertools
import json
from pathlib import Path

import numpy as np

from bench import save_result
from recognition.batch import recognise_all
from recognition.paths import DEFAULT_MODEL, PROJECT_ROOT
from recognition.records import hand_confirmed
from recognition.settings import Settings
from tuning.harness import outside_reading, served, split_reading
from tuning.non_hands import package_pictures, people_non_hands, synthetic_non_hands

SCORES = (0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6, 0.7)
CONFIDENCES = (0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 1.01)
PRESENCES = (0.0, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3)  # 0: the presence never decides
PRESENCE_CONFIDENCES = (0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.01)  # with a faint presence, "no hand" under this confidence


def signals(recogniser, pictures) -> np.ndarray:
    """Return per picture: palm score or 0, confidence, 1 if confirmed (by the check or the look) else 0,
    the check's presence or 2 if unchecked, the look's presence or 2 without a look."""
    return np.array(
        [
            (
                r.hand.score if r.hand else 0.0,
                r.confidence,
                float(hand_confirmed(r.hand, r.look, recogniser.settings)),
                r.hand.presence if r.hand is not None and r.hand.presence is not None else 2.0,
                r.look.presence if r.look is not None else 2.0,
            )
            for r in recognise_all(recogniser, pictures)
        ]
    )


def no_hand(
    found: np.ndarray, score: float, confidence: float, presence: float = 0.0, presence_confidence: float = 0.0
) -> np.ndarray:
    """Apply the rule of ``says_no_hand`` with these thresholds (a score of 0 means no palm was found)."""
    unconfirmed = found[:, 2] == 0
    looked = (found[:, 3] <= 1) | (found[:, 4] <= 1)
    highest = np.maximum(np.where(found[:, 3] <= 1, found[:, 3], -1.0), np.where(found[:, 4] <= 1, found[:, 4], -1.0))
    faint = looked & (highest < presence) & (found[:, 1] < presence_confidence)
    return unconfirmed & (faint | ((found[:, 0] < score) & (found[:, 1] < confidence)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    parser.add_argument("--backend", default="auto")
    parser.add_argument("--manifest", type=Path)
    parser.add_argument(
        "--write", action="store_true", help="write the chosen thresholds into the model's settings file"
    )
    args = parser.parse_args()
    recogniser = served(args.model, args.backend)
    measured = measure(recogniser, args.model)
    grid = grid_of(measured)
    (PROJECT_ROOT / "runs").mkdir(exist_ok=True)
    np.savez(
        PROJECT_ROOT / "runs" / "no_hand_signals.npz",
        **{f"{s}_{k}": v for s, d in measured.items() for k, v in d.items()},
    )
    allowed = [row for row in grid if max(row["false_no_hand"], row.get("outside_false_no_hand", 0.0)) <= 0.01]
    if allowed:
        best = max(allowed, key=lambda row: (row["non_hands_caught"], -row["false_no_hand"]))
    else:
        best = min(grid, key=lambda row: (row["false_no_hand"], -row["non_hands_caught"]))
    report = {
        "model": args.model.name,
        "backend": recogniser.backend,
        "chosen_on_valid": best,
        **reported_figures(measured, best, recogniser.settings.unsure_below),
        "grid_rows": len(grid),
        "grid_allowed_best": sorted(allowed, key=lambda row: (-row["non_hands_caught"], row["false_no_hand"]))[:20],
    }
    save_result("no_hand.json", report)
    print(json.dumps({k: v for k, v in report.items() if k != "grid_allowed_best"}, indent=1))
    if args.write:
        write(args.model, best)
    return 0


def measure(recogniser, model: Path) -> dict[str, dict[str, np.ndarray]]:
    """Return the signals of real hands (validation, test, outside signer) and of the two halves of the non-hands."""
    rng = np.random.default_rng(11)
    non_hands = package_pictures() + synthetic_non_hands(rng)
    order = rng.permutation(len(non_hands))
    halves = {"choose": [non_hands[i] for i in order[::2]], "report": [non_hands[i] for i in order[1::2]]}
    people = people_non_hands(np.random.default_rng(13))
    halves["choose"] += people[::2]
    halves["report"] += people[1::2]
    measured = {}
    for split, half in (("valid", "choose"), ("test", "report")):
        hands = [p for pictures in split_reading(model, split).kinds.values() for p in pictures]
        measured[split] = {"hands": signals(recogniser, hands), "non_hands": signals(recogniser, halves[half])}
    outside = outside_reading()
    if outside is not None:
        measured["outside"] = {"hands": signals(recogniser, outside.kinds["plain"])}
    measured["people"] = {"report": measured["test"]["non_hands"][-len(people[1::2]) :]}
    return measured


def grid_of(measured: dict[str, dict[str, np.ndarray]]) -> list[dict]:
    """Return, for every rule of the grid, false "no hand" on real hands and the non-hands caught, on validation."""
    grid = []
    for score, confidence, presence, unsure in itertools.product(SCORES, CONFIDENCES, PRESENCES, PRESENCE_CONFIDENCES):
        rule = (score, confidence, presence, unsure)
        row = {"score": score, "confidence": confidence, "presence": presence, "presence_confidence": unsure}
        row["false_no_hand"] = float(no_hand(measured["valid"]["hands"], *rule).mean())
        row["non_hands_caught"] = float(no_hand(measured["valid"]["non_hands"], *rule).mean())
        if "outside" in measured:
            row["outside_false_no_hand"] = float(no_hand(measured["outside"]["hands"], *rule).mean())
        grid.append(row)
    return grid


def reported_figures(measured: dict[str, dict[str, np.ndarray]], best: dict, sure_from: float) -> dict:
    """Return the chosen rule's figures on the test split and the reporting half of the non-hands."""
    rule = (best["score"], best["confidence"], best["presence"], best["presence_confidence"])
    test = measured["test"]
    return {
        "test_hands": len(test["hands"]),
        "test_false_no_hand": float(no_hand(test["hands"], *rule).mean()),
        "report_non_hands": len(test["non_hands"]),
        "report_non_hands_caught": float(no_hand(test["non_hands"], *rule).mean()),
        "report_non_hands_sure_digit": float(
            (~no_hand(test["non_hands"], *rule) & (test["non_hands"][:, 1] >= sure_from)).mean()
        ),
        "report_people": len(measured["people"]["report"]),
        "report_people_caught": float(no_hand(measured["people"]["report"], *rule).mean()),
        "report_people_sure_digit": float(
            (~no_hand(measured["people"]["report"], *rule) & (measured["people"]["report"][:, 1] >= sure_from)).mean()
        ),
        "no_palm_at_all": {
            "test_hands": float((test["hands"][:, 0] == 0).mean()),
            "report_non_hands": float((test["non_hands"][:, 0] == 0).mean()),
        },
        "hand_confirmed": {
            "test_hands": float(test["hands"][:, 2].mean()),
            "report_non_hands": float(test["non_hands"][:, 2].mean()),
            "choose_non_hands": float(measured["valid"]["non_hands"][:, 2].mean()),
        },
    }


def write(model: Path, best: dict) -> None:
    """Write the chosen rule into the model's settings file."""
    values = {
        "no_hand_score": best["score"],
        "no_hand_confidence": best["confidence"],
        "no_hand_presence": best["presence"],
        "no_hand_presence_confidence": best["presence_confidence"],
    }
    note = (
        "tuning/no_hand.py: most non-hands caught with false 'no hand' <= 1% on the validation split, "
        "its shift set and the outside signer"
    )
    settings = Settings.for_model(model).with_values(**values)
    print("wrote", settings.save(model, dict.fromkeys(values, note)))


if __name__ == "__main__":
    raise SystemExit(main())
