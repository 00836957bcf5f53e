"""Look at a hand with MediaPipe's hand-landmark model on its upright square: 21 landmarks, presence, handedness.

The model (``hand_landmark_lite.tflite``, Apache-2.0, from the PyPI wheel ``mediapipe==0.10.21``)
reads a 224x224 RGB square in [0, 1] in which the hand stands upright. MediaPipe cuts that square
from a palm as :func:`recognition.framing.region_of` does: turned so the wrist-to-middle-finger line
points up, 2.6 palm sizes wide, moved half a palm size towards the fingers. From a look's
landmarks, :mod:`recognition.tracking` frames the hand and the next frame's region, so a moving
hand can be followed without the palm detector. No TensorFlow.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from recognition.framing import LARGEST_SQUARE, WRIST, HandBox, Region
from recognition.hand_shape import PLANAR, shape_features
from recognition.interpreters import InterpreterPair
from recognition.palms import unit_floats
from recognition.paths import CHECKER_PATH

LOOK_SIZE = 224


def cut_region(image: Image.Image, region: Region, size: int = LOOK_SIZE) -> np.ndarray:
    """Return ``region`` of RGB ``image`` turned upright as a ``(size, size, 3)`` uint8 array, in one resample (black
    past the edges)."""
    scale = region.side / size
    cos, sin = math.cos(region.lean), math.sin(region.lean)
    half = region.side / 2
    data = (
        scale * cos,
        -scale * sin,
        region.centre_x - half * cos + half * sin,
        scale * sin,
        scale * cos,
        region.centre_y - half * sin - half * cos,
    )
    return np.asarray(image.transform((size, size), Image.Transform.AFFINE, data, Image.Resampling.BILINEAR))


@dataclass(frozen=True)
class HandLook:
    """What the hand-landmark model saw in a region: landmarks in picture pixels, presence and handedness."""

    region: Region
    points: np.ndarray  # (21, 3): x, y in the picture's pixels; z in the same units, relative to the wrist
    presence: float  # 0 to 1
    right_hand: float  # the model's handedness score (0 to 1)
    world: np.ndarray | None = None  # (21, 3) world landmarks in metres, hand-centred (the same invocation)

    def features(self, kind: str = "planar") -> np.ndarray:
        """Return the hand's shape as the geometry model's ``kind`` of features (:mod:`recognition.hand_shape`)."""
        return shape_features(self.points, self.world, self.right_hand, kind)


FEATURES = PLANAR


class LandmarkModel:
    """Run MediaPipe's hand-landmark model on regions of pictures; thread-safe."""

    def __init__(self, path: Path = CHECKER_PATH, threads: int = 1, side_by_side: int = 1) -> None:
        self.path = Path(path)
        self._interpreters = InterpreterPair(self.path, threads, side_by_side)
        self._input = self._interpreters.input_details[0]["index"]
        by_name = {d["name"]: d["index"] for d in self._interpreters.output_details}
        self._outputs = [by_name["Identity"], by_name["Identity_1"], by_name["Identity_2"], by_name["Identity_3"]]

    def presence(self, image: Image.Image, hand: HandBox) -> float:
        """Return the hand-presence score (0 to 1) of ``hand``'s square of RGB ``image`` (black past its edges).

        The square is read as it lies, not turned upright: the palm detector's check of a palm.
        """
        if not 1 <= hand.side <= LARGEST_SQUARE * min(image.size) or not np.isfinite([hand.left, hand.top]).all():
            return 0.0  # under a pixel, or far larger than any hand the picture can hold (and costly to cut)
        box = tuple(round(v) for v in (hand.left, hand.top, hand.left + hand.side, hand.top + hand.side))
        square = image.crop(box).resize((LOOK_SIZE, LOOK_SIZE), Image.Resampling.BILINEAR)
        (presence,) = self._interpreters.run({self._input: unit_floats(square)[None]}, [self._outputs[1]])
        return float(np.clip(presence.reshape(-1)[0], 0.0, 1.0))

    def look(self, image: Image.Image, region: Region) -> HandLook:
        """Return what the model sees in ``region`` of RGB ``image``."""
        tensor = unit_floats(cut_region(image, region))[None]
        landmarks, presence, handedness, world = self._interpreters.run({self._input: tensor}, self._outputs)
        points = landmarks.reshape(21, 3).astype(np.float64)
        xy = region.to_picture(points[:, :2], LOOK_SIZE)
        z = (points[:, 2] - points[WRIST, 2]) * region.side / LOOK_SIZE
        return HandLook(
            region,
            np.concatenate([xy, z[:, None]], axis=1),
            float(np.clip(presence.reshape(-1)[0], 0.0, 1.0)),
            float(np.clip(handedness.reshape(-1)[0], 0.0, 1.0)),
            world.reshape(21, 3).astype(np.float64),
        )
