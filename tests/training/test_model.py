"""Structure of the classifier: raw pixels in, pooled MobileNet features, 10-way softmax."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from training.model import backbone_of, build_model, set_trainable_top


@pytest.fixture(scope="module")
def model():
    return build_model(None)


def test_input_is_raw_rgb_at_224(model):
    assert tuple(model.input.shape) == (None, 224, 224, 3)
    rescale = model.get_layer("mobilenet_preprocess")
    values = np.asarray(rescale(np.array([[0.0, 127.5, 255.0]], np.float32)))
    np.testing.assert_allclose(values, [[-1.0, 0.0, 1.0]], atol=1e-6)  # = mobilenet.preprocess_input


def test_backbone_ends_in_pooled_1024_features(model):
    backbone = backbone_of(model)
    assert isinstance(backbone.layers[-1], keras.layers.GlobalAveragePooling2D)
    assert tuple(backbone.output.shape) == (None, 1024)


def test_head_is_a_ten_way_softmax(model):
    head = model.layers[-1]
    assert isinstance(head, keras.layers.Dense) and head.units == 10
    probabilities = np.asarray(model(np.random.default_rng(0).uniform(0, 255, (2, 224, 224, 3)).astype("float32")))
    assert probabilities.shape == (2, 10)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, atol=1e-5)


def test_seed_recipe_trains_exactly_the_last_23_layers(model):
    set_trainable_top(model, 22)
    backbone = backbone_of(model)
    trainable = [layer.name for layer in backbone.layers if layer.trainable]
    assert len(trainable) == 22
    assert trainable[0] == "conv_pw_10_bn" and trainable[-1] == backbone.layers[-1].name
    assert not any(layer.trainable for layer in backbone.layers[:-22])
    assert model.layers[-1].trainable


def test_missing_weights_file_is_reported(tmp_path):
    with pytest.raises(FileNotFoundError, match="weights file not found"):
        build_model(tmp_path / "absent.weights.h5")
