"""Frame a hand: every conversion between palm, landmark region, hand square and picture, and the square read.

One hand has four shapes here, all in the picture's pixels unless said otherwise:

- the **palm** the palm detector finds (:mod:`recognition.palms`, detector units);
- the **hand square** (:class:`HandBox`): ``hand_scale`` palm sizes, moved ``finger_shift`` palm
  sizes towards the fingers, leaning as the hand does (:func:`hand_square`, :func:`box_of_palm`);
- the **region** the hand-landmark model looks at (:class:`Region`): MediaPipe's own framing of a
  palm, 2.6 palm sizes turned upright (:func:`region_of`, :func:`region_for_hand`);
- the **square read** by the classifier, (left, top, right, bottom) inside the picture
  (:func:`frame`, :func:`center_square`), and its corners as drawn back (:func:`square_corners`).

From landmarks the hand square is framed as the palm detector would frame it
(:func:`hand_for_look`), so a hand followed from frame to frame is read as a searched one.
Pure arithmetic: no model runs here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from recognition.settings import Settings

if TYPE_CHECKING:
    from recognition.landmarks import HandLook

LARGEST_SQUARE = 3.0  # a square over this many times the picture's short side holds no hand (validation: under 2.1)
SMALLEST_REGION = 8.0  # pixels; a smaller region shows no hand
PALM_TO_REGION = 2.6  # MediaPipe's palm rect -> hand rect: scale
PALM_SHIFT = 0.5  # ... and shift towards the fingers, in palm sizes
# The palm detector's palm, seen from the landmarks: as large as the wrist-to-middle-finger-base
# distance, centred 0.47 of it from the wrist (medians over 477 validation pictures, photos and
# kiosk-like frames; the middle half of the sizes lies within 4%).
PALM_PER_WRIST_TO_MIDDLE = 1.0
PALM_CENTRE_ALONG = 0.47
WRIST, MIDDLE_BASE = 0, 9  # the landmarks that give a hand's direction and size
Box = tuple[int, int, int, int]  # left, top, right, bottom in a picture's pixels


@dataclass(frozen=True)
class HandBox:
    """A square around the hand in the picture's pixels (it may reach past the edges), and the palm score."""

    left: float
    top: float
    side: float
    score: float
    presence: float | None = None  # the hand-landmark model's hand-presence score on the square; None if unchecked
    confirmed: bool = False  # whether that score says the square holds a hand
    lean: float = 0.0  # radians from upright (wrist to middle finger pointing up), clockwise positive

    @property
    def centre(self) -> tuple[float, float]:
        return self.left + self.side / 2, self.top + self.side / 2

    def checked(self, presence: float, present_from: float) -> HandBox:
        """Return this square with its hand-presence score, confirmed when the score reaches ``present_from``."""
        return replace(self, presence=presence, confirmed=presence >= present_from)

    def moved(self, left: float, top: float) -> HandBox:
        """Return this square moved by (``left``, ``top``) pixels: from a part of a picture to the whole."""
        return replace(self, left=self.left + left, top=self.top + top)

    def clamped(self, width: int, height: int) -> Box:
        """Return the square as an integer (left, top, right, bottom) box moved and shrunk into the picture."""
        side = round(min(self.side, width, height))
        centre_x, centre_y = self.centre
        left = round(np.clip(centre_x - side / 2, 0, width - side))
        top = round(np.clip(centre_y - side / 2, 0, height - side))
        return left, top, left + side, top + side

    def around(self, side: float, width: int, height: int) -> Box:
        """Return a square of ``side`` pixels centred on this hand, as :meth:`clamped` puts it in the picture."""
        centre_x, centre_y = self.centre
        return HandBox(centre_x - side / 2, centre_y - side / 2, side, self.score).clamped(width, height)


