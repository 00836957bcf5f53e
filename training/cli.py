"""Command line for training: ``python -m training --data DIR --weights ... --out models/NAME.h5``."""

from __future__ import annotations

import argparse
import logging
import os
import platform
import sys
import time
from pathlib import Path

from training.recipe import AUGMENT_LEVELS, RECIPES, SCHEDULES, AugmentConfig, Recipe, recipe_defaults_text

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = PROJECT_ROOT.parent / "shared" / "datasets" / "sign-language-digits" / "Dataset"
SHARED_WEIGHTS = PROJECT_ROOT.parent / "shared" / "weights" / "mobilenet_1_0_224_imagenet_no_top.weights.h5"

log = logging.getLogger("training")


def default_data_dir() -> Path | None:
    """Return the shared dataset folder when it exists, else ``None``."""
    return SHARED_DATA if SHARED_DATA.is_dir() else None


def default_weights() -> str:
    """Return the shared local ImageNet weights when present, else ``imagenet`` (online)."""
    return str(SHARED_WEIGHTS) if SHARED_WEIGHTS.is_file() else "imagenet"


def configure_logging() -> None:
    """Log to stderr and keep TensorFlow's C++ start-up chatter out of the way."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


class HelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """Show each flag's default, except where it has none (the recipe then picks; the help says how)."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        return action.help if action.default is None else super()._get_help_string(action)


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the training command."""
    parser = argparse.ArgumentParser(
        prog="python -m training",
        description=(
            "Fine-tune ImageNet MobileNet v1 (alpha 1.0, 224x224) on ASL digit photos in "
            "<DIR>/<digit>/<image>, evaluate it and save NAME.h5, NAME.tflite, the NAME.json model "
            "card, the split manifest and plots."
        ),
        formatter_class=HelpFormatter,
    )
    parser.add_argument("--data", type=Path, default=default_data_dir(), help="folder with one sub-folder per digit 0-9")
    parser.add_argument(
        "--weights",
        default=default_weights(),
        help="MobileNet start: 'imagenet' (Keras downloads them), a path to a no-top .weights.h5 file, or 'none' (random)",
    )
    parser.add_argument(
        "--epochs",
        type=int,
        help=f"total epochs, both phases together for two-phase (default: {recipe_defaults_text('epochs')})",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=PROJECT_ROOT / "models" / "asl_digits.h5",
        help="the .h5 file to write; card, manifest and plots go beside it",
    )
    parser.add_argument("--manifest", type=Path, help="reuse the splits of this manifest instead of making new ones")
    parser.add_argument("--seed", type=int, default=42, help="seed of the split, the initialisation and the augmentation")
    parser.add_argument(
        "--recipe",
        choices=RECIPES,
        default="two-phase",
        help="two-phase (measured best): head first at --head-learning-rate, then the top --fine-tune-layers at "
        "--learning-rate; seed: the original recipe, the last 23 layers at --learning-rate",
    )
    parser.add_argument(
        "--augment",
        choices=AUGMENT_LEVELS,
        default=AugmentConfig.level,
        help="light: flips, rotation, zoom, shifts; strong: also light, colour, blur, JPEG and background replacement",
    )
    parser.add_argument(
        "--background-probability",
        type=float,
        default=AugmentConfig.background_probability,
        help="share of training images put on a new background (strong augmentation)",
    )
    parser.add_argument(
        "--min-hand-scale",
        type=float,
        default=AugmentConfig.min_hand_scale,
        help="smallest size of a hand put on a new background, relative to the photo (strong augmentation)",
    )
    parser.add_argument(
        "--photo-backgrounds",
        type=float,
        default=AugmentConfig.photo_share,
        help="share of new backgrounds cropped from photographs shipped in scikit-learn, matplotlib and "
        "scikit-image (never those of the domain-shift test)",
    )
    parser.add_argument("--batch-size", type=int, default=Recipe.batch_size, help="images per training step")
    parser.add_argument(
        "--learning-rate",
        type=float,
        help=f"Adam rate of the fine-tuning, phase 2 in two-phase (default: {recipe_defaults_text('learning_rate')})",
    )
    parser.add_argument(
        "--schedule",
        choices=SCHEDULES,
        help="fine-tuning rate: constant at --learning-rate, or cosine decay from it to 1%% over the fine-tuning epochs "
        f"(default: {recipe_defaults_text('schedule')})",
    )
    parser.add_argument("--head-epochs", type=int, default=Recipe.head_epochs, help="two-phase: epochs training the head alone")
    parser.add_argument(
        "--head-learning-rate",
        type=float,
        default=Recipe.head_learning_rate,
        help="two-phase: Adam rate of the head phase",
    )
    parser.add_argument(
        "--fine-tune-layers",
        type=int,
        help="MobileNet layers trained (from the top) besides the head "
        f"(default: {recipe_defaults_text('fine_tune_layers')}; seed's 22 are its 23 with the head)",
    )
    parser.add_argument(
        "--label-smoothing",
        type=float,
        default=Recipe.label_smoothing,
        help="label smoothing of the cross-entropy (0 measured better than 0.1; README)",
    )
    parser.add_argument(
        "--ema-momentum",
        type=float,
        default=Recipe.ema_momentum,
        help="0: off; else validate, choose the best epoch with and save an exponential moving average of the "
        "weights, updated each step with this momentum (0.99 averages about the last 100 steps)",
    )
    parser.add_argument("--valid-fraction", type=float, default=0.15, help="share of each class held out for validation")
    parser.add_argument("--test-fraction", type=float, default=0.15, help="share of each class held out for the test")
    parser.add_argument("--no-shift", action="store_true", help="skip the domain-shift evaluation (faster)")
    parser.add_argument("--no-tflite", action="store_true", help="skip the LiteRT export")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the training command line; return the exit status."""
    args = build_parser().parse_args(argv)
    configure_logging()
    from training.data import DataError

    if args.data is None:
        print("error: no --data given and the shared dataset is not present", file=sys.stderr)
        return 2
    if (args.epochs is not None and args.epochs < 1) or args.batch_size < 1:
        print("error: --epochs and --batch-size must be at least 1", file=sys.stderr)
        return 2
    if not 0 <= args.ema_momentum < 1:
        print("error: --ema-momentum must be at least 0 and below 1", file=sys.stderr)
        return 2
    if args.out.suffix != ".h5":
        print(f"error: --out must name a .h5 file, not {args.out}", file=sys.stderr)
        return 2
    weights = None if args.weights.lower() == "none" else args.weights
    if weights not in (None, "imagenet") and not Path(weights).is_file():
        print(f"error: weights file not found: {weights}", file=sys.stderr)
        return 2
    try:
        return run_training(args, weights)
    except DataError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


