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
from recognition.geometry import GeometryModel, blend
from recognition.hands import LARGEST_SQUARE, HandBox, PalmDetector, frame
from recognition.interpreters import Occupancy
from recognition.landmarks import SMALLEST_REGION, HandLook, LandmarkModel
from recognition.model_files import ModelFiles
from recognition.paths import CHECKER_PATH, DETECTOR_PATH
from recognition.preprocessing import center_square, to_model_input
from recognition.settings import Settings
from recognition.tracking import Track, hand_for_look, region_for_hand


def says_no_hand(hand: HandBox | None, confidence: float, settings: Settings, look: HandLook | None = None) -> bool:
    """Return whether the picture should be answered "no hand" from the hand found, its look and the confidence.

    Never for a hand confirmed by the hand check or by the landmark model's look at its region.
    Else "no hand" when the landmark model looked and scarcely saw a hand (the higher of the check's
    and the look's presence under ``no_hand_presence``) while the classifier is under
    ``no_hand_presence_confidence``; or when no palm was found, or only a faint one, while the
    classifier is under ``no_hand_confidence`` (thresholds chosen on validation by bench/no_hand.py).
    """
    if (hand is not None and hand.confirmed) or (look is not None and look.presence >= settings.hand_present):
        return False
    presences = [
        p for p in (None if hand is None else hand.presence, None if look is None else look.presence) if p is not None
    ]
    if presences and max(presences) < settings.no_hand_presence and confidence < settings.no_hand_presence_confidence:
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
    looks: list[HandLook | None] = field(default_factory=list)  # what the hand-landmark model saw of each hand
    followed: list[bool] = field(default_factory=list)  # whether each hand was followed from a track (no palm detector)


@dataclass(frozen=True)
class Located:
    """One picture's hand (or ``None``), the square to classify, the landmark model's look, whether followed."""

    hand: HandBox | None
    box: tuple[int, int, int, int]
    look: HandLook | None
    followed: bool


@dataclass(frozen=True)
class Recognition:
    """The classifier's answer for one picture, with the square it read and the hand it found."""

    probabilities: np.ndarray
    box: tuple[int, int, int, int]  # left, top, right, bottom in the picture's pixels
    size: tuple[int, int]  # the picture's width and height
    hand: HandBox | None
    no_hand: bool = False  # answer "no hand" instead of the digit (never said when the palm detector did not look)
    turn: float = 0.0  # degrees the square was turned (anticlockwise) to stand the hand upright before reading
    look: HandLook | None = None  # the hand's landmarks, when the landmark model looked
    image_probabilities: np.ndarray | None = None  # the MobileNet's own, when geometry was blended in
    geometry_probabilities: np.ndarray | None = None  # the geometry model's, when it read the hand
    followed: bool = False  # the hand was followed from the client's track, without the palm detector

    @property
    def digit(self) -> int:
        return int(np.argmax(self.probabilities))

    @property
    def confidence(self) -> float:
        return float(self.probabilities[self.digit] / max(float(self.probabilities.sum()), 1e-12))


