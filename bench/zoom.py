"""Choose on validation whether to look for a hand again in zoomed squares when none is confirmed.

    python -m bench.zoom [--model models/asl_digits.h5] [--write]

When neither the best palm nor any other is confirmed by the hand check (and none is certain),
the palm detector can look again in squares of ``zoom_tile_share`` of the short side at the corners
and centre, where a small, tilted or camouflaged hand is bigger. Each share is scored as served
(fp32 export, hand models, geometry blend) on the validation split and its shift set (mean over
plain photos and every kind, confident-wrong answers) and on the non-hand pictures of
bench/no_hand.py's choosing half (how many are still answered "no hand"). Chosen: the best mean
with confident-wrong at or under 1% and no fewer non-hands caught than without zoom; the test split
and the reporting half of the non-hands report it beside no zoom. ``--write`` saves the share in
the model's settings file. Writes bench/results/zoom.json.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from bench import save_result
from bench.look_square import score
from bench.no_hand import package_pictures, synthetic_non_hands
from recognition.batch import recognise_all
from recognition.model_files import ModelFiles
from recognition.paths import DEFAULT_MODEL
from recognition.recogniser import Recogniser
from training.data import load_images, read_manifest
from training.paths import SHARED_DATA
from training.shift import build_shift_set

CANDIDATES = (0.0, 0.5, 0.6, 0.75)
MOST_CONFIDENT_WRONG = 0.01


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    parser.add_argument("--write", action="store_true", help="save the chosen share in the model's settings file")
    parser.add_argument("--out", default="zoom.json", help="result file name under bench/results")
    args = parser.parse_args()
    served = Recogniser.from_model(args.model, "litert-fp32", copies=2)
    files, base = ModelFiles.from_h5(args.model), served.settings

    def recogniser_for(share: float) -> Recogniser:
        return served.with_settings(zoom_tile_share=share)

    def caught(recogniser: Recogniser, pictures: list[np.ndarray]) -> float:
        return float(np.mean([r.no_hand for r in recognise_all(recogniser, pictures)]))

    rng = np.random.default_rng(11)  # the draw of bench/no_hand.py: the same two halves
    non_hands = package_pictures() + synthetic_non_hands(rng)
    order = rng.permutation(len(non_hands))
    halves = {"valid": [non_hands[i] for i in order[::2]], "test": [non_hands[i] for i in order[1::2]]}
    splits = read_manifest(files.manifest)
    data = {split: load_images(SHARED_DATA, splits[split]) for split in ("valid", "test")}
    shifts = {split: build_shift_set(data[split].images) for split in data}
    results: dict[str, dict] = {}

    def measure(share: float, split: str) -> dict:
        recogniser = recogniser_for(share)
        started = time.perf_counter()
        found = score(recogniser, data[split].images, shifts[split], data[split].labels)
        found["seconds"] = round(time.perf_counter() - started, 1)
        found["non_hands"] = len(halves[split])
        found["non_hands_caught"] = caught(recogniser, halves[split])
        print(share, split, {k: v for k, v in found.items() if k != "per_kind"}, flush=True)
        return found

    for share in CANDIDATES:
        results[f"{share:g}"] = {"valid": measure(share, "valid")}
    without = results["0"]["valid"]
    allowed = [
        name
        for name, found in results.items()
        if found["valid"]["confident_wrong"] <= MOST_CONFIDENT_WRONG
        and found["valid"]["non_hands_caught"] >= without["non_hands_caught"]
    ] or ["0"]
    chosen = max(allowed, key=lambda name: results[name]["valid"]["mean"])
    for name in dict.fromkeys(["0", chosen]):
        results[name]["test"] = measure(float(name), "test")
    report = {"model": files.h5.name, "candidates": results, "chosen_on_valid": chosen}
    save_result(args.out, report)
    if args.write:
        note = (
            "bench/zoom.py: best mean of plain and shift kinds on validation, confident-wrong <= 1%, "
            "no fewer non-hands caught"
        )
        print("wrote", base.with_values(zoom_tile_share=float(chosen)).save(files, {"zoom_tile_share": note}))
    print(json.dumps({"chosen_on_valid": chosen}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
