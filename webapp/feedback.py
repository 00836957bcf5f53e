"""POST /feedback: a person says which digit a photo really showed, with consent; stored only if an operator opted in.

Without ``FEEDBACK_DIR`` or ``FEEDBACK_DATABASE_URL`` (``ASL_...``) the route answers 404 and nothing is ever written.
With it, the small copy of the photo the answer showed (at most 480 pixels, re-encoded without
metadata) and the digit are stored (:mod:`feedback.store`); nothing about the person is kept.
"""

from __future__ import annotations

import base64
import binascii
import io

import numpy as np
from flask import Blueprint, Flask, current_app, render_template, request
from PIL import Image
from werkzeug.exceptions import NotFound

from feedback import open_store
from feedback.store import StoreFull, StoreUnavailable
from recognition.decode import DecodeLimits, ImageRejected, decode_picture
from webapp.answers import PREVIEW_SIDE
from webapp.errors import describe
from webapp.rate_limit import RateLimit

blueprint = Blueprint("feedback", __name__)
DATA_URL_PREFIX = "data:image/jpeg;base64,"


EXTENSION = "asl_feedback_rate"


def init_app(app: Flask) -> None:
    """Give the app its per-client rate of corrections (per worker process)."""
    app.extensions[EXTENSION] = RateLimit(int(app.config["FEEDBACK_PER_HOUR"]))


def feedback_enabled() -> bool:
    return bool(current_app.config.get("FEEDBACK_DATABASE_URL") or current_app.config.get("FEEDBACK_DIR"))


def get_store():
    """Return where corrections go: the database when its URL is set (several instances), else the folder."""
    config = current_app.config
    location = config.get("FEEDBACK_DATABASE_URL") or config["FEEDBACK_DIR"]
    return open_store(location, int(config["FEEDBACK_MAX_COUNT"]), int(float(config["FEEDBACK_MAX_MB"]) * 2**20))


def _number(name: str, low: int, high: int) -> int | None:
    try:
        value = int(request.form.get(name, ""))
    except ValueError:
        return None
    return value if low <= value <= high else None


def _photo() -> bytes:
    """Return the photo of the form as a clean JPEG, or raise :class:`ImageRejected`."""
    value = request.form.get("photo", "")
    if not value.startswith(DATA_URL_PREFIX):
        raise ImageRejected("The photo is missing; recognise it again, then send the correction.")
    try:
        data = base64.b64decode(value[len(DATA_URL_PREFIX) :], validate=True)
    except (binascii.Error, ValueError) as error:
        raise ImageRejected("The photo could not be read; recognise it again, then send the correction.") from error
    picture = decode_picture(data, DecodeLimits(max_megapixels=1, max_decoded_mb=8))
    picture.thumbnail((PREVIEW_SIDE, PREVIEW_SIDE))
    bare = Image.fromarray(np.asarray(picture.convert("RGB")))  # pixels only: no comment, EXIF, XMP or ICC
    buffer = io.BytesIO()
    bare.save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


def _answer(message: str, status: int = 200):
    inline = request.headers.get("X-Requested-With") == "fetch"
    template = "_feedback_done.html" if inline else "feedback_done.html"
    return render_template(template, message=message, ok=status == 200), status


@blueprint.post("/feedback")
def send_correction():
    """Store a correction when the operator collects them and the person agreed."""
    if not feedback_enabled():
        raise NotFound()
    digit = _number("digit", 0, 9)
    if digit is None:
        return _answer("Choose the digit the photo really shows.", 400)
    if request.form.get("consent") != "yes":
        return _answer("Nothing was stored: tick the box to agree first.", 400)
    if not current_app.extensions[EXTENSION].allow(request.remote_addr or "unknown"):
        return _answer("Nothing was stored: too many corrections from here this hour. Thank you all the same.", 429)
    try:
        photo = _photo()
    except ImageRejected as error:
        return _answer(*describe(error))
    confidence = request.form.get("confidence", type=float)
    try:
        get_store().save(photo, digit, _number("answered", 0, 9), confidence)
    except StoreFull:
        return _answer("Nothing was stored: the collection of corrections is full. Thank you all the same.", 503)
    except StoreUnavailable:
        current_app.logger.exception("a correction could not be stored")
        return _answer("Nothing was stored: corrections cannot be saved right now. Please try again later.", 503)
    return _answer(f"Thank you: stored as {digit}. It will help the next version of the model.")
