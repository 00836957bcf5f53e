"""Calibrated twins of the geometry candidates: both models' probabilities tempered before they are blended.

The temperatures are fitted on the validation split (every kind; the geometry model on the looks
that see a hand), never on the outside signer, and chosen or not by the same rule as the rest.
"""

from __future__ import annotations

import numpy as np

from recognition.geometry import fit_temperature, tempered


def add_calibrated_twins(models: dict, shapes: dict, reads: dict, least_presence: float) -> tuple[dict, dict]:
    """Add to ``models`` and ``shapes`` a calibrated twin of each candidate (both models tempered by temperatures
    fitted on validation); return the reads each candidate is scored on and each one's temperatures."""
    reads_for = {name: reads for name in models}
    temperatures = {name: (1.0, 1.0) for name in models}
    for name in list(models):
        twin = f"{name}, calibrated"
        models[twin] = models[name]
        temperatures[twin] = fit_temperatures(reads["valid"], shapes[name]["valid"], least_presence)
        reads_for[twin], shapes[twin] = calibrated(reads, shapes[name], *temperatures[twin])
    return reads_for, temperatures


def fit_temperatures(valid: dict, shapes: dict, least_presence: float) -> tuple[float, float]:
    """Return the MobileNet's and the geometry model's temperatures fitted on every validation kind."""
    labels = np.concatenate([read_set["labels"] for read_set in valid.values()])
    image = np.concatenate([read_set["image"] for read_set in valid.values()])
    seen = np.concatenate([read_set["presence"] >= least_presence for read_set in valid.values()])
    geometry = np.concatenate([shapes[kind] for kind in valid])
    return fit_temperature(image, labels), fit_temperature(geometry[seen], labels[seen])


def calibrated(reads: dict, shapes: dict, image_temperature: float, geometry_temperature: float) -> tuple[dict, dict]:
    """Return ``reads`` with the MobileNet's probabilities tempered, and ``shapes`` tempered (new dicts)."""
    tempered_reads = {
        split: {
            kind: {**read_set, "image": tempered(read_set["image"], image_temperature)}
            for kind, read_set in kinds.items()
        }
        for split, kinds in reads.items()
    }
    tempered_shapes = {
        split: {kind: tempered(values, geometry_temperature) for kind, values in kinds.items()}
        for split, kinds in shapes.items()
    }
    return tempered_reads, tempered_shapes
