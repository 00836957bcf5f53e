"""Measure a trained model: accuracy, per-class scores, confusion matrix, domain shift, plots.

Command line: ``python -m training.evaluate --model M --data DIR [--manifest F --split test]``.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

import numpy as np
from sklearn.metrics import confusion_matrix, precision_recall_fscore_support

from training.preprocessing import CLASS_NAMES

log = logging.getLogger(__name__)


def predict_probabilities(model, images: np.ndarray, tta: bool = False, batch_size: int = 64) -> np.ndarray:
    """Return the model's class probabilities for uint8 ``images``; ``tta`` also averages the mirror."""
    probabilities = model.predict(images.astype(np.float32), batch_size=batch_size, verbose=0)
    if tta:
        mirrored = np.ascontiguousarray(images[:, :, ::-1]).astype(np.float32)
        probabilities = (probabilities + model.predict(mirrored, batch_size=batch_size, verbose=0)) / 2
    return probabilities


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


def shift_metrics(model, images: np.ndarray, labels: np.ndarray, tta: bool = False) -> dict:
    """Return accuracy per kind of domain shift, their mean and the worst kind."""
    from training.shift import build_shift_set

    per_kind = {}
    for kind, shifted in build_shift_set(images).items():
        predicted = predict_probabilities(model, shifted, tta=tta).argmax(axis=1)
        per_kind[kind] = float((predicted == labels).mean())
    worst = min(per_kind, key=per_kind.get)
    return {
        "count_per_kind": len(labels),
        "overall": float(np.mean(list(per_kind.values()))),
        "worst_kind": worst,
        "worst_accuracy": per_kind[worst],
        "per_kind": per_kind,
    }


def plot_confusion_matrix(matrix: list[list[int]], path: Path, title: str) -> None:
    """Save ``matrix`` as an annotated heat-map PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    values = np.asarray(matrix)
    figure, axes = plt.subplots(figsize=(6, 5.4))
    axes.imshow(values, cmap="Blues")
    axes.set_xticks(range(len(CLASS_NAMES)), CLASS_NAMES)
    axes.set_yticks(range(len(CLASS_NAMES)), CLASS_NAMES)
    axes.set_xlabel("predicted digit")
    axes.set_ylabel("true digit")
    axes.set_title(title)
    threshold = values.max() / 2 if values.size else 0
    for (row, col), value in np.ndenumerate(values):
        if value:
            axes.text(col, row, str(value), ha="center", va="center", color="white" if value > threshold else "black", fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def plot_history(history: dict[str, list[float]], path: Path) -> None:
    """Save the training and validation loss and accuracy curves as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (loss_axes, accuracy_axes) = plt.subplots(1, 2, figsize=(10, 4))
    for key, axes in (("loss", loss_axes), ("accuracy", accuracy_axes)):
        for prefix, label in (("", "train"), ("val_", "valid")):
            values = history.get(prefix + key, [])
            axes.plot(range(1, len(values) + 1), values, marker="o", label=label)
        axes.set_xlabel("epoch")
        axes.set_title(key)
        axes.grid(alpha=0.3)
        axes.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def build_parser() -> argparse.ArgumentParser:
    from training.cli import default_data_dir

    parser = argparse.ArgumentParser(
        prog="python -m training.evaluate",
        description="Evaluate a saved .h5 model on a labelled folder <DIR>/<digit>/<image> and write metrics and plots.",
    )
    parser.add_argument("--model", type=Path, required=True, help="the .h5 model to evaluate")
    parser.add_argument(
        "--data", type=Path, default=default_data_dir(), help="folder of class sub-folders 0-9 (default: %(default)s)"
    )
    parser.add_argument("--manifest", type=Path, help="split manifest; evaluate only the files of --split")
    parser.add_argument(
        "--split",
        choices=("train", "valid", "test"),
        default="test",
        help="split of --manifest to evaluate (default: %(default)s)",
    )
    parser.add_argument("--shift", action="store_true", help="also measure accuracy on the domain-shift test set")
    parser.add_argument("--tta", action="store_true", help="average the prediction with that of the mirrored image")
    parser.add_argument("--out-dir", type=Path, help="where to write NAME-eval-SPLIT.json and plots (default: beside the model)")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the evaluation command line; return the exit status."""
    from training.cli import configure_logging

    args = build_parser().parse_args(argv)
    configure_logging()
    from training.data import DataError, discover, load_images, read_manifest

    if not args.model.is_file():
        print(f"error: model file not found: {args.model}", file=sys.stderr)
        return 2
    try:
        if args.manifest:
            paths = read_manifest(args.manifest)[args.split]
            label = args.split
        else:
            paths = [path for path, _ in discover(args.data)]
            label = "all"
        data = load_images(args.data, paths)
    except DataError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if not len(data.labels):
        print("error: no readable images to evaluate", file=sys.stderr)
        return 2

    import keras

    try:
        model = keras.models.load_model(args.model, compile=False)
    except (OSError, ValueError) as error:
        print(f"error: cannot load model {args.model}: {error}", file=sys.stderr)
        return 2
    probabilities = predict_probabilities(model, data.images, tta=args.tta)
    report = {
        "model": str(args.model),
        "data": str(args.data),
        "split": label,
        "tta": args.tta,
        "skipped_files": data.skipped,
        "metrics": classification_metrics(data.labels, probabilities),
    }
    if args.shift:
        report["domain_shift"] = shift_metrics(model, data.images, data.labels, tta=args.tta)
    out_dir = args.out_dir or args.model.parent
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"{args.model.stem}-eval-{label}"
    (out_dir / f"{stem}.json").write_text(json.dumps(report, indent=1) + "\n")
    plot_confusion_matrix(report["metrics"]["confusion_matrix"], out_dir / f"{stem}-confusion.png", f"{args.model.stem}: {label}")
    print(
        f"{label}: accuracy {report['metrics']['accuracy']:.4f} on {report['metrics']['count']} images"
        f" ({len(data.skipped)} skipped); report {out_dir / (stem + '.json')}"
    )
    if args.shift:
        shift = report["domain_shift"]
        print(f"domain shift: overall {shift['overall']:.4f}, worst {shift['worst_kind']} {shift['worst_accuracy']:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