@dataclass(frozen=True)
class Region:
    """A square of a picture turned with the hand: centre and side in pixels, lean in radians (clockwise from up)."""

    centre_x: float
    centre_y: float
    side: float
    lean: float

    def valid_in(self, size: tuple[int, int]) -> bool:
        """Return whether this region is finite and from 8 pixels to LARGEST_SQUARE short sides of a ``size``
        picture."""
        values = (self.centre_x, self.centre_y, self.side, self.lean)
        return bool(np.isfinite(values).all()) and SMALLEST_REGION <= self.side <= LARGEST_SQUARE * min(size)

    def to_picture(self, points: np.ndarray, size: int) -> np.ndarray:
        """Return (x, y) ``points`` of the ``size`` square cut from this region in the picture's pixels."""
        scale = self.side / size
        cos, sin = math.cos(self.lean), math.sin(self.lean)
        a = points[:, 0] * scale - self.side / 2
        b = points[:, 1] * scale - self.side / 2
        return np.stack([self.centre_x + a * cos - b * sin, self.centre_y + a * sin + b * cos], axis=1)


def hand_square(
    palm: np.ndarray, hand_scale: float = 4.0, finger_shift: float = 0.45
) -> tuple[float, float, float, float]:
    """Return the centre x, y and side (detector units) of the square framing the hand of ``palm``, and its lean.

    The side is ``hand_scale`` palm sizes (the hand fills about half of it); the centre moves
    ``finger_shift`` palm sizes from the wrist towards the fingers. The lean is the angle (radians)
    of the wrist-to-middle-finger line from straight up, clockwise positive, as seen in the picture.
    """
    cx, cy, width, height, wrist_x, wrist_y, middle_x, middle_y = palm
    palm_size = max(width, height)
    direction = np.array([middle_x - wrist_x, middle_y - wrist_y])
    norm = float(np.hypot(*direction))
    unit = direction / norm if norm > 1e-6 else np.array([0.0, -1.0])
    return (
        float(cx + unit[0] * finger_shift * palm_size),
        float(cy + unit[1] * finger_shift * palm_size),
        float(hand_scale * palm_size),
        float(np.arctan2(unit[0], -unit[1])),
    )


def box_of_palm(
    palm: np.ndarray, score: float, detector_size: int, letterbox: tuple[float, float, float], settings: Settings
) -> HandBox | None:
    """Return the hand square of a ``palm`` found in a picture letterboxed by (scale, offset x, offset y), or None."""
    scale, offset_x, offset_y = letterbox
    centre_x, centre_y, side, lean = hand_square(palm, settings.hand_scale, settings.finger_shift)
    side_px = side * detector_size / scale
    left = (centre_x * detector_size - offset_x) / scale - side_px / 2
    top = (centre_y * detector_size - offset_y) / scale - side_px / 2
    if not (np.isfinite([left, top, side_px]).all() and side_px > 0):
        return None
    return HandBox(float(left), float(top), float(side_px), score, lean=lean)


def region_of(centre_x: float, centre_y: float, palm_size: float, lean: float) -> Region:
    """Return MediaPipe's hand region for a palm of ``palm_size`` pixels centred at (``centre_x``, ``centre_y``)."""
    shift = PALM_SHIFT * palm_size
    return Region(
        centre_x + math.sin(lean) * shift, centre_y - math.cos(lean) * shift, PALM_TO_REGION * palm_size, lean
    )


def region_for_hand(hand: HandBox, settings: Settings) -> Region:
    """Return MediaPipe's landmark region for the palm behind ``hand``'s square."""
    palm_size = hand.side / settings.hand_scale
    shift = settings.finger_shift * palm_size
    centre_x, centre_y = hand.centre
    return region_of(
        centre_x - math.sin(hand.lean) * shift, centre_y + math.cos(hand.lean) * shift, palm_size, hand.lean
    )


