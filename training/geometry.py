"""Fit the hand-geometry classifier: landmarks of the train split's hands in, a small MLP out.

Each training picture is located as served (palm detector, hand check) and looked at by the
hand-landmark model on the hand's upright region (:meth:`recognition.recogniser.Recogniser.look`);
mirrored copies teach it left hands as the landmark model sees them (tilt needs no copies: the
features are turned upright). Looks whose presence is under the hand check's threshold are left out. scikit-learn
fits it; :class:`recognition.geometry.GeometryModel` saves
and runs it without scikit-learn.
"""

from __future__ import annotations

import numpy as np

from recognition.batch import prepare_all
from recognition.geometry import GeometryModel
from recognition.landmarks import FEATURES, HandLook
from recognition.recogniser import Recogniser
from recognition.settings import Settings

HIDDEN = (64,)  # chosen on validation among (64,), (64, 32), (128, 64), (256,) (tuning/geometry.py)
ALPHA = 1e-2  # L2 penalty
ITERATIONS = 600
LEAST_PER_DIGIT = 5  # fewer hands of a digit than this and no geometry model is fitted


def looks_of(recogniser: Recogniser, pictures: list[np.ndarray] | np.ndarray) -> list[HandLook | None]:
    """Return the landmark model's look at the hand of each RGB uint8 picture, located as served."""
    return list(prepare_all(recogniser, pictures).looks)


def features_of(
    looks: list[HandLook | None], labels: np.ndarray, least_presence: float
) -> tuple[np.ndarray, np.ndarray]:
    """Return (features, labels) of the looks that see a hand at least ``least_presence`` surely."""
    kept = [i for i, look in enumerate(looks) if look is not None and look.presence >= least_presence]
    features = np.stack([looks[i].features() for i in kept]) if kept else np.zeros((0, FEATURES), np.float32)
    return features, np.asarray(labels)[kept]


def fit_geometry(features: np.ndarray, labels: np.ndarray, seed: int = 42) -> GeometryModel:
    """Fit the MLP on ``features`` (standardised first) and return it as a :class:`GeometryModel`."""
    from sklearn.neural_network import MLPClassifier

    if len(set(labels.tolist())) != 10:
        raise ValueError("the geometry model needs landmarks of all ten digits")
    mean = features.mean(axis=0)
    scale = np.maximum(features.std(axis=0), 1e-6)
    classifier = MLPClassifier(HIDDEN, alpha=ALPHA, max_iter=ITERATIONS, random_state=seed, early_stopping=False)
    classifier.fit((features - mean) / scale, labels)
    return GeometryModel(
        mean.astype(np.float32),
        scale.astype(np.float32),
        tuple(w.astype(np.float32) for w in classifier.coefs_),
        tuple(b.astype(np.float32) for b in classifier.intercepts_),
    )


def fit_for_training(
    recogniser: Recogniser, images: np.ndarray, labels: np.ndarray, seed: int
) -> tuple[GeometryModel | None, dict]:
    """Fit the geometry model on the train split's photos and their mirror images; return it and its card entry.

    The model is ``None`` (and the entry says why) when the landmark model saw too few hands of some digit.
    """
    pictures = [*images, *(np.ascontiguousarray(image[:, ::-1]) for image in images)]
    looks = looks_of(recogniser, pictures)
    features, kept = features_of(looks, np.concatenate([labels, labels]), recogniser.settings.hand_present)
    counts = np.bincount(kept, minlength=10)
    if counts.min() < LEAST_PER_DIGIT:
        return None, {
            "fitted": False,
            "why": f"hands seen per digit {counts.tolist()}, fewer than {LEAST_PER_DIGIT} for some digit",
        }
    model = fit_geometry(features, kept, seed)
    entry = {
        "fitted": True,
        "model": "MLP over 21 hand landmarks (MediaPipe hand_landmark_lite on the hand's upright region), "
        "normalised for position, size, turn and left or right hand",
        "hidden_layers": list(HIDDEN),
        "l2": ALPHA,
        "train_looks": len(kept),
        "train_pictures": len(pictures),
        "train_accuracy": float((model.predict(features).argmax(axis=1) == kept).mean()),
    }
    return model, entry


def blend_note(settings: Settings) -> str:
    """Return how serving joins the geometry model's answer to the MobileNet's, for the card."""
    return (
        f"where the landmark model's presence on the hand's region reaches {settings.geometry_presence:g}, "
        f"{1 - settings.geometry_weight:g} x MobileNet + {settings.geometry_weight:g} x geometry; else the MobileNet "
        "alone "
        "(chosen on validation by tuning/geometry.py)"
    )
