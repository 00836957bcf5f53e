"""Train on what serving reads in a real scene: each hand rendered into a larger frame, found and cut as served.

In a webcam frame or a phone photo the square the MobileNet reads is cut by the hand finder, and it
may hold part of a face, a sleeve or a room. With ``Recipe.scene_frames`` > 0, each training photo's
hand is rendered into that many frames (:func:`render_scene`: a person in a room with the hand beside
or in front of the face, a wide or distant photo, a hand leaning on a photograph, a left hand half the
time, other skin tones), on backgrounds drawn from training photographs and procedural patterns only
(the shift kinds' photographs never appear). Each frame is searched as served
(:func:`recognition.batch.prepare_all`, hand models, sweep, framing and turn included) and the square
cut is kept where a hand model confirms the hand, as serving then answers surely. The kept squares
are trained on beside the photos, without a new background of their own.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable

import numpy as np

from recognition.answer import hand_confirmed
from recognition.batch import prepare_all
from recognition.paths import hand_models_present
from recognition.recogniser import Recogniser
from recognition.settings import Settings
from training.data import LoadedImages
from training.distortions import distant, skin_tone, webcam_frame, wide
from training.recipe import Recipe
from training.scenes import place_hand, training_background
from training.segmentation import hand_masks

log = logging.getLogger(__name__)
SCENE_KINDS = ("beside_face", "before_face", "wide", "distant", "leaning")
SKIN_GAINS = ((0.62, 0.5, 0.42), (0.42, 0.33, 0.27), (1.08, 1.0, 0.92), (0.8, 0.62, 0.5))
LEAN_DEGREES = (20.0, 70.0)  # a hand leaning on a photograph leans this much, either way
PHOTO_SHARE = 0.8  # share of backgrounds cut from training photographs (else procedural)


def render_scene(image: np.ndarray, mask: np.ndarray, rng: np.random.Generator, kind: str | None = None) -> np.ndarray:
    """Return the hand of 224x224 ``image`` (segmented by ``mask``) in a scene of ``kind`` (random when ``None``)."""
    kind = kind or SCENE_KINDS[int(rng.integers(len(SCENE_KINDS)))]
    if rng.random() < 0.5:  # a left hand
        image, mask = np.ascontiguousarray(image[:, ::-1]), np.ascontiguousarray(mask[:, ::-1])
    if rng.random() < 0.3:
        image = skin_tone(image, mask, SKIN_GAINS[int(rng.integers(len(SKIN_GAINS)))])
    makers: dict[str, Callable[[], np.ndarray]] = {
        "beside_face": lambda: webcam_frame(image, mask, background(480), rng),
        "before_face": lambda: webcam_frame(image, mask, background(480), rng, hand_share=(0.45, 0.6), over_face=True),
        "wide": lambda: wide(image, mask, background(400), rng),
        "distant": lambda: distant(image, mask, background(448), rng),
        "leaning": lambda: place_hand(
            image,
            mask,
            background(image.shape[0]),
            scale=float(rng.uniform(0.65, 0.9)),
            angle=float(rng.choice([-1, 1]) * rng.uniform(*LEAN_DEGREES)),
        ),
    }

    def background(size: int) -> np.ndarray:
        return training_background(rng, size, PHOTO_SHARE)

    if kind not in makers:
        raise ValueError(f"unknown scene kind {kind!r}; choose from {', '.join(SCENE_KINDS)}")
    return makers[kind]()


def scene_squares(
    data: LoadedImages, frames: int, settings: Settings, seed: int, finder: Recogniser | None = None
) -> tuple[LoadedImages, dict[str, int]]:
    """Return the squares served from ``frames`` scenes rendered around each photo of ``data`` whose hand a hand model
    confirms, with their labels, and how many frames were rendered and kept (``finder``: the hand finder to use)."""
    rng = np.random.default_rng(seed)
    masks = hand_masks(data.images)
    scenes, labels = [], []
    for image, mask, label in zip(data.images, masks, data.labels, strict=True):
        if mask.mean() < 0.01:  # no hand segmented: nothing to place
            continue
        for _ in range(frames):
            scenes.append(render_scene(image, mask, rng))
            labels.append(int(label))
    finder = finder or Recogniser.around(None, settings, copies=max(1, os.cpu_count() or 1))
    prepared = prepare_all(finder, scenes) if scenes else None
    kept = [] if prepared is None else [hand_confirmed(cut.hand, cut.look, settings) for cut in prepared.cuts]
    chosen = np.flatnonzero(kept)
    images = prepared.inputs[chosen] if prepared is not None else np.zeros((0, *data.images.shape[1:]), np.uint8)
    squares = LoadedImages(images.astype(np.uint8), np.asarray(labels, np.int32)[chosen], [])
    return squares, {"rendered": len(scenes), "kept": len(chosen)}


def squares_for_training(
    train: LoadedImages, recipe: Recipe, settings: Settings, seed: int
) -> tuple[LoadedImages | None, dict[str, int]]:
    """Return the scene squares ``recipe`` asks for around the ``train`` hands (``None`` when none or no hand models)
    and how many frames were rendered and kept."""
    if recipe.scene_frames == 0:
        return None, {}
    if not hand_models_present():
        log.warning("scene frames skipped: the hand models are not there to cut their squares")
        return None, {}
    squares, counts = scene_squares(train, recipe.scene_frames, settings, seed)
    log.info("scene frames: %d rendered, %d squares kept", counts["rendered"], counts["kept"])
    return squares, counts
