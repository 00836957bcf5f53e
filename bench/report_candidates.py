"""Tabulate the candidate trainings in runs/*/asl_digits.json (made by bench/train_candidates.sh).

python -m bench.report_candidates   ->  a Markdown table, also written to bench/results/candidates.md
"""

from __future__ import annotations

import json
import sys

from recognition.paths import PROJECT_ROOT as ROOT


def settings(recipe: dict) -> str:
    """Summarise a run's settings: augmentation, backgrounds, hand sizes, rate, layers, smoothing, epochs.

    Cards older than a setting lack its key; they ran with what is now its default.
    """
    augment = recipe["augment"]
    parts = [augment["level"]]
    if augment["level"] == "strong":
        parts.append(
            f"new background {augment['background_probability']:g} (photos {augment.get('photo_share', 0):g}), hands "
            f"≥{augment.get('min_hand_scale', 0.55):g}×"
        )
    parts.append(f"{recipe.get('schedule', 'constant')} {recipe['learning_rate']:g}")
    parts.append(f"{recipe['fine_tune_layers']} layers")
    parts.append(f"smoothing {recipe['label_smoothing']:g}")
    if recipe.get("ema_momentum"):
        parts.append(f"EMA {recipe['ema_momentum']:g}")
    parts.append(f"{recipe['epochs']} epochs")
    return ", ".join(parts)


def main() -> int:
    rows = []
    for card_path in sorted((ROOT / "runs").glob("*/asl_digits.json")):
        card = json.loads(card_path.read_text())
        metrics = card["metrics"]
        shift = metrics.get("domain_shift") or {}
        rows.append(
            "| {name} | {recipe} | {augment} | {valid:.2%} | {test:.2%} | {shift} | {worst} | {seconds:.0f} |".format(
                name=card_path.parent.name,
                recipe=card["recipe"]["name"],
                augment=settings(card["recipe"]),
                valid=metrics["valid"]["accuracy"],
                test=metrics["test"]["accuracy"],
                shift=f"{shift['overall']:.2%}" if shift else "n/a",
                worst=f"{shift['worst_kind']} {shift['worst_accuracy']:.2%}" if shift else "n/a",
                seconds=card["training_seconds"],
            )
        )
    table = "\n".join(
        [
            "| run | recipe | settings | valid | test | domain-shift overall | worst kind | training s |",
            "|---|---|---|---|---|---|---|---|",
            *rows,
        ]
    )
    out = ROOT / "bench" / "results" / "candidates.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(table + "\n")
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
