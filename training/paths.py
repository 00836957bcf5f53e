"""Where the training data and the starting weights live (the shared folder beside the project)."""

from __future__ import annotations

from pathlib import Path

from recognition.paths import PROJECT_ROOT

SHARED_DIR = PROJECT_ROOT.parent / "shared"
SHARED_DATA = SHARED_DIR / "datasets" / "sign-language-digits" / "Dataset"
SHARED_WEIGHTS = SHARED_DIR / "weights" / "mobilenet_1_0_224_imagenet_no_top.weights.h5"
# Another signer, webcam photos in a room: read to choose and to report, never to fit (its README says why).
SHARED_OUTSIDE = SHARED_DIR / "datasets" / "asl-digits-other-signer" / "photos"


def default_data_dir() -> Path | None:
    """Return the shared dataset folder when it exists, else ``None``."""
    return SHARED_DATA if SHARED_DATA.is_dir() else None


def default_weights() -> str:
    """Return the shared local ImageNet weights when present, else ``imagenet`` (online)."""
    return str(SHARED_WEIGHTS) if SHARED_WEIGHTS.is_file() else "imagenet"
