"""Recognise the digit in a picture: find the hand, frame it, classify it, and say when there is no hand.

One :class:`Recogniser` serves the web app and scores the evaluation, so what is measured is
what is served. No TensorFlow here unless the Keras backend is chosen.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
from PIL import Image

from recognition.backends import Predictor, load_predictor, predict_side_by_side
from recognition.hands import HandBox, PalmDetector, frame
from recognition.interpreters import Occupancy
from recognition.model_files import ModelFiles
from recognition.paths import DETECTOR_PATH
from recognition.preprocessing import center_square, to_model_input
from recognition.settings import Settings


def says_no_hand(hand: HandBox | None, confidence: float, settings: Settings) -> bool:
    """Return whether the picture should be answered "no hand" from the hand found and the confidence.

    Never for a confirmed hand; else when the hand-landmark model looked and scarcely saw a hand
    (presence under ``no_hand_presence``), or when no palm was found, or only a faint one, while the
    classifier is unsure too (the thresholds are chosen on validation by bench/no_hand.py).
    """
    if hand is not None and hand.confirmed:
        return False
    if hand is not None and hand.presence is not None and hand.presence < settings.no_hand_presence:
        return True
    score = 0.0 if hand is None else hand.score
    return score < settings.no_hand_score and confidence < settings.no_hand_confidence


@dataclass(frozen=True)
class Prepared:
    """Pictures made ready for the classifier: its input squares, and the hands and boxes behind them."""

    inputs: np.ndarray  # (N, 224, 224, 3) uint8
    hands: list[HandBox | None]
    boxes: list[tuple[int, int, int, int]]
    sizes: list[tuple[int, int]]
    localised: bool
    turns: list[float] = field(default_factory=list)  # degrees each square was turned to stand the hand upright


@dataclass(frozen=True)
class Recognition:
    """The classifier's answer for one picture, with the square it read and the hand it found."""

    probabilities: np.ndarray
    box: tuple[int, int, int, int]  # left, top, right, bottom in the picture's pixels
    size: tuple[int, int]  # the picture's width and height
    hand: HandBox | None
    no_hand: bool = False  # answer "no hand" instead of the digit (never said when the palm detector did not look)
    turn: float = 0.0  # degrees the square was turned (anticlockwise) to stand the hand upright before reading

    @property
    def digit(self) -> int:
        return int(np.argmax(self.probabilities))

    @property
    def confidence(self) -> float:
        return float(self.probabilities[self.digit] / max(float(self.probabilities.sum()), 1e-12))


class Recogniser:
    """Classify RGB pictures, localising the hand first when a detector is given."""

    def __init__(self, predictor: Predictor, detector: PalmDetector | None = None, settings: Settings | None = None) -> None:
        self.predictor = predictor
        self.detector = detector
        self.settings = settings or (detector.settings if detector is not None else Settings())
        self.occupancy = Occupancy()  # a recognition alone in the process may use every inference thread

    @property
    def backend(self) -> str:
        return self.predictor.backend

    def locate(self, picture: Image.Image, alone: bool = True) -> tuple[HandBox | None, tuple[int, int, int, int]]:
        """Return the hand found in RGB ``picture`` (or ``None``) and the square to classify."""
        if self.detector is None:
            return None, center_square(picture.size)
        hand = self.detector.locate(picture, alone)
        return hand, frame(picture.size, hand, self.settings.zoom_below, self.settings.zoom_min_score)

    def turn_for(self, hand: HandBox | None, size: tuple[int, int]) -> float:
        """Return the degrees to turn ``hand``'s square of a ``size`` picture so the hand stands upright (0: as it is).

        Only a hand read from its own square (confirmed, or a certain palm) is turned, and only when
        it leans at least ``upright_from_degrees`` and fills at least ``upright_min_share`` of the long side.
        """
        if hand is None or not (hand.confirmed or hand.score >= self.settings.zoom_min_score):
            return 0.0
        if hand.side < self.settings.upright_min_share * max(size):
            return 0.0
        degrees = math.degrees(hand.lean)
        return degrees if abs(degrees) >= self.settings.upright_from_degrees else 0.0

    def prepare(self, pictures: list[Image.Image], alone: bool = True) -> Prepared:
        """Locate the hand in each RGB picture and cut the squares the classifier reads (turned upright where it leans)."""
        located = [self.locate(picture, alone) for picture in pictures]
        turns = [self.turn_for(hand, picture.size) for picture, (hand, _box) in zip(pictures, located, strict=True)]
        inputs = np.stack(
            [to_model_input(picture, box, turn=turn) for picture, (_hand, box), turn in zip(pictures, located, turns, strict=True)]
        )
        return Prepared(
            inputs,
            [hand for hand, _ in located],
            [box for _, box in located],
            [p.size for p in pictures],
            self.detector is not None,
            turns,
        )

    def classify(self, prepared: Prepared, alone: bool = True, workers: int = 1) -> list[Recognition]:
        """Classify prepared squares (the same squares may be classified by several backends).

        ``workers`` > 1 spreads them over the predictor's one-thread copies (offline work only).
        """
        if workers > 1:
            probabilities = predict_side_by_side(self.predictor, prepared.inputs, workers)
        else:
            probabilities = self.predictor.predict(prepared.inputs, alone)
        recognitions = []
        turns = prepared.turns or [0.0] * len(prepared.boxes)
        for row, hand, box, size, turn in zip(probabilities, prepared.hands, prepared.boxes, prepared.sizes, turns, strict=True):
            recognition = Recognition(row, box, size, hand, turn=turn)
            if prepared.localised and says_no_hand(hand, recognition.confidence, self.settings):
                recognition = replace(recognition, no_hand=True)
            recognitions.append(recognition)
        return recognitions

    def recognise(self, pictures: list[Image.Image]) -> list[Recognition]:
        """Return one :class:`Recognition` per RGB picture (with every inference thread if no other is running)."""
        with self.occupancy.entered() as alone:
            return self.classify(self.prepare(pictures, alone), alone)


def load_recogniser(model_path: str | Path, backend: str = "auto", threads: int = 1, localise: bool = True) -> Recogniser:
    """Load the classifier, its settings and (when ``localise``) the palm detector once, for a process to share."""
    files = ModelFiles.from_h5(model_path)
    settings = Settings.for_model(files)
    predictor = load_predictor(files, backend, threads)
    detector = PalmDetector(DETECTOR_PATH, threads, settings=settings) if localise else None
    return Recogniser(predictor, detector, settings)
