"""What recognition hands on: the square cut from each picture, the prepared batch, and the recognition.

Records, one per picture, rather than parallel lists: :class:`Cut` (the hand, the square read and
how it was found), :class:`Prepared` (classifier inputs with their cuts) and :class:`Recognition`
(the blended probabilities and the decisions "no hand" and "unsure", :mod:`recognition.answer`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from recognition.framing import HandBox
from recognition.landmarks import HandLook
from recognition.preprocessing import IMAGE_SIZE
from recognition.settings import Settings


def hand_confirmed(hand: HandBox | None, look: HandLook | None, settings: Settings) -> bool:
    """Return whether a hand model confirms the hand: the hand check of its palm, or the landmark model's look."""
    return (hand is not None and bool(hand.confirmed)) or (look is not None and look.presence >= settings.hand_present)


def confidence_of(probabilities: np.ndarray) -> float:
    """Return the likeliest digit's share of ``probabilities`` (which may not sum to exactly 1)."""
    return float(probabilities.max() / max(float(probabilities.sum()), 1e-12))


@dataclass(frozen=True)
class Cut:
    """One picture's hand (or ``None``), the square the classifier reads, and how that square was found."""

    hand: HandBox | None
    box: tuple[int, int, int, int]  # left, top, right, bottom in the picture's pixels
    size: tuple[int, int]  # the picture's width and height
    look: HandLook | None = None  # what the hand-landmark model saw of the hand
    followed: bool = False  # the hand was followed from a track (no palm detector)
    turn: float = 0.0  # degrees the square is turned (anticlockwise) to stand the hand upright


@dataclass(frozen=True)
class Prepared:
    """Pictures made ready for the classifier: its input squares and, for each, the :class:`Cut` behind it."""

    inputs: np.ndarray  # (N, 224, 224, 3) uint8
    cuts: tuple[Cut, ...]
    localised: bool  # whether hands were looked for (else "no hand" is never said)

    @property
    def hands(self) -> list[HandBox | None]:
        return [cut.hand for cut in self.cuts]

    @property
    def boxes(self) -> list[tuple[int, int, int, int]]:
        return [cut.box for cut in self.cuts]

    @property
    def looks(self) -> list[HandLook | None]:
        return [cut.look for cut in self.cuts]

    @classmethod
    def joined(cls, parts: list[Prepared], localised: bool) -> Prepared:
        """Return ``parts`` (prepared in turn) as one."""
        inputs = (
            np.concatenate([part.inputs for part in parts])
            if parts
            else np.zeros((0, IMAGE_SIZE, IMAGE_SIZE, 3), np.uint8)
        )
        return cls(inputs, tuple(cut for part in parts for cut in part.cuts), localised)


@dataclass(frozen=True)
class Recognition:
    """The classifier's answer for one picture, with the square it read and the hand it found."""

    probabilities: np.ndarray
    cut: Cut
    no_hand: bool = False  # answer "no hand" instead of the digit (never said when the palm detector did not look)
    unsure: bool = False  # the confidence is under the model's "unsure" threshold
    image_probabilities: np.ndarray | None = None  # the MobileNet's own, when geometry was blended in
    geometry_probabilities: np.ndarray | None = None  # the geometry model's, when it read the hand
    square: np.ndarray | None = None  # the classifier's input square (a view), for advice on light and focus

    box = property(lambda self: self.cut.box)
    size = property(lambda self: self.cut.size)
    hand = property(lambda self: self.cut.hand)
    turn = property(lambda self: self.cut.turn)
    look = property(lambda self: self.cut.look)
    followed = property(lambda self: self.cut.followed)

    @property
    def digit(self) -> int:
        return int(np.argmax(self.probabilities))

    @property
    def confidence(self) -> float:
        return confidence_of(self.probabilities)
