"""What the served pipeline reads of every picture a geometry choice needs, read once and cached under runs/.

Per picture: the picture and world landmarks of the landmark model's look at the hand, its
handedness and presence (0 without a look), and the MobileNet's probabilities; for the train split
(with mirror images), the validation and test splits with their shift kinds, and the outside signer.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from recognition.batch import prepare_all
from recognition.model_files import ModelFiles
from recognition.recogniser import Recogniser
from recognition.settings import Settings
from training.geometry import Landmarks, fitting
from tuning.harness import outside_reading, served, split_reading


def read(recogniser: Recogniser, pictures: list[np.ndarray]) -> dict[str, np.ndarray]:
    """Return each picture's landmarks (picture and world), handedness and presence (0 without a look), and the
    MobileNet's probabilities."""
    prepared = prepare_all(recogniser, pictures)
    probabilities = np.concatenate(
        [recogniser.predictor.predict(prepared.inputs[i : i + 64]) for i in range(0, len(pictures), 64)]
    )
    looks = prepared.looks
    empty = np.zeros((21, 3))
    return {
        "points": np.stack([look.points if look is not None else empty for look in looks]).astype(np.float32),
        "world": np.stack(
            [look.world if look is not None and look.world is not None else empty for look in looks]
        ).astype(np.float32),
        "right_hand": np.array([look.right_hand if look is not None else 1.0 for look in looks], np.float32),
        "presence": np.array([look.presence if look is not None else 0.0 for look in looks]),
        "image": probabilities,
    }


def landmarks_of(read_set: dict) -> Landmarks:
    return Landmarks(read_set["points"], read_set["world"], read_set["right_hand"])


def read_everything(files: ModelFiles, base: Settings, cache: Path) -> dict:
    """Return the reads of train, valid and test (each kind), from ``cache`` when it holds them."""
    if cache.is_file():
        with np.load(cache, allow_pickle=False) as arrays:
            reads: dict = {}
            for name in arrays.files:
                split, kind, field = name.split("/")
                reads.setdefault(split, {}).setdefault(kind, {})[field] = arrays[name]
            return reads
    recogniser = served(files.h5)
    reads = {}
    for split in ("train", "valid", "test", "outside"):
        reading = outside_reading() if split == "outside" else split_reading(files.h5, split, shift=split != "train")
        if reading is None:
            continue
        sets, labels = reading.kinds, reading.labels
        if split == "train":  # as the training command fits it (training.geometry.fit_for_training)
            sets = {"plain": [*sets["plain"], *(np.ascontiguousarray(image[:, ::-1]) for image in sets["plain"])]}
            labels = np.concatenate([labels, labels])
        reader = fitting(recogniser) if split == "train" else recogniser
        reads[split] = {kind: {**read(reader, pictures), "labels": labels} for kind, pictures in sets.items()}
        print(split, "read", sum(len(v) for v in sets.values()), "pictures", flush=True)
    cache.parent.mkdir(exist_ok=True)
    flat = {
        f"{split}/{kind}/{field}": value
        for split, kinds in reads.items()
        for kind, fields in kinds.items()
        for field, value in fields.items()
    }
    with open(cache, "wb") as handle:
        np.savez(handle, **flat)
    return reads
