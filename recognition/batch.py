"""Recognise many pictures at once, offline (evaluation, benches): spread over one-thread model copies, answers in
order.

The web app recognises one picture at a time (:meth:`recognition.recogniser.Recogniser.recognise`);
evaluation locates every picture first, in batches on the detector's copies, and then classifies
the squares on the classifier's copies, so that several backends can classify the same squares.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

from recognition.parallel import in_parallel
from recognition.recogniser import Recogniser
from recognition.records import Prepared, Recognition


def side_by_side(component: object) -> int:
    """Return how many one-thread copies of a predictor or detector may run at once (1 if it has none)."""
    return int(getattr(component, "side_by_side", 1))


def prepare_all(recogniser: Recogniser, pictures: list[np.ndarray] | np.ndarray, batch: int = 16) -> Prepared:
    """Locate and cut the squares of RGB uint8 pictures, in batches (the palm detector runs once per picture).

    A detector loaded with several one-thread copies gets the batches from as many threads.
    """
    workers = side_by_side(recogniser.detector)
    batches = [pictures[start : start + batch] for start in range(0, len(pictures), batch)]
    parts = in_parallel(lambda chunk: recogniser.prepare([Image.fromarray(p) for p in chunk]), batches, workers)
    return Prepared.joined(parts, recogniser.detector is not None)


def recognise_all(recogniser: Recogniser, pictures: list[np.ndarray] | np.ndarray | Prepared) -> list[Recognition]:
    """Recognise RGB uint8 pictures (or pictures already prepared, possibly by another recogniser with the same
    detector)."""
    prepared = pictures if isinstance(pictures, Prepared) else prepare_all(recogniser, pictures)
    return recogniser.classify(prepared, workers=side_by_side(recogniser.predictor))
