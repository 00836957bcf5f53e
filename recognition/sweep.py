"""Look for a hand the palm detector missed: the hand-landmark model looks at the picture's centre squares.

In a busy scene the palm detector's best palms may be a face, a cup or a fold; the hand-landmark
check then finds no hand among them and the square read is a guess. The landmark model alone
sees a hand anywhere in a square it is given, upright or leaning a little, so when the search
confirms no hand surely enough, it looks at the centred square of each share of the picture's
short side in :data:`SHARES` (the first ``settings.sweep_squares`` of them), upright and turned
each way by :data:`DEGREES`; the first look whose hand presence reaches ``settings.sweep_present``
gives the hand. A picture without a hand costs ``3 x sweep_squares`` landmark looks (about 1.3 ms
each with two threads). Chosen on both validation readings by ``tuning/sweep.py``.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Protocol

from PIL import Image

from recognition.framing import Region
from recognition.landmarks import HandLook
from recognition.settings import Settings

SHARES = (1.0, 0.75, 0.5)  # of the picture's short side, largest first
DEGREES = (0.0, 35.0, -35.0)  # upright first, then leaning each way


class Looker(Protocol):
    """Looks at a region of a picture for a hand (:meth:`recognition.landmarks.LandmarkModel.look`)."""

    def look(self, image: Image.Image, region: Region) -> HandLook: ...


def sweep_regions(size: tuple[int, int], squares: int) -> Iterator[Region]:
    """Yield the regions swept in a ``(width, height)`` picture: ``squares`` centred squares, each at every turn."""
    width, height = size
    for share in SHARES[: max(0, squares)]:
        for degrees in DEGREES:
            yield Region(width / 2, height / 2, share * min(width, height), math.radians(degrees))


def needs_sweep(look: HandLook | None, settings: Settings) -> bool:
    """Return whether the sweep is on and the search's look (or its absence) misses ``sweep_present``."""
    return settings.sweep_squares > 0 and (look is None or look.presence < settings.sweep_present)


def sweep(looker: Looker, picture: Image.Image, settings: Settings) -> HandLook | None:
    """Return the first swept look at RGB ``picture`` holding a hand surely enough, or ``None``."""
    for region in sweep_regions(picture.size, settings.sweep_squares):
        if not region.valid_in(picture.size):
            continue
        look = looker.look(picture, region)
        if look.presence >= settings.sweep_present:
            return look
    return None
