"""Default settings; each may be overridden by an ``ASL_<NAME>`` environment variable."""

from __future__ import annotations

from recognition.paths import DEFAULT_MODEL

DEFAULTS: dict[str, object] = {
    # The .h5 model; its int8 / fp32 .tflite exports beside it (hashes in the card) are served by LiteRT,
    # with the thresholds of its NAME.settings.json (recognition/settings.py).
    "MODEL_PATH": str(DEFAULT_MODEL),
    "BACKEND": "auto",  # auto (int8, else fp32 LiteRT, else Keras) | litert-int8 | litert-fp32 | keras
    # LiteRT threads for a request alone in its worker (classifier and palm detector); concurrent
    # requests use one thread each (recognition/interpreters.py).
    "INFERENCE_THREADS": 2,
    "LOCALISE_HAND": True,  # find the hand with the palm detector before classifying
    "LOAD_MODEL_AT_START": True,  # load in a background thread when the app is created
    "MAX_UPLOAD_MB": 10,  # whole request, all files together, however it is framed
    "MAX_BATCH_FILES": 16,
    "MAX_IMAGE_MEGAPIXELS": 40,  # larger (as decoded: JPEGs at their reduced scale) is refused as a decompression bomb
    "MAX_DECODED_MB": 160,  # memory one image may take to decode (pixels x bytes, codec buffers counted)
    "MAX_REQUEST_DECODED_MB": 480,  # ... and all the images of one request together
    # ... and all the decodes of one worker process at once, codecs' own buffers counted (a decode waits up
    # to 15 s for its share, then is answered 503): the worker's memory beyond the models is bounded by this.
    "MAX_WORKER_DECODE_MB": 240,
    "BODY_TIMEOUT_SECONDS": 20,  # a request body must arrive within this (plus 1 s per 100 KB)
    "UNSURE_BELOW": None,  # confidence under which the result is marked unsure; None: the model's settings file
    "KIOSK_IDLE_SECONDS": 8,  # kiosk goes back to the live camera after this
    # Origins (e.g. "https://school.example,https://other.example") whose pages may call the JSON API from a
    # browser; empty: none but this site's own. The API takes no cookies or credentials, so allowing an origin
    # lets its pages send photos here and read the answers, nothing more.
    "CORS_ORIGINS": "",
    # A folder for the corrections people choose to send ("Wrong? It was ..."), with their consent; empty: the
    # offer is not shown and nothing is ever stored. Review with: python -m feedback FOLDER list.
    "FEEDBACK_DIR": "",
    # ... or a PostgreSQL database for them, for several instances ("postgresql://user@host/db"; a Secret in
    # Kubernetes): the photo and its note in one row, the same caps and consent. Set, it is used instead of the folder.
    "FEEDBACK_DATABASE_URL": "",
    "FEEDBACK_MAX_COUNT": 10_000,  # corrections the folder may hold; beyond, new ones are refused (503)
    "FEEDBACK_MAX_MB": 500,  # ... and megabytes
    "FEEDBACK_PER_HOUR": 30,  # corrections one client address may send an hour, per worker process (429 beyond)
    # Reverse proxies in front that set X-Forwarded-For (1 with deploy/nginx.conf): the client address the
    # correction rate is counted by. 0 (direct): the connection's own address; never trust a header by default.
    "PROXY_HOPS": 0,
    # The address people reach this server at (e.g. "https://asl.example"), shown in the /api page's examples;
    # empty: the page shows its own address as the browser sees it. Never taken from the request's Host.
    "PUBLIC_URL": "",
    "SECRET_KEY": None,  # only needed if sessions are ever used; never hard-coded
}
