"""The hand's shape as numbers for the geometry model: free of position, size, turn and left or right hand.

Two sets, chosen by the geometry model file (``features`` in ``NAME.geometry.npz``):

- ``planar`` (70): the 21 picture landmarks turned so the wrist-to-middle-knuckle line points up,
  scaled by its length (x, y and the model's relative depth of 20 points) and the 10 distances
  between fingertips;
- ``planar+world`` (70 + 89): those, and the model's 3-D *world* landmarks (metres, hand-centred:
  ``Identity_3``, returned by the same invocation) in the palm's own frame: x from the index to the
  little-finger knuckle, y from the wrist towards the middle knuckle, z the palm's normal (left
  hands mirrored), scaled by the palm; the bend at each finger joint, the spread between fingers
  and the distances between fingertips in that frame.
"""

from __future__ import annotations

import numpy as np

WRIST, INDEX_BASE, MIDDLE_BASE, LITTLE_BASE = 0, 5, 9, 17
TIPS = (4, 8, 12, 16, 20)
FINGERS = ((1, 2, 3, 4), (5, 6, 7, 8), (9, 10, 11, 12), (13, 14, 15, 16), (17, 18, 19, 20))
PLANAR = 3 * 20 + 10
WORLD = 3 * 20 + 15 + 4 + 10
FEATURE_SETS = {"planar": PLANAR, "planar+world": PLANAR + WORLD}


PAIRS = np.array([(i, j) for i in range(len(TIPS)) for j in range(i + 1, len(TIPS))])


def _tip_distances(x: np.ndarray, y: np.ndarray, z: np.ndarray) -> np.ndarray:
    """Return the 10 distances between fingertips, pair by pair (thumb-index first)."""
    tips = np.stack([x[list(TIPS)], y[list(TIPS)], z[list(TIPS)]], axis=1)
    return np.linalg.norm(tips[PAIRS[:, 0]] - tips[PAIRS[:, 1]], axis=1)


def planar_features(points: np.ndarray, right_hand: float) -> np.ndarray:
    """Return the 70 planar features of (21, 3) picture landmarks (x, y in pixels, z relative to the wrist)."""
    points = points - points[WRIST]
    up = points[MIDDLE_BASE, :2]
    length = max(float(np.hypot(*up)), 1e-6)
    cos, sin = -up[1] / length, -up[0] / length  # turn the wrist-to-middle-base line to point up
    x = (points[:, 0] * cos - points[:, 1] * sin) / length
    y = (points[:, 0] * sin + points[:, 1] * cos) / length
    z = points[:, 2] / length
    if right_hand < 0.5:
        x = -x
    return np.concatenate([x[1:], y[1:], z[1:], _tip_distances(x, y, z)]).astype(np.float32)


def palm_frame(world: np.ndarray, right_hand: float) -> np.ndarray:
    """Return (21, 3) ``world`` landmarks in the palm's own frame, scaled by wrist-to-middle-knuckle length."""
    points = world - world[WRIST]
    across = points[LITTLE_BASE] - points[INDEX_BASE]
    x_axis = across / max(float(np.linalg.norm(across)), 1e-9)
    up = points[MIDDLE_BASE] - np.dot(points[MIDDLE_BASE], x_axis) * x_axis
    y_axis = up / max(float(np.linalg.norm(up)), 1e-9)
    z_axis = np.cross(x_axis, y_axis)
    framed = points @ np.stack([x_axis, y_axis, z_axis], axis=1)
    if right_hand < 0.5:  # a mirrored hand: the same knuckles, the palm's normal the other way
        framed[:, 2] = -framed[:, 2]
    return framed / max(float(np.linalg.norm(points[MIDDLE_BASE])), 1e-9)


def _angles(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Return the angles (radians) between the vectors of ``a`` and ``b`` along their last axis."""
    norms = np.maximum(np.linalg.norm(a, axis=-1) * np.linalg.norm(b, axis=-1), 1e-12)
    return np.arccos(np.clip((a * b).sum(axis=-1) / norms, -1.0, 1.0))


CHAINS = np.array([[WRIST, *finger] for finger in FINGERS])  # wrist and the four joints of each finger


def world_features(world: np.ndarray, right_hand: float) -> np.ndarray:
    """Return the 89 world features: 20 points in the palm frame, 15 joint bends, 4 spreads, 10 tip distances."""
    framed = palm_frame(np.asarray(world, np.float64), right_hand)
    bones = np.diff(framed[CHAINS], axis=1)  # (5 fingers, 4 bones, 3)
    bends = _angles(bones[:, :-1], bones[:, 1:]).reshape(-1)  # each finger's three joints, in turn
    spreads = _angles(bones[:-1, 1], bones[1:, 1])  # between neighbouring fingers' first bones
    x, y, z = framed[:, 0], framed[:, 1], framed[:, 2]
    return np.concatenate([x[1:], y[1:], z[1:], bends, spreads, _tip_distances(x, y, z)]).astype(np.float32)


def shape_features(points: np.ndarray, world: np.ndarray | None, right_hand: float, kind: str) -> np.ndarray:
    """Return the ``kind`` feature set (:data:`FEATURE_SETS`) of one look's landmarks."""
    planar = planar_features(points, right_hand)
    if kind == "planar":
        return planar
    if kind != "planar+world":
        raise ValueError(f"unknown feature set {kind!r}; known: {', '.join(FEATURE_SETS)}")
    if world is None:
        raise ValueError("the planar+world features need the look's world landmarks")
    return np.concatenate([planar, world_features(world, right_hand)])
