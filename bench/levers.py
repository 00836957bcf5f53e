"""Try serving-side levers on the validation split and its shift set (never the test), same model.

    python -m bench.levers [--model models/asl_digits.h5]

The palm detector looks once per picture as served; each lever then re-frames or re-classifies:
zooming on less certain palms, a second look in smaller overlapping squares for doubtful palms
(taken only when the classifier is more confident there), and averaging each square with its
mirror image. Prints and writes plain accuracy, the shift mean, the small-hand kinds and the
confident-wrong rates per lever (bench/results/levers.json; docs/decisions.md).
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image

from bench import save_result
from recognition.answer import is_unsure
from recognition.backends import predict_side_by_side
from recognition.framing import HandBox, frame
from recognition.hands import PalmDetector
from recognition.model_files import ModelFiles
from recognition.parallel import in_parallel
from recognition.paths import DEFAULT_MODEL
from recognition.preprocessing import to_model_input
from recognition.recogniser import Recogniser
from recognition.settings import Settings
from training.data import load_images, read_manifest
from training.paths import SHARED_DATA
from training.shift import build_shift_set

WORKERS = 2
SHIPPED = Settings.for_model(DEFAULT_MODEL)
TILE_SHARE = 0.6  # side of the second look's squares, as a share of the picture's short side
SMALL_KINDS = ("hand_small", "wide_off_centre", "hand_distant")


def loose_frame(size: tuple[int, int], hand: HandBox | None, zoom_from: float, loose_from: float, loose_scale: float):
    """Return :func:`recognition.hands.frame` with full zoom from ``zoom_from``, and ``loose_scale`` x the hand from
    ``loose_from``."""
    if hand is not None and loose_from <= hand.score < zoom_from:
        return hand.around(min(min(size), max(loose_scale * hand.side, 8.0)), *size)
    return frame(size, hand, zoom_min_score=zoom_from)


def tiles(width: int, height: int) -> list[tuple[int, int, int]]:
    """Return (left, top, side) of overlapping squares of TILE_SHARE of the short side covering the picture."""
    side = int(TILE_SHARE * min(width, height))

    def starts(length: int) -> list[int]:
        count = max(1, math.ceil((length - side) / (0.5 * side)) + 1)
        return sorted({round(i * (length - side) / max(count - 1, 1)) for i in range(count)})

    return [(left, top, side) for left in starts(width) for top in starts(height)]


def second_look(detector: PalmDetector, picture: Image.Image, hand: HandBox | None) -> HandBox | None:
    """Return the best palm of the tiles of a picture whose first palm is doubtful, else ``None``."""
    if hand is not None and hand.score >= SHIPPED.look_again_below:
        return None
    return detector.best_in_squares(picture, tiles(*picture.size), SHIPPED, alone=False)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    args = parser.parse_args()
    files = ModelFiles.from_h5(args.model)
    data = load_images(SHARED_DATA, read_manifest(files.manifest)["valid"])
    sets = {"plain": list(data.images), **build_shift_set(data.images)}
    pictures = {kind: [Image.fromarray(p) for p in images] for kind, images in sets.items()}
    # palms only, as measured before the hand check
    recogniser = Recogniser.from_model(files.h5, "litert-fp32", copies=WORKERS, check_hands=False)
    predictor = recogniser.predictor

    def locate(picture: Image.Image) -> HandBox | None:
        return recogniser.locate(picture, alone=False)[0]

    def classify(inputs: np.ndarray) -> np.ndarray:
        return predict_side_by_side(predictor, inputs, WORKERS)

    def squares(kind: str, boxes: list) -> np.ndarray:
        return np.stack([to_model_input(p, box) for p, box in zip(pictures[kind], boxes, strict=True)])

    found = {kind: in_parallel(locate, images, WORKERS) for kind, images in pictures.items()}
    again = {
        kind: in_parallel(
            lambda pair: second_look(recogniser.detector, *pair), list(zip(images, found[kind], strict=True)), WORKERS
        )
        for kind, images in pictures.items()
    }
    served, mirrored, looked, has_look = {}, {}, {}, {}
    for kind, images in pictures.items():
        boxes = [frame(p.size, hand) for p, hand in zip(images, found[kind], strict=True)]
        inputs = squares(kind, boxes)
        served[kind] = classify(inputs)
        mirrored[kind] = classify(np.ascontiguousarray(inputs[:, :, ::-1]))
        usable = [
            look is not None and look.score >= SHIPPED.look_again_below and (hand is None or look.score > hand.score)
            for hand, look in zip(found[kind], again[kind], strict=True)
        ]
        has_look[kind] = np.array(usable)
        looked[kind] = classify(
            squares(
                kind,
                [
                    frame(p.size, look if use else hand)
                    for p, hand, look, use in zip(images, found[kind], again[kind], usable, strict=True)
                ],
            )
        )

    def measure(probabilities: Callable[[str], np.ndarray]) -> dict:
        accuracy, confident_wrong = {}, {}
        for kind in pictures:
            answers = probabilities(kind)
            right = answers.argmax(1) == data.labels
            accuracy[kind] = float(right.mean())
            confident_wrong[kind] = float((~right & ~is_unsure(answers.max(1), SHIPPED.unsure_below)).mean())
        shift = [kind for kind in pictures if kind != "plain"]
        return {
            "plain": accuracy["plain"],
            "shift_mean": float(np.mean([accuracy[k] for k in shift])),
            **{kind: accuracy[kind] for kind in SMALL_KINDS},
            "confident_wrong_plain": confident_wrong["plain"],
            "confident_wrong_shift": float(np.mean([confident_wrong[k] for k in shift])),
        }

    def reframed(zoom_from: float, loose_from: float, loose_scale: float) -> Callable[[str], np.ndarray]:
        def run(kind: str) -> np.ndarray:
            boxes = [
                loose_frame(p.size, h, zoom_from, loose_from, loose_scale)
                for p, h in zip(pictures[kind], found[kind], strict=True)
            ]
            return classify(squares(kind, boxes))

        return run

    def second_look_if_surer(margin: float) -> Callable[[str], np.ndarray]:
        def run(kind: str) -> np.ndarray:
            better = has_look[kind] & (looked[kind].max(1) > served[kind].max(1) + margin)
            return np.where(better[:, None], looked[kind], served[kind])

        return run

    levers = {
        "as shipped": lambda kind: served[kind],
        "zoom on palms >= 0.7": reframed(0.7, 2.0, 1.0),
        "zoom 2x the hand on palms 0.5-0.8": reframed(0.8, 0.5, 2.0),
        "second look, always": lambda kind: np.where(has_look[kind][:, None], looked[kind], served[kind]),
        **{f"second look if confidence > served + {m:g}": second_look_if_surer(m) for m in (0.0, 0.1, 0.2)},
        "mirror average": lambda kind: (served[kind] + mirrored[kind]) / 2,
    }
    report = {}
    for name, lever in levers.items():
        report[name] = measure(lever)
        print(f"{name:40s}", {k: round(100 * v, 2) for k, v in report[name].items()}, flush=True)
    save_result(
        "levers.json",
        {
            "split": "valid",
            "images": len(data.labels),
            "pictures": sum(len(p) for p in pictures.values()),
            "second_look_pictures": {k: int(v.sum()) for k, v in has_look.items()},
            "levers": report,
        },
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