def run_training(args: argparse.Namespace, weights: str | None) -> int:
    """Split, load, train, evaluate and save; return the exit status."""
    from training.data import DataError, discover, load_images, read_manifest, split, write_manifest

    started = time.perf_counter()
    if args.manifest:
        splits = read_manifest(args.manifest)
        log.info("reusing the splits of %s", args.manifest)
    else:
        splits = split(discover(args.data), args.seed, args.valid_fraction, args.test_fraction)
    loaded = {}
    for name in ("train", "valid", "test"):
        loaded[name] = load_images(args.data, splits[name])
        log.info("%s: %d images loaded, %d skipped", name, len(loaded[name].labels), len(loaded[name].skipped))
    if any(len(loaded[name].labels) == 0 for name in loaded):
        raise DataError("a split has no readable images")
    skipped = {name: loaded[name].skipped for name in loaded}
    splits = {name: loaded[name].paths for name in loaded}  # only what was really used

    import keras
    import tensorflow as tf

    from training.evaluate import (
        classification_metrics,
        plot_confusion_matrix,
        plot_history,
        predict_probabilities,
        shift_metrics,
    )
    from training.export import export_tflite, save_h5, write_card
    from training.model import build_model
    from training.preprocessing import CLASS_NAMES, IMAGE_SIZE, PREPROCESSING_NOTE
    from training.recipe import RECIPE_DEFAULTS
    from training.train import fit

    keras.utils.set_random_seed(args.seed)

    def chosen(name: str) -> float | str:
        """Return the flag's value, or the recipe's own default when it was not given."""
        value = getattr(args, name)
        return RECIPE_DEFAULTS[args.recipe][name] if value is None else value

    recipe = Recipe(
        name=args.recipe,
        epochs=int(chosen("epochs")),
        batch_size=args.batch_size,
        learning_rate=float(chosen("learning_rate")),
        head_epochs=args.head_epochs,
        head_learning_rate=args.head_learning_rate,
        fine_tune_layers=int(chosen("fine_tune_layers")),
        label_smoothing=args.label_smoothing,
        schedule=str(chosen("schedule")),
        ema_momentum=args.ema_momentum,
        augment=AugmentConfig(args.augment, args.background_probability, args.min_hand_scale, args.photo_backgrounds),
    )
    model = build_model(weights)
    fit_started = time.perf_counter()
    history = fit(model, loaded["train"], loaded["valid"], recipe, args.seed)
    training_seconds = time.perf_counter() - fit_started

    metrics = {}
    for name in ("train", "valid", "test"):
        metrics[name] = classification_metrics(loaded[name].labels, predict_probabilities(model, loaded[name].images))
        log.info("%s accuracy %.4f", name, metrics[name]["accuracy"])
    if not args.no_shift:
        metrics["domain_shift"] = shift_metrics(model, loaded["test"].images, loaded["test"].labels)
        log.info(
            "domain-shift accuracy %.4f (worst %s %.4f)",
            metrics["domain_shift"]["overall"],
            metrics["domain_shift"]["worst_kind"],
            metrics["domain_shift"]["worst_accuracy"],
        )

    out: Path = args.out
    out.parent.mkdir(parents=True, exist_ok=True)
    manifest_path = out.with_name(out.stem + ".manifest.json")
    write_manifest(manifest_path, splits, args.seed, args.data)
    h5_sha256 = save_h5(model, out)
    tflite = None
    if not args.no_tflite:
        tflite_path = out.with_suffix(".tflite")
        tflite = {
            "file": tflite_path.name,
            "sha256": export_tflite(model, tflite_path),
            "h5_sha256": h5_sha256,
            "precision": "fp32",
        }
    plot_history(history, out.with_name(out.stem + ".history.png"))
    plot_confusion_matrix(
        metrics["test"]["confusion_matrix"], out.with_name(out.stem + ".confusion.png"), f"{out.stem}: test split"
    )

    card = {
        "name": out.stem,
        "task": "American Sign Language digit (0-9) from a photo of one hand",
        "architecture": "keras.applications.MobileNet v1, alpha 1.0, 224x224, pooled 1024-d features + Dense(10, softmax)",
        "class_names": list(CLASS_NAMES),
        "input": {"shape": [IMAGE_SIZE, IMAGE_SIZE, 3], "dtype": "float32 RGB 0-255", "preprocessing": PREPROCESSING_NOTE},
        "files": {"h5": out.name, "h5_sha256": h5_sha256, "manifest": manifest_path.name, "tflite": tflite},
        "data": {
            "folder": str(args.data),
            "counts": {name: len(splits[name]) for name in splits},
            "skipped_unreadable": skipped,
            "manifest": manifest_path.name,
            "seed": args.seed,
        },
        "weights_source": args.weights,
        "recipe": recipe.as_dict(),
        "epochs": recipe.epochs,
        "best_epoch": int(history.pop("best_epoch")[0]),
        "history": history,
        "training_seconds": round(training_seconds, 1),
        "total_seconds": round(time.perf_counter() - started, 1),
        "metrics": metrics,
        "versions": {
            "python": platform.python_version(),
            "tensorflow": tf.__version__,
            "keras": keras.__version__,
            "numpy": __import__("numpy").__version__,
            "pillow": __import__("PIL").__version__,
        },
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    card_file = write_card(out, card)
    print(
        f"saved {out} (test accuracy {metrics['test']['accuracy']:.4f}), card {card_file}, "
        f"manifest {manifest_path}; trained in {training_seconds:.0f} s"
    )
    return 0
