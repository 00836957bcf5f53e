"""Follow a hand from frame to frame without the palm detector, statelessly.

A live client sends, with each frame, the region its last answer gave (``track`` in the answer):
the hand-landmark model looks there alone, and when it still sees a hand its landmarks give this
frame's hand square (framed as the palm detector frames a hand) and the next frame's region (the
palm region a search would look at). When it does not (or no region came, or the region is
nonsense) the frame goes through the palm detector as any picture does. Nothing is kept on the
server, so any process can answer any frame; a wrong region only costs the detector run it falls
back to, since the landmark model's presence score decides.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from recognition.framing import Region, hand_for_look, region_for_hand
from recognition.landmarks import HandLook
from recognition.settings import Settings

MOST_SIDE = 3.0  # a region over this many picture widths is nonsense
# The palm detector's palm, seen from the landmarks: as large as the wrist-to-middle-finger-base
# distance, centred 0.47 of it from the wrist (medians over 477 validation pictures, photos and
# kiosk-like frames; the middle half of the sizes lies within 4%).


@dataclass(frozen=True)
class Track:
    """Where to look for the hand in the next frame, as fractions of the picture (so any frame size will do)."""

    x: float  # centre, fraction of the width
    y: float  # centre, fraction of the height
    side: float  # fraction of the width
    angle: float  # degrees clockwise from upright

    @classmethod
    def parse(cls, text: str) -> Track:
        """Return the track in ``text`` ("x,y,side,angle"); raise ``ValueError`` when it is not four sane numbers."""
        parts = text.split(",")
        if len(parts) != 4 or len(text) > 200:
            raise ValueError("track must be four numbers: x,y,side,angle")
        x, y, side, angle = (float(part) for part in parts)
        if not all(math.isfinite(v) for v in (x, y, side, angle)):
            raise ValueError("track must be four finite numbers")
        if not (-1 <= x <= 2 and -1 <= y <= 2 and 0 < side <= MOST_SIDE and -360 <= angle <= 360):
            raise ValueError(
                "track is outside the picture: x and y from -1 to 2, side above 0 up to 3, angle within 360"
            )
        return cls(x, y, side, angle)

    def __str__(self) -> str:
        return f"{self.x:.4f},{self.y:.4f},{self.side:.4f},{self.angle:.1f}"

    @classmethod
    def of(cls, region: Region, size: tuple[int, int]) -> Track:
        width, height = size
        return cls(region.centre_x / width, region.centre_y / height, region.side / width, math.degrees(region.lean))

    def region(self, size: tuple[int, int]) -> Region:
        width, height = size
        return Region(self.x * width, self.y * height, self.side * width, math.radians(self.angle))


def next_track(look: HandLook | None, size: tuple[int, int], settings: Settings) -> Track | None:
    """Return where to look in the next frame: from ``look``'s landmarks when it saw a hand, else ``None``.

    The region is the one a search would look at for the palm the landmarks imply, so that a
    followed frame is looked at, and read, as a searched one.
    """
    if look is None or look.presence < settings.hand_present:
        return None
    region = region_for_hand(hand_for_look(look, settings), settings)
    return Track.of(region, size) if region.valid_in(size) else None
