"""The one thing to change when an answer is unsure, from the answer's own evidence.

In order: the hand cut off by the picture's edge, a square too dark or too blurred to read, a hand
no hand model confirms, a hand small in the picture, a hand leaning far from upright; else what
tells the two likeliest digits apart (the finger that touches the thumb, the thumb in or out); else
general advice.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from recognition.records import hand_confirmed
from recognition.settings import Settings

if TYPE_CHECKING:
    from recognition.records import Cut

SHIPPED = Settings()  # the served hand_present (MediaPipe's default): the answer carries no settings

THUMB_TOUCHES = {6: "little", 7: "ring", 8: "middle", 9: "index"}
# What tells two digits apart, for the pairs the model confuses (the sign guide says the same).
PAIR_ADVICE = {
    frozenset({2, 3}): "For 3 the thumb stands out; for 2 it holds the other fingers down.",
    frozenset({4, 5}): "For 5 the thumb is open; for 4 it is folded across the palm.",
    frozenset({0, 1}): "For 0 all fingers curve round to meet the thumb; for 1 only the index finger points up.",
    frozenset({1, 9}): (
        "For 1 only the index finger stands; for 9 the index finger touches the thumb and three fingers stand."
    ),
    frozenset({2, 9}): (
        "For 2 two fingers point up in a V; for 9 three fingers stand and the index finger touches the thumb."
    ),
}
GENERAL_ADVICE = "Hold the sign still with the whole hand in view, palm to the camera, and try again."
CUT_OFF = "Show the whole hand: it is cut off at the edge of the picture."
TOO_DARK = "More light, please: the hand is too dark to read."
BLURRED = "Hold still: the hand is blurred."
TOO_SMALL = "Come closer: the hand is small in the picture."
NOT_FOUND = "Hold one hand up, palm to the camera, a third of the picture high: no hand was found surely."
NO_HAND_ADVICE = "Show one hand, palm to the camera, filling about half of the picture."
DARK_NO_HAND = "More light, please: the picture is too dark to find a hand in."
DARKEST = 50.0  # mean brightness (0-255) of the square read, under which it is too dark
SHARPEST_BLUR = 0.006  # Laplacian variance over brightness variance, under which the square is blurred
SMALLEST_SHARE = 0.3  # a hand square under this share of the picture's short side is small
LEAN_DEGREES = 35.0  # a hand leaning more is asked to stand upright
OUTSIDE_SHARE = 0.2  # a hand square this much past an edge is cut off


def square_quality(square: np.ndarray) -> tuple[float, float]:
    """Return the mean brightness (0-255) and the sharpness (Laplacian over brightness variance) of an RGB square."""
    grey = square.astype(np.float32) @ np.array([0.299, 0.587, 0.114], np.float32)
    laplacian = 4 * grey[1:-1, 1:-1] - grey[:-2, 1:-1] - grey[2:, 1:-1] - grey[1:-1, :-2] - grey[1:-1, 2:]
    return float(grey.mean()), float(laplacian.var() / max(float(grey.var()), 1e-3))


def pair_advice(first: int, second: int) -> str:
    """Return what tells ``first`` and ``second`` apart, for someone signing one of them."""
    if first in THUMB_TOUCHES and second in THUMB_TOUCHES:
        return (
            f"Check which finger touches the thumb: the {THUMB_TOUCHES[first]} finger for {first}, "
            f"the {THUMB_TOUCHES[second]} finger for {second}."
        )
    return PAIR_ADVICE.get(frozenset({first, second}), GENERAL_ADVICE)


def cause_of(cut: Cut, square: np.ndarray | None = None) -> str | None:
    """Return what in the picture most likely made the answer unsure, as advice, or ``None`` when nothing shows.

    ``square`` (the classifier's input) is measured for light and focus when given.
    """
    hand, (width, height) = cut.hand, cut.size
    confirmed = hand_confirmed(hand, cut.look, SHIPPED)
    if hand is not None and confirmed:
        past = max(-hand.left, -hand.top, hand.left + hand.side - width, hand.top + hand.side - height)
        if past > OUTSIDE_SHARE * hand.side:
            return CUT_OFF
    if square is not None:
        brightness, sharpness = square_quality(square)
        if brightness < DARKEST:
            return TOO_DARK
        if sharpness < SHARPEST_BLUR:
            return BLURRED
    if not confirmed:
        return NOT_FOUND
    if hand is not None and hand.confirmed:
        if hand.side < SMALLEST_SHARE * min(width, height):
            return TOO_SMALL
        lean = math.degrees(hand.lean)
        if abs(lean) >= LEAN_DEGREES:
            side = "right" if lean > 0 else "left"
            return f"Hold your hand upright: it leans {abs(lean):.0f}° to the {side}."
    return None


def no_hand_advice(square: np.ndarray | None = None) -> str:
    """Return what to change when no hand was found: more light when ``square`` is too dark, else how to show one."""
    if square is not None and square_quality(square)[0] < DARKEST:
        return DARK_NO_HAND
    return NO_HAND_ADVICE


def advice_for(first: int, second: int, cut: Cut | None = None, square: np.ndarray | None = None) -> str:
    """Return the one thing to change: the cause ``cut`` and ``square`` show, else what tells the two digits apart."""
    return (cause_of(cut, square) if cut is not None else None) or pair_advice(first, second)
