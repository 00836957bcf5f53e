"""Make the pictures the pages show: an example scene per digit, and a plain photo per digit for the sign guide.

    python -m training.examples --manifest models/asl_digits.manifest.json --data DIR

Examples (``static/examples/digit_N.jpg``) are test-split hands (people the model never saw)
composited onto backgrounds shipped with scikit-image. Guide pictures (``static/signs/digit_N.jpg``)
are training-split photos, resized. All derive from the Sign Language Digits Dataset (Apache 2.0,
Mavi 2020); none is a copy of a dataset file.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
from PIL import Image

from recognition.paths import DEFAULT_MODEL, PROJECT_ROOT
from recognition.preprocessing import CLASS_NAMES, to_model_input, to_rgb
from training.data import label_of, read_manifest
from training.paths import default_data_dir
from training.segmentation import hand_mask
from training.shift import shift_renderers

KINDS = ("background_cluttered", "background_dark", "background_textured", "background_colored")
CREDIT = (
    "Derived from photos of the Sign Language Digits Dataset (Apache License 2.0; Zeynep Dikle, Arda Mavi;\n"
    "Mavi, A. (2020), arXiv:2011.08927). Made by `python -m training.examples`.\n"
)


def first_of_each_digit(paths: list[str], skip: int = 0) -> dict[int, str]:
    """Return, per digit, the ``skip``-th path of that digit in ``paths``."""
    chosen: dict[int, str] = {}
    for digit in range(len(CLASS_NAMES)):
        of_digit = [path for path in paths if label_of(path) == digit]
        chosen[digit] = of_digit[min(skip, len(of_digit) - 1)]
    return chosen


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.examples", description=__doc__)
    parser.add_argument("--manifest", type=Path, default=DEFAULT_MODEL.with_name(DEFAULT_MODEL.stem + ".manifest.json"))
    parser.add_argument("--data", type=Path, default=default_data_dir())
    parser.add_argument("--static", type=Path, default=PROJECT_ROOT / "static")
    args = parser.parse_args(argv)
    splits = read_manifest(args.manifest)
    renderers = shift_renderers(seed=11)
    examples, signs = args.static / "examples", args.static / "signs"
    examples.mkdir(parents=True, exist_ok=True)
    signs.mkdir(parents=True, exist_ok=True)
    for digit, relative in first_of_each_digit(splits["test"]).items():
        with Image.open(args.data / relative) as photo:
            image = to_model_input(to_rgb(photo))
        scene = renderers[KINDS[digit % len(KINDS)]](image, hand_mask(image))
        Image.fromarray(np.asarray(scene)).resize((160, 160), Image.Resampling.BILINEAR).save(
            examples / f"digit_{digit}.jpg", quality=88
        )
    for digit, relative in first_of_each_digit(splits["train"], skip=3).items():
        with Image.open(args.data / relative) as photo:
            to_rgb(photo).resize((200, 200), Image.Resampling.BICUBIC).save(signs / f"digit_{digit}.jpg", quality=88)
    (examples / "NOTICE.txt").write_text(
        "Test-split hands composited onto background images shipped with scikit-image (BSD licence).\n" + CREDIT
    )
    (signs / "NOTICE.txt").write_text("Training-split photos, resized to 200x200.\n" + CREDIT)
    print(f"wrote {len(CLASS_NAMES)} examples to {examples} and {len(CLASS_NAMES)} guide pictures to {signs}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
