"""Measure a model as it is served: accuracy, per-digit scores, confident errors, "no hand" answers, domain shift.

Command line: ``python -m training.evaluate --model M [--manifest F --split test] [--shift] [--backend B]``.
Every figure goes through :class:`recognition.recogniser.Recogniser`, the object the web app serves
with: hand localisation, framing and the chosen backend (the int8 export by default).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

import numpy as np
from sklearn.metrics import confusion_matrix, precision_recall_fscore_support

from recognition.batch import recognise_all
from recognition.preprocessing import CLASS_NAMES
from recognition.recogniser import Recogniser
from recognition.records import Prepared, Recognition
from training.paths import default_data_dir

log = logging.getLogger(__name__)


def classification_metrics(labels: np.ndarray, probabilities: np.ndarray) -> dict:
    """Return accuracy, per-class precision/recall/F1/support and the confusion matrix."""
    predicted = probabilities.argmax(axis=1)
    classes = list(range(len(CLASS_NAMES)))
    precision, recall, f1, support = precision_recall_fscore_support(labels, predicted, labels=classes, zero_division=0)
    return {
        "count": len(labels),
        "accuracy": float((predicted == labels).mean()) if len(labels) else 0.0,
        "per_class": {
            name: {
                "precision": float(precision[i]),
                "recall": float(recall[i]),
                "f1": float(f1[i]),
                "support": int(support[i]),
            }
            for i, name in enumerate(CLASS_NAMES)
        },
        "confusion_matrix": confusion_matrix(labels, predicted, labels=classes).tolist(),
    }


def answer_metrics(labels: np.ndarray, recognitions: list[Recognition]) -> dict:
    """Return what users see: accuracy, confident-wrong rate, false "no hand" rate and accuracy per digit."""
    predicted = np.array([r.digit for r in recognitions])
    confident = ~np.array([r.unsure for r in recognitions], bool)
    no_hand = np.array([r.no_hand for r in recognitions])
    right = predicted == labels
    return {
        "count": len(labels),
        "accuracy": float(right.mean()),
        "confident_wrong_rate": float((~right & confident).mean()),
        "right_but_unsure_rate": float((right & ~confident).sum() / max(int(right.sum()), 1)),
        "no_hand_rate": float(no_hand.mean()),
        "hand_found_rate": float(np.mean([r.hand is not None for r in recognitions])),
        "per_digit": {
            name: float(right[labels == i].mean()) for i, name in enumerate(CLASS_NAMES) if (labels == i).any()
        },
    }


def evaluate_split(recogniser: Recogniser, images: np.ndarray | Prepared, labels: np.ndarray) -> dict:
    """Return the classification and answer metrics of ``recogniser`` on ``images`` (or their prepared squares)."""
    recognitions = recognise_all(recogniser, images)
    probabilities = np.stack([r.probabilities for r in recognitions])
    return {
        **classification_metrics(labels, probabilities),
        **answer_metrics(labels, recognitions),
    }


def shift_metrics(
    recogniser: Recogniser, shift_set: dict[str, list[np.ndarray] | Prepared], labels: np.ndarray
) -> dict:
    """Return the answer metrics per kind of domain shift, their means and the worst kind."""
    per_kind = {
        kind: answer_metrics(labels, recognise_all(recogniser, pictures)) for kind, pictures in shift_set.items()
    }
    accuracy = {kind: metrics["accuracy"] for kind, metrics in per_kind.items()}
    worst = min(accuracy, key=accuracy.get)
    return {
        "count_per_kind": len(labels),
        "overall": float(np.mean(list(accuracy.values()))),
        "confident_wrong_rate": float(np.mean([m["confident_wrong_rate"] for m in per_kind.values()])),
        "no_hand_rate": float(np.mean([m["no_hand_rate"] for m in per_kind.values()])),
        "worst_kind": worst,
        "worst_accuracy": accuracy[worst],
        "per_kind": accuracy,
        "per_digit": {
            name: float(np.mean([m["per_digit"][name] for m in per_kind.values() if name in m["per_digit"]]))
            for name in CLASS_NAMES
            if any(name in m["per_digit"] for m in per_kind.values())
        },
        "details": per_kind,
    }


def score_as_served(
    recogniser: Recogniser,
    prepared: dict[str, Prepared],
    labels: dict[str, np.ndarray],
    names: tuple[str, ...],
    shift_set: dict[str, Prepared] | None = None,
) -> dict:
    """Return the metrics a card records: each named split, and ``domain_shift`` for the test split's shift set when
    given."""
    metrics = {name: evaluate_split(recogniser, prepared[name], labels[name]) for name in names}
    if shift_set is not None:
        metrics["domain_shift"] = shift_metrics(recogniser, shift_set, labels["test"])
    return metrics


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m training.evaluate",
        description="Evaluate a saved model as served (hand localisation and the chosen backend) on a labelled "
        "folder <DIR>/<digit>/<image>; write NAME-eval-SPLIT.json and a confusion plot.",
    )
    parser.add_argument("--model", type=Path, required=True, help="the .h5 model (its exports are found beside it)")
    parser.add_argument(
        "--data", type=Path, default=default_data_dir(), help="folder of class sub-folders 0-9 (default: %(default)s)"
    )
    parser.add_argument("--manifest", type=Path, help="split manifest; evaluate only the files of --split")
    parser.add_argument(
        "--split", choices=("train", "valid", "test"), default="test", help="split of --manifest (default: %(default)s)"
    )
    parser.add_argument(
        "--shift", action="store_true", help="also measure the domain-shift set built from these images"
    )
    parser.add_argument(
        "--backend", default="auto", help="auto (as served), litert-int8, litert-fp32 or keras (default: %(default)s)"
    )
    parser.add_argument(
        "--no-localise", action="store_true", help="classify the centre square, without the palm detector"
    )
    parser.add_argument("--out-dir", type=Path, help="where to write the report and plot (default: beside the model)")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the evaluation command line; return the exit status."""
    from training.console import configure_logging
    from training.data import DataError, discover, load_images, read_manifest

    args = build_parser().parse_args(argv)
    configure_logging()
    if not args.model.is_file():
        print(f"error: model file not found: {args.model}", file=sys.stderr)
        return 2
    try:
        paths = read_manifest(args.manifest)[args.split] if args.manifest else [path for path, _ in discover(args.data)]
        label = args.split if args.manifest else "all"
        data = load_images(args.data, paths)
    except DataError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if not len(data.labels):
        print("error: no readable images to evaluate", file=sys.stderr)
        return 2
    try:
        recogniser = Recogniser.from_model(args.model, args.backend, localise=not args.no_localise)
    except (OSError, ValueError) as error:
        print(f"error: cannot load model {args.model}: {error}", file=sys.stderr)
        return 2
    report = {
        "model": args.model.name,
        "backend": recogniser.backend,
        "localised": not args.no_localise,
        "split": label,
        "skipped_files": data.skipped,
        "metrics": evaluate_split(recogniser, data.images, data.labels),
    }
    if args.shift:
        from training.shift import build_shift_set

        report["domain_shift"] = shift_metrics(recogniser, build_shift_set(data.images), data.labels)
    out_dir = args.out_dir or args.model.parent
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"{args.model.stem}-eval-{label}"
    (out_dir / f"{stem}.json").write_text(json.dumps(report, indent=1) + "\n")
    from training.plots import plot_confusion_matrix

    plot_confusion_matrix(
        report["metrics"]["confusion_matrix"], out_dir / f"{stem}-confusion.png", f"{args.model.stem}: {label}"
    )
    metrics = report["metrics"]
    print(
        f"{label} ({recogniser.backend}): accuracy {metrics['accuracy']:.4f} on {metrics['count']} images, "
        "confident-wrong "
        f"{metrics['confident_wrong_rate']:.4f}, 'no hand' {metrics['no_hand_rate']:.4f}; report "
        f"{out_dir / (stem + '.json')}"
    )
    if args.shift:
        shift = report["domain_shift"]
        print(
            f"domain shift: overall {shift['overall']:.4f}, worst {shift['worst_kind']} {shift['worst_accuracy']:.4f}, "
            f"confident-wrong {shift['confident_wrong_rate']:.4f}, 'no hand' {shift['no_hand_rate']:.4f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
