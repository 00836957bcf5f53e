"""Choose on validation when a leaning hand is turned upright before it is read; report it on the test split.

    python -m tuning.upright [--model models/asl_digits.h5] [--write]

Every picture of the split and its shift set (the tilted kinds among them) is located once, as
served, and read twice by the fp32 export: as it is, and turned upright wherever the hand is read
from its own square. A rule (turn when the hand leans at least T degrees and its square is at
least S of the picture's long side) then picks, per picture, one of the two readings. The rule
chosen: the best mean over the shift set's kinds on validation among those that keep plain
validation photos at least as accurate as never turning. ``--write`` stores it in the model's
settings file. Writes bench/results/upright.json.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

import numpy as np
from PIL import Image

from bench import save_result
from recognition.answer import is_unsure
from recognition.batch import recognise_all, side_by_side
from recognition.framing import upright_turn
from recognition.model_files import ModelFiles
from recognition.parallel import in_parallel
from recognition.paths import DEFAULT_MODEL
from recognition.preprocessing import to_model_input
from recognition.recogniser import Recogniser
from recognition.records import Cut, Prepared
from recognition.settings import Settings
from tuning.harness import served, split_reading

DEGREES = (10.0, 15.0, 20.0, 25.0, 30.0, 45.0)
SHARES = (0.0, 0.3, 0.5, 0.7)
TILTED = ("tilted", "tilted_on_photo", "rotated")


def read_twice(recogniser: Recogniser, pictures: list[np.ndarray], labels: np.ndarray) -> dict[str, np.ndarray]:
    """Locate each picture once; read it as it is and turned upright; return per-picture signals."""
    workers = side_by_side(recogniser.detector)
    chunks = [pictures[start : start + 16] for start in range(0, len(pictures), 16)]
    parts = in_parallel(lambda chunk: [recogniser.locate(Image.fromarray(p)) for p in chunk], chunks, workers)
    located = [found for part in parts for found in part]
    sizes = [(p.shape[1], p.shape[0]) for p in pictures]
    turning = recogniser.with_settings(upright_from_degrees=0.0, upright_min_share=0.0)
    turns = [upright_turn(hand, size, turning.settings) for (hand, _box), size in zip(located, sizes, strict=True)]
    signals: dict[str, np.ndarray] = {}
    for name, applied in (("as_is", [0.0] * len(turns)), ("turned", turns)):
        inputs = np.stack(
            [
                to_model_input(Image.fromarray(p), box, turn=t)
                for p, (_h, box), t in zip(pictures, located, applied, strict=True)
            ]
        )
        cuts = tuple(Cut(h, b, size, turn=t) for (h, b), size, t in zip(located, sizes, applied, strict=True))
        prepared = Prepared(inputs, cuts, True)
        found = recognise_all(recogniser, prepared)
        signals[f"{name}_right"] = np.array([r.digit == label for r, label in zip(found, labels, strict=True)])
        signals[f"{name}_confidence"] = np.array([r.confidence for r in found])
    signals["lean"] = np.array([abs(math.degrees(h.lean)) if h is not None else 0.0 for h, _b in located])
    signals["share"] = np.array(
        [h.side / max(size) if h is not None else 0.0 for (h, _b), size in zip(located, sizes, strict=True)]
    )
    signals["eligible"] = np.array([t != 0.0 for t in turns])
    return signals


def score(split: dict[str, dict[str, np.ndarray]], degrees: float, share: float, unsure_below: float) -> dict:
    """Return plain accuracy, shift mean, tilted kinds and confident-wrong when the rule (degrees, share) picks the
    reading."""
    per_kind, confident_wrong = {}, []
    for kind, s in split.items():
        turn = s["eligible"] & (s["lean"] >= degrees) & (s["share"] >= share)
        right = np.where(turn, s["turned_right"], s["as_is_right"])
        confidence = np.where(turn, s["turned_confidence"], s["as_is_confidence"])
        per_kind[kind] = float(right.mean())
        if kind != "plain":
            confident_wrong.append(float((~right & ~is_unsure(confidence, unsure_below)).mean()))
    shift = {kind: value for kind, value in per_kind.items() if kind != "plain"}
    return {
        "plain": per_kind["plain"],
        "shift_mean": float(np.mean(list(shift.values()))),
        "shift_confident_wrong": float(np.mean(confident_wrong)),
        "tilted": {kind: shift[kind] for kind in TILTED},
        "worst_kind": min(shift, key=shift.get),
        "per_kind": shift,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    parser.add_argument("--write", action="store_true", help="write the chosen rule into the model's settings file")
    parser.add_argument("--out", default="upright.json", help="result file name under bench/results")
    args = parser.parse_args()
    files = ModelFiles.from_h5(args.model)
    base = Settings.for_model(files)
    recogniser = served(files.h5)
    measured: dict[str, dict[str, dict[str, np.ndarray]]] = {}
    for split in ("valid", "test"):
        reading = split_reading(files.h5, split)
        measured[split] = {
            kind: read_twice(recogniser, pictures, reading.labels) for kind, pictures in reading.kinds.items()
        }
        print(split, "read", reading.pictures, "pictures", flush=True)
    rules = {"never": (180.0, 0.0), **{f"{d:g} degrees, share {s:g}": (d, s) for d in DEGREES for s in SHARES}}
    report: dict = {
        "model": files.h5.name,
        "pictures": {split: int(sum(len(s["lean"]) for s in kinds.values())) for split, kinds in measured.items()},
        "median_lean_degrees": {
            split: {kind: float(np.median(s["lean"])) for kind, s in kinds.items()} for split, kinds in measured.items()
        },
        "rules": {
            name: {split: score(measured[split], d, s, base.unsure_below) for split in measured}
            for name, (d, s) in rules.items()
        },
    }
    never = report["rules"]["never"]["valid"]["plain"]
    allowed = [name for name in rules if report["rules"][name]["valid"]["plain"] >= never]
    chosen = max(allowed, key=lambda name: report["rules"][name]["valid"]["shift_mean"])
    report["chosen_on_valid"] = {
        "rule": chosen,
        "upright_from_degrees": rules[chosen][0],
        "upright_min_share": rules[chosen][1],
    }
    for name in ("never", chosen):
        for split in ("valid", "test"):
            found = report["rules"][name][split]
            print(name, split, {k: v for k, v in found.items() if k != "per_kind"}, flush=True)
    save_result(args.out, report)
    if args.write:
        note = "tuning/upright.py: best shift mean on validation keeping plain validation accuracy"
        settings = base.with_values(upright_from_degrees=rules[chosen][0], upright_min_share=rules[chosen][1])
        print("wrote", settings.save(files, {"upright_from_degrees": note, "upright_min_share": note}))
    print(json.dumps(report["chosen_on_valid"]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
