"""Measure following a hand from frame to frame against searching every frame, on synthesised video.

    python -m bench.kiosk [--model models/asl_digits.h5] [--signs 30] [--frames 30]

Each sequence is one photo of the test split (unseen people), its hand cut out and pasted into a
640x480 frame over a photograph, as a kiosk camera would see it: held (a few pixels and degrees of
jitter and sensor noise per frame) or moving (sliding 6-10 pixels and turning 1-2 degrees per
frame). Every frame is answered twice by the recogniser the app serves: searched (palm detector
and hand check, as any picture) and followed (the ``track`` of the previous answer, as the kiosk
sends it; the first frame is searched). Reports how often the two answers agree (and how often
their digits do, sure or not), how often following fell back to the search, and the server time per followed and per
searched frame
(median, one request alone with the app's threads), how often each way gives the right digit surely
(not unsure, not "no hand") and how often its answer changes from one frame to the next.
Writes bench/results/kiosk.json.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import time
from pathlib import Path

import numpy as np
from PIL import Image

from bench import save_result
from recognition.paths import DEFAULT_MODEL
from recognition.recogniser import Recogniser, Recognition
from recognition.settings import Settings
from recognition.tracking import Track, next_track
from training.data import load_images, read_manifest
from training.paths import SHARED_DATA
from training.scenes import package_picture, random_crop
from training.segmentation import hand_masks
from training.shift import PHOTO_BACKGROUNDS

FRAME = (640, 480)


def sequence(
    image: np.ndarray, mask: np.ndarray, frames: int, moving: bool, rng: np.random.Generator
) -> list[Image.Image]:
    """Return ``frames`` frames of the masked hand of ``image`` over a photograph, held or moving."""
    background = random_crop(
        package_picture("skimage:" + PHOTO_BACKGROUNDS[int(rng.integers(len(PHOTO_BACKGROUNDS)))]), 640, rng
    )
    background = Image.fromarray(background).crop((0, 80, 640, 560))
    hand = Image.fromarray(image).convert("RGBA")
    hand.putalpha(Image.fromarray(mask.astype(np.uint8) * 255))
    side = int(rng.integers(200, 280))
    hand = hand.resize((side, side), Image.Resampling.BILINEAR)
    x, y, angle = (
        float(rng.uniform(40, 640 - side - 40)),
        float(rng.uniform(20, 480 - side - 20)),
        float(rng.uniform(-30, 30)),
    )
    step = rng.uniform(6, 10) * rng.choice([-1, 1], 2) if moving else np.zeros(2)
    spin = float(rng.uniform(1, 2) * rng.choice([-1, 1])) if moving else 0.0
    out = []
    for _ in range(frames):
        if x + step[0] < 0 or x + step[0] > 640 - side:
            step[0] = -step[0]
        if y + step[1] < 0 or y + step[1] > 480 - side:
            step[1] = -step[1]
        x, y, angle = x + step[0], y + step[1], angle + spin
        jitter = rng.normal(0, 2, 2) if not moving else np.zeros(2)
        frame = background.copy().convert("RGBA")
        turned = hand.rotate(angle + float(rng.normal(0, 1)), resample=Image.Resampling.BILINEAR)
        frame.alpha_composite(turned, (round(float(x + jitter[0])), round(float(y + jitter[1]))))
        noisy = np.asarray(frame.convert("RGB")).astype(np.int16) + rng.normal(0, 4, (480, 640, 3)).astype(np.int16)
        out.append(Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8)))
    return out


def answer_of(recognition: Recognition, settings: Settings) -> str:
    """Return what the kiosk shows for a recognition: "none", or the digit with "?" when unsure."""
    if recognition.no_hand:
        return "none"
    return str(recognition.digit) + ("?" if recognition.unsure else "")


def timed(recogniser: Recogniser, frame: Image.Image, track: Track | None) -> tuple[Recognition, float]:
    started = time.perf_counter()
    (recognition,) = recogniser.recognise([frame], [track])
    return recognition, (time.perf_counter() - started) * 1000


def run(recogniser: Recogniser, frames: list[Image.Image], label: int) -> dict:
    """Answer ``frames`` searched and followed; return agreement, right answers, changes, fallbacks and times."""
    settings = recogniser.settings
    track: Track | None = None
    same, same_digit, followed, fell_back, searched_ms, followed_ms = 0, 0, 0, 0, [], []
    right = {"searched": 0, "followed": 0}
    changes = {"searched": 0, "followed": 0}
    last: dict[str, str | None] = {"searched": None, "followed": None}
    for frame in frames:
        searched, searched_time = timed(recogniser, frame, None)
        searched_ms.append(searched_time)
        chained, chained_time = timed(recogniser, frame, track)
        if chained.followed:
            followed += 1
            followed_ms.append(chained_time)
        elif track is not None:
            fell_back += 1
        same += answer_of(searched, settings) == answer_of(chained, settings)
        same_digit += answer_of(searched, settings).rstrip("?") == answer_of(chained, settings).rstrip("?")
        for way, recognition in (("searched", searched), ("followed", chained)):
            shown = answer_of(recognition, settings)
            right[way] += shown == str(label)
            changes[way] += last[way] is not None and shown != last[way]
            last[way] = shown
        track = next_track(chained.look, frame.size, settings)
    return {
        "same": same,
        "same_digit": same_digit,
        "followed": followed,
        "fell_back": fell_back,
        "searched_ms": searched_ms,
        "followed_ms": followed_ms,
        "right_searched": right["searched"],
        "right_followed": right["followed"],
        "changes_searched": changes["searched"],
        "changes_followed": changes["followed"],
    }


def frame_sizes(
    recogniser: Recogniser, frames: list[Image.Image], labels: list[int], sides: tuple[int, ...] = (320, 480, 640)
) -> dict:
    """Return, per long side the kiosk could send: JPEG bytes, decode ms, right sure answers, answers equal to the
    largest size's."""
    from recognition.decode import decode_picture

    found: dict = {}
    largest: list[str] = []
    for side in sorted(sides, reverse=True):
        sizes, decodes, answers = [], [], []
        for frame in frames:
            scaled = frame.resize((side, round(frame.height * side / frame.width)), Image.Resampling.BILINEAR)
            buffer = io.BytesIO()
            scaled.save(buffer, "JPEG", quality=85)
            data = buffer.getvalue()
            started = time.perf_counter()
            picture = decode_picture(data)
            decodes.append((time.perf_counter() - started) * 1000)
            sizes.append(len(data))
            answers.append(answer_of(recogniser.recognise([picture])[0], recogniser.settings))
        largest = largest or answers
        found[side] = {
            "bytes_p50": int(statistics.median(sizes)),
            "decode_ms_p50": round(statistics.median(decodes), 2),
            "same_answer_as_largest": round(float(np.mean([a == b for a, b in zip(answers, largest, strict=True)])), 4),
            "right_sure_answers": round(
                float(np.mean([a == str(label) for a, label in zip(answers, labels, strict=True)])), 4
            ),
            "frames": len(frames),
        }
    return found


