"""Make small synthetic data sets for the tests (no ../shared, no network); pictures come from tests.support.samples."""

from __future__ import annotations

from pathlib import Path

from tests.support.samples import SKIN, WALL, encode, synthetic_hand

__all__ = ["SKIN", "WALL", "encode", "make_dataset", "synthetic_hand"]


def make_dataset(root: Path, per_class: int = 6, size: int = 64) -> Path:
    """Write ``per_class`` synthetic JPEGs into ``root/<digit>/`` for each digit.

    Named like the real dataset's camera counters: subject ``index`` signs its ten digits as
    ``IMG_<1000 + 10 * index + digit>.JPG``, so the subject-disjoint split has ``per_class`` people.
    """
    for digit in range(10):
        folder = root / str(digit)
        folder.mkdir(parents=True, exist_ok=True)
        for index in range(per_class):
            synthetic_hand(digit, size, seed=index).save(folder / f"IMG_{1000 + 10 * index + digit}.JPG", quality=92)
    return root
