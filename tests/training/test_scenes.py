"""Hand segmentation, background replacement and the domain-shift set."""

from __future__ import annotations

import numpy as np

from recognition.preprocessing import to_model_input
from tests.helpers import SKIN, WALL, synthetic_hand
from training.scenes import TRAINING_PHOTOS, photo_collage, place_hand, training_background
from training.segmentation import hand_mask
from training.shift import PHOTO_BACKGROUNDS, SHIFT_KINDS, TEXTURE_BACKGROUNDS, build_shift_set


def test_hand_mask_separates_skin_from_the_wall():
    image = to_model_input(synthetic_hand(4, 100))
    mask = hand_mask(image)
    skin = np.all(np.abs(image.astype(int) - SKIN) < 20, axis=-1)
    wall = np.all(np.abs(image.astype(int) - WALL) < 20, axis=-1)
    assert mask[skin].mean() > 0.95
    assert mask[wall].mean() < 0.02


def test_place_hand_keeps_the_hand_and_replaces_the_wall():
    image = to_model_input(synthetic_hand(2, 100))
    mask = hand_mask(image)
    black = np.zeros_like(image)
    scene = place_hand(image, mask, black, feather=0)
    assert scene.shape == image.shape
    np.testing.assert_array_equal(scene[mask], image[mask])
    assert scene[~mask].max() == 0


def test_training_backgrounds_never_use_the_test_photographs():
    test_files = {f"skimage:{name}" for name in PHOTO_BACKGROUNDS + TEXTURE_BACKGROUNDS}
    assert not test_files & set(TRAINING_PHOTOS)
    assert "skimage:motorcycle_right.png" not in TRAINING_PHOTOS  # twin of a test photo


def test_training_backgrounds_have_the_right_shape_and_vary():
    rng = np.random.default_rng(0)
    procedural = [training_background(rng, 64) for _ in range(5)]
    photos = [training_background(rng, 64, photo_share=1.0) for _ in range(5)]
    for background in procedural + photos:
        assert background.shape == (64, 64, 3) and background.dtype == np.uint8
    assert len({background.tobytes() for background in photos}) == 5


def test_shift_set_renders_every_kind_for_every_image():
    images = np.stack([to_model_input(synthetic_hand(d, 100, d)) for d in range(3)])
    shifted = build_shift_set(images, seed=1)
    assert list(shifted) == list(SHIFT_KINDS)
    for kind, rendered in shifted.items():
        assert len(rendered) == len(images), kind
        for picture in rendered:
            assert picture.dtype == np.uint8 and picture.shape[2] == 3, kind
            if kind not in ("wide_off_centre", "hand_distant", "webcam_room", "hand_before_face"):
                assert picture.shape[:2] == (224, 224), kind
    assert all(picture.shape[0] == 224 and picture.shape[1] > 224 for picture in shifted["wide_off_centre"])
    # A 4:3 phone photo either way up, its hand a small part of it.
    assert all(sorted(picture.shape[:2]) == [336, 448] for picture in shifted["hand_distant"])
    # Webcam frames of a person with the hand held up: 640x480.
    assert all(
        picture.shape[:2] == (480, 640) for kind in ("webcam_room", "hand_before_face") for picture in shifted[kind]
    )
    np.testing.assert_array_equal(np.stack(shifted["mirrored"]), images[:, :, ::-1])
    assert not np.array_equal(np.stack(shifted["background_black"]), images)
    dark = np.stack(shifted["other_skin_tones"]).astype(int)
    assert not np.array_equal(dark, images)


def test_photo_collage_fills_the_frame_with_several_crops():
    rng = np.random.default_rng(3)
    scenes = [photo_collage(rng, 96) for _ in range(8)]
    assert all(scene.shape == (96, 96, 3) and scene.dtype == np.uint8 for scene in scenes)
    assert len({scene.tobytes() for scene in scenes}) == len(scenes)
    # a collage has sharp seams: some adjacent rows or columns differ far more than inside a photo crop
    jumps = [
        max(np.abs(np.diff(scene.astype(int), axis=axis)).mean(axis=(1 - axis, 2)).max() for axis in (0, 1))
        for scene in scenes
    ]
    assert max(jumps) > 20
