"""HTML pages: the upload page (works without JavaScript) and the kiosk."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, current_app, render_template, request

from training.preprocessing import CLASS_NAMES
from webapp.uploads import classify_single, thumbnail_data_url

blueprint = Blueprint("pages", __name__)


def example_images() -> list[str]:
    """Return the file names under static/examples/ to offer as samples."""
    folder = Path(current_app.static_folder or "") / "examples"
    return sorted(p.name for p in folder.glob("*.jpg"))


def render_index(result: dict | None = None, error: str | None = None, preview: str | None = None) -> str:
    """Render the upload page with an optional result or error."""
    return render_template(
        "index.html",
        result=result,
        error=error,
        preview=preview,
        class_names=CLASS_NAMES,
        examples=example_images(),
        max_upload_mb=current_app.config["MAX_UPLOAD_MB"],
    )


@blueprint.get("/")
def index():
    """Show the upload form."""
    return render_index()


@blueprint.post("/")
def upload():
    """Classify a photo posted by the plain HTML form and show the result."""
    result, image = classify_single(request, allow_raw=False, too_many="Please choose one photo at a time.")
    return render_index(result=result, preview=thumbnail_data_url(image))


@blueprint.get("/kiosk")
def kiosk():
    """Show the full-screen webcam kiosk."""
    return render_template("kiosk.html", idle_seconds=current_app.config["KIOSK_IDLE_SECONDS"])
