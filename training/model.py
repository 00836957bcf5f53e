"""Build the ASL-digits classifier: ImageNet MobileNet v1 features and a 10-way softmax."""

from __future__ import annotations

from pathlib import Path

import keras

from recognition.preprocessing import CLASS_NAMES, IMAGE_SIZE

FEATURES = 1024


def build_backbone(weights: str | Path | None) -> keras.Model:
    """Return MobileNet v1 (alpha 1.0, 224x224) cut at its pooled 1024-d features.

    ``weights`` is ``"imagenet"`` (Keras downloads them), a path to a no-top ``.weights.h5``
    file, or ``None`` for random initialisation.
    """
    online = weights == "imagenet"
    backbone = keras.applications.MobileNet(
        input_shape=(IMAGE_SIZE, IMAGE_SIZE, 3),
        alpha=1.0,
        include_top=False,
        pooling="avg",
        weights="imagenet" if online else None,
    )
    if weights is not None and not online:
        path = Path(weights)
        if not path.is_file():
            raise FileNotFoundError(f"MobileNet weights file not found: {path}")
        backbone.load_weights(path)
    # Cut by layer, not by index: the output must be the global-average-pooled features.
    pooled = backbone.layers[-1]
    if not isinstance(pooled, keras.layers.GlobalAveragePooling2D) or pooled.output.shape[-1] != FEATURES:
        raise RuntimeError("MobileNet no longer ends in its pooled 1024-d features")
    return backbone


def build_model(weights: str | Path | None, dropout: float = 0.0) -> keras.Model:
    """Return a model from raw RGB pixels (0-255, 224x224) to the 10 digit probabilities."""
    backbone = build_backbone(weights)
    inputs = keras.Input((IMAGE_SIZE, IMAGE_SIZE, 3), name="image")
    # Same scaling as keras.applications.mobilenet.preprocess_input, inside the model.
    scaled = keras.layers.Rescaling(1 / 127.5, offset=-1.0, name="mobilenet_preprocess")(inputs)
    # training=False keeps every BatchNorm in inference mode, frozen or fine-tuned.
    features = backbone(scaled, training=False)
    if dropout:
        features = keras.layers.Dropout(dropout, name="head_dropout")(features)
    outputs = keras.layers.Dense(len(CLASS_NAMES), activation="softmax", name="digit")(features)
    return keras.Model(inputs, outputs, name="asl_digits_mobilenet")


def backbone_of(model: keras.Model) -> keras.Model:
    """Return the nested MobileNet of a model made by :func:`build_model`."""
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            return layer
    raise ValueError("model has no nested MobileNet backbone")


def set_trainable_top(model: keras.Model, backbone_layers: int) -> None:
    """Freeze the backbone except its top ``backbone_layers`` layers; the head stays trainable."""
    backbone = backbone_of(model)
    backbone.trainable = True
    cut = len(backbone.layers) - backbone_layers
    for index, layer in enumerate(backbone.layers):
        layer.trainable = index >= cut
