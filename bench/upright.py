"""Choose on validation how far a hand must lean before it is turned upright to be read; report it on the test split.

    python -m bench.upright [--model models/asl_digits.h5] [--write]

Every picture of the split and its shift set (the tilted kinds among them) is located once, as
served; then, for each threshold, the squares are cut (turned upright where the hand leans at
least that much) and classified by the fp32 export. The rule: the threshold with the best mean
over the shift set's kinds on validation, among those that keep plain validation photos at least
as accurate as never turning and confident-wrong answers at or under 1%. ``--write`` stores the
choice in the model's settings file. Writes bench/results/upright.json.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
from PIL import Image

from bench import save_result
from recognition.backends import LiteRTPredictor
from recognition.batch import side_by_side
from recognition.hands import HandBox, PalmDetector
from recognition.model_files import ModelFiles
from recognition.parallel import in_parallel
from recognition.paths import DEFAULT_MODEL
from recognition.preprocessing import to_model_input
from recognition.recogniser import Prepared, Recogniser
from recognition.settings import Settings
from training.data import load_images, read_manifest
from training.evaluate import evaluate_split, shift_metrics
from training.paths import SHARED_DATA
from training.shift import build_shift_set

THRESHOLDS = (180.0, 45.0, 30.0, 25.0, 20.0, 15.0, 10.0)  # 180: never turn
TILTED = ("tilted", "tilted_on_photo", "rotated")
TARGET_CONFIDENT_WRONG = 0.01


def locate_all(recogniser: Recogniser, pictures: list[np.ndarray]) -> list[tuple[HandBox | None, tuple[int, int, int, int]]]:
    """Locate the hand of every picture once (on the detector's one-thread copies)."""
    workers = side_by_side(recogniser.detector)
    chunks = [pictures[start : start + 16] for start in range(0, len(pictures), 16)]
    parts = in_parallel(lambda chunk: [recogniser.locate(Image.fromarray(p), alone=workers == 1) for p in chunk], chunks, workers)
    return [found for part in parts for found in part]


def cut(recogniser: Recogniser, pictures: list[np.ndarray], located: list) -> Prepared:
    """Cut the squares of located pictures as ``recogniser``'s settings say (turned upright or not)."""
    turns = [recogniser.turn_for(hand) for hand, _box in located]
    inputs = np.stack([to_model_input(Image.fromarray(p), box, turn=t) for p, (_h, box), t in zip(pictures, located, turns, strict=True)])
    return Prepared(inputs, [h for h, _ in located], [b for _, b in located], [(p.shape[1], p.shape[0]) for p in pictures], True, turns)


def measure(recogniser: Recogniser, sets: dict[str, list[np.ndarray]], located: dict, labels: np.ndarray) -> dict:
    prepared = {kind: cut(recogniser, pictures, located[kind]) for kind, pictures in sets.items()}
    plain = evaluate_split(recogniser, prepared.pop("plain"), labels)
    shifted = shift_metrics(recogniser, prepared, labels)
    turned = {kind: float(np.mean([turn != 0 for turn in found.turns])) for kind, found in prepared.items()}
    return {
        "plain": plain["accuracy"],
        "plain_confident_wrong": plain["confident_wrong_rate"],
        "shift_mean": shifted["overall"],
        "shift_confident_wrong": shifted["confident_wrong_rate"],
        "worst_kind": shifted["worst_kind"],
        "worst": shifted["worst_accuracy"],
        "tilted": {kind: shifted["per_kind"][kind] for kind in TILTED if kind in shifted["per_kind"]},
        "per_kind": shifted["per_kind"],
        "turned_share": {kind: turned[kind] for kind in TILTED if kind in turned} | {"all_kinds": float(np.mean(list(turned.values())))},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    parser.add_argument("--write", action="store_true", help="write the chosen threshold into the model's settings file")
    args = parser.parse_args()
    files = ModelFiles.from_h5(args.model)
    base = Settings.for_model(files)
    predictor = LiteRTPredictor(files.export("fp32"), backend="litert-fp32", side_by_side=2)
    recogniser = Recogniser(predictor, PalmDetector(side_by_side=2, settings=base), base)
    splits = read_manifest(files.manifest)
    report: dict = {"model": files.h5.name, "thresholds": {}}
    for split in ("valid", "test"):
        data = load_images(SHARED_DATA, splits[split])
        sets = {"plain": list(data.images), **build_shift_set(data.images)}
        located = {kind: locate_all(recogniser, pictures) for kind, pictures in sets.items()}
        leans = [abs(np.degrees(h.lean)) for found in located.values() for h, _b in found if h is not None]
        report.setdefault("pictures", {})[split] = sum(len(v) for v in sets.values())
        report.setdefault("median_lean_degrees", {})[split] = {
            kind: float(np.median([abs(np.degrees(h.lean)) for h, _b in found if h is not None] or [0])) for kind, found in located.items()
        }
        report["median_lean_degrees"][split]["all"] = float(np.median(leans))
        for threshold in THRESHOLDS:
            recogniser.settings = base.with_values(upright_from_degrees=threshold)
            found = measure(recogniser, sets, located, data.labels)
            report["thresholds"].setdefault(f"{threshold:g}", {})[split] = found
            print(split, threshold, json.dumps({k: v for k, v in found.items() if k != "per_kind"}), flush=True)
    never = report["thresholds"]["180"]["valid"]
    allowed = [
        t
        for t in THRESHOLDS
        if report["thresholds"][f"{t:g}"]["valid"]["plain"] >= never["plain"]
        and report["thresholds"][f"{t:g}"]["valid"]["shift_confident_wrong"] <= TARGET_CONFIDENT_WRONG
    ]
    chosen = max(allowed or [180.0], key=lambda t: report["thresholds"][f"{t:g}"]["valid"]["shift_mean"])
    report["chosen_on_valid"] = chosen
    save_result("upright.json", report)
    print("chosen on valid:", chosen)
    if args.write:
        note = "bench/upright.py: best shift mean on validation keeping plain accuracy and confident-wrong <= 1%"
        print("wrote", base.with_values(upright_from_degrees=chosen).save(files, {"upright_from_degrees": note}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
