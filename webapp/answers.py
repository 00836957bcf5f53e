"""Recognise uploaded images and shape the answer every route and page shows (one place for both)."""

from __future__ import annotations

import base64
import io
import math
import zlib
from dataclasses import dataclass

from flask import current_app
from PIL import Image

from recognition.answer import Answer
from recognition.decode import DecodeBudget, DecodeLimits, ImageRejected, decode_picture
from recognition.framing import HandBox, square_corners
from recognition.preprocessing import CLASS_NAMES
from recognition.records import Recognition
from recognition.tracking import Track, next_track
from webapp.loader import get_recogniser
from webapp.uploads import Upload

PREVIEW_SIDE = 480


@dataclass
class Answered:
    """One upload: its answer, its decoded (reduced) picture when the page shows it back, and the square read."""

    answer: dict
    picture: Image.Image | None = None
    outline: str = ""  # the square the classifier read, as SVG polygon points in fractions of the picture


def outline_points(recognition: Recognition) -> str:
    """Return the corners of the square read (turned as it was read) as SVG points, fractions of the picture."""
    width, height = recognition.size
    corners = square_corners(recognition.box, recognition.turn)
    return " ".join(f"{x / width:.4f},{y / height:.4f}" for x, y in corners)


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


MAX_FRAME_DIGITS = 18


@dataclass(frozen=True)
class LiveFrame:
    """What a live client sends beside its picture: where the hand was (``track``), whether the picture is a
    frame of live video (``live=1``, or any ``track`` or ``frame``) and the frame's number (``frame``)."""

    track: Track | None = None
    live: bool = False
    frame: int | None = None

    def number_for(self, data: bytes) -> int | None:
        """Return the frame's number; a live frame sent without one takes it from its bytes (a CRC-32), so that
        the frames of a video, each a little different, sweep different regions: one a frame, never all at once."""
        if self.frame is not None or not self.live:
            return self.frame
        return zlib.crc32(data)

    @classmethod
    def of(cls, form) -> LiveFrame:
        """Read a multipart ``form``'s ``track``, ``live`` and ``frame`` fields; a malformed one is a 400."""
        track, frame = read_track(form.get("track")), read_frame(form.get("frame"))
        live = form.get("live", "").strip().lower() in ("1", "true", "yes") or track is not None or frame is not None
        return cls(track, live, frame)


def read_track(text: str | None) -> Track | None:
    """Return the ``track`` a live client sent with its frame (``None`` when none); a malformed one is a 400."""
    if text is None or not text.strip():
        return None
    try:
        return Track.parse(text)
    except ValueError as error:
        raise ImageRejected(f"Bad track field: {error}.") from error


def read_frame(text: str | None) -> int | None:
    """Return the number a live client sent with its frame (``None`` when none); other than a count, a 400."""
    if text is None or not text.strip():
        return None
    digits = text.strip()
    if not digits.isascii() or not digits.isdigit() or len(digits) > MAX_FRAME_DIGITS:
        raise ImageRejected(f"Bad frame field: a whole number from 0, up to {MAX_FRAME_DIGITS} digits, is expected.")
    return int(digits)


def rounded(probabilities, total: float = 1.0) -> list[float]:
    return [round(float(p) / total, 6) for p in probabilities]


def shape_answer(recognition: Recognition, filename: str, track: Track | None = None) -> dict:
    """Return the JSON answer for one recognition (the API contract; webapp/openapi.py describes it)."""
    answer = Answer.of(recognition)
    hand = recognition.hand
    return {
        "digit": answer.digit,
        "label": CLASS_NAMES[answer.digit],
        "confidence": answer.confidence,
        "probabilities": list(answer.probabilities),
        "unsure": answer.unsure,
        "no_hand": answer.no_hand,
        "message": answer.message,
        "second": answer.second,
        "advice": answer.advice,
        "hand": None if hand is None else hand_fractions(hand, recognition.size),
        "region": {**box_fractions(recognition.box, recognition.size), "angle": round(recognition.turn, 1)},
        "filename": filename,
        "models": {
            "image": list(answer.probabilities)
            if recognition.image_probabilities is None
            else rounded(recognition.image_probabilities),
            "geometry": None
            if recognition.geometry_probabilities is None
            else rounded(recognition.geometry_probabilities),
        },
        "track": None if track is None or answer.no_hand else str(track),
        "followed": recognition.followed,
    }


def recognise_uploads(
    uploads: list[Upload], keep_pictures: bool = False, video: LiveFrame = LiveFrame()
) -> list[Answered]:
    """Decode and recognise each upload in turn, naming the file in any error when there are several.

    Each decoded picture is let go once it is answered (kept only with ``keep_pictures``, for a
    page that shows it back), and the request's pictures share one decode budget. For one upload
    that is a frame of live ``video``, its track says where the hand was in the previous frame; a live
    frame is searched quickly (no closer look for a small hand; one swept region, :meth:`LiveFrame.number_for`).
    """
    config = current_app.config
    limits = DecodeLimits(float(config["MAX_IMAGE_MEGAPIXELS"]), float(config["MAX_DECODED_MB"]))
    budget = DecodeBudget(float(config["MAX_REQUEST_DECODED_MB"]))
    recogniser = get_recogniser()
    answered = []
    for upload in uploads:
        try:
            picture = decode_picture(upload.data, limits, budget)
        except ImageRejected as error:
            if len(uploads) == 1:
                raise
            raise ImageRejected(f"{upload.filename}: {error.message}", error.reason) from error
        frame = video.number_for(upload.data)
        (recognition,) = recogniser.recognise([picture], [video.track], video.live, frame)
        following = next_track(recognition.look, picture.size, recogniser.settings)
        answer = shape_answer(recognition, upload.filename, following)
        answered.append(Answered(answer, picture if keep_pictures else None, outline_points(recognition)))
    return answered


def preview_data_url(picture: Image.Image) -> str:
    """Return the upright (already reduced) picture, shrunk to PREVIEW_SIDE, as a JPEG data: URL (never stored)."""
    preview = picture.copy()
    preview.thumbnail((PREVIEW_SIDE, PREVIEW_SIDE), Image.Resampling.BILINEAR)
    buffer = io.BytesIO()
    preview.save(buffer, format="JPEG", quality=85)
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
