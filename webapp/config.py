"""Default settings; each may be overridden by an ``ASL_<NAME>`` environment variable."""

from __future__ import annotations

from training.inference import UNSURE_BELOW
from training.paths import DEFAULT_MODEL

DEFAULTS: dict[str, object] = {
    # The .h5 model; its int8 / fp32 .tflite exports beside it (hashes in the card) are served by LiteRT.
    "MODEL_PATH": str(DEFAULT_MODEL),
    "BACKEND": "auto",  # auto (int8, else fp32 LiteRT, else Keras) | litert-int8 | litert-fp32 | keras
    # LiteRT threads for a request alone in its worker (classifier and palm detector); concurrent
    # requests use one thread each (training/interpreters.py; bench/serving.py, README "Serving").
    "INFERENCE_THREADS": 2,
    "LOCALISE_HAND": True,  # find the hand with the palm detector before classifying
    "LOAD_MODEL_AT_START": True,  # load in a background thread when the app is created
    "MAX_UPLOAD_MB": 10,  # whole request, all files together, however it is framed
    "MAX_BATCH_FILES": 16,
    "MAX_IMAGE_MEGAPIXELS": 40,  # larger dimensions are refused as a decompression bomb
    "MAX_DECODED_MB": 120,  # memory a decoded image may take (pixels x bytes per pixel); bench/hostile.py
    "BODY_TIMEOUT_SECONDS": 20,  # a request body must arrive within this (plus 1 s per 100 KB)
    "UNSURE_BELOW": UNSURE_BELOW,  # confidence under which the result is marked unsure (chosen on validation)
    "KIOSK_IDLE_SECONDS": 8,  # kiosk goes back to the live camera after this
    "SECRET_KEY": None,  # only needed if sessions are ever used; never hard-coded
}
