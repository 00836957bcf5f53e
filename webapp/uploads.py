"""Pull uploaded images out of a request and classify them."""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass

import numpy as np
from flask import Request, current_app
from PIL import Image
from werkzeug.utils import secure_filename

from webapp.imaging import ImageRejected, decode_upload
from webapp.predictor import Prediction, PredictorHolder

FIELD = "image"
MAX_NAME_LENGTH = 80


@dataclass
class Upload:
    """One received file: a safe display name and its bytes."""

    filename: str
    data: bytes


def display_name(raw: str | None) -> str:
    """Return a short, path-free version of a client's file name, for display only."""
    name = secure_filename((raw or "").replace("\\", "/").rsplit("/", 1)[-1]) or "upload"
    if len(name) > MAX_NAME_LENGTH:
        stem, dot, suffix = name.rpartition(".")
        name = (
            (stem[: MAX_NAME_LENGTH - len(suffix) - 2] + "…" + dot + suffix)
            if dot and len(suffix) < 10
            else name[:MAX_NAME_LENGTH]
        )
    return name


def uploads_from(request: Request, allow_raw: bool = True) -> list[Upload]:
    """Return the files of field ``image``, or the raw body if it is ``image/*``; raise if none."""
    files = request.files.getlist(FIELD)
    if files:
        return [Upload(display_name(f.filename), f.read()) for f in files]
    mimetype = request.mimetype or ""
    if request.files:
        fields = ", ".join(sorted(request.files.keys()))
        raise ImageRejected(f"No file in the field '{FIELD}' (received: {fields}). Send the image as '{FIELD}'.")
    if allow_raw and mimetype.startswith("image/"):
        return [Upload("upload", request.get_data(cache=False))]
    if mimetype.startswith("multipart/form-data") or mimetype == "application/x-www-form-urlencoded":
        raise ImageRejected(f"No image was sent. Attach a photo in the field '{FIELD}'.")
    if allow_raw and request.content_length:
        raise ImageRejected(
            f"Unsupported content type '{mimetype or 'none'}'. Send multipart/form-data with a field "
            f"'{FIELD}', or a raw body with Content-Type image/*.",
            415,
        )
    raise ImageRejected(f"No image was sent. Attach a photo in the field '{FIELD}'.")


def classify_single(request: Request, allow_raw: bool, too_many: str) -> tuple[dict, np.ndarray]:
    """Decode and classify the one image of ``request``; return the result and the model input.

    ``too_many`` is the message for a request that carries several files.
    """
    uploads = uploads_from(request, allow_raw=allow_raw)
    if len(uploads) > 1:
        raise ImageRejected(too_many.format(count=len(uploads)))
    image = decode(uploads[0])
    result = classify([image])[0]
    result["filename"] = uploads[0].filename
    return result, image


def classify(images: list[np.ndarray]) -> list[dict]:
    """Classify decoded model inputs with the app's predictor; return API result dicts."""
    holder: PredictorHolder = current_app.extensions["predictor"]
    probabilities = holder.get().predict(np.stack(images))
    unsure_below = float(current_app.config["UNSURE_BELOW"])
    return [Prediction(row).as_dict(unsure_below) for row in probabilities]


def decode(upload: Upload) -> np.ndarray:
    """Decode one upload with the app's limits."""
    return decode_upload(upload.data, float(current_app.config["MAX_IMAGE_MEGAPIXELS"]))


def thumbnail_data_url(image: np.ndarray) -> str:
    """Return the model input as a small JPEG data: URL, to show it back without storing it."""
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, format="JPEG", quality=85)
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
