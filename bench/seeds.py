"""Gather the figures of the shipped recipe trained with several seeds on the shipped split.

    bash bench/seeds.sh 1 2 3 && python -m bench.seeds

Reads the card of the shipped model and of each ``runs/seeds/seed*/asl_digits.h5``; reports each
run's test, valid and shift figures as served (geometry model included, each run its own), their
mean, standard deviation and range. Writes bench/results/seeds.json.
"""

from __future__ import annotations

import json
import statistics

from bench import save_result
from recognition.model_files import ModelFiles
from recognition.paths import DEFAULT_MODEL, PROJECT_ROOT

SEEDS = PROJECT_ROOT / "runs" / "seeds"


def figures(card: dict) -> dict:
    """Return one run's headline figures from its card."""
    metrics = card["metrics"]
    shift = metrics["domain_shift"]
    return {
        "seed": card["data"]["seed"],
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
    }


def summary(values: list[float]) -> dict:
    return {
        "mean": statistics.fmean(values),
        "std": statistics.stdev(values) if len(values) > 1 else 0.0,
        "min": min(values),
        "max": max(values),
    }


def main() -> int:
    runs = {"shipped": figures(ModelFiles.from_h5(DEFAULT_MODEL).read_card())}
    for h5 in sorted(SEEDS.glob("seed*/asl_digits.h5")):
        card = ModelFiles.from_h5(h5).read_card()
        if card.get("metrics"):
            runs[h5.parent.name] = figures(card)
    report = {
        "runs": runs,
        "count": len(runs),
        "test_images": ModelFiles.from_h5(DEFAULT_MODEL).read_card()["metrics"]["test"]["count"],
        **{name: summary([run[name] for run in runs.values()]) for name in ("test", "valid", "shift", "shift_worst")},
    }
    save_result("seeds.json", report)
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
