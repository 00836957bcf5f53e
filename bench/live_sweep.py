"""Measure how soon live frames, each sweeping one region in turn, find a hand the search missed.

    python -m bench.live_sweep [--model models/asl_digits.h5] [--kinds webcam_room,hand_before_face]

A still photo whose search does not see a hand surely enough is swept at every region at once
(:func:`recognition.sweep.sweep`); a numbered live frame looks at one region only, the next frame at
the next. For the validation photos rendered afresh as the webcam-like shift kinds (a draw of their
own, not the shift set's pictures: its kinds share one random stream), and for the outside
signer's webcam photos, each picture is searched as a live frame is and, where its look is not sure
enough to skip the sweep, looked at in every swept region. Sent again and again as a live video that
holds still, the hand is found at the first frame whose turn is a region that sees it. Reported: the
pictures swept (and of them those without a hand the search confirmed), how many the whole sweep
finds (live frames find the same within one round), and the frames it takes, on average over every
starting turn and at worst. Writes bench/results/live_sweep.json.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
from PIL import Image

from bench import save_result
from recognition.answer import hand_confirmed
from recognition.parallel import in_parallel
from recognition.paths import DEFAULT_MODEL
from recognition.recogniser import Recogniser
from recognition.sweep import needs_sweep, sweep_regions

KINDS = ("webcam_room", "hand_before_face", "hand_distant")
CHUNK = 16


def frames_to_find(seen: list[bool]) -> tuple[float, int] | None:
    """Return the mean and the most frames until a region that ``seen`` marks comes round, over every starting
    turn of the cycle (``None`` when no region sees the hand)."""
    count = len(seen)
    if not any(seen):
        return None
    waits = [next(step + 1 for step in range(count) if seen[(start + step) % count]) for start in range(count)]
    return float(np.mean(waits)), max(waits)


def regions_seeing(recogniser: Recogniser, picture: np.ndarray) -> tuple[bool, list[bool]] | None:
    """Return, for a picture the live search does not see surely enough (so sweeps), whether the search confirmed a
    hand all the same and whether each swept region sees one; ``None`` when the search is sure."""
    image = Image.fromarray(picture)
    settings = recogniser.settings
    cut = recogniser.with_settings(sweep_squares=0, fine_share=0.0).find(image, live=True)
    if not needs_sweep(cut.look, settings):
        return None
    regions = sweep_regions(image.size, settings.sweep_squares)
    seen = [recogniser.landmarks.look(image, region).presence >= settings.sweep_present for region in regions]
    return hand_confirmed(cut.hand, cut.look, settings), seen


def measure(recogniser: Recogniser, pictures: list[np.ndarray]) -> dict:
    """Return how the pictures the live search is not sure of are found by the sweep, at once and a region a frame."""
    chunks = [pictures[start : start + CHUNK] for start in range(0, len(pictures), CHUNK)]
    parts = in_parallel(lambda chunk: [regions_seeing(recogniser, p) for p in chunk], chunks, 2)
    swept = [found for part in parts for found in part if found is not None]
    waits = [wait for _confirmed, seen in swept if (wait := frames_to_find(seen)) is not None]
    return {
        "pictures": len(pictures),
        "swept": len(swept),
        "swept_without_a_confirmed_hand": sum(not confirmed for confirmed, _seen in swept),
        "found_by_the_sweep": len(waits),
        "mean_frames_to_find": round(float(np.mean([w[0] for w in waits])), 2) if waits else None,
        "most_frames_to_find": max((w[1] for w in waits), default=None),
        "regions": len(swept[0][1]) if swept else None,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    parser.add_argument("--kinds", default=",".join(KINDS), help="validation shift kinds, comma-separated")
    args = parser.parse_args()
    from recognition.model_files import ModelFiles
    from training.data import load_images, load_outside, read_manifest
    from training.paths import SHARED_DATA, SHARED_OUTSIDE
    from training.segmentation import hand_masks
    from training.shift import shift_renderers

    recogniser = Recogniser.from_model(args.model, "litert-fp32", copies=2)
    valid = load_images(SHARED_DATA, read_manifest(ModelFiles.from_h5(args.model).manifest)["valid"])
    masks = hand_masks(valid.images)
    renderers = shift_renderers(2024)  # these kinds alone: their own draw of backgrounds, sizes and places
    report: dict = {"model": args.model.name, "sweep_squares": recogniser.settings.sweep_squares, "kinds": {}}
    for kind in args.kinds.split(","):
        pictures = [renderers[kind](image, mask) for image, mask in zip(valid.images, masks, strict=True)]
        report["kinds"][kind] = measure(recogniser, pictures)
    outside = load_outside(SHARED_OUTSIDE)
    if outside is not None:
        report["kinds"]["outside signer"] = measure(recogniser, outside[0])
    save_result("live_sweep.json", report)
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
