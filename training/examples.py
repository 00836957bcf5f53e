"""Make the sample photos offered on the upload page: held-out test hands re-rendered on new scenes.

    python -m training.examples --manifest models/asl_digits.manifest.json --data DIR

The pictures are derived from test-split photos of the Sign Language Digits Dataset (Apache 2.0,
Mavi 2020), composited onto backgrounds shipped with scikit-image; none is a copy of a dataset file.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
from PIL import Image

from training.cli import PROJECT_ROOT, default_data_dir
from training.data import label_of, read_manifest
from training.preprocessing import to_model_input, to_rgb
from training.segmentation import hand_mask
from training.shift import shift_renderers

KINDS = ("background_cluttered", "background_dark", "background_textured", "background_colored")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.examples", description=__doc__)
    parser.add_argument("--manifest", type=Path, default=PROJECT_ROOT / "models" / "asl_digits.manifest.json")
    parser.add_argument("--data", type=Path, default=default_data_dir())
    parser.add_argument("--digits", default="0,2,3,5,7,9", help="digits to make an example of")
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "static" / "examples")
    args = parser.parse_args(argv)
    test = read_manifest(args.manifest)["test"]
    renderers = shift_renderers(seed=11)
    args.out.mkdir(parents=True, exist_ok=True)
    for number, digit in enumerate(int(d) for d in args.digits.split(",")):
        relative = next(path for path in test if label_of(path) == digit)
        with Image.open(args.data / relative) as photo:
            image = to_model_input(to_rgb(photo))
        scene = renderers[KINDS[number % len(KINDS)]](image, hand_mask(image))
        Image.fromarray(np.asarray(scene)).resize((160, 160), Image.Resampling.BILINEAR).save(
            args.out / f"digit_{digit}.jpg", quality=88
        )
    (args.out / "NOTICE.txt").write_text(
        "Derived from test-split photos of the Sign Language Digits Dataset (Apache License 2.0;\n"
        "Mavi, A. (2020), arXiv:2011.08927), each hand composited onto a background image shipped\n"
        "with scikit-image (BSD licence). Made by `python -m training.examples`.\n"
    )
    print(f"wrote {len(args.digits.split(','))} examples to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
