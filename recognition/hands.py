"""Find the hand in a picture with MediaPipe's palm detector and frame a square around it (no TensorFlow).

The detector (``models/hands/palm_detection_full.tflite``, Apache-2.0, from the PyPI wheel
``mediapipe==0.10.21``) takes the picture letterboxed to 192x192, RGB scaled to [0, 1], and
scores 2016 anchors (decoded in :mod:`recognition.palms`). Each palm box, averaged with the anchors
that overlap it, is widened to a square that frames the whole hand:
``hand_scale`` times the palm (:class:`recognition.settings.Settings`), moved towards the fingers (wrist keypoint 0 to
middle-finger base keypoint 2).

Palms alone lock onto eyes, handles and folds in busy photographs, so MediaPipe's hand-landmark
model (``hand_landmark_lite.tflite``, same wheel) checks them: its hand-presence score on the
square says whether a hand is really there. The best palm of the whole picture is checked first;
if it is not a hand, the other palms, and in a wide or tall picture those found square by square
along the long side (a distant hand is bigger in those), are checked in order of palm score and
the most present hand wins. When none is a hand and no palm is certain, palms may be looked for
again in zoomed squares at the corners and centre (``zoom_tile_share``); when none of those is a
hand either, the most certain palm is kept, as before the check.

:func:`frame` then picks the square the classifier reads: the hand's square when the hand is
confirmed or its palm certain, else the largest square of the picture centred on the hand (a
doubtful palm box may be a part of the hand), else the centre square (chosen on validation by
bench/framing.py and bench/hand_check.py; the values live in :class:`recognition.settings.Settings`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

import numpy as np
from PIL import Image

from recognition.interpreters import InterpreterPair
from recognition.palms import DETECTOR_SIZE, decode_palms, hand_square, letterbox
from recognition.paths import DETECTOR_PATH
from recognition.settings import Settings

DEFAULTS = Settings()
LARGEST_SQUARE = 3.0  # a square over this many times the picture's short side holds no hand (validation: under 2.1)


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

    def checked(self, presence: float, present_from: float) -> HandBox:
        """Return this square with its hand-presence score, confirmed when the score reaches ``present_from``."""
        return replace(self, presence=presence, confirmed=presence >= present_from)

    def moved(self, left: float, top: float) -> HandBox:
        """Return this square moved by (``left``, ``top``) pixels: from a part of a picture to the whole."""
        return replace(self, left=self.left + left, top=self.top + top)

    def clamped(self, width: int, height: int) -> tuple[int, int, int, int]:
        """Return the square as an integer (left, top, right, bottom) box moved and shrunk into the picture."""
        side = round(min(self.side, width, height))
        centre_x, centre_y = self.left + self.side / 2, self.top + self.side / 2
        left = round(np.clip(centre_x - side / 2, 0, width - side))
        top = round(np.clip(centre_y - side / 2, 0, height - side))
        return left, top, left + side, top + side

    def around(self, side: float, width: int, height: int) -> tuple[int, int, int, int]:
        """Return a square of ``side`` pixels centred on this hand, as :meth:`clamped` puts it in the picture."""
        centre_x, centre_y = self.left + self.side / 2, self.top + self.side / 2
        return HandBox(centre_x - side / 2, centre_y - side / 2, side, self.score).clamped(width, height)


class HandCheck(Protocol):
    """Says how surely a square of a picture holds a hand (:meth:`recognition.landmarks.LandmarkModel.presence`)."""

    def presence(self, image: Image.Image, hand: HandBox, alone: bool = True) -> float: ...


class PalmDetector:
    """Locate the most prominent hand in an RGB picture; safe to share between threads.

    With a ``checker`` (the hand-landmark model; ``None`` to go without) palms are checked for a
    hand before one is chosen (module docstring). The settings are passed with each picture.
    """

    def __init__(
        self, path: Path = DETECTOR_PATH, threads: int = 1, side_by_side: int = 1, checker: HandCheck | None = None
    ) -> None:
        self.path = Path(path)
        self._interpreters = InterpreterPair(self.path, threads, side_by_side)
        self.side_by_side = self._interpreters.side_by_side  # one-thread copies that may run at once
        self._input = self._interpreters.input_details[0]["index"]
        outputs = sorted(self._interpreters.output_details, key=lambda d: -int(d["shape"][-1]))
        self._outputs = [outputs[0]["index"], outputs[1]["index"]]  # regressors, logits
        self.checker = checker

    def locate(self, image: Image.Image, settings: Settings = DEFAULTS, alone: bool = True) -> HandBox | None:
        """Return the square around the best hand of RGB ``image`` in its pixels, or ``None`` if none scores."""
        tiles = square_tiles(*image.size, settings.look_again_aspect)
        palms = self.palms_once(image, settings, settings.palms_per_look if self.checker else 1, alone)
        best = palms[0] if palms else None
        if self.checker is None:
            if best is not None and best.score >= settings.look_again_below:
                return best
            return self.best_in_squares(image, tiles, settings, best, alone)
        if best is not None:
            best = best.checked(self.checker.presence(image, best, alone), settings.hand_present)
            if best.confirmed:
                return best
        others = palms[1:]
        for left, top, side in tiles:
            square = image.crop((left, top, left + side, top + side))
            found = self.palms_once(square, settings, settings.palms_per_look, alone)
            others += [palm.moved(left, top) for palm in found]
        present, checked = self.most_present(image, others, settings, alone)
        if present is not None and present.confirmed:
            return present
        if best is not None and best.score >= settings.look_again_below:
            return best
        zoomed = self.confirmed_in_zoom(image, settings, alone)
        if zoomed is not None:
            return zoomed
        return max([palm for palm in (best, *checked) if palm is not None], key=lambda palm: palm.score, default=None)

    def most_present(
        self, image: Image.Image, palms: list[HandBox], settings: Settings, alone: bool = True
    ) -> tuple[HandBox | None, list[HandBox]]:
        """Check the ``most_checks`` best ``palms``; return the most present one (or ``None``) and all checked."""
        palms = sorted(palms, key=lambda palm: -palm.score)[: settings.most_checks]
        checked = [palm.checked(self.checker.presence(image, palm, alone), settings.hand_present) for palm in palms]
        return max(checked, key=lambda palm: palm.presence or 0.0, default=None), checked

    def confirmed_in_zoom(self, image: Image.Image, settings: Settings, alone: bool = True) -> HandBox | None:
        """Return the most present hand the check confirms among palms of zoomed squares of ``image`` (or None).

        The squares, ``zoom_tile_share`` of the short side, sit at the corners and the centre: a hand
        that is small, tilted or on a busy background is bigger in them (none when the share is 0).
        """
        palms = []
        for left, top, side in zoom_tiles(*image.size, settings.zoom_tile_share):
            square = image.crop((left, top, left + side, top + side))
            found = self.palms_once(square, settings, settings.palms_per_look, alone)
            palms += [palm.moved(left, top) for palm in found]
        present, _ = self.most_present(image, palms, settings, alone)
        return present if present is not None and present.confirmed else None

    def best_in_squares(
        self,
        image: Image.Image,
        squares: list[tuple[int, int, int]],
        settings: Settings,
        best: HandBox | None = None,
        alone: bool = True,
    ) -> HandBox | None:
        """Look at each (left, top, side) square of ``image``; return the most certain of ``best`` and their palms."""
        for left, top, side in squares:
            palms = self.palms_once(image.crop((left, top, left + side, top + side)), settings, 1, alone)
            if palms and (best is None or palms[0].score > best.score):
                best = palms[0].moved(left, top)
        return best

    def palms_once(
        self, image: Image.Image, settings: Settings = DEFAULTS, limit: int = 1, alone: bool = True
    ) -> list[HandBox]:
        """Return the squares of up to ``limit`` palms of RGB ``image`` seen whole (letterboxed), best first."""
        tensor, scale, offset_x, offset_y = letterbox(image)
        run = self._interpreters.run({self._input: tensor[None]}, self._outputs, alone)
        regressors, logits = (output[0] for output in run)
        squares = []
        for score, palm in decode_palms(regressors, logits, limit):
            centre_x, centre_y, side, lean = hand_square(palm, settings.hand_scale, settings.finger_shift)
            side_px = side * DETECTOR_SIZE / scale
            left = (centre_x * DETECTOR_SIZE - offset_x) / scale - side_px / 2
            top = (centre_y * DETECTOR_SIZE - offset_y) / scale - side_px / 2
            if np.isfinite([left, top, side_px]).all() and side_px > 0:
                squares.append(HandBox(float(left), float(top), float(side_px), score, lean=lean))
        return squares


def square_tiles(width: int, height: int, aspect: float = Settings.look_again_aspect) -> list[tuple[int, int, int]]:
    """Return (left, top, side) of the squares of the short side at the start, middle and end of the long side.

    No squares for a picture closer to square than ``aspect``: it is its own square.
    """
    short, long = min(width, height), max(width, height)
    if long < aspect * short:
        return []
    offsets = sorted({0, (long - short) // 2, long - short})
    return [(offset, 0, short) if width >= height else (0, offset, short) for offset in offsets]


def zoom_tiles(width: int, height: int, share: float) -> list[tuple[int, int, int]]:
    """Return (left, top, side) of squares of ``share`` of the short side at the four corners and the centre (none for
    0)."""
    side = round(share * min(width, height))
    if share <= 0 or side < 8:
        return []
    across, down = width - side, height - side
    return [(0, 0, side), (across, 0, side), (0, down, side), (across, down, side), (across // 2, down // 2, side)]


def frame(
    size: tuple[int, int],
    hand: HandBox | None,
    zoom_below: float = Settings.zoom_below,
    zoom_min_score: float = Settings.zoom_min_score,
) -> tuple[int, int, int, int]:
    """Return the square (left, top, right, bottom) of a ``(width, height)`` picture the classifier should read.

    ``zoom_below`` and ``zoom_min_score`` are the zoom rule (:class:`recognition.settings.Settings`).
    """
    width, height = size
    short = min(width, height)
    if hand is None:
        left, top = (width - short) // 2, (height - short) // 2
        return left, top, left + short, top + short
    side = float(short)
    if (hand.confirmed or hand.score >= zoom_min_score) and hand.side < zoom_below * short:
        side = max(hand.side, 8.0)
    return hand.around(side, width, height)
