"""Choose how far the landmark model sweeps for a hand the search missed, on both validation readings.

    python -m tuning.sweep [--model models/asl_digits.h5] [--write]

Readings: the validation split with every shift kind, and the outside signer (read, never
fitted). Non-hands (:mod:`tuning.non_hands`, people included) check that the sweep finds no hand
where there is none. The search runs once per picture as served with the sweep off; each setting
of ``sweep_squares`` then sweeps the pictures whose look misses ``sweep_present``
(:mod:`recognition.sweep`) and classifies them as served. Chosen: the best worse-of-two accuracy
(validation mean of kinds; outside signer) among settings that answer no more non-hands with a sure
digit nor fewer "no hand", the fewest squares on a tie. Writes bench/results/sweep.json and, with
``--write``, the choice into the model's settings file.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
from PIL import Image

from bench import save_result
from recognition.batch import prepare_all, side_by_side
from recognition.framing import upright_turn
from recognition.parallel import in_parallel
from recognition.paths import DEFAULT_MODEL
from recognition.preprocessing import to_model_input
from recognition.recogniser import Recogniser
from recognition.records import Prepared, Recognition
from recognition.sweep import SHARES
from tuning.harness import Reading, readings, served
from tuning.non_hands import package_pictures, people_non_hands, synthetic_non_hands

CHUNK = 32


def swept(recogniser: Recogniser, pictures: list[np.ndarray], prepared: Prepared) -> tuple[Prepared, float]:
    """Return ``prepared`` with the pictures the search missed swept by ``recogniser``, and the seconds spent."""
    started = time.perf_counter()
    pairs = list(zip(pictures, prepared.cuts, strict=True))

    def work(chunk):
        done = []
        for picture, cut in chunk:
            image = Image.fromarray(picture)
            new = recogniser.swept(image, cut)  # the cut itself when neither the sweep nor the fine search runs
            if new is not cut:
                cut = replace(new, turn=upright_turn(new.hand, image.size, recogniser.settings))
            done.append(cut)
        return done

    chunks = [pairs[start : start + CHUNK] for start in range(0, len(pairs), CHUNK)]
    cuts = [cut for part in in_parallel(work, chunks, side_by_side(recogniser.landmarks)) for cut in part]
    inputs = np.stack(
        [
            row if new == old else to_model_input(Image.fromarray(picture), new.box, turn=new.turn)
            for picture, row, new, old in zip(pictures, prepared.inputs, cuts, prepared.cuts, strict=True)
        ]
    )
    return Prepared(inputs, tuple(cuts), prepared.localised), time.perf_counter() - started


def scores(answers: list[Recognition], labels: np.ndarray) -> dict[str, float]:
    """Return accuracy, right-and-sure, confident-wrong and "no hand" shares of ``answers``."""
    digits = np.array([a.digit for a in answers])
    unsure = np.array([a.unsure for a in answers])
    no_hand = np.array([a.no_hand for a in answers])
    right = digits == labels
    return {
        "accuracy": float(right.mean()),
        "right_and_sure": float((right & ~unsure & ~no_hand).mean()),
        "confident_wrong": float((~right & ~unsure & ~no_hand).mean()),
        "no_hand": float(no_hand.mean()),
    }


def measure(recogniser: Recogniser, reading: Reading, options: dict[str, dict]) -> dict[str, dict]:
    """Return per option (name: settings) the scores of each kind of ``reading``, and the sweep's seconds.

    Each option searches again, with its own settings, where the search of ``recogniser`` confirmed no hand surely.
    """
    report: dict[str, dict] = {n: {"kinds": {}, "sweep_s": 0.0} for n in options}
    for kind, pictures in reading.kinds.items():
        prepared = prepare_all(recogniser, pictures)
        for n, values in options.items():
            variant = recogniser.with_settings(**values)
            done, seconds = swept(variant, pictures, prepared)
            answers = variant.classify(done, workers=side_by_side(variant.predictor))
            report[n]["kinds"][kind] = scores(answers, reading.labels)
            report[n]["sweep_s"] += seconds
        print(reading.name, kind, {n: round(r["kinds"][kind]["accuracy"], 4) for n, r in report.items()}, flush=True)
    for row in report.values():
        kinds = row["kinds"].values()
        row["mean"] = {key: float(np.mean([k[key] for k in kinds])) for key in ("accuracy", "confident_wrong")}
        row["worst_kind"] = min(row["kinds"], key=lambda kind: row["kinds"][kind]["accuracy"])
        row["sweep_ms_per_picture"] = 1000 * row.pop("sweep_s") / reading.pictures
    return report


def non_hand_answers(recogniser: Recogniser, options: dict[str, dict]) -> dict[str, dict]:
    """Return per option the share of non-hands (and of the people among them) answered "no hand" or a sure digit."""
    people = people_non_hands(np.random.default_rng(13))
    pictures = package_pictures() + synthetic_non_hands(np.random.default_rng(11)) + people
    prepared = prepare_all(recogniser, pictures)
    report = {}
    for n, values in options.items():
        variant = recogniser.with_settings(**values)
        done, seconds = swept(variant, pictures, prepared)
        answers = variant.classify(done, workers=side_by_side(variant.predictor))
        no_hand = np.array([a.no_hand for a in answers])
        sure = np.array([not a.no_hand and not a.unsure for a in answers])
        report[n] = {
            "pictures": len(pictures),
            "no_hand": float(no_hand.mean()),
            "sure_digit": float(sure.mean()),
            "people": len(people),
            "people_no_hand": float(no_hand[-len(people) :].mean()),
            "people_sure_digit": float(sure[-len(people) :].mean()),
            "sweep_ms_per_picture": 1000 * seconds / len(pictures),
        }
        print("non-hands", n, report[n], flush=True)
    return report


def measure_options(recogniser: Recogniser, model: Path, options: dict[str, dict]) -> dict[str, dict]:
    """Return each option's scores on both validation readings and on the non-hands, and each reading's size."""
    found = readings(model)
    return {
        "pictures": {reading.name: reading.pictures for reading in found},
        "readings": {reading.name: measure(recogniser, reading, options) for reading in found},
        "non_hands": non_hand_answers(recogniser, options),
    }


def best_worse_of_two(by_reading: dict[str, dict], allowed: list[str], tie: Callable[[str], float]) -> str:
    """Return the ``allowed`` option whose worse reading (mean of kinds) is most accurate; ``tie`` breaks ties."""
    return max(allowed, key=lambda n: (min(reading[n]["mean"]["accuracy"] for reading in by_reading.values()), tie(n)))


def choose(by_reading: dict[str, dict], non_hands: dict[str, dict]) -> int:
    """Return the option with the best worse-of-two accuracy that keeps non-hands as well answered as no sweep."""
    off = non_hands["0"]
    allowed = [
        n for n, row in non_hands.items() if row["sure_digit"] <= off["sure_digit"] and row["no_hand"] >= off["no_hand"]
    ]
    return int(best_worse_of_two(by_reading, allowed, lambda n: -int(n)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    parser.add_argument("--write", action="store_true", help="write the choice into the model's settings file")
    args = parser.parse_args()
    recogniser = served(args.model, sweep_squares=0, fine_share=0.0)
    options = {str(n): {"sweep_squares": n} for n in range(len(SHARES) + 1)}
    measured = measure_options(recogniser, args.model, options)
    chosen = choose(measured["readings"], measured["non_hands"])
    report = {
        "shares": SHARES,
        "sweep_present": recogniser.settings.sweep_present,
        **measured,
        "chosen_squares": chosen,
    }
    print("chosen sweep_squares", chosen, flush=True)
    save_result("sweep.json", report)
    if args.write:
        rule = (
            "tuning/sweep.py: the best worse-of-two accuracy (validation photos and shift kinds, mean of kinds;"
            " the outside signer) among sweeps answering non-hands (people included) no worse than none"
        )
        recogniser.settings.with_values(sweep_squares=chosen).save(args.model, {"sweep_squares": rule})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
