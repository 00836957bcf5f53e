"""Measure the hand check on the validation split and its shift set (never the test), same model.

    python -m tuning.hand_check [--model models/asl_digits.h5]

Each setting locates hands with the palm detector as served, then the shipped model (fp32 export)
classifies the squares framed for it. Settings: palms only (the search before the hand check),
and the hand check with the shipped hand-landmark model. Prints and writes, per setting: plain
accuracy, the shift mean and worst kind, the small-hand kinds, confident-wrong and false "no hand"
rates, and the seconds spent locating with their detector looks and hand checks per picture
(bench/results/hand_check.json; docs/decisions.md).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from bench import save_result
from recognition.batch import prepare_all
from recognition.model_files import ModelFiles
from recognition.paths import CHECKER_PATH, DEFAULT_MODEL
from training.evaluate import evaluate_split, shift_metrics
from tuning.harness import served, split_reading

WORKERS = 2
SMALL_KINDS = ("hand_small", "wide_off_centre", "hand_distant")


class Counted:
    """Wrap a method and count its calls (thread-safe enough for a tally: one += per call under the GIL)."""

    def __init__(self, method) -> None:
        self.method, self.calls = method, 0

    def __call__(self, *args, **kwargs):
        self.calls += 1
        return self.method(*args, **kwargs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    args = parser.parse_args()
    files = ModelFiles.from_h5(args.model)
    reading = split_reading(files.h5, "valid")
    pictures = reading.pictures
    settings = {"palms only": False, f"hand check ({CHECKER_PATH.name}, shipped)": True}
    report = {"split": "valid", "images": len(reading.labels), "pictures": pictures, "settings": {}}
    for name, check_hands in settings.items():
        recogniser = served(files.h5, copies=WORKERS, check_hands=check_hands)
        detector = recogniser.detector
        looks = Counted(detector.palms_once)
        detector.palms_once = looks
        checks = None
        if detector.checker is not None:
            checks = Counted(detector.checker.presence)
            detector.checker.presence = checks
        started = time.perf_counter()
        plain = prepare_all(recogniser, reading.kinds["plain"])
        shift = {k: prepare_all(recogniser, images) for k, images in reading.kinds.items() if k != "plain"}
        locating = time.perf_counter() - started
        valid = evaluate_split(recogniser, plain, reading.labels)
        shifted = shift_metrics(recogniser, shift, reading.labels)
        no_hand = (valid["no_hand_rate"] + shifted["no_hand_rate"] * len(shift)) / (1 + len(shift))
        entry = {
            "plain_accuracy": valid["accuracy"],
            "shift_overall": shifted["overall"],
            "worst_kind": shifted["worst_kind"],
            "worst_accuracy": shifted["worst_accuracy"],
            **{kind: shifted["per_kind"][kind] for kind in SMALL_KINDS},
            "confident_wrong_plain": valid["confident_wrong_rate"],
            "confident_wrong_shift": shifted["confident_wrong_rate"],
            "false_no_hand": no_hand,
            "locating_seconds": round(locating, 1),
            "detector_looks_per_picture": round(looks.calls / pictures, 3),
            "hand_checks_per_picture": round((checks.calls if checks else 0) / pictures, 3),
            "per_kind": shifted["per_kind"],
        }
        report["settings"][name] = entry
        print(
            f"{name}: plain {100 * entry['plain_accuracy']:.2f}%, shift {100 * entry['shift_overall']:.2f}% "
            f"(worst {entry['worst_kind']} {100 * entry['worst_accuracy']:.2f}%; "
            + ", ".join(f"{kind} {100 * entry[kind]:.2f}%" for kind in SMALL_KINDS)
            + f"), confident-wrong {100 * entry['confident_wrong_plain']:.2f}% / "
            f"{100 * entry['confident_wrong_shift']:.2f}%, "
            f"false no hand {100 * no_hand:.2f}%; locating {entry['locating_seconds']} s, "
            f"{entry['detector_looks_per_picture']} looks and {entry['hand_checks_per_picture']} checks per picture",
            flush=True,
        )
    print(f"on {len(reading.labels)} validation photos and {pictures} pictures in all")
    save_result("hand_check.json", report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
