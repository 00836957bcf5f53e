"""Fit the hand-geometry classifier: landmarks of the train split's hands in, a small MLP out.

Each training picture is located as served (palm detector, hand check) and looked at by the
hand-landmark model on the hand's upright region (:meth:`recognition.recogniser.Recogniser.look`);
mirrored copies teach it left hands as the landmark model sees them (a turn within the picture needs
no copies: the features are turned upright), tilted copies teach it hands turned out of the
picture's plane (the picture landmarks turned in 3-D about the wrist; the world landmarks, read in
the palm's own frame, do not change), and noisy copies of every look (landmarks moved a few
hundredths of a palm) teach it the landmark model's own jitter. Looks whose presence is under the hand check's
threshold are left out. scikit-learn fits it; :class:`recognition.geometry.GeometryModel` saves
and runs it without scikit-learn.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from recognition.batch import prepare_all
from recognition.framing import MIDDLE_BASE, WRIST
from recognition.geometry import GeometryModel
from recognition.hand_shape import FEATURE_SETS, shape_features
from recognition.landmarks import HandLook
from recognition.recogniser import Recogniser
from recognition.settings import Settings

HIDDEN = (64,)  # chosen on validation among (64,), (64, 32), (128, 64), (256,) (tuning/geometry.py)
ALPHA = 1e-2  # L2 penalty
ITERATIONS = 600
LEAST_PER_DIGIT = 5  # fewer hands of a digit than this and no geometry model is fitted
FEATURES = "planar+world"  # the feature set fitted (recognition.hand_shape; chosen by tuning/geometry.py)
NOISE = 0.0  # landmark noise added to training copies, in palm lengths (0.03 tried: tuning/geometry.py, not chosen)
NOISY_COPIES = 4
TILT = 40.0  # picture landmarks of tilted copies turned up to this many degrees about each picture axis
TILTED_COPIES = 2  # (0, 25 and 40 degrees compared: tuning/geometry.py)


@dataclass(frozen=True)
class Landmarks:
    """The landmarks of many looks: picture points and world points (N, 21, 3) and handedness (N,)."""

    points: np.ndarray
    world: np.ndarray
    right_hand: np.ndarray

    @classmethod
    def of(cls, looks: list[HandLook]) -> Landmarks:
        empty = np.zeros((0, 21, 3))
        return cls(
            np.stack([look.points for look in looks]) if looks else empty,
            np.stack([look.world if look.world is not None else np.zeros((21, 3)) for look in looks])
            if looks
            else empty,
            np.array([look.right_hand for look in looks]),
        )

    def features(self, kind: str) -> np.ndarray:
        """Return the ``kind`` features of every look, ``(N, width)``."""
        if not len(self.right_hand):
            return np.zeros((0, FEATURE_SETS[kind]), np.float32)
        return np.stack(
            [shape_features(p, w, r, kind) for p, w, r in zip(self.points, self.world, self.right_hand, strict=True)]
        )

    def with_tilt(self, degrees: float, copies: int, rng: np.random.Generator) -> Landmarks:
        """Return these looks and ``copies`` tilted copies of each: the picture landmarks turned about the wrist
        by up to ``degrees`` around the picture's horizontal and vertical axes (as a hand leaning towards or
        away from the camera); the world landmarks and handedness stay."""
        if degrees <= 0 or copies <= 0 or not len(self.right_hand):
            return self

        from scipy.spatial.transform import Rotation

        def tilt(points: np.ndarray) -> np.ndarray:
            angles = np.radians(rng.uniform(-degrees, degrees, (2, len(points)))).T  # about x, then about y
            turn = Rotation.from_euler("XY", angles).as_matrix()
            wrist = points[:, WRIST : WRIST + 1]
            return np.einsum("nij,nkj->nki", turn, points - wrist) + wrist

        return Landmarks(
            np.concatenate([self.points, *(tilt(self.points) for _ in range(copies))]),
            np.tile(self.world, (copies + 1, 1, 1)),
            np.tile(self.right_hand, copies + 1),
        )

    def with_noise(self, sigma: float, copies: int, rng: np.random.Generator) -> Landmarks:
        """Return these looks and ``copies`` noisy copies of each: every landmark moved ``sigma`` palm lengths."""
        if sigma <= 0 or copies <= 0:
            return self

        def jitter(points: np.ndarray) -> np.ndarray:
            palm = np.linalg.norm(points[:, MIDDLE_BASE] - points[:, WRIST], axis=-1)[:, None, None]
            return points + rng.normal(0.0, sigma, points.shape) * palm

        return Landmarks(
            np.concatenate([self.points, *(jitter(self.points) for _ in range(copies))]),
            np.concatenate([self.world, *(jitter(self.world) for _ in range(copies))]),
            np.tile(self.right_hand, copies + 1),
        )


def fitting(recogniser: Recogniser) -> Recogniser:
    """Return ``recogniser`` finding hands as the geometry model is fitted on: by the palm search alone.

    The landmark sweep and the fine search (:mod:`recognition.sweep`) stay off: the geometry model, its
    blend and the unsure threshold were chosen on a fit to the hands the search confirms, and that fit
    answers both validation readings, swept, with fewer confident-wrong answers than one fitted on swept
    train hands too (``docs/decisions.md``).
    """
    return recogniser.with_settings(sweep_squares=0, fine_share=0.0)


def looks_of(recogniser: Recogniser, pictures: list[np.ndarray] | np.ndarray) -> list[HandLook | None]:
    """Return the landmark model's look at the hand of each RGB uint8 picture, located as the fit locates it."""
    return list(prepare_all(fitting(recogniser), pictures).looks)


