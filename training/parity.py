"""Gates an export must pass to be served: agreement of the fp32 export with the .h5, int8 parity as served."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from pathlib import Path

    from recognition.recogniser import Recogniser
    from recognition.records import Prepared

PARITY_POINTS = 0.5  # an int8 export that loses more accuracy than this anywhere is not served
AGREEMENT_TOLERANCE = 1e-3  # largest difference in any probability between the .h5 and its fp32 export


def export_agreement(reference, candidate, images: np.ndarray) -> dict:
    """Return how closely ``candidate`` (an export) reproduces ``reference`` (the .h5) on ``images``."""
    expected, got = reference.predict(images), candidate.predict(images)
    difference = float(np.abs(expected - got).max())
    same_answers = float((expected.argmax(1) == got.argmax(1)).mean())
    return {
        "images": len(images),
        "max_probability_difference": difference,
        "same_answers": same_answers,
        "tolerance": AGREEMENT_TOLERANCE,
        "passed": difference <= AGREEMENT_TOLERANCE and same_answers == 1.0,
    }


def served_part(metrics: dict) -> dict:
    """Return the measures an export's card entry repeats: the test split and the shift set."""
    return {name: metrics[name] for name in ("test", "domain_shift") if name in metrics}


def parity(reference: dict, candidate: dict) -> dict:
    """Return the largest accuracy drop (points) of ``candidate`` against ``reference`` and whether it passes."""
    drops = {"test": 100 * (reference["test"]["accuracy"] - candidate["test"]["accuracy"])}
    for kind, accuracy in (reference.get("domain_shift") or {}).get("per_kind", {}).items():
        drops[kind] = 100 * (accuracy - candidate["domain_shift"]["per_kind"][kind])
    worst = max(drops, key=drops.get)
    return {
        "worst": worst,
        "worst_drop_points": round(drops[worst], 3),
        "limit_points": PARITY_POINTS,
        "passed": drops[worst] <= PARITY_POINTS,
    }


def score_int8(
    scorer: Recogniser,
    export: Path,
    copies: int,
    prepared: dict[str, Prepared],
    labels: dict[str, np.ndarray],
    shift_set: dict[str, Prepared] | None,
    reference: dict,
) -> tuple[dict, dict]:
    """Score the int8 ``export`` with ``scorer``'s hand models on the test split (and shift set); return its metrics and
    parity gate."""
    from recognition.backends import LiteRTPredictor
    from training.evaluate import score_as_served

    int8 = scorer.with_predictor(LiteRTPredictor(export, backend="litert-int8", side_by_side=copies))
    measured = score_as_served(int8, prepared, labels, ("test",), shift_set)
    return measured, parity(reference, measured)
