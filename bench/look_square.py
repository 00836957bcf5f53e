"""Choose on validation which square the classifier reads of a searched hand: the palm detector's or its landmarks'.

    python -m bench.look_square [--model models/asl_digits.h5] [--write]

A followed hand (from a kiosk's track) is read in the square its landmarks imply; a searched one,
so far, in the palm detector's. With ``square_from_look`` at a presence value, a searched hand whose
look reaches it is read in its landmarks' square too, so that both ways read the same square of a
held hand. Each candidate value is scored as served (fp32 export, hand models, geometry blend) on
the validation split and its shift set: the mean over plain photos and every shift kind, with
confident-wrong answers at or under 1%; the best is chosen there and, with the current value,
reported on the test split. ``--write`` saves the choice in the model's settings file. Writes
bench/results/look_square.json.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from bench import save_result
from recognition.model_files import ModelFiles
from recognition.paths import DEFAULT_MODEL
from recognition.recogniser import Recogniser
from training.data import load_images, read_manifest
from training.evaluate import evaluate_split, shift_metrics
from training.paths import SHARED_DATA
from training.shift import build_shift_set

CANDIDATES = (1.01, 0.9, 0.7, 0.5)
MOST_CONFIDENT_WRONG = 0.01


def score(recogniser: Recogniser, images: np.ndarray, shift_set: dict, labels: np.ndarray) -> dict:
    """Return plain accuracy, the shift kinds, their joint mean and the confident-wrong rate over all of them."""
    plain = evaluate_split(recogniser, images, labels)
    shift = shift_metrics(recogniser, shift_set, labels)
    kinds = {"plain": plain["accuracy"], **shift["per_kind"]}
    wrong = [plain["confident_wrong_rate"], *(m["confident_wrong_rate"] for m in shift["details"].values())]
    return {
        "pictures": len(labels) * len(kinds),
        "mean": float(np.mean(list(kinds.values()))),
        "confident_wrong": float(np.mean(wrong)),
        "worst_kind": min(kinds, key=kinds.get),
        "worst_accuracy": min(kinds.values()),
        "per_kind": kinds,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    parser.add_argument("--write", action="store_true", help="save the chosen value in the model's settings file")
    parser.add_argument("--out", default="look_square.json", help="result file name under bench/results")
    args = parser.parse_args()
    served = Recogniser.from_model(args.model, "litert-fp32", copies=2)
    files, base = ModelFiles.from_h5(args.model), served.settings

    def recogniser_for(value: float) -> Recogniser:
        return served.with_settings(square_from_look=value)

    splits = read_manifest(files.manifest)
    data = {split: load_images(SHARED_DATA, splits[split]) for split in ("valid", "test")}
    shifts = {split: build_shift_set(data[split].images) for split in data}
    results: dict[str, dict] = {}
    for value in CANDIDATES:
        results[f"{value:g}"] = {
            "valid": score(recogniser_for(value), data["valid"].images, shifts["valid"], data["valid"].labels)
        }
        print(value, {k: v for k, v in results[f"{value:g}"]["valid"].items() if k != "per_kind"}, flush=True)
    allowed = [name for name in results if results[name]["valid"]["confident_wrong"] <= MOST_CONFIDENT_WRONG] or list(
        results
    )
    chosen = max(allowed, key=lambda name: results[name]["valid"]["mean"])
    for name in dict.fromkeys([f"{base.square_from_look:g}", chosen]):
        results[name]["test"] = score(
            recogniser_for(float(name)), data["test"].images, shifts["test"], data["test"].labels
        )
        print(name, "test", {k: v for k, v in results[name]["test"].items() if k != "per_kind"}, flush=True)
    report = {
        "model": files.h5.name,
        "candidates": results,
        "current": f"{base.square_from_look:g}",
        "chosen_on_valid": chosen,
    }
    save_result(args.out, report)
    if args.write:
        note = "bench/look_square.py: best mean of plain and shift kinds on validation with confident-wrong <= 1%"
        print("wrote", base.with_values(square_from_look=float(chosen)).save(files, {"square_from_look": note}))
    print(json.dumps({"chosen_on_valid": chosen}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
