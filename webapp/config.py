"""Default settings; each may be overridden by an ``ASL_<NAME>`` environment variable."""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]

DEFAULTS: dict[str, object] = {
    # The .h5 model; a matching .tflite beside it (hash recorded in the card) is served by LiteRT.
    "MODEL_PATH": str(PROJECT_ROOT / "models" / "asl_digits.h5"),
    "BACKEND": "auto",  # auto | litert | keras
    "INFERENCE_THREADS": 1,  # LiteRT threads per worker; gunicorn runs one worker per core
    "LOAD_MODEL_AT_START": True,  # load in a background thread when the app is created
    "MAX_UPLOAD_MB": 10,  # whole request, all files together
    "MAX_BATCH_FILES": 16,
    "MAX_IMAGE_MEGAPIXELS": 40,  # larger dimensions are refused as a decompression bomb
    "UNSURE_BELOW": 0.6,  # confidence under which the result is marked unsure
    "KIOSK_IDLE_SECONDS": 8,  # kiosk goes back to the live camera after this
    "SECRET_KEY": None,  # only needed if sessions are ever used; never hard-coded
}
