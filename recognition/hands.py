"""Find the hand in a picture with MediaPipe's palm detector and frame a square around it (no TensorFlow).

The detector (``models/hands/palm_detection_full.tflite``, Apache-2.0, from the PyPI wheel
``mediapipe==0.10.21``) takes the picture letterboxed to 192x192, RGB scaled to [0, 1], and
scores 2016 anchors (decoded in :mod:`recognition.palms`). Each palm box, averaged with the anchors
that overlap it, is widened to the square that frames the whole hand (:mod:`recognition.framing`).

Palms alone lock onto eyes, handles and folds in busy photographs, so MediaPipe's hand-landmark
model (``hand_landmark_lite.tflite``, same wheel) checks them: its hand-presence score on the
square says whether a hand is really there. The best palm of the whole picture is checked first;
if it is not a hand, the other palms, and in a wide or tall picture those found square by square
along the long side (a distant hand is bigger in those), are checked in order of palm score and
the most present hand wins. When none is a hand, the most certain palm is kept, as before the
check. :func:`recognition.framing.frame` then picks the square the classifier reads.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from PIL import Image

from recognition.framing import HandBox, box_of_palm, square_tiles
from recognition.interpreters import InterpreterPair
from recognition.palms import DETECTOR_SIZE, decode_palms, letterbox
from recognition.paths import DETECTOR_PATH
from recognition.settings import Settings

DEFAULTS = Settings()


class HandCheck(Protocol):
    """Says how surely a square of a picture holds a hand (:meth:`recognition.landmarks.LandmarkModel.presence`)."""

    def presence(self, image: Image.Image, hand: HandBox) -> float: ...


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

    def locate(self, image: Image.Image, settings: Settings = DEFAULTS) -> HandBox | None:
        """Return the square around the best hand of RGB ``image`` in its pixels, or ``None`` if none scores."""
        tiles = square_tiles(*image.size, settings.look_again_aspect)
        palms = self.palms_once(image, settings, settings.palms_per_look if self.checker else 1)
        best = palms[0] if palms else None
        if self.checker is None:
            if best is not None and best.score >= settings.look_again_below:
                return best
            return self.best_in_squares(image, tiles, settings, best)
        if best is not None:
            best = best.checked(self.checker.presence(image, best), settings.hand_present)
            if best.confirmed:
                return best
        others = palms[1:]
        for left, top, side in tiles:
            square = image.crop((left, top, left + side, top + side))
            found = self.palms_once(square, settings, settings.palms_per_look)
            others += [palm.moved(left, top) for palm in found]
        present, checked = self.most_present(image, others, settings)
        if present is not None and present.confirmed:
            return present
        if best is not None and best.score >= settings.look_again_below:
            return best
        return max([palm for palm in (best, *checked) if palm is not None], key=lambda palm: palm.score, default=None)

    def most_present(
        self, image: Image.Image, palms: list[HandBox], settings: Settings
    ) -> tuple[HandBox | None, list[HandBox]]:
        """Check the ``most_checks`` best ``palms``; return the most present one (or ``None``) and all checked."""
        palms = sorted(palms, key=lambda palm: -palm.score)[: settings.most_checks]
        checked = [palm.checked(self.checker.presence(image, palm), settings.hand_present) for palm in palms]
        return max(checked, key=lambda palm: palm.presence or 0.0, default=None), checked

    def best_in_squares(
        self,
        image: Image.Image,
        squares: list[tuple[int, int, int]],
        settings: Settings,
        best: HandBox | None = None,
    ) -> HandBox | None:
        """Look at each (left, top, side) square of ``image``; return the most certain of ``best`` and their palms."""
        for left, top, side in squares:
            palms = self.palms_once(image.crop((left, top, left + side, top + side)), settings, 1)
            if palms and (best is None or palms[0].score > best.score):
                best = palms[0].moved(left, top)
        return best

    def palms_once(self, image: Image.Image, settings: Settings = DEFAULTS, limit: int = 1) -> list[HandBox]:
        """Return the squares of up to ``limit`` palms of RGB ``image`` seen whole (letterboxed), best first."""
        tensor, scale, offset_x, offset_y = letterbox(image)
        run = self._interpreters.run({self._input: tensor[None]}, self._outputs)
        regressors, logits = (output[0] for output in run)
        letterboxed = (scale, offset_x, offset_y)
        palms = decode_palms(regressors, logits, limit)
        boxes = (box_of_palm(palm, score, DETECTOR_SIZE, letterboxed, settings) for score, palm in palms)
        return [box for box in boxes if box is not None]
