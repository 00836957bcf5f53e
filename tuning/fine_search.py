"""Choose the fine search's square size on both validation readings, with the sweep as chosen.

    python -m tuning.fine_search [--model models/asl_digits.h5] [--write]

Readings: the validation split with every shift kind, and the outside signer (read, never
fitted). When neither the search nor the sweep confirms a hand, the palm detector looks at squares of
``fine_share`` of the picture's short side (:func:`recognition.sweep.fine_search`). Each share is
measured as served (:func:`tuning.sweep.measure`). Chosen: the best worse-of-two accuracy
(validation mean of kinds; outside signer) among shares that answer no more non-hands with a sure
digit than none and still answer at least 95% of them "no hand" (or as many as none, if fewer), the
smaller share on a tie (none first). Writes bench/results/fine_search.json and, with ``--write``,
the choice into the model's settings file.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from bench import save_result
from recognition.paths import DEFAULT_MODEL
from tuning.harness import served
from tuning.sweep import best_worse_of_two, measure_options

SHARES = (0.0, 0.5, 0.6)  # of the picture's short side; 0: no fine search
NO_HAND_TARGET = 0.95  # share of non-hands that must still be answered "no hand"


def choose(by_reading: dict[str, dict], non_hands: dict[str, dict]) -> str:
    """Return the share with the best worse-of-two accuracy among those answering non-hands well enough."""
    off = non_hands[f"{SHARES[0]:g}"]
    floor = min(off["no_hand"], NO_HAND_TARGET)
    allowed = [n for n, row in non_hands.items() if row["sure_digit"] <= off["sure_digit"] and row["no_hand"] >= floor]
    return best_worse_of_two(by_reading, allowed, lambda n: -float(n))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    parser.add_argument("--write", action="store_true", help="write the choice into the model's settings file")
    args = parser.parse_args()
    recogniser = served(args.model, fine_share=0.0)
    options = {f"{share:g}": {"fine_share": share} for share in SHARES}
    measured = measure_options(recogniser, args.model, options)
    chosen = choose(measured["readings"], measured["non_hands"])
    report = {"sweep_squares": recogniser.settings.sweep_squares, **measured, "chosen_share": float(chosen)}
    print("chosen fine_share", chosen, flush=True)
    save_result("fine_search.json", report)
    if args.write:
        rule = (
            "tuning/fine_search.py: the best worse-of-two accuracy (validation photos and shift kinds, mean of kinds;"
            " the outside signer) among shares answering no more non-hands with a sure digit and >= 95% 'no hand'"
        )
        recogniser.settings.with_values(fine_share=float(chosen)).save(args.model, {"fine_share": rule})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
