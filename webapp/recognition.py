"""Recognise uploaded images and shape the answer every route and page shows (one place for both)."""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass

from flask import current_app
from PIL import Image

from training.hands import box_fractions
from training.inference import Recognition
from training.preprocessing import CLASS_NAMES
from webapp.imaging import DecodeLimits, ImageRejected, decode_picture
from webapp.predictor import get_recogniser
from webapp.uploads import Upload

NO_HAND_MESSAGE = "No hand found — show one hand, palm to the camera."
UNSURE_MESSAGE = "The model is unsure. Keep the whole hand in view, against a plain background, in good light."
PREVIEW_SIDE = 480


@dataclass
class Answered:
    """One upload: its decoded picture and the answer to show or send."""

    picture: Image.Image
    answer: dict


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
        "hand": None if hand is None else hand.as_dict(*recognition.size),
        "region": box_fractions(recognition.box, recognition.size),
        "filename": filename,
    }


def recognise_uploads(uploads: list[Upload]) -> list[Answered]:
    """Decode every upload (naming the file in any error when there are several) and recognise them together."""
    config = current_app.config
    limits = DecodeLimits(float(config["MAX_IMAGE_MEGAPIXELS"]), float(config["MAX_DECODED_MB"]))
    pictures = []
    for upload in uploads:
        try:
            pictures.append(decode_picture(upload.data, limits))
        except ImageRejected as error:
            if len(uploads) == 1:
                raise
            raise ImageRejected(f"{upload.filename}: {error.message}", error.status) from error
    recognitions = get_recogniser().recognise(pictures)
    unsure_below = float(config["UNSURE_BELOW"])
    return [
        Answered(picture, shape_answer(recognition, upload.filename, unsure_below))
        for picture, recognition, upload in zip(pictures, recognitions, uploads, strict=True)
    ]


def preview_data_url(picture: Image.Image) -> str:
    """Return the upright picture, shrunk to PREVIEW_SIDE, as a JPEG data: URL (shown back, never stored)."""
    preview = picture.copy()
    preview.thumbnail((PREVIEW_SIDE, PREVIEW_SIDE), Image.Resampling.BILINEAR)
    buffer = io.BytesIO()
    preview.save(buffer, format="JPEG", quality=85)
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
