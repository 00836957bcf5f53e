"""Decide what a recognition is answered: a digit, "unsure", or "no hand", in words with advice.

This is the one place that compares a confidence with the model's "unsure" threshold
(:func:`is_unsure`) and decides "no hand" (:func:`says_no_hand`); a digit is never answered surely of a
hand no hand model confirms (:func:`recognition.records.hand_confirmed`, the one test of it). The web app,
evaluation, the benches and the kiosk (through the JSON answer) all read these decisions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from recognition.advice import NO_HAND_ADVICE, advice_for, no_hand_advice
from recognition.preprocessing import CLASS_NAMES
from recognition.records import hand_confirmed
from recognition.settings import Settings

if TYPE_CHECKING:
    from recognition.framing import HandBox
    from recognition.landmarks import HandLook
    from recognition.recogniser import Recognition

NO_HAND_MESSAGE = "No hand found — show one hand, palm to the camera."


def is_unsure(confidence: float | np.ndarray, unsure_below: float) -> bool | np.ndarray:
    """Return whether ``confidence`` (one value or an array) is too low to answer surely."""
    result = np.less(confidence, unsure_below)
    return bool(result) if result.ndim == 0 else result


def says_no_hand(hand: HandBox | None, confidence: float, settings: Settings, look: HandLook | None = None) -> bool:
    """Return whether the picture should be answered "no hand" from the hand found, its look and the confidence.

    Never for a hand confirmed by the hand check or by the landmark model's look at its region.
    Else "no hand" when the landmark model looked and scarcely saw a hand (the higher presence under
    ``no_hand_presence``) while the classifier is under ``no_hand_presence_confidence``; or when no palm
    was found, or only a faint one, while the classifier is under ``no_hand_confidence`` (thresholds
    chosen on validation by tuning/no_hand.py).
    """
    if hand_confirmed(hand, look, settings):
        return False
    checked = (None if hand is None else hand.presence, None if look is None else look.presence)
    presences = [p for p in checked if p is not None]
    if presences and max(presences) < settings.no_hand_presence and confidence < settings.no_hand_presence_confidence:
        return True
    score = 0.0 if hand is None else hand.score
    return score < settings.no_hand_score and confidence < settings.no_hand_confidence


def advice_of(recognition: Recognition, digit: int, second: int) -> str:
    """Return the one thing to change: for "no hand", more light or how to show a hand; when unsure, the cause the
    picture shows or what tells ``digit`` and ``second`` apart; else the pair's advice.

    The picture is measured only when the advice will be said (measuring the square costs a little).
    """
    if recognition.no_hand:
        return no_hand_advice(recognition.square)
    if recognition.unsure:
        return advice_for(digit, second, recognition.cut, recognition.square)
    return advice_for(digit, second)


@dataclass(frozen=True)
class Answer:
    """What one picture is answered: the digit, how sure, the runner-up and what tells them apart."""

    digit: int
    confidence: float
    probabilities: tuple[float, ...]  # normalised to sum to 1, rounded to 6 places
    unsure: bool
    no_hand: bool
    second: int  # the second likeliest digit
    advice: str  # the one thing to change: the cause the picture shows, else what tells the two apart

    @classmethod
    def of(cls, recognition: Recognition) -> Answer:
        """Return the answer to ``recognition`` (its ``unsure`` and ``no_hand`` were decided when it was made)."""
        total = float(recognition.probabilities.sum()) or 1.0
        probabilities = tuple(round(float(p) / total, 6) for p in recognition.probabilities)
        digit = recognition.digit
        second = sorted(range(len(probabilities)), key=lambda index: -probabilities[index])[1]
        return cls(
            digit,
            probabilities[digit],
            probabilities,
            recognition.unsure,
            recognition.no_hand,
            second,
            advice_of(recognition, digit, second),
        )

    @property
    def message(self) -> str:
        """Return the answer in words, as people read it."""
        if self.no_hand:
            if self.advice == NO_HAND_ADVICE:
                return NO_HAND_MESSAGE
            return f"No hand found — {self.advice[:1].lower()}{self.advice[1:]}"
        if self.unsure:
            return (
                f"Not sure: {CLASS_NAMES[self.digit]} or {CLASS_NAMES[self.second]}? "
                f"({self.confidence * 100:.0f}% and {self.probabilities[self.second] * 100:.0f}%) {self.advice}"
            )
        return f"Digit {CLASS_NAMES[self.digit]}, {self.confidence * 100:.0f}% sure."
