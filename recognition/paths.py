"""Where the project and its shipped model files live: the one definition of the project root."""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
MODELS_DIR = PROJECT_ROOT / "models"
DEFAULT_MODEL = MODELS_DIR / "asl_digits.h5"
HANDS_DIR = MODELS_DIR / "hands"
DETECTOR_PATH = HANDS_DIR / "palm_detection_full.tflite"
CHECKER_PATH = HANDS_DIR / "hand_landmark_lite.tflite"


def hand_models_present() -> bool:
    """Return whether the palm detector and the hand-landmark model are both there to find hands."""
    return DETECTOR_PATH.is_file() and CHECKER_PATH.is_file()
