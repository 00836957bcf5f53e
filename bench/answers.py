"""Record the served answers on the test split and its shift set, or check them against a recording.

    python -m bench.answers record runs/answers.npz   # before a change
    python -m bench.answers compare runs/answers.npz  # after: the same probabilities, boxes, "no hand", "unsure"

The answers go through the same recogniser as serving (fp32 LiteRT export, palm detector with its
hand check, the landmark model's look, the geometry model, the model's settings), on the test photos
and every kind of their shift set (8,613 pictures for the shipped split).
A refactor that claims "behaviour unchanged" runs this before and after.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from recognition.batch import recognise_all
from recognition.model_files import ModelFiles
from recognition.paths import DEFAULT_MODEL
from recognition.recogniser import Recogniser
from training.data import load_images, read_manifest
from training.paths import SHARED_DATA
from training.shift import build_shift_set

TOLERANCE = 1e-6  # largest difference in any probability


def record(model: Path) -> dict[str, np.ndarray]:
    """Return the answers of ``model`` on the test split and its shift set, by kind."""
    recogniser = Recogniser.from_model(model, "litert-fp32", copies=2)
    data = load_images(SHARED_DATA, read_manifest(ModelFiles.from_h5(model).manifest)["test"])
    answers = {}
    for kind, pictures in {"test": data.images, **build_shift_set(data.images)}.items():
        found = recognise_all(recogniser, pictures)
        answers[f"{kind}/p"] = np.stack([r.probabilities for r in found])
        answers[f"{kind}/box"] = np.array([r.box for r in found])
        answers[f"{kind}/nohand"] = np.array([r.no_hand for r in found])
        answers[f"{kind}/unsure"] = np.array([r.unsure for r in found])
    return answers


def differences(reference: dict[str, np.ndarray], answers: dict[str, np.ndarray]) -> list[str]:
    """Return a line for each kind whose answers differ from the reference."""
    lines = []
    for key in sorted(set(reference) | set(answers)):
        if key not in reference or key not in answers:
            lines.append(f"{key}: only in one of the two")
        elif key.endswith("/p"):
            worst = float(np.abs(reference[key] - answers[key]).max())
            changed = int((reference[key].argmax(1) != answers[key].argmax(1)).sum())
            if worst > TOLERANCE or changed:
                lines.append(f"{key}: {changed} answers changed, largest probability difference {worst:.2e}")
        elif not np.array_equal(reference[key], answers[key]):
            lines.append(
                f"{key}: {int((reference[key] != answers[key]).reshape(len(answers[key]), -1).any(1).sum())} differ"
            )
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=("record", "compare"))
    parser.add_argument("path", type=Path, help="the .npz recording")
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    args = parser.parse_args()
    answers = record(args.model)
    pictures = sum(len(v) for k, v in answers.items() if k.endswith("/p"))
    if args.action == "record":
        args.path.parent.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(args.path, **answers)
        print(f"recorded {pictures} answers in {args.path}")
        return 0
    with np.load(args.path) as stored:
        lines = differences(dict(stored), answers)
    print(
        "\n".join(lines)
        or f"the same {pictures} answers (probabilities within {TOLERANCE:g}; boxes, 'no hand' and 'unsure' identical)"
    )
    return 1 if lines else 0


if __name__ == "__main__":
    sys.exit(main())