def hand_for_look(look: HandLook, settings: Settings) -> HandBox:
    """Return the hand square, as the palm detector would frame it, from ``look``'s landmarks; confirmed by its
    presence."""
    wrist, middle = look.points[WRIST, :2], look.points[MIDDLE_BASE, :2]
    length = float(np.hypot(*(middle - wrist)))
    unit = (middle - wrist) / max(length, 1e-6)
    palm_size = PALM_PER_WRIST_TO_MIDDLE * length
    centre = wrist + unit * (PALM_CENTRE_ALONG * length + settings.finger_shift * palm_size)
    side = settings.hand_scale * palm_size
    lean = math.atan2(unit[0], -unit[1])
    hand = HandBox(float(centre[0] - side / 2), float(centre[1] - side / 2), side, look.presence, lean=lean)
    return hand.checked(look.presence, settings.hand_present)


def square_from_look(size: tuple[int, int], look: HandLook, settings: Settings) -> tuple[HandBox, Box] | None:
    """Return the hand square ``look``'s landmarks imply in a ``size`` picture and the square read, or None."""
    hand = hand_for_look(look, settings)
    if not SMALLEST_REGION <= hand.side <= LARGEST_SQUARE * min(size):
        return None
    return hand, frame(size, hand, settings.zoom_below, settings.zoom_min_score)


def frame(
    size: tuple[int, int],
    hand: HandBox | None,
    zoom_below: float = Settings.zoom_below,
    zoom_min_score: float = Settings.zoom_min_score,
) -> Box:
    """Return the square (left, top, right, bottom) of a ``(width, height)`` picture the classifier should read.

    The hand's own square when the hand is confirmed or its palm scores ``zoom_min_score`` and the
    square is under ``zoom_below`` of the short side; else the largest square centred on the hand
    (a doubtful palm box may be a part of the hand); the centre square without a hand.
    """
    width, height = size
    if hand is None:
        return center_square(size)
    side = float(min(width, height))
    if (hand.confirmed or hand.score >= zoom_min_score) and hand.side < zoom_below * side:
        side = max(hand.side, 8.0)
    return hand.around(side, width, height)


def center_square(size: tuple[int, int]) -> Box:
    """Return the largest centred square of a ``(width, height)`` picture as (left, top, right, bottom)."""
    width, height = size
    side = min(width, height)
    left = (width - side) // 2
    top = (height - side) // 2
    return left, top, left + side, top + side


def square_tiles(width: int, height: int, aspect: float = Settings.look_again_aspect) -> list[tuple[int, int, int]]:
    """Return (left, top, side) of the squares of the short side at the start, middle and end of the long side.

    No squares for a picture closer to square than ``aspect``: it is its own square.
    """
    short, long = min(width, height), max(width, height)
    if long < aspect * short:
        return []
    offsets = sorted({0, (long - short) // 2, long - short})
    return [(offset, 0, short) if width >= height else (0, offset, short) for offset in offsets]


def square_corners(box: Box, turn: float) -> list[tuple[float, float]]:
    """Return the corners of ``box`` read turned ``turn`` degrees anticlockwise, in the picture's pixels.

    The picture was turned anticlockwise to stand the hand upright, so the square read lies clockwise.
    """
    left, top, right, bottom = box
    centre_x, centre_y, half = (left + right) / 2, (top + bottom) / 2, (right - left) / 2
    cos, sin = math.cos(math.radians(turn)), math.sin(math.radians(turn))
    return [
        (centre_x + dx * cos - dy * sin, centre_y + dx * sin + dy * cos)
        for dx, dy in ((-half, -half), (half, -half), (half, half), (-half, half))
    ]


def upright_turn(hand: HandBox | None, size: tuple[int, int], settings: Settings) -> float:
    """Return the degrees to turn ``hand``'s square of a ``size`` picture so the hand stands upright (0: as it is).

    Only a hand read from its own square (confirmed, or a certain palm) is turned, and only when
    it leans at least ``upright_from_degrees`` and fills at least ``upright_min_share`` of the long side.
    """
    if hand is None or not (hand.confirmed or hand.score >= settings.zoom_min_score):
        return 0.0
    if hand.side < settings.upright_min_share * max(size):
        return 0.0
    degrees = math.degrees(hand.lean)
    return degrees if abs(degrees) >= settings.upright_from_degrees else 0.0