def follow_signs(recogniser, data, chosen: np.ndarray, masks, motion: str, frames_per_sign: int, rng) -> dict:
    """Return how the ``chosen`` signs' frames are answered searched and followed, held still or moving."""
    totals = {"same": 0, "same_digit": 0, "followed": 0, "fell_back": 0, "searched_ms": [], "followed_ms": []}
    totals.update({f"{what}_{way}": 0 for what in ("right", "changes") for way in ("searched", "followed")})
    for index, mask in zip(chosen, masks, strict=True):
        pictures = sequence(data.images[index], mask, frames_per_sign, motion == "moving", rng)
        found = run(recogniser, pictures, int(data.labels[index]))
        for key, value in found.items():
            totals[key] += value
    frames = len(chosen) * frames_per_sign
    searched, followed = (
        statistics.median(totals["searched_ms"]),
        statistics.median(totals["followed_ms"] or [float("nan")]),
    )
    return {
        "frames": frames,
        "same_answer_share": round(totals["same"] / frames, 4),
        "same_digit_share": round(totals["same_digit"] / frames, 4),  # the same digit, sure or not ("none" kept)
        "followed_share": round(totals["followed"] / frames, 4),
        "fell_back_to_search": totals["fell_back"],
        "searched_frame_ms_p50": round(searched, 2),
        "followed_frame_ms_p50": round(followed, 2),
        "followed_over_searched": round(followed / searched, 3),
        "right_sure_answers_searched": round(totals["right_searched"] / frames, 4),
        "right_sure_answers_followed": round(totals["right_followed"] / frames, 4),
        "answer_changes_searched": totals["changes_searched"],
        "answer_changes_followed": totals["changes_followed"],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    parser.add_argument("--signs", type=int, default=30)
    parser.add_argument("--frames", type=int, default=30)
    parser.add_argument("--threads", type=int, default=2, help="inference threads, as the app's INFERENCE_THREADS")
    parser.add_argument(
        "--split", choices=("valid", "test"), default="test", help="whose photos (valid: to choose the frame size)"
    )
    parser.add_argument("--out", default="kiosk.json", help="result file name under bench/results")
    args = parser.parse_args()
    recogniser = Recogniser.from_model(args.model, "litert-fp32", args.threads)
    data = load_images(
        SHARED_DATA, read_manifest(Path(args.model).with_name(Path(args.model).stem + ".manifest.json"))[args.split]
    )
    rng = np.random.default_rng(11)
    chosen = rng.choice(len(data.images), args.signs, replace=False)
    masks = hand_masks(data.images[chosen])
    report: dict = {
        "model": Path(args.model).name,
        "signs": args.signs,
        "frames_per_sign": args.frames,
        "threads": args.threads,
    }
    for motion in ("held", "moving"):
        report[motion] = follow_signs(recogniser, data, chosen, masks, motion, args.frames, rng)
        print(motion, json.dumps(report[motion]), flush=True)
    sample = [
        frame
        for index, mask in zip(chosen, masks, strict=True)
        for frame in sequence(data.images[index], mask, 3, False, rng)
    ]
    labels = [int(data.labels[index]) for index in chosen for _ in range(3)]
    report["frame_sizes"] = frame_sizes(recogniser, sample, labels)
    print("frame sizes", json.dumps(report["frame_sizes"]), flush=True)
    report["split"] = args.split
    save_result(args.out, report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
