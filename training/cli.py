"""Command line for training: ``python -m training --data DIR --weights ... --out models/NAME.h5``.

It only parses arguments into a :class:`training.pipeline.TrainingConfig`; every default lives
in :mod:`training.recipe` (flags left out keep the recipe's own value).
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from recognition.paths import DEFAULT_MODEL
from training.console import configure_logging
from training.distribute import STRATEGIES
from training.paths import default_data_dir, default_weights
from training.recipe import AUGMENT_LEVELS, RECIPES, SCHEDULES, TEST_FRACTION, VALID_FRACTION, recipe_defaults_text

log = logging.getLogger("training")


class HelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """Show each flag's default, except where it has none (the recipe then picks; the help says how)."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        return action.help if action.default is None else super()._get_help_string(action)


# (flag, type, help) of the settings that override the recipe; the help appends each recipe's default.
RECIPE_FLAGS: tuple[tuple[str, type, str], ...] = (
    ("--epochs", int, "total epochs, both phases together for two-phase"),
    ("--batch-size", int, "images per training step"),
    ("--learning-rate", float, "Adam rate of the fine-tuning, phase 2 in two-phase"),
    ("--head-epochs", int, "two-phase: epochs training the head alone"),
    ("--head-learning-rate", float, "two-phase: Adam rate of the head phase"),
    (
        "--fine-tune-layers",
        int,
        "MobileNet layers trained (from the top) besides the head (seed's 22 are its 23 with the head)",
    ),
    (
        "--label-smoothing",
        float,
        "label smoothing of the cross-entropy (0 measured better than 0.1; docs/decisions.md)",
    ),
    (
        "--ema-momentum",
        float,
        "0: off; else validate, choose the best epoch with and save a moving average of the weights",
    ),
    ("--background-probability", float, "share of training images put on a new background (strong augmentation)"),
    ("--min-hand-scale", float, "smallest size of a hand put on a new background, relative to the photo"),
    (
        "--scene-frames",
        int,
        "frames rendered around each training hand whose squares, cut as served, are trained on too (0: none)",
    ),
    ("--photo-backgrounds", float, "share of new backgrounds cropped from photographs shipped in packages"),
)
RECIPE_FIELD = {"--photo-backgrounds": "photo_share", "--augment": "level"}


def field_of(flag: str) -> str:
    return RECIPE_FIELD.get(flag, flag[2:].replace("-", "_"))


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the training command."""
    parser = argparse.ArgumentParser(
        prog="python -m training",
        description=(
            "Fine-tune ImageNet MobileNet v1 (alpha 1.0, 224x224) on ASL digit photos in <DIR>/<digit>/<image>, "
            "evaluate it as served and save NAME.h5, NAME.tflite, NAME.int8.tflite, the NAME.json model card, "
            "the split manifest and plots."
        ),
        formatter_class=HelpFormatter,
    )
    parser.add_argument(
        "--data", type=Path, default=default_data_dir(), help="folder with one sub-folder per digit 0-9"
    )
    parser.add_argument(
        "--weights",
        default=default_weights(),
        help="MobileNet start: 'imagenet' (Keras downloads them), a path to a no-top .weights.h5 file, or 'none' "
        "(random)",
    )
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_MODEL, help="the .h5 file to write; card, exports and plots go beside it"
    )
    parser.add_argument("--manifest", type=Path, help="reuse the splits of this manifest instead of making new ones")
    parser.add_argument(
        "--distribute",
        choices=STRATEGIES,
        default="none",
        help="train on all local GPUs (mirrored) or several machines (multiworker, TF_CONFIG); --batch-size stays the "
        "global batch",
    )
    parser.add_argument(
        "--extra-data",
        action="append",
        default=[],
        help="corrections: a folder (<digit>/*.jpg, e.g. ASL_FEEDBACK_DIR) or a postgresql:// URL "
        "(ASL_FEEDBACK_DATABASE_URL), added to training only; may be repeated",
    )
    parser.add_argument(
        "--seed", type=int, default=42, help="seed of the split, the initialisation and the augmentation"
    )
    add_recipe_arguments(parser)
    return parser


def add_recipe_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the flags that choose and adjust the training recipe, the split fractions and the evaluations."""
    parser.add_argument(
        "--recipe",
        choices=RECIPES,
        default="two-phase",
        help="two-phase (measured best): head first, then the top --fine-tune-layers; seed: the original recipe",
    )
    parser.add_argument(
        "--augment",
        choices=AUGMENT_LEVELS,
        help="light: flips, rotation, zoom, shifts; strong: also colour, "
        "blur, JPEG and background replacement (default: strong)",
    )
    for flag, kind, text in RECIPE_FLAGS:
        parser.add_argument(flag, type=kind, help=f"{text} (default: {recipe_defaults_text(field_of(flag))})")
    parser.add_argument(
        "--schedule",
        choices=SCHEDULES,
        help=f"fine-tuning rate: constant, or cosine decay to 1%% (default: {recipe_defaults_text('schedule')})",
    )
    parser.add_argument(
        "--valid-fraction", type=float, default=VALID_FRACTION, help="share of the subjects held out for validation"
    )
    parser.add_argument(
        "--test-fraction", type=float, default=TEST_FRACTION, help="share of the subjects held out for the test"
    )
    parser.add_argument(
        "--upright",
        action="store_true",
        help="train on the hands turned upright, as serving then reads them (training/upright.py)",
    )
    parser.add_argument("--no-shift", action="store_true", help="skip the domain-shift evaluation (faster)")
    parser.add_argument("--no-tflite", action="store_true", help="skip the LiteRT exports (fp32 and int8)")


def main(argv: list[str] | None = None) -> int:
    """Run the training command line; return the exit status."""
    args = build_parser().parse_args(argv)
    configure_logging()
    from training.recipe import Recipe

    def fail(message: str) -> int:
        print(f"error: {message}", file=sys.stderr)
        return 2

    if args.data is None:
        return fail("no --data given and the shared dataset is not present")
    if args.out.suffix != ".h5":
        return fail(f"--out must name a .h5 file, not {args.out}")
    weights = None if args.weights.lower() == "none" else args.weights
    if weights not in (None, "imagenet") and not Path(weights).is_file():
        return fail(f"weights file not found: {weights}")
    overrides = {field_of(flag): getattr(args, flag[2:].replace("-", "_")) for flag, _, _ in RECIPE_FLAGS}
    overrides.update(schedule=args.schedule, level=args.augment, upright=True if args.upright else None)
    try:
        recipe = Recipe.named(args.recipe, **overrides)
    except ValueError as error:
        flag = next((f for f, _, _ in RECIPE_FLAGS if field_of(f) in str(error)), "")
        return fail(f"{flag} {error}".strip())

    from training.config import TrainingConfig
    from training.data import DataError
    from training.pipeline import run

    config = TrainingConfig(
        data=args.data,
        out=args.out,
        weights=weights,
        recipe=recipe,
        seed=args.seed,
        manifest=args.manifest,
        extra_data=tuple(args.extra_data),
        distribute=args.distribute,
        valid_fraction=args.valid_fraction,
        test_fraction=args.test_fraction,
        shift=not args.no_shift,
        export=not args.no_tflite,
    )
    try:
        result = run(config)
    except DataError as error:
        return fail(str(error))
    metrics = result.card["metrics"]
    print(
        f"saved {result.files.h5} (test accuracy {metrics['test']['accuracy']:.4f}), card {result.files.card}, "
        f"manifest {result.files.manifest}; trained in {result.card['training_seconds']:.0f} s"
    )
    return 0
