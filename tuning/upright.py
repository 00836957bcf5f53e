"""Choose when a leaning hand is turned upright before the MobileNet reads it, on both validation readings.

    python -m tuning.upright [--model models/asl_digits.h5] [--write]

Every picture of the validation split, its shift set (the tilted kinds among them) and the outside
signer (read, never fitted) is found once as served (search, sweep, fine search) and read twice,
hand geometry pooled and "unsure" and "no hand" said as served: as it is, and turned upright
wherever the hand is read from its own square. A rule (turn when the hand leans at least T degrees
and its square is at least S of the picture's long side) then picks, per picture, one of the two
readings. Chosen: the best worse-of-two accuracy (validation mean of kinds; outside signer) among
rules that keep the plain validation photos as accurate as never turning and confident-wrong on
each reading within 1% or never's; the larger T, then S, on a tie. ``--write`` stores it in the
model's settings file. Writes bench/results/upright.json.
"""

from __future__ import annotations

import argparse
import json
import math
from dataclasses import replace
from pathlib import Path

import numpy as np
from PIL import Image

from bench import save_result
from recognition.batch import recognise_all, side_by_side
from recognition.framing import upright_turn
from recognition.model_files import ModelFiles
from recognition.parallel import in_parallel
from recognition.paths import DEFAULT_MODEL
from recognition.preprocessing import to_model_input
from recognition.recogniser import Recogniser
from recognition.records import Prepared
from recognition.settings import Settings
from tuning.harness import readings, served

DEGREES = (10.0, 15.0, 20.0, 25.0, 30.0, 45.0)
SHARES = (0.0, 0.3, 0.5, 0.7)
TILTED = ("tilted", "tilted_on_photo", "left_tilted_on_photo", "rotated")


def read_twice(recogniser: Recogniser, pictures: list[np.ndarray], labels: np.ndarray) -> dict[str, np.ndarray]:
    """Find each picture's hand once as served; read it as it is and turned upright; return per-picture signals."""
    workers = side_by_side(recogniser.detector)
    chunks = [pictures[start : start + 16] for start in range(0, len(pictures), 16)]
    parts = in_parallel(lambda chunk: [recogniser.find(Image.fromarray(p)) for p in chunk], chunks, workers)
    found = [replace(cut, turn=0.0) for part in parts for cut in part]
    turning = recogniser.settings.with_values(upright_from_degrees=0.0, upright_min_share=0.0)
    turns = [upright_turn(cut.hand, cut.size, turning) for cut in found]
    signals: dict[str, np.ndarray] = {}
    for name, applied in (("as_is", [0.0] * len(turns)), ("turned", turns)):
        cuts = tuple(replace(cut, turn=t) for cut, t in zip(found, applied, strict=True))
        inputs = np.stack(
            [to_model_input(Image.fromarray(p), cut.box, turn=cut.turn) for p, cut in zip(pictures, cuts, strict=True)]
        )
        answers = recognise_all(recogniser, Prepared(inputs, cuts, True))
        right = np.array([a.digit == label and not a.no_hand for a, label in zip(answers, labels, strict=True)])
        signals[f"{name}_right"] = right
        signals[f"{name}_confident_wrong"] = np.array(
            [not r and not a.unsure and not a.no_hand for a, r in zip(answers, right, strict=True)]
        )
    signals["lean"] = np.array([abs(math.degrees(c.hand.lean)) if c.hand is not None else 0.0 for c in found])
    signals["share"] = np.array([c.hand.side / max(c.size) if c.hand is not None else 0.0 for c in found])
    signals["eligible"] = np.array([t != 0.0 for t in turns])
    return signals


def score(reading: dict[str, dict[str, np.ndarray]], degrees: float, share: float) -> dict:
    """Return per kind accuracy, their mean and mean confident-wrong when the rule (degrees, share) picks the
    reading of each picture."""
    per_kind, confident_wrong = {}, []
    for kind, s in reading.items():
        turn = s["eligible"] & (s["lean"] >= degrees) & (s["share"] >= share)
        per_kind[kind] = float(np.where(turn, s["turned_right"], s["as_is_right"]).mean())
        confident_wrong.append(float(np.where(turn, s["turned_confident_wrong"], s["as_is_confident_wrong"]).mean()))
    return {
        "plain": per_kind["plain"],
        "mean": float(np.mean(list(per_kind.values()))),
        "confident_wrong": float(np.mean(confident_wrong)),
        "tilted": {kind: per_kind[kind] for kind in TILTED if kind in per_kind},
        "worst_kind": min(per_kind, key=per_kind.get),
        "per_kind": per_kind,
    }


def choose(rules: dict[str, dict[str, dict]], values: dict[str, tuple[float, float]]) -> str:
    """Return the rule with the best worse-of-two accuracy that keeps plain validation and confident-wrong."""
    never = rules["never"]
    allowed = [
        name
        for name, by_reading in rules.items()
        if by_reading["valid"]["plain"] >= never["valid"]["plain"]
        and all(
            row["confident_wrong"] <= max(0.01, never[reading]["confident_wrong"])
            for reading, row in by_reading.items()
        )
    ]
    return max(allowed, key=lambda name: (min(row["mean"] for row in rules[name].values()), values[name]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    parser.add_argument("--write", action="store_true", help="write the chosen rule into the model's settings file")
    parser.add_argument("--out", default="upright.json", help="result file name under bench/results")
    args = parser.parse_args()
    files = ModelFiles.from_h5(args.model)
    base = Settings.for_model(files)
    recogniser = served(files.h5, upright_from_degrees=180.0)
    measured: dict[str, dict[str, dict[str, np.ndarray]]] = {}
    for reading in readings(files.h5):
        measured[reading.name] = {
            kind: read_twice(recogniser, pictures, reading.labels) for kind, pictures in reading.kinds.items()
        }
        print(reading.name, "read", reading.pictures, "pictures", flush=True)
    values = {"never": (180.0, 0.0), **{f"{d:g} degrees, share {s:g}": (d, s) for d in DEGREES for s in SHARES}}
    rules = {name: {r: score(measured[r], d, s) for r in measured} for name, (d, s) in values.items()}
    chosen = choose(rules, values)
    report: dict = {
        "model": files.h5.name,
        "pictures": {r: int(sum(len(s["lean"]) for s in kinds.values())) for r, kinds in measured.items()},
        "median_lean_degrees": {
            r: {kind: float(np.median(s["lean"])) for kind, s in kinds.items()} for r, kinds in measured.items()
        },
        "rules": rules,
        "chosen": {"rule": chosen, "upright_from_degrees": values[chosen][0], "upright_min_share": values[chosen][1]},
    }
    for name in ("never", chosen):
        for r, found in rules[name].items():
            print(name, r, {k: v for k, v in found.items() if k != "per_kind"}, flush=True)
    save_result(args.out, report)
    if args.write:
        note = (
            "tuning/upright.py: best worse-of-two accuracy (validation kinds, outside signer) keeping plain validation"
        )
        settings = base.with_values(upright_from_degrees=values[chosen][0], upright_min_share=values[chosen][1])
        print("wrote", settings.save(files, {"upright_from_degrees": note, "upright_min_share": note}))
    print(json.dumps(report["chosen"]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
