"""Measure two ways of combining trained models: averaging their outputs, and averaging their weights.

python -m bench.combine_models runs/default/asl_digits.h5 runs/collage-12-lr5e-4/asl_digits.h5
(reads ../shared; uses the first model's manifest; prints valid and test accuracy of each)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("models", nargs=2, type=Path, help="two .h5 models of the same architecture")
    args = parser.parse_args()

    import keras
    import numpy as np

    from training.data import load_images, read_manifest
    from training.paths import SHARED_DATA

    first, second = (keras.models.load_model(path) for path in args.models)
    soup = keras.models.clone_model(first)
    soup.set_weights([(a + b) / 2 for a, b in zip(first.get_weights(), second.get_weights(), strict=True)])
    splits = read_manifest(args.models[0].with_name(args.models[0].stem + ".manifest.json"))
    for split in ("valid", "test"):
        data = load_images(SHARED_DATA, splits[split])
        images = data.images.astype("float32")
        outputs = {
            name: model.predict(images, verbose=0)
            for name, model in (("first", first), ("second", second), ("weight average", soup))
        }
        outputs["output average"] = (outputs["first"] + outputs["second"]) / 2
        scores = ", ".join(f"{name} {np.mean(probs.argmax(1) == data.labels):.2%}" for name, probs in outputs.items())
        print(f"{split} ({len(data.labels)} images): {scores}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
