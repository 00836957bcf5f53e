"""Recognise the digit in a picture: find the hand, frame it, classify it, and say when there is no hand.

One :class:`Recogniser` serves the web app and scores the evaluation, so what is measured is
what is served. No TensorFlow here unless the Keras backend is chosen.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
from PIL import Image

from recognition.answer import hand_confirmed, is_unsure, says_no_hand
from recognition.backends import Predictor, load_predictor, predict_side_by_side
from recognition.framing import HandBox, center_square, frame, region_for_hand, square_from_look, upright_turn
from recognition.geometry import GeometryModel, blend, tempered
from recognition.hands import PalmDetector
from recognition.interpreters import Occupancy
from recognition.landmarks import HandLook, LandmarkModel
from recognition.model_files import ModelFiles
from recognition.paths import CHECKER_PATH, DETECTOR_PATH
from recognition.preprocessing import to_model_input
from recognition.records import Cut, Prepared, Recognition, confidence_of
from recognition.settings import Settings
from recognition.sweep import fine_search, needs_sweep, sweep
from recognition.tracking import Track


class Recogniser:
    """Classify RGB pictures, localising the hand first when a detector is given.

    Build one with :meth:`from_model` (a saved model) or :meth:`around` (a predictor in hand); both
    load the hand models once. :meth:`with_settings`, :meth:`with_predictor` and :meth:`with_geometry`
    give recognisers that share those models with other settings, classifier or geometry model.
    """

    def __init__(
        self,
        predictor: Predictor | None,
        settings: Settings,
        detector: PalmDetector | None = None,
        landmarks: LandmarkModel | None = None,
        geometry: GeometryModel | None = None,
    ) -> None:
        self.predictor = predictor
        self.settings = settings
        self.detector = detector
        self.landmarks = landmarks
        self.geometry = geometry
        self.occupancy = Occupancy()  # a recognition alone in the process may use every inference thread

    @classmethod
    def from_model(
        cls,
        model_path: str | Path,
        backend: str = "auto",
        threads: int = 1,
        localise: bool = True,
        copies: int = 1,
        check_hands: bool = True,
        **overrides: float | int,
    ) -> Recogniser:
        """Load the model's classifier, its settings (with ``overrides``), geometry and the hand models.

        ``copies`` one-thread copies of each model may run side by side (offline work: one per core);
        ``check_hands=False`` keeps palms unchecked by the landmark model (as before the hand check).
        """
        files = ModelFiles.from_h5(model_path)
        settings = Settings.for_model(files).with_values(**overrides)
        predictor = load_predictor(files, backend, threads, copies=copies)
        geometry = GeometryModel.load(files.geometry) if files.geometry.is_file() else None
        return cls.around(predictor, settings, threads, localise, copies, check_hands, geometry)

    @classmethod
    def around(
        cls,
        predictor: Predictor | None,
        settings: Settings | None = None,
        threads: int = 1,
        localise: bool = True,
        copies: int = 1,
        check_hands: bool = True,
        geometry: GeometryModel | None = None,
    ) -> Recogniser:
        """Return a recogniser of ``predictor`` (``None``: locate only) with the hand models loaded once."""
        settings = settings or Settings()
        if not localise:
            return cls(predictor, settings)
        landmarks = LandmarkModel(CHECKER_PATH, threads, copies)
        detector = PalmDetector(DETECTOR_PATH, threads, copies, checker=landmarks if check_hands else None)
        return cls(predictor, settings, detector, landmarks, geometry)

    def with_settings(self, **values: float | int) -> Recogniser:
        """Return a recogniser sharing these models, with these settings but ``values``."""
        settings = self.settings.with_values(**values)
        return Recogniser(self.predictor, settings, self.detector, self.landmarks, self.geometry)

    def with_predictor(self, predictor: Predictor) -> Recogniser:
        """Return a recogniser sharing these hand models, geometry and settings with another classifier."""
        return Recogniser(predictor, self.settings, self.detector, self.landmarks, self.geometry)

    def with_geometry(self, geometry: GeometryModel | None) -> Recogniser:
        """Return a recogniser sharing these models and settings with another geometry model (or none)."""
        return Recogniser(self.predictor, self.settings, self.detector, self.landmarks, geometry)

    @property
    def backend(self) -> str:
        return "none" if self.predictor is None else self.predictor.backend

    def locate(self, picture: Image.Image) -> tuple[HandBox | None, tuple[int, int, int, int]]:
        """Return the hand found in RGB ``picture`` (or ``None``) and the square to classify."""
        if self.detector is None:
            return None, center_square(picture.size)
        hand = self.detector.locate(picture, self.settings)
        return hand, frame(picture.size, hand, self.settings.zoom_below, self.settings.zoom_min_score)

    def look(self, picture: Image.Image, hand: HandBox | None) -> HandLook | None:
        """Return the landmark model's look at ``hand`` in RGB ``picture`` (``None`` without a hand or the model)."""
        if self.landmarks is None or hand is None:
            return None
        region = region_for_hand(hand, self.settings)
        return self.landmarks.look(picture, region) if region.valid_in(picture.size) else None

    def follow(self, picture: Image.Image, track: Track | None) -> Cut | None:
        """Return the hand the landmark model alone finds where ``track`` says in RGB ``picture``, or ``None``."""
        if self.landmarks is None or track is None:
            return None
        region = track.region(picture.size)
        if not region.valid_in(picture.size):
            return None
        look = self.landmarks.look(picture, region)
        if look.presence < self.settings.hand_present:
            return None
        framed = square_from_look(picture.size, look, self.settings)
        return None if framed is None else Cut(*framed, picture.size, look, followed=True)

    def find(
        self, picture: Image.Image, track: Track | None = None, live: bool = False, frame: int | None = None
    ) -> Cut:
        """Return the hand of RGB ``picture`` and its square: followed from ``track`` if still there, else searched.

        A ``live`` frame (of video, where the next frame comes soon) is not searched closer for a small hand;
        a numbered live one (``frame``) is swept at one region only, its turn's (:func:`recognition.sweep.sweep`).
        """
        cut = self.follow(picture, track)
        if cut is None:
            hand, box = self.locate(picture)
            cut = self.swept(picture, Cut(hand, box, picture.size, self.look(picture, hand)), not live, frame)
        return replace(cut, turn=upright_turn(cut.hand, picture.size, self.settings))

    def swept(self, picture: Image.Image, cut: Cut, closer: bool = True, frame_number: int | None = None) -> Cut:
        """Return ``cut``, or the hand the landmark model sweeps up (a live frame: at ``frame_number``'s turn) when
        the search saw none surely enough, or else (``closer``) the hand the fine search finds if none is confirmed."""
        settings = self.settings
        if self.landmarks is None:
            return cut
        if needs_sweep(cut.look, settings):
            look = sweep(self.landmarks, picture, settings, frame_number)
            framed = None if look is None else square_from_look(picture.size, look, settings)
            if framed is not None:
                return Cut(*framed, picture.size, look)
        if (
            not closer
            or settings.fine_share <= 0
            or self.detector is None
            or hand_confirmed(cut.hand, cut.look, settings)
        ):
            return cut
        hand = fine_search(self.detector, picture, settings)
        if hand is None:
            return cut
        box = frame(picture.size, hand, settings.zoom_below, settings.zoom_min_score)
        return Cut(hand, box, picture.size, self.look(picture, hand))

    def prepare(
        self,
        pictures: list[Image.Image],
        tracks: list[Track | None] | None = None,
        live: bool = False,
        frame: int | None = None,
    ) -> Prepared:
        """Find the hand in each RGB picture and cut the squares the classifier reads (upright where it leans)."""
        tracks = tracks or [None] * len(pictures)
        cuts = tuple(self.find(picture, track, live, frame) for picture, track in zip(pictures, tracks, strict=True))
        inputs = np.stack([to_model_input(p, cut.box, turn=cut.turn) for p, cut in zip(pictures, cuts, strict=True)])
        return Prepared(inputs, cuts, self.detector is not None)

    def classify(self, prepared: Prepared, workers: int = 1) -> list[Recognition]:
        """Classify prepared squares (the same squares may be classified by several backends).

        ``workers`` > 1 spreads them over the predictor's one-thread copies (offline work only).
        """
        if workers > 1:
            probabilities = predict_side_by_side(self.predictor, prepared.inputs, workers)
        else:
            probabilities = self.predictor.predict(prepared.inputs)
        shapes = self.read_shapes(prepared.looks)
        return [
            replace(self.answer(row, cut, shape, prepared.localised), square=square)
            for row, cut, shape, square in zip(probabilities, prepared.cuts, shapes, prepared.inputs, strict=True)
        ]

    def answer(self, image: np.ndarray, cut: Cut, shape: np.ndarray | None, localised: bool) -> Recognition:
        """Return the recognition of one square from the MobileNet's and the geometry model's probabilities."""
        settings = self.settings
        if shape is not None:
            shape = tempered(shape, settings.geometry_temperature)
        probabilities = blend(tempered(image, settings.image_temperature), shape, settings.geometry_weight)
        confidence = confidence_of(probabilities)
        no_hand = localised and says_no_hand(cut.hand, confidence, self.settings, cut.look)
        # A located picture is answered surely only of a hand the hand check or the landmark model confirms.
        unconfirmed = localised and not hand_confirmed(cut.hand, cut.look, settings)
        unsure = is_unsure(confidence, settings.unsure_below) or unconfirmed
        return Recognition(probabilities, cut, no_hand, unsure, None if shape is None else image, shape)

    def read_shapes(self, looks: list[HandLook | None]) -> list[np.ndarray | None]:
        """Return the geometry model's probabilities for each look that sees a hand surely enough (else ``None``)."""
        if self.geometry is None:
            return [None] * len(looks)
        return self.geometry.read_looks(looks, self.settings.geometry_presence)

    def recognise(
        self,
        pictures: list[Image.Image],
        tracks: list[Track | None] | None = None,
        live: bool = False,
        frame: int | None = None,
    ) -> list[Recognition]:
        """Return one :class:`Recognition` per RGB picture (with every inference thread if no other is running).

        ``tracks`` (one per picture, or ``None``) say where each hand was in the previous frame; ``live``
        pictures are frames of live video, ``frame`` their number (:meth:`find`).
        """
        with self.occupancy.entered():
            return self.classify(self.prepare(pictures, tracks, live, frame))