class Recogniser:
    """Classify RGB pictures, localising the hand first when a detector is given."""

    def __init__(
        self,
        predictor: Predictor,
        detector: PalmDetector | None = None,
        settings: Settings | None = None,
        landmarks: LandmarkModel | None = None,
        geometry: GeometryModel | None = None,
    ) -> None:
        self.predictor = predictor
        self.detector = detector
        self.landmarks = landmarks
        self.geometry = geometry
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

    def look(self, picture: Image.Image, hand: HandBox | None, alone: bool = True) -> HandLook | None:
        """Return the landmark model's look at ``hand`` in RGB ``picture``, or ``None`` without a hand or a landmark
        model."""
        if self.landmarks is None or hand is None:
            return None
        region = region_for_hand(hand, self.settings)
        return self.landmarks.look(picture, region, alone) if region.valid_in(picture.size) else None

    def follow(self, picture: Image.Image, track: Track | None, alone: bool = True) -> Located | None:
        """Return the hand found where ``track`` says to look in RGB ``picture`` by the landmark model alone, or
        ``None``."""
        if self.landmarks is None or track is None:
            return None
        region = track.region(picture.size)
        if not region.valid_in(picture.size):
            return None
        look = self.landmarks.look(picture, region, alone)
        return self.seen(picture.size, look, self.settings.hand_present, followed=True)

    def seen(
        self, size: tuple[int, int], look: HandLook | None, least_presence: float, followed: bool
    ) -> Located | None:
        """Return the hand ``look`` implies in a ``size`` picture when it sees one at least ``least_presence`` surely,
        else ``None``."""
        if look is None or look.presence < least_presence:
            return None
        hand = hand_for_look(look, self.settings)
        if not SMALLEST_REGION <= hand.side <= LARGEST_SQUARE * min(size):
            return None
        return Located(hand, frame(size, hand, self.settings.zoom_below, self.settings.zoom_min_score), look, followed)

    def find(self, picture: Image.Image, alone: bool = True, track: Track | None = None) -> Located:
        """Return the hand of RGB ``picture``: followed from ``track`` when it is still there, else searched for.

        A searched hand's square is the one its landmarks imply when the look at it reaches
        ``square_from_look`` presence (as for a followed hand), else the palm detector's.
        """
        followed = self.follow(picture, track, alone)
        if followed is not None:
            return followed
        hand, box = self.locate(picture, alone)
        look = self.look(picture, hand, alone)
        return self.seen(picture.size, look, self.settings.square_from_look, followed=False) or Located(
            hand, box, look, False
        )

    def prepare(
        self, pictures: list[Image.Image], alone: bool = True, tracks: list[Track | None] | None = None
    ) -> Prepared:
        """Find the hand in each RGB picture and cut the squares the classifier reads (upright where it leans)."""
        found = [
            self.find(picture, alone, track)
            for picture, track in zip(pictures, tracks or [None] * len(pictures), strict=True)
        ]
        turns = [self.turn_for(f.hand, picture.size) for picture, f in zip(pictures, found, strict=True)]
        inputs = np.stack(
            [to_model_input(picture, f.box, turn=turn) for picture, f, turn in zip(pictures, found, turns, strict=True)]
        )
        return Prepared(
            inputs,
            [f.hand for f in found],
            [f.box for f in found],
            [p.size for p in pictures],
            self.detector is not None,
            turns,
            [f.look for f in found],
            [f.followed for f in found],
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
        looks = prepared.looks or [None] * len(prepared.boxes)
        followed = prepared.followed or [False] * len(prepared.boxes)
        shapes = self.read_shapes(looks)
        for row, hand, box, size, turn, look, shape, was_followed in zip(
            probabilities, prepared.hands, prepared.boxes, prepared.sizes, turns, looks, shapes, followed, strict=True
        ):
            recognition = Recognition(
                blend(row, shape, self.settings.geometry_weight),
                box,
                size,
                hand,
                turn=turn,
                look=look,
                image_probabilities=None if shape is None else row,
                geometry_probabilities=shape,
                followed=was_followed,
            )
            if prepared.localised and says_no_hand(hand, recognition.confidence, self.settings, look):
                recognition = replace(recognition, no_hand=True)
            recognitions.append(recognition)
        return recognitions

    def read_shapes(self, looks: list[HandLook | None]) -> list[np.ndarray | None]:
        """Return the geometry model's probabilities for each look that sees a hand surely enough (else ``None``)."""
        if self.geometry is None:
            return [None] * len(looks)
        seen = [
            i for i, look in enumerate(looks) if look is not None and look.presence >= self.settings.geometry_presence
        ]
        shapes: list[np.ndarray | None] = [None] * len(looks)
        if seen:
            for i, row in zip(seen, self.geometry.predict(np.stack([looks[i].features() for i in seen])), strict=True):
                shapes[i] = row
        return shapes

    def recognise(self, pictures: list[Image.Image], tracks: list[Track | None] | None = None) -> list[Recognition]:
        """Return one :class:`Recognition` per RGB picture (with every inference thread if no other is running).

        ``tracks`` (one per picture, or ``None``) say where each hand was in the previous frame.
        """
        with self.occupancy.entered() as alone:
            return self.classify(self.prepare(pictures, alone, tracks), alone)


def load_recogniser(
    model_path: str | Path, backend: str = "auto", threads: int = 1, localise: bool = True
) -> Recogniser:
    """Load the classifier, its settings and (when ``localise``) the hand models once, for a process to share.

    The hand models are the palm detector with its hand check, the landmark model, and the geometry
    model saved beside the .h5 (when there is one).
    """
    files = ModelFiles.from_h5(model_path)
    settings = Settings.for_model(files)
    predictor = load_predictor(files, backend, threads)
    if not localise:
        return Recogniser(predictor, None, settings)
    detector = PalmDetector(DETECTOR_PATH, threads, settings=settings)
    geometry = GeometryModel.load(files.geometry) if files.geometry.is_file() else None
    return Recogniser(predictor, detector, settings, LandmarkModel(CHECKER_PATH, threads), geometry)
