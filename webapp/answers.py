"""Recognise uploaded images and shape the answer every route and page shows (one place for both)."""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass

from flask import current_app
from PIL import Image

from recognition.decode import DecodeBudget, DecodeLimits, ImageRejected, decode_picture
from recognition.hands import HandBox
from recognition.preprocessing import CLASS_NAMES
from recognition.recogniser import Recognition
from webapp.loader import get_holder, get_recogniser
from webapp.uploads import Upload

NO_HAND_MESSAGE = "No hand found — show one hand, palm to the camera."
UNSURE_MESSAGE = "The model is unsure. Keep the whole hand in view, against a plain background, in good light."
PREVIEW_SIDE = 480


@dataclass
class Answered:
    """One upload: its answer, and its decoded (reduced) picture when the page shows it back."""

    answer: dict
    picture: Image.Image | None = None


def box_fractions(box: tuple[int, int, int, int], size: tuple[int, int]) -> dict[str, float]:
    """Return a (left, top, right, bottom) box of a (width, height) picture as fractions x, y, width, height."""
    left, top, right, bottom = box
    width, height = size
    return {
        "x": round(left / width, 4),
        "y": round(top / height, 4),
        "width": round((right - left) / width, 4),
        "height": round((bottom - top) / height, 4),
    }


def hand_fractions(hand: HandBox, size: tuple[int, int]) -> dict[str, float | None]:
    """Return the hand's square, clamped into the picture, as fractions, with its palm score and hand presence."""
    presence = None if hand.presence is None else round(hand.presence, 4)
    return {**box_fractions(hand.clamped(*size), size), "score": round(hand.score, 4), "presence": presence}


def shape_answer(recognition: Recognition, filename: str, unsure_below: float) -> dict:
    """Return the JSON answer for one recognition (the API contract; webapp/openapi.py describes it)."""
    total = float(recognition.probabilities.sum()) or 1.0
    probabilities = [round(float(p) / total, 6) for p in recognition.probabilities]
    digit = recognition.digit
    confidence = round(probabilities[digit], 6)
    no_hand = recognition.no_hand
    unsure = bool(confidence < unsure_below)
    if no_hand:
        message = NO_HAND_MESSAGE
    else:
        message = f"Digit {CLASS_NAMES[digit]}, {confidence * 100:.0f}% sure" + (". " + UNSURE_MESSAGE if unsure else ".")
    hand = recognition.hand
    return {
        "digit": digit,
        "label": CLASS_NAMES[digit],
        "confidence": confidence,
        "probabilities": probabilities,
        "unsure": unsure,
        "no_hand": no_hand,
        "message": message,
        "hand": None if hand is None else hand_fractions(hand, recognition.size),
        "region": box_fractions(recognition.box, recognition.size),
        "filename": filename,
    }


def unsure_below() -> float:
    """Return the confidence under which answers are flagged unsure: the app's setting, else the model's."""
    configured = current_app.config.get("UNSURE_BELOW")
    return float(configured) if configured is not None else get_holder().settings.unsure_below


def recognise_uploads(uploads: list[Upload], keep_pictures: bool = False) -> list[Answered]:
    """Decode and recognise each upload in turn, naming the file in any error when there are several.

    Each decoded picture is let go once it is answered (kept only with ``keep_pictures``, for a
    page that shows it back), and the request's pictures share one decode budget.
    """
    config = current_app.config
    limits = DecodeLimits(float(config["MAX_IMAGE_MEGAPIXELS"]), float(config["MAX_DECODED_MB"]))
    budget = DecodeBudget(float(config["MAX_REQUEST_DECODED_MB"]))
    recogniser = get_recogniser()
    threshold = unsure_below()
    answered = []
    for upload in uploads:
        try:
            picture = decode_picture(upload.data, limits, budget)
        except ImageRejected as error:
            if len(uploads) == 1:
                raise
            raise ImageRejected(f"{upload.filename}: {error.message}", error.status) from error
        (recognition,) = recogniser.recognise([picture])
        answered.append(Answered(shape_answer(recognition, upload.filename, threshold), picture if keep_pictures else None))
    return answered


def preview_data_url(picture: Image.Image) -> str:
    """Return the upright (already reduced) picture, shrunk to PREVIEW_SIDE, as a JPEG data: URL (never stored)."""
    preview = picture.copy()
    preview.thumbnail((PREVIEW_SIDE, PREVIEW_SIDE), Image.Resampling.BILINEAR)
    buffer = io.BytesIO()
    preview.save(buffer, format="JPEG", quality=85)
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
