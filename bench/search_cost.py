"""Measure what the sweep and the fine search cost a request: the app searching only against the app as served.

    python -m bench.search_cost [--model models/asl_digits.h5] [--rounds 7]

Two apps under gunicorn as configured, one at a time on loopback: the model as served, and the same
model with ``sweep_squares`` and ``fine_share`` set to 0 in a copy of its settings file (searching
only). They take turns for ``--rounds`` rounds, so that a slow spell of the machine falls on both;
each round sends every picture below from one keep-alive client. Reported per picture: the median
over rounds of each app's p50, and the change. Writes bench/results/search_cost.json.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from bench import save_result
from bench.serving import LIVE, hand_photo, jpeg, kiosk_frame, kiosk_frame_without_hand
from recognition.model_files import ModelFiles
from recognition.paths import DEFAULT_MODEL
from tests.support.load import Gunicorn, run_load


def searching_only(model: Path, folder: Path) -> Path:
    """Copy ``model``'s files into ``folder`` with the sweep and the fine search off; return the copy's .h5."""
    files = ModelFiles.from_h5(model)
    for path in model.parent.glob(files.name + ".*"):
        if path.is_file():
            shutil.copy(path, folder / path.name)
    settings = folder / files.settings.name
    document = json.loads(settings.read_text())
    document["values"].update(sweep_squares=0, fine_share=0.0)
    settings.write_text(json.dumps(document, indent=1))
    return folder / model.name


def cases() -> dict[str, tuple[bytes, dict[str, str] | None, int]]:
    """Return each measured picture: its bytes, the form fields sent with it and how many requests a round."""
    without_hand, with_hand = kiosk_frame_without_hand(), kiosk_frame()
    return {
        "kiosk_frame_without_hand_numbered": (without_hand, LIVE, 100),  # as the kiosk sends
        "kiosk_frame_without_hand_live": (without_hand, {"live": "1"}, 60),
        "photo_without_hand": (without_hand, None, 40),
        "kiosk_frame_with_hand_searched": (with_hand, LIVE, 100),
        "small_photo": (jpeg(hand_photo()), None, 100),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--port", type=int, default=18751)
    args = parser.parse_args()
    pictures = cases()
    p50s: dict[str, dict[str, list[float]]] = {name: {"search_only": [], "served": []} for name in pictures}
    with tempfile.TemporaryDirectory() as folder:
        apps = {"search_only": searching_only(args.model, Path(folder)), "served": args.model}
        for _ in range(args.rounds):
            for app, model in apps.items():
                with Gunicorn(args.port, model):
                    for name, (body, fields, total) in pictures.items():
                        result = run_load(args.port, body, total=total, concurrency=1, fields=fields)
                        if result["errors"]:
                            raise RuntimeError(f"{app} answered {result['statuses']} to {name}")
                        p50s[name][app].append(round(result["p50_ms"], 2))
    report = {"model": args.model.name, "rounds": args.rounds, "pictures": {}}
    for name, by_app in p50s.items():
        before, after = statistics.median(by_app["search_only"]), statistics.median(by_app["served"])
        change = after / before - 1
        report["pictures"][name] = {**by_app, "search_only_ms": before, "served_ms": after, "change": change}
    save_result("search_cost.json", report)
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
