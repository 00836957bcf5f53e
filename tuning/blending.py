"""Score a way of pooling the MobileNet's and the geometry model's probabilities on cached reads.

A candidate is (geometry model, rule, weight, presence gate): where the landmark model's presence
reaches the gate, the two models' probabilities are pooled by the rule ("geometric", as served by
:func:`recognition.geometry.blend`, or "linear", kept here for comparison), else the MobileNet's
stand alone. Its unsure threshold is the lowest that keeps confident-wrong at or under 1% on every
choosing reading (the photos and the mean of the shift kinds), as tuning/unsure.py chooses it.
"""

from __future__ import annotations

import numpy as np

from recognition.answer import is_unsure
from recognition.geometry import blend
from tuning.unsure import THRESHOLDS, lowest_threshold


def pool(rule: str, image: np.ndarray, shape: np.ndarray, weight: float) -> np.ndarray:
    """Return the two models' probabilities pooled by ``rule``: "geometric" (as served) or "linear" (compared)."""
    if rule == SERVED_RULE:
        return blend(image, shape, weight)
    return (1 - weight) * image + weight * shape


SERVED_RULE = "geometric"  # the rule recognition.geometry.blend serves; "linear" is only compared


def confidences(sets: dict[str, dict], shapes: dict[str, np.ndarray], rule: str, weight: float, presence: float):
    """Return per kind the answers' confidences and whether they are right, pooled as ``rule`` says."""
    found = {}
    for kind, read_set in sets.items():
        seen = (read_set["presence"] >= presence)[:, None]
        rows = np.where(seen, pool(rule, read_set["image"], shapes[kind], weight), read_set["image"])
        found[kind] = (rows.max(axis=1) / rows.sum(axis=1), rows.argmax(axis=1) == read_set["labels"])
    return found


def score(found: dict, unsure: float, labels: dict[str, np.ndarray]) -> dict:
    """Return accuracy per kind and per digit (plain), confident-wrong, right-but-unsure and right-and-sure shares."""
    per_kind, wrong, doubted, right_count, sure_right, count = {}, 0, 0, 0, 0, 0
    per_digit: dict[str, float] = {}
    for kind, (confidence, right) in found.items():
        sure = ~is_unsure(confidence, unsure)
        per_kind[kind] = float(right.mean())
        if kind == "plain":
            per_digit = {str(d): float(right[labels[kind] == d].mean()) for d in range(10) if (labels[kind] == d).any()}
        wrong += int((~right & sure).sum())
        doubted += int((right & ~sure).sum())
        sure_right += int((right & sure).sum())
        right_count += int(right.sum())
        count += len(right)
    shift = {k: v for k, v in per_kind.items() if k != "plain"}
    return {
        "plain": per_kind["plain"],
        "shift_mean": float(np.mean(list(shift.values()))) if shift else None,
        "mean": float(np.mean(list(per_kind.values()))),
        "worst_kind": min(shift, key=shift.get) if shift else None,
        "confident_wrong": wrong / count,
        "right_but_unsure": doubted / max(right_count, 1),
        "right_and_sure": sure_right / count,
        "per_kind": per_kind,
        "per_digit": per_digit,
    }


def scored(reads_for: dict, shapes: dict, key: tuple, splits: list[str], readings: list[str], fixed: float | None):
    """Return the threshold (``fixed``, or the lowest meeting the rule on ``readings``) and the scores per split."""
    name, rule, weight, presence = key
    found = {s: confidences(reads_for[name][s], shapes[name][s], rule, weight, presence) for s in splits}
    threshold = fixed if fixed is not None else lowest_threshold({r: found[r] for r in readings})
    labels = {s: {k: v["labels"] for k, v in reads_for[name][s].items()} for s in splits}
    at = threshold if threshold is not None else THRESHOLDS[-1]
    return threshold, {s: score(found[s], at, labels[s]) for s in splits}


def alone(reads_for: dict, shapes: dict, candidate: str, unsure: float = 0.5) -> dict:
    """Return the geometry model of ``candidate`` scored alone on every reading (every picture, a look or not)."""
    return scored(reads_for, shapes, (candidate, "linear", 1.0, 0.0), list(shapes[candidate]), [], unsure)[1]