def seen_looks(looks: list[HandLook | None], labels: np.ndarray, least_presence: float) -> tuple[Landmarks, np.ndarray]:
    """Return the landmarks and labels of the looks that see a hand at least ``least_presence`` surely."""
    kept = [i for i, look in enumerate(looks) if look is not None and look.presence >= least_presence]
    return Landmarks.of([looks[i] for i in kept]), np.asarray(labels)[kept]


def fit_geometry(
    landmarks: Landmarks,
    labels: np.ndarray,
    seed: int = 42,
    kind: str = FEATURES,
    noise: float = NOISE,
    copies: int = NOISY_COPIES,
    tilt: float = TILT,
    tilted_copies: int = TILTED_COPIES,
) -> GeometryModel:
    """Fit the MLP on the ``kind`` features of ``landmarks``, their tilted copies and the noisy copies of all
    (standardised first)."""
    from sklearn.neural_network import MLPClassifier

    if len(set(labels.tolist())) != 10:
        raise ValueError("the geometry model needs landmarks of all ten digits")
    rng = np.random.default_rng(seed)
    noisy = landmarks.with_tilt(tilt, tilted_copies, rng).with_noise(noise, copies, rng)
    features = noisy.features(kind)
    labels = np.tile(labels, len(noisy.right_hand) // max(len(labels), 1))
    mean = features.mean(axis=0)
    scale = np.maximum(features.std(axis=0), 1e-6)
    classifier = MLPClassifier(HIDDEN, alpha=ALPHA, max_iter=ITERATIONS, random_state=seed, early_stopping=False)
    classifier.fit((features - mean) / scale, labels)
    return GeometryModel(
        mean.astype(np.float32),
        scale.astype(np.float32),
        tuple(w.astype(np.float32) for w in classifier.coefs_),
        tuple(b.astype(np.float32) for b in classifier.intercepts_),
        kind,
    )


def fit_for_training(
    recogniser: Recogniser, images: np.ndarray, labels: np.ndarray, seed: int
) -> tuple[GeometryModel | None, dict]:
    """Fit the geometry model on the train split's photos and their mirror images; return it and its card entry.

    The model is ``None`` (and the entry says why) when the landmark model saw too few hands of some digit.
    """
    pictures = [*images, *(np.ascontiguousarray(image[:, ::-1]) for image in images)]
    looks = looks_of(recogniser, pictures)
    landmarks, kept = seen_looks(looks, np.concatenate([labels, labels]), recogniser.settings.hand_present)
    counts = np.bincount(kept, minlength=10)
    if counts.min() < LEAST_PER_DIGIT:
        return None, {
            "fitted": False,
            "why": f"hands seen per digit {counts.tolist()}, fewer than {LEAST_PER_DIGIT} for some digit",
        }
    model = fit_geometry(landmarks, kept, seed)
    entry = {
        "fitted": True,
        "model": "MLP over 21 hand landmarks (MediaPipe hand_landmark_lite on the hand's upright region): "
        "picture landmarks normalised for position, size, turn and left or right hand, and world landmarks "
        "in the palm's own frame with joint bends, finger spreads and fingertip distances",
        "features": model.features,
        "hidden_layers": list(HIDDEN),
        "l2": ALPHA,
        "landmark_noise": {"palm_lengths": NOISE, "copies": NOISY_COPIES},
        "tilted_copies": {"degrees": TILT, "copies": TILTED_COPIES},
        "train_looks": len(kept),
        "train_pictures": len(pictures),
        "train_accuracy": float((model.predict(landmarks.features(model.features)).argmax(axis=1) == kept).mean()),
    }
    return model, entry


def blend_note(settings: Settings) -> str:
    """Return how serving joins the geometry model's answer to the MobileNet's, for the card."""
    tempered = settings.image_temperature != 1.0 or settings.geometry_temperature != 1.0
    probabilities = "calibrated probabilities" if tempered else "probabilities (neither model tempered)"
    return (
        f"where the landmark model's presence on the hand's region reaches {settings.geometry_presence:g}, "
        f"the weighted geometric mean MobileNet^{1 - settings.geometry_weight:g} x geometry^"
        f"{settings.geometry_weight:g} of the {probabilities}, renormalised; else the MobileNet alone "
        "(chosen on two validation readings by tuning/geometry.py)"
    )
