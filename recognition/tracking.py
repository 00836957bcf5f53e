"""Follow a hand from frame to frame without the palm detector, statelessly (MediaPipe's tracking rule).

A live client sends, with each frame, the region its last answer gave (``track`` in the answer):
the hand-landmark model looks there alone, and when it still sees a hand its landmarks give this
frame's hand square and the next frame's region. When it does not (or no region came, or the region
is nonsense) the frame goes through the palm detector as any picture does. Nothing is kept on the
server, so any process can answer any frame; a wrong region only costs the detector run it falls
back to, since the landmark model's presence score decides.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from recognition.hands import HandBox
from recognition.landmarks import PALM_SHIFT, HandLook, Region, region_of
from recognition.settings import Settings

MOST_SIDE = 3.0  # a region over this many picture widths is nonsense
# The landmarks' region (HandLook.next_region) of a hand spans this many palm sizes and lies this many
# palm sizes further towards the fingers than the palm's region (medians over 185 validation photos).
LANDMARK_REGION_PALMS = 3.9
LANDMARK_REGION_AHEAD = 0.35


def region_for_hand(hand: HandBox, settings: Settings) -> Region:
    """Return MediaPipe's landmark region for the palm behind ``hand``'s square."""
    palm_size = hand.side / settings.hand_scale
    shift = settings.finger_shift * palm_size
    centre_x = hand.left + hand.side / 2 - math.sin(hand.lean) * shift
    centre_y = hand.top + hand.side / 2 + math.cos(hand.lean) * shift
    return region_of(centre_x, centre_y, palm_size, hand.lean)


def hand_for_region(region: Region, presence: float, settings: Settings) -> HandBox:
    """Return the hand square, as the palm detector would frame it, of the landmarks' region; confirmed by ``presence``."""
    palm_size = region.side / LANDMARK_REGION_PALMS
    shift = (settings.finger_shift - PALM_SHIFT - LANDMARK_REGION_AHEAD) * palm_size
    centre_x = region.centre_x + math.sin(region.lean) * shift
    centre_y = region.centre_y - math.cos(region.lean) * shift
    side = settings.hand_scale * palm_size
    hand = HandBox(centre_x - side / 2, centre_y - side / 2, side, presence, lean=region.lean)
    return hand.checked(presence, settings.hand_present)


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
            raise ValueError("track is outside the picture: x and y from -1 to 2, side above 0 up to 3, angle within 360")
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
    """Return where to look in the next frame: from ``look``'s landmarks when it saw a hand, else ``None``."""
    if look is None or look.presence < settings.hand_present:
        return None
    region = look.next_region()
    return Track.of(region, size) if region.valid_in(size) else None
