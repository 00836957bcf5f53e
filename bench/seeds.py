"""Gather the figures of the shipped recipe trained with several seeds on the shipped split.

    bash bench/seeds.sh 1 2 3 && python -m bench.seeds
    python -m bench.seeds --settings-for runs/seeds/seed1/asl_digits.h5   (what bench/seeds.sh does per run)

Reads the card of the shipped model and of each ``runs/seeds/seed*/asl_digits.h5``; reports each
run's test, valid, shift and outside-signer figures as served (geometry model included, each run
its own), whether it was scored with the shipped model's settings, and their mean, standard
deviation and range. Writes bench/results/seeds.json. ``--settings-for`` writes the shipped
model's settings beside another run's .h5, so that it is scored as the shipped model is served.
"""

from __future__ import annotations

import argparse
import json
import statistics
from pathlib import Path

from bench import save_result
from recognition.model_files import ModelFiles
from recognition.paths import DEFAULT_MODEL, PROJECT_ROOT
from recognition.settings import Settings

SEEDS = PROJECT_ROOT / "runs" / "seeds"


def figures(card: dict, shipped_settings: dict) -> dict:
    """Return one run's headline figures from its card, and whether it was scored with ``shipped_settings``."""
    metrics = card["metrics"]
    shift = metrics["domain_shift"]
    outside = metrics.get("outside_signer") or {}
    return {
        "seed": card["data"]["seed"],
        "scene_frames": card["recipe"].get("scene_frames", 0),  # cards made before scene frames have none
        "test": metrics["test"]["accuracy"],
        "valid": metrics["valid"]["accuracy"],
        "test_confident_wrong": metrics["test"].get("confident_wrong_rate"),
        "shift": shift["overall"],
        "shift_kinds": len(shift["per_kind"]),
        "shift_worst_kind": shift["worst_kind"],
        "shift_worst": shift["worst_accuracy"],
        "shift_confident_wrong": shift.get("confident_wrong_rate"),
        "training_seconds": card.get("training_seconds"),
        "total_seconds": card.get("total_seconds"),
        "geometry": bool((card["files"].get("geometry") or {}).get("fitted")),
        "outside": outside.get("accuracy"),
        "outside_right_but_unsure": outside.get("right_but_unsure_rate"),
        "settings_as_shipped": (card.get("settings") or {}).get("values") == shipped_settings,
    }


def summary(values: list[float]) -> dict:
    return {
        "mean": statistics.fmean(values),
        "std": statistics.stdev(values) if len(values) > 1 else 0.0,
        "min": min(values),
        "max": max(values),
    }


def settings_for(h5: Path) -> Path:
    """Write the shipped model's settings beside ``h5`` (made for it); return the file written."""
    note = "the shipped model's choice (models/asl_digits.settings.json), for a run of the same recipe"
    shipped = Settings.for_model(DEFAULT_MODEL)
    return shipped.save(h5, dict.fromkeys(shipped.as_dict(), note))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--settings-for", type=Path, help="write the shipped settings beside this .h5 and stop")
    args = parser.parse_args(argv)
    if args.settings_for:
        print("wrote", settings_for(args.settings_for))
        return 0
    shipped_files = ModelFiles.from_h5(DEFAULT_MODEL)
    shipped_card = shipped_files.read_card()
    shipped_settings = Settings.for_model(DEFAULT_MODEL).as_dict()  # what is served now
    runs = {"shipped": figures(shipped_card, shipped_settings)}
    for h5 in sorted(SEEDS.glob("seed*/asl_digits.h5")):
        card = ModelFiles.from_h5(h5).read_card()
        if card.get("metrics"):
            runs[h5.parent.name] = figures(card, shipped_settings)
    measured = ("test", "valid", "shift", "shift_worst", "outside", "outside_right_but_unsure")
    report = {
        "runs": runs,
        "count": len(runs),
        "test_images": shipped_card["metrics"]["test"]["count"],
        "outside_images": (shipped_card["metrics"].get("outside_signer") or {}).get("count"),
        **{
            name: summary([run[name] for run in runs.values()])
            for name in measured
            if all(run[name] is not None for run in runs.values())
        },
    }
    save_result("seeds.json", report)
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
