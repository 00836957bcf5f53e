"""Choose when to zoom in on a found hand, on the validation split and its shift set (never the test).

    python -m tuning.framing [--model models/asl_digits.h5] [--split valid]

The palm detector runs once per picture; each setting of ``ZOOM_BELOW`` x ``ZOOM_MIN_SCORE``
(``recognition.hands.frame``'s zoom rule) then re-frames and re-classifies with the served backend. "never"
reads the largest square centred on the hand; "centre" ignores the detector. Prints accuracy on
the plain split, on the shift set (mean of kinds), and on its small-hand kinds; writes
bench/results/framing-SPLIT.json.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from PIL import Image

from bench import save_result
from recognition.framing import center_square, frame
from recognition.paths import DEFAULT_MODEL
from recognition.preprocessing import to_model_input
from tuning.harness import served, split_reading

SETTINGS = [("centre", None, None), ("never", 0.0, 1.1)] + [
    (f"below {below:g}, score {score:g}", below, score)
    for below, score in ((0.3, 0.8), (0.6, 0.8), (0.8, 0.8), (0.8, 0.9), (1.01, 0.8))
]
SMALL_KINDS = ("hand_small", "wide_off_centre", "hand_distant")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    parser.add_argument("--split", default="valid", choices=("valid", "test"))
    parser.add_argument(
        "--precision",
        default="fp32",
        choices=("int8", "fp32"),
        help="LiteRT export that classifies (default: fp32, served)",
    )
    args = parser.parse_args()
    reading = split_reading(args.model, args.split)
    # palms only, as measured before the hand check
    recogniser = served(args.model, f"litert-{args.precision}", check_hands=False)
    pictures = {kind: [Image.fromarray(p) for p in images] for kind, images in reading.kinds.items()}
    found = {kind: [recogniser.locate(p)[0] for p in images] for kind, images in pictures.items()}
    report = {}
    for name, below, score in SETTINGS:
        accuracy = {}
        for kind, images in pictures.items():
            if below is None:
                boxes = [center_square(p.size) for p in images]
            else:
                boxes = [frame(p.size, hand, below, score) for p, hand in zip(images, found[kind], strict=True)]
            inputs = np.stack([to_model_input(p, box) for p, box in zip(images, boxes, strict=True)])
            accuracy[kind] = float((recogniser.predictor.predict(inputs).argmax(1) == reading.labels).mean())
        shift = [v for k, v in accuracy.items() if k != "plain"]
        report[name] = {
            "plain": accuracy["plain"],
            "shift_mean": float(np.mean(shift)),
            "shift_worst": float(min(shift)),
            **{kind: accuracy[kind] for kind in SMALL_KINDS},
        }
        print(name, {k: round(v, 4) for k, v in report[name].items()}, flush=True)
    save_result(
        f"framing-{args.split}.json", {"backend": recogniser.backend, "images": len(reading.labels), "settings": report}
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
