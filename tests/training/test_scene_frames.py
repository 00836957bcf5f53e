"""Training on scene frames: hands rendered into larger scenes, found and cut as served."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from recognition.paths import PROJECT_ROOT
from recognition.settings import Settings
from training.cli import build_parser
from training.data import LoadedImages
from training.recipe import AugmentConfig, Recipe
from training.scene_frames import SCENE_KINDS, render_scene, scene_squares, squares_for_training
from training.segmentation import hand_mask

SIGNS = PROJECT_ROOT / "static" / "signs"


def photo(digit: int) -> np.ndarray:
    """Return a plain-wall training photo of ``digit`` as a 224x224 model input."""
    return np.asarray(Image.open(SIGNS / f"digit_{digit}.jpg").convert("RGB").resize((224, 224)))


def test_each_scene_kind_renders_a_colour_frame_of_its_own_shape():
    image = photo(5)
    mask = hand_mask(image)
    rng = np.random.default_rng(0)
    for kind in SCENE_KINDS:
        scene = render_scene(image, mask, rng, kind)
        assert scene.dtype == np.uint8 and scene.ndim == 3 and scene.shape[2] == 3
        if kind in ("beside_face", "before_face"):
            assert scene.shape[:2] == (480, 640)
        if kind == "distant":
            assert sorted(scene.shape[:2]) == [336, 448]
        assert not np.array_equal(scene[:224, :224], image)  # the hand is somewhere new
    with pytest.raises(ValueError, match="unknown scene kind"):
        render_scene(image, mask, rng, "underwater")


def test_scene_squares_keep_the_squares_whose_hand_is_confirmed_with_their_labels():
    photos = LoadedImages(np.stack([photo(2), photo(5), photo(7)]), np.array([2, 5, 7], np.int32), ["a", "b", "c"])
    squares, counts = scene_squares(photos, 2, Settings(), seed=1)
    assert counts["rendered"] == 6
    assert 1 <= counts["kept"] <= 6 and len(squares.labels) == counts["kept"]
    assert squares.images.shape == (counts["kept"], 224, 224, 3) and squares.images.dtype == np.uint8
    assert set(squares.labels.tolist()) <= {2, 5, 7}


def test_no_scene_frames_unless_the_recipe_asks():
    photos = LoadedImages(np.stack([photo(1)]), np.array([1], np.int32), ["a"])
    assert Recipe().scene_frames == 1  # the shipped recipe
    assert squares_for_training(photos, Recipe(scene_frames=0), Settings(), seed=0) == (None, {})
    with pytest.raises(ValueError, match="scene_frames"):
        Recipe(scene_frames=-1)
    assert build_parser().parse_args(["--scene-frames", "2"]).scene_frames == 2


def test_scene_squares_join_the_training_batches():
    from training.train import training_dataset

    photos = LoadedImages(np.stack([photo(d) for d in (0, 1, 2, 3)]), np.array([0, 1, 2, 3], np.int32), list("abcd"))
    scenes = LoadedImages(np.stack([photo(8), photo(9), photo(9)]), np.array([8, 9, 9], np.int32), [])
    recipe = Recipe(batch_size=7, augment=AugmentConfig("strong", background_probability=1.0))
    batches = list(training_dataset(photos, recipe, seed=0, scenes=scenes))
    assert len(batches) == 1
    images, labels = batches[0]
    assert images.shape == (7, 224, 224, 3)
    assert sorted(np.argmax(labels, axis=1).tolist()) == [0, 1, 2, 3, 8, 9, 9]
