"""HTML pages: upload (works without JavaScript), the result fragment the scripts fetch, kiosk, sign guide, API docs."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, current_app, render_template, request, url_for

from recognition.decode import ACCEPTED_MEDIA_TYPES, ACCEPTED_NAMES, ImageRejected
from recognition.preprocessing import CLASS_NAMES
from webapp.answers import Answered, LiveFrame, preview_data_url, recognise_uploads
from webapp.downloads import listing
from webapp.errors import describe
from webapp.feedback import feedback_enabled
from webapp.loader import get_holder
from webapp.uploads import uploads_from

blueprint = Blueprint("pages", __name__)
SIGNS = (
    "All fingers and the thumb curve to meet at their tips, making an O.",
    "The index finger points up; the other fingers and the thumb are closed.",
    "The index and middle fingers point up, spread in a V; the thumb holds the other two down.",
    "The thumb, index and middle fingers stand out; the ring and little fingers are folded.",
    "Four fingers point up, spread; the thumb is folded across the palm.",
    "The whole hand is open: four fingers and the thumb spread.",
    "The thumb touches the tip of the little finger; the other three fingers point up.",
    "The thumb touches the tip of the ring finger; the other three fingers point up.",
    "The thumb touches the tip of the middle finger; the other three fingers point up.",
    "The thumb touches the tip of the index finger; the other three fingers point up.",
)
NO_STORE = {"Cache-Control": "no-store"}  # pages that show an upload are never cached
# Shown in the /api examples until the page's script puts the browser's own address in (never the Host header).
EXAMPLE_ORIGIN = "http://127.0.0.1:8000"


def example_images() -> list[dict[str, str]]:
    """Return the example photos under static/examples/ (``digit_N.jpg``) with their digit."""
    folder = Path(current_app.static_folder or "") / "examples"
    return [{"file": p.name, "digit": p.stem.rpartition("_")[2]} for p in sorted(folder.glob("digit_*.jpg"))]


def page_settings() -> dict:
    """Return what every page needs to know of the server's limits and addresses."""
    config = current_app.config
    return {
        "class_names": CLASS_NAMES,
        "max_upload_mb": config["MAX_UPLOAD_MB"],
        "kiosk_idle_seconds": config["KIOSK_IDLE_SECONDS"],
        "unsure_below": get_holder().settings.unsure_below,
        "accepted_types": ",".join(ACCEPTED_MEDIA_TYPES),
        "feedback_enabled": feedback_enabled(),
        "accepted_names": ACCEPTED_NAMES,
    }


def render_index(answered: Answered | None = None, error: str | None = None) -> str:
    """Render the upload page with an optional result or error."""
    return render_template(
        "index.html",
        result=answered.answer if answered else None,
        preview=preview_data_url(answered.picture) if answered and answered.picture else None,
        outline=answered.outline if answered else "",
        try_another=True,
        error=error,
        examples=example_images(),
        **page_settings(),
    )


def recognise_one(keep_picture: bool = True) -> Answered:
    """Recognise the one photo of the form, keeping its picture when the page shows it back."""
    uploads = uploads_from(request, allow_raw=False)
    if len(uploads) > 1:
        raise ImageRejected("Please choose one photo at a time.")
    return recognise_uploads(uploads, keep_pictures=keep_picture, video=LiveFrame.of(request.form))[0]


@blueprint.get("/")
def index():
    """Show the upload form."""
    return render_index()


@blueprint.post("/")
def upload():
    """Recognise a photo posted by the plain HTML form and show the page with the result."""
    try:
        return render_index(recognise_one()), 200, NO_STORE
    except Exception as error:  # shown on the page itself, with its status
        message, status = describe(error)
        return render_index(error=message), status, NO_STORE


@blueprint.post("/result")
def result_fragment():
    """Recognise a photo sent by the page's script and return the result as the same HTML the form shows."""
    with_picture = request.args.get("picture", "1") != "0"
    try:
        answered = recognise_one(keep_picture=with_picture)
    except Exception as error:
        message, status = describe(error)
        return render_template("_error.html", message=message), status, NO_STORE
    preview = preview_data_url(answered.picture) if answered.picture is not None else None
    page = render_template(
        "_result.html",
        result=answered.answer,
        preview=preview,
        outline=answered.outline,
        try_another=request.args.get("from") != "kiosk",
        in_kiosk=request.args.get("from") == "kiosk",
        **page_settings(),
    )
    return page, 200, NO_STORE


@blueprint.get("/kiosk")
def kiosk():
    """Show the full-screen webcam kiosk (with practice: how to sign each digit it asks for)."""
    return render_template("kiosk.html", signs=list(SIGNS), **page_settings())


@blueprint.get("/signs")
def signs():
    """Show how to sign each of the ten digits."""
    signs = [{"digit": digit, "how": how} for digit, how in enumerate(SIGNS)]
    return render_template("signs.html", signs=signs, **page_settings())


@blueprint.get("/api")
@blueprint.get("/docs")
def api_docs():
    """Show the API contract with examples."""
    configured = str(current_app.config["PUBLIC_URL"] or "").rstrip("/")
    downloads = listing(get_holder().model_path, lambda name: url_for("api.model_file", name=name))
    return render_template(
        "api.html",
        downloads=downloads,
        base_url=configured or EXAMPLE_ORIGIN,
        origin_from_browser=not configured,
        cors_origins=current_app.config["CORS_ORIGINS"],
        **page_settings(),
    )
