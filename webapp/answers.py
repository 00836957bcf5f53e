"""Recognise uploaded images and shape the answer every route and page shows (one place for both)."""

from __future__ import annotations

import base64
import io
import math
from dataclasses import dataclass

from flask import current_app
from PIL import Image

from recognition.decode import DecodeBudget, DecodeLimits, ImageRejected, decode_picture
from recognition.hands import HandBox
from recognition.preprocessing import CLASS_NAMES
from recognition.recogniser import Recognition
from recognition.tracking import Track, next_track
from webapp.loader import get_holder, get_recogniser
from webapp.uploads import Upload

NO_HAND_MESSAGE = "No hand found — show one hand, palm to the camera."
PREVIEW_SIDE = 480
THUMB_TOUCHES = {6: "little", 7: "ring", 8: "middle", 9: "index"}
# What tells two digits apart, for the pairs the model confuses (the sign guide says the same).
PAIR_ADVICE = {
    frozenset({2, 3}): "For 3 the thumb stands out; for 2 it holds the other fingers down.",
    frozenset({4, 5}): "For 5 the thumb is open; for 4 it is folded across the palm.",
    frozenset({0, 1}): "For 0 all fingers curve round to meet the thumb; for 1 only the index finger points up.",
    frozenset(
        {1, 9}
    ): "For 1 only the index finger stands; for 9 the index finger touches the thumb and three fingers stand.",
    frozenset(
        {2, 9}
    ): "For 2 two fingers point up in a V; for 9 three fingers stand and the index finger touches the thumb.",
}
GENERAL_ADVICE = "Hold the sign still with the whole hand in view, palm to the camera, and try again."


def advice_for(first: int, second: int) -> str:
    """Return what tells ``first`` and ``second`` apart, for someone signing one of them."""
    if first in THUMB_TOUCHES and second in THUMB_TOUCHES:
        return (
            f"Check which finger touches the thumb: the {THUMB_TOUCHES[first]} finger for {first}, "
            f"the {THUMB_TOUCHES[second]} finger for {second}."
        )
    return PAIR_ADVICE.get(frozenset({first, second}), GENERAL_ADVICE)


@dataclass
class Answered:
    """One upload: its answer, its decoded (reduced) picture when the page shows it back, and the square read."""

    answer: dict
    picture: Image.Image | None = None
    outline: str = ""  # the square the classifier read, as SVG polygon points in fractions of the picture


def outline_points(recognition: Recognition) -> str:
    """Return the corners of the square read (turned as it was read) as SVG points, fractions of the picture."""
    left, top, right, bottom = recognition.box
    width, height = recognition.size
    centre_x, centre_y, half = (left + right) / 2, (top + bottom) / 2, (right - left) / 2
    turn = math.radians(recognition.turn)  # the picture was turned anticlockwise: the square lies clockwise
    corners = []
    for dx, dy in ((-half, -half), (half, -half), (half, half), (-half, half)):
        x = centre_x + dx * math.cos(turn) - dy * math.sin(turn)
        y = centre_y + dx * math.sin(turn) + dy * math.cos(turn)
        corners.append(f"{x / width:.4f},{y / height:.4f}")
    return " ".join(corners)


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
    return {
        **box_fractions(hand.clamped(*size), size),
        "score": round(hand.score, 4),
        "presence": presence,
        "angle": round(math.degrees(hand.lean), 1),
    }


def read_track(text: str | None) -> Track | None:
    """Return the ``track`` a live client sent with its frame (``None`` when none); a malformed one is a 400."""
    if text is None or not text.strip():
        return None
    try:
        return Track.parse(text)
    except ValueError as error:
        raise ImageRejected(f"Bad track field: {error}.") from error


def rounded(probabilities, total: float = 1.0) -> list[float]:
    return [round(float(p) / total, 6) for p in probabilities]


def shape_answer(recognition: Recognition, filename: str, unsure_below: float, track: Track | None = None) -> dict:
    """Return the JSON answer for one recognition (the API contract; webapp/openapi.py describes it)."""
    total = float(recognition.probabilities.sum()) or 1.0
    probabilities = rounded(recognition.probabilities, total)
    digit = recognition.digit
    confidence = round(probabilities[digit], 6)
    no_hand = recognition.no_hand
    unsure = bool(confidence < unsure_below)
    second = runner_up(probabilities)
    if no_hand:
        message = NO_HAND_MESSAGE
    elif unsure:
        message = (
            f"Not sure: {CLASS_NAMES[digit]} or {CLASS_NAMES[second]}? ({confidence * 100:.0f}% and "
            f"{probabilities[second] * 100:.0f}%) {advice_for(digit, second)}"
        )
    else:
        message = f"Digit {CLASS_NAMES[digit]}, {confidence * 100:.0f}% sure."
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
        "region": {**box_fractions(recognition.box, recognition.size), "angle": round(recognition.turn, 1)},
        "filename": filename,
        "models": {
            "image": probabilities
            if recognition.image_probabilities is None
            else rounded(recognition.image_probabilities),
            "geometry": None
            if recognition.geometry_probabilities is None
            else rounded(recognition.geometry_probabilities),
        },
        "track": None if track is None or no_hand else str(track),
        "followed": recognition.followed,
    }


def runner_up(probabilities: list[float]) -> int:
    """Return the second most likely digit."""
    return sorted(range(len(probabilities)), key=lambda index: -probabilities[index])[1]


def unsure_below() -> float:
    """Return the confidence under which answers are flagged unsure: the app's setting, else the model's."""
    configured = current_app.config.get("UNSURE_BELOW")
    return float(configured) if configured is not None else get_holder().settings.unsure_below


def recognise_uploads(uploads: list[Upload], keep_pictures: bool = False, track: Track | None = None) -> list[Answered]:
    """Decode and recognise each upload in turn, naming the file in any error when there are several.

    Each decoded picture is let go once it is answered (kept only with ``keep_pictures``, for a
    page that shows it back), and the request's pictures share one decode budget. ``track`` (one
    upload only: a live frame) says where the hand was in the previous frame.
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
        (recognition,) = recogniser.recognise([picture], [track])
        following = next_track(recognition.look, picture.size, recogniser.settings)
        answer = shape_answer(recognition, upload.filename, threshold, following)
        answered.append(Answered(answer, picture if keep_pictures else None, outline_points(recognition)))
    return answered


def preview_data_url(picture: Image.Image) -> str:
    """Return the upright (already reduced) picture, shrunk to PREVIEW_SIDE, as a JPEG data: URL (never stored)."""
    preview = picture.copy()
    preview.thumbnail((PREVIEW_SIDE, PREVIEW_SIDE), Image.Resampling.BILINEAR)
    buffer = io.BytesIO()
    preview.save(buffer, format="JPEG", quality=85)
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
