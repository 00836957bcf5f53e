"""Compare candidate models on the validation split and its shift set only (never the test).

    python -m bench.validate runs/a/asl_digits.h5 models/asl_digits.h5 [--name validate]

Each model is read as served: its fp32 LiteRT export behind the palm detector and the shipped
framing. The detector runs once per picture; every model then classifies the same squares. The
validation manifests must match (the same people held out). Prints and writes, per model: plain
validation accuracy, the shift set's mean, worst kind, small-hand kinds and confident-wrong rate
(bench/results/NAME.json).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from bench import save_result
from recognition.backends import LiteRTPredictor
from recognition.batch import prepare_all
from recognition.model_files import ModelFiles
from recognition.recogniser import Recogniser
from training.data import load_images, read_manifest
from training.evaluate import evaluate_split, shift_metrics
from training.paths import SHARED_DATA
from training.shift import build_shift_set

SMALL_KINDS = ("hand_small", "wide_off_centre", "hand_distant")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "models", type=Path, nargs="+", help=".h5 files with their fp32 export and manifest beside them"
    )
    parser.add_argument("--name", default="validate", help="result file name under bench/results")
    args = parser.parse_args()
    splits = [read_manifest(ModelFiles.from_h5(model).manifest)["valid"] for model in args.models]
    if any(paths != splits[0] for paths in splits):
        parser.error("the models were validated on different people; compare only models of one split")
    data = load_images(SHARED_DATA, splits[0])
    locator = Recogniser.around(None, copies=2)  # one one-thread copy per core
    plain = prepare_all(locator, data.images)
    shift = {kind: prepare_all(locator, pictures) for kind, pictures in build_shift_set(data.images).items()}
    report = {
        "split": "valid",
        "images": len(data.labels),
        "shift_pictures": len(data.labels) * len(shift),
        "models": {},
    }
    for model in args.models:
        files = ModelFiles.from_h5(model)
        recogniser = locator.with_predictor(
            LiteRTPredictor(files.export("fp32"), backend="litert-fp32", side_by_side=2)
        )
        valid = evaluate_split(recogniser, plain, data.labels)
        shifted = shift_metrics(recogniser, shift, data.labels)
        entry = {
            "valid_accuracy": valid["accuracy"],
            "valid_confident_wrong_rate": valid["confident_wrong_rate"],
            "shift_overall": shifted["overall"],
            "shift_confident_wrong_rate": shifted["confident_wrong_rate"],
            "worst_kind": shifted["worst_kind"],
            "worst_accuracy": shifted["worst_accuracy"],
            "small_kinds": {kind: shifted["per_kind"][kind] for kind in SMALL_KINDS if kind in shifted["per_kind"]},
            "per_kind": shifted["per_kind"],
        }
        report["models"][str(model)] = entry
        small = ", ".join(f"{kind} {100 * value:.2f}%" for kind, value in entry["small_kinds"].items())
        print(
            f"{model}: valid {100 * entry['valid_accuracy']:.2f}%, shift {100 * entry['shift_overall']:.2f}% "
            f"(worst {entry['worst_kind']} {100 * entry['worst_accuracy']:.2f}%; {small}), "
            f"confident-wrong valid {100 * entry['valid_confident_wrong_rate']:.2f}% shift "
            f"{100 * entry['shift_confident_wrong_rate']:.2f}%"
        )
    print(f"on {len(data.labels)} validation photos and {report['shift_pictures']} shift pictures")
    save_result(f"{args.name}.json", report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
