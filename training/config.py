"""What one training run is asked to do: data, output, starting weights, recipe, seed and splits."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from training.recipe import TEST_FRACTION, VALID_FRACTION, Recipe


@dataclass(frozen=True)
class TrainingConfig:
    """Everything a training run needs; ``weights`` is ``"imagenet"``, a no-top .weights.h5 path or ``None``."""

    data: Path
    out: Path
    weights: str | None
    recipe: Recipe = field(default_factory=Recipe)
    seed: int = 42
    manifest: Path | None = None  # reuse these splits instead of making new ones
    valid_fraction: float = VALID_FRACTION
    test_fraction: float = TEST_FRACTION
    shift: bool = True  # measure the domain-shift set
    export: bool = True  # write the LiteRT exports (fp32 and int8)
    distribute: str = "none"  # none | mirrored (all local GPUs) | multiworker (TF_CONFIG); training.distribute
    # corrections, folders (<digit>/*.jpg) or postgresql:// URLs: training only, each photo its own person
    extra_data: tuple[str | Path, ...] = ()
