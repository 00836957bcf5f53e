"""Look for a hand the palm detector missed: the hand-landmark model looks at the picture's centre squares.

In a busy scene the palm detector's best palms may be a face, a cup or a fold; the hand-landmark
check then finds no hand among them and the square read is a guess. The landmark model alone
sees a hand anywhere in a square it is given, upright or leaning a little, so when the search
confirms no hand surely enough, it looks at the centred square of each share of the picture's
short side in :data:`SHARES` (the first ``settings.sweep_squares`` of them), upright and turned
each way by :data:`DEGREES`; the first look whose hand presence reaches ``settings.sweep_present``
gives the hand. A picture without a hand costs ``3 x sweep_squares`` landmark looks (about 5 ms
each with two threads). A numbered frame of live video looks at one of those regions only, each
frame the next (:func:`sweep` with ``frame``): a hand the search misses is swept up within
``3 x sweep_squares`` frames and then followed, at one look a frame.

A hand a quarter of the short side or smaller may be too small for the palm detector in the whole
picture (192x192) and off the centred squares. When neither the search nor the sweep confirms a
hand, :func:`fine_search` has the palm detector look at squares of ``settings.fine_share`` of the
short side, three along the long side and two across (:func:`fine_tiles`); their palms are checked as
the search checks its own, and the most present confirmed one is the hand. That costs a picture
without a hand six more palm looks and the checks. Both chosen on both validation readings by
``tuning/sweep.py``.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Protocol

from PIL import Image

from recognition.framing import HandBox, Region
from recognition.landmarks import HandLook
from recognition.settings import Settings

SHARES = (1.0, 0.75, 0.5)  # of the picture's short side, largest first
DEGREES = (0.0, 35.0, -35.0)  # upright first, then leaning each way
FINE_PALMS = 2  # the best palms of each fine square that may be checked


class Looker(Protocol):
    """Looks at a region of a picture for a hand (:meth:`recognition.landmarks.LandmarkModel.look`)."""

    def look(self, image: Image.Image, region: Region) -> HandLook: ...


class PalmSearch(Protocol):
    """Finds and checks palms (:class:`recognition.hands.PalmDetector`)."""

    def palms_once(self, image: Image.Image, settings: Settings, limit: int = 1) -> list[HandBox]: ...

    def most_present(
        self, image: Image.Image, palms: list[HandBox], settings: Settings
    ) -> tuple[HandBox | None, list[HandBox]]: ...


def sweep_regions(size: tuple[int, int], squares: int) -> Iterator[Region]:
    """Yield the regions swept in a ``(width, height)`` picture: ``squares`` centred squares, each at every turn
    (those the picture is large enough to look at)."""
    width, height = size
    for share in SHARES[: max(0, squares)]:
        for degrees in DEGREES:
            region = Region(width / 2, height / 2, share * min(width, height), math.radians(degrees))
            if region.valid_in(size):
                yield region


def needs_sweep(look: HandLook | None, settings: Settings) -> bool:
    """Return whether the sweep is on and the search's look (or its absence) misses ``sweep_present``."""
    return settings.sweep_squares > 0 and (look is None or look.presence < settings.sweep_present)


def sweep(looker: Looker, picture: Image.Image, settings: Settings, frame: int | None = None) -> HandLook | None:
    """Return the first swept look at RGB ``picture`` holding a hand surely enough, or ``None``.

    With the ``frame`` number of a live frame, look only at the region of its turn (frame modulo regions).
    """
    regions = list(sweep_regions(picture.size, settings.sweep_squares))
    if frame is not None and regions:
        regions = [regions[frame % len(regions)]]
    for region in regions:
        look = looker.look(picture, region)
        if look.presence >= settings.sweep_present:
            return look
    return None


def fine_tiles(size: tuple[int, int], share: float) -> list[tuple[int, int, int]]:
    """Return the (left, top, side) squares of ``share`` of a ``(width, height)`` picture's short side: at the start,
    middle and end of the long side, at the start and end of the short side (none for a share of 0)."""
    width, height = size
    side = int(share * min(width, height))
    if side < 1:
        return []
    along, across = (width, height) if width >= height else (height, width)
    along_offsets = sorted({0, (along - side) // 2, along - side})
    across_offsets = sorted({0, across - side})
    return [(a, c, side) if width >= height else (c, a, side) for c in across_offsets for a in along_offsets]


def fine_search(detector: PalmSearch, picture: Image.Image, settings: Settings) -> HandBox | None:
    """Return the most present hand the palm detector finds and confirms in the fine squares of RGB ``picture``,
    or ``None``."""
    palms: list[HandBox] = []
    for left, top, side in fine_tiles(picture.size, settings.fine_share):
        square = picture.crop((left, top, left + side, top + side))
        palms += [palm.moved(left, top) for palm in detector.palms_once(square, settings, FINE_PALMS)]
    present, _ = detector.most_present(picture, palms, settings)
    return present if present is not None and present.confirmed else None
