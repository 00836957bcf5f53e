"""Fit the hand-geometry model on the train split and choose how it joins the MobileNet, on validation.

    python -m tuning.geometry [--model models/asl_digits.h5] [--write]

Every picture of the train split (with its mirror image), and of the valid and
test splits with their shift sets, is located as served, looked at by the hand-landmark model,
and read by the MobileNet (fp32 export). The geometry model is fitted on the train looks
(:mod:`training.geometry`); then each (weight, presence gate) pair is scored on validation: the
mean over plain photos and every shift kind, with confident-wrong answers at or under 1%. The
chosen pair is reported on the test split. ``--write`` saves the geometry model beside the .h5
and the pair into its settings file. Writes bench/results/geometry.json.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from bench import save_result
from recognition.answer import is_unsure
from recognition.batch import prepare_all
from recognition.geometry import GeometryModel
from recognition.model_files import ModelFiles, sha256_of
from recognition.paths import DEFAULT_MODEL, PROJECT_ROOT
from recognition.recogniser import Recogniser
from recognition.settings import Settings
from training.geometry import fit_geometry
from tuning.harness import outside_reading, served, split_reading

WEIGHTS = (0.0, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 1.0)
PRESENCES = (0.3, 0.5, 0.7, 0.9)
MOST_CONFIDENT_WRONG = 0.01


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


def score(
    model: GeometryModel, sets: dict[str, dict], labels: np.ndarray, weight: float, presence: float, unsure: float
) -> dict:
    """Return accuracy per kind and confident-wrong overall when the pair (weight, presence) blends the answers."""
    per_kind, wrong, count = {}, 0, 0
    for kind, read_set in sets.items():
        shapes = read_set.get("shapes")
        if shapes is None:
            shapes = read_set["shapes"] = model.predict(read_set["features"])
        seen = (read_set["presence"] >= presence)[:, None]
        rows = np.where(seen, (1 - weight) * read_set["image"] + weight * shapes, read_set["image"])
        answers = rows.argmax(axis=1)
        per_kind[kind] = float((answers == labels).mean())
        wrong += int(((answers != labels) & ~is_unsure(rows.max(axis=1), unsure)).sum())
        count += len(labels)
    shift = {k: v for k, v in per_kind.items() if k != "plain"}
    return {
        "plain": per_kind["plain"],
        "shift_mean": float(np.mean(list(shift.values()))),
        "mean": float(np.mean(list(per_kind.values()))),
        "worst_kind": min(shift, key=shift.get),
        "confident_wrong": wrong / count,
        "per_kind": per_kind,
    }


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
        reads[split] = {kind: {**read(recogniser, pictures), "labels": labels} for kind, pictures in sets.items()}
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    parser.add_argument(
        "--write", action="store_true", help="save the geometry model and the chosen pair beside the model"
    )
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out", default="geometry.json", help="result file name under bench/results")
    args = parser.parse_args()
    files = ModelFiles.from_h5(args.model)
    base = Settings.for_model(files)
    reads = read_everything(files, base, PROJECT_ROOT / "runs" / f"geometry_reads3d_{sha256_of(files.h5)[:12]}.npz")
    train = reads["train"]["plain"]
    features, labels = features_of_reads(train, base.hand_present)
    model = fit_geometry(features, labels, args.seed)
    pairs = {f"weight {w:g}, presence {p:g}": (w, p) for w in WEIGHTS for p in PRESENCES}
    results = {
        name: {
            split: score(model, reads[split], reads[split]["plain"]["labels"], w, p, base.unsure_below)
            for split in ("valid", "test")
        }
        for name, (w, p) in pairs.items()
    }
    allowed = [name for name in pairs if results[name]["valid"]["confident_wrong"] <= MOST_CONFIDENT_WRONG] or list(
        pairs
    )
    chosen = max(allowed, key=lambda name: results[name]["valid"]["mean"])
    alone = {
        split: score(model, reads[split], reads[split]["plain"]["labels"], 1.0, 0.0, base.unsure_below)
        for split in ("valid", "test")
    }
    report = {
        "model": files.h5.name,
        "pictures": {split: int(sum(len(k["labels"]) for k in kinds.values())) for split, kinds in reads.items()},
        "train_looks": len(labels),
        "geometry_alone": alone,
        "pairs": results,
        "chosen_on_valid": {"pair": chosen, "geometry_weight": pairs[chosen][0], "geometry_presence": pairs[chosen][1]},
    }
    for name in (next(iter(pairs)), chosen):
        for split in ("valid", "test"):
            print(name, split, {k: v for k, v in results[name][split].items() if k != "per_kind"}, flush=True)
    print("geometry alone", {split: {k: v for k, v in alone[split].items() if k != "per_kind"} for split in alone})
    save_result(args.out, report)
    if args.write:
        model.save(files.geometry)
        note = "tuning/geometry.py: best mean of plain and shift kinds on validation with confident-wrong <= 1%"
        settings = base.with_values(geometry_weight=pairs[chosen][0], geometry_presence=pairs[chosen][1])
        print("wrote", files.geometry, settings.save(files, {"geometry_weight": note, "geometry_presence": note}))
    print(json.dumps(report["chosen_on_valid"]))
    return 0


def features_of_reads(read_set: dict, least_presence: float) -> tuple[np.ndarray, np.ndarray]:
    """Return the features and labels of the reads whose look saw a hand at least ``least_presence`` surely."""
    kept = read_set["presence"] >= least_presence
    return read_set["features"][kept], read_set["labels"][kept]


if __name__ == "__main__":
    raise SystemExit(main())
