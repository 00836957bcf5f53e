"""JSON API under /api: predict one image, predict a batch, describe the model, the OpenAPI document."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request, send_file, url_for
from werkzeug.exceptions import NotFound

from recognition.decode import ACCEPTED_MEDIA_TYPES, ImageRejected, Rejection
from webapp.answers import LiveFrame, recognise_uploads
from webapp.downloads import downloadable, listing
from webapp.errors import json_errors
from webapp.loader import get_holder, get_recogniser
from webapp.openapi import openapi_document
from webapp.uploads import uploads_from
from webapp.version import __version__

blueprint = Blueprint("api", __name__, url_prefix="/api")
json_errors(blueprint)


@blueprint.post("/predict")
def predict():
    """Recognise one image sent as multipart field ``image`` or as a raw ``image/*`` body."""
    uploads = uploads_from(request, allow_raw=True)
    if len(uploads) > 1:
        raise ImageRejected(
            f"Send one image to /api/predict ({len(uploads)} received); use /api/predict/batch for several."
        )
    form = request.form if request.mimetype.startswith("multipart/") else {}
    return jsonify(recognise_uploads(uploads, video=LiveFrame.of(form))[0].answer)


@blueprint.post("/predict/batch")
def predict_batch():
    """Recognise every ``image`` field, in the order sent; one bad file rejects the whole batch."""
    uploads = uploads_from(request, allow_raw=False)
    limit = int(current_app.config["MAX_BATCH_FILES"])
    if len(uploads) > limit:
        raise ImageRejected(f"Too many files: {len(uploads)} sent, at most {limit} per batch.", Rejection.TOO_LARGE)
    return jsonify({"predictions": [answered.answer for answered in recognise_uploads(uploads)]})


def _hand_check(recogniser) -> str | None:
    """Return the file name of the model that checks palms for a hand, or ``None`` when none is loaded."""
    checker = None if recogniser.detector is None else recogniser.detector.checker
    return None if checker is None else checker.path.name


@blueprint.get("/model")
def model_info():
    """Describe the served model: name, input, classes, card metrics and backend."""
    recogniser = get_recogniser()
    holder = get_holder()
    card = holder.card
    return jsonify(
        {
            "name": card.get("name", holder.model_path.stem),
            "file": holder.model_path.name,
            "backend": recogniser.backend,
            "hand_localisation": recogniser.detector is not None,
            "hand_check": _hand_check(recogniser),
            "hand_geometry": recogniser.geometry is not None,
            "input_size": (card.get("input") or {}).get("shape", [224, 224, 3]),
            "class_names": card.get("class_names", [str(d) for d in range(10)]),
            "preprocessing": (card.get("input") or {}).get("preprocessing"),
            "metrics": _headline_metrics(card.get("metrics") or {}),
            "recipe": card.get("recipe"),
            "created": card.get("created"),
            "load_seconds": holder.load_seconds,
            "unsure_below": recogniser.settings.unsure_below,
            "settings": recogniser.settings.as_dict(),
            "accepted_types": list(ACCEPTED_MEDIA_TYPES),
            "limits": {
                "max_upload_mb": current_app.config["MAX_UPLOAD_MB"],
                "max_batch_files": current_app.config["MAX_BATCH_FILES"],
                "max_image_megapixels": current_app.config["MAX_IMAGE_MEGAPIXELS"],
                "max_decoded_mb": current_app.config["MAX_DECODED_MB"],
            },
            "data": _data_limits(card),
            "downloads": listing(holder.model_path, lambda name: url_for("api.model_file", name=name)),
            "version": __version__,
        }
    )


@blueprint.get("/files/<name>")
def model_file(name: str):
    """Send one of the model's downloadable files (``GET /api/model`` lists them with their SHA-256)."""
    offered = downloadable(get_holder().model_path)
    if name not in offered:
        raise NotFound()
    return send_file(offered[name][0], as_attachment=True, download_name=name, mimetype="application/octet-stream")


def _data_limits(card: dict) -> dict:
    """Return what the model learnt from, and so where it may read less well."""
    data = card.get("data") or {}
    return {
        "trained_on": "Sign Language Digits Dataset: 100x100 photos of one right hand each, school students, "
        "plain light backgrounds, palm to the camera",
        "photos": data.get("counts"),
        "split": data.get("split"),
        "weaker_on": "other signing styles, hands leaning far from upright on photographs, distant or small hands, "
        "a hand in front of a face; see docs/model-card.md",
    }


@blueprint.get("/openapi.json")
def openapi():
    """Return the OpenAPI 3.1 document of this API."""
    return jsonify(openapi_document(get_holder().settings))


def _headline_metrics(metrics: dict) -> dict:
    headline = {
        f"{split}_accuracy": metrics[split]["accuracy"] for split in ("train", "valid", "test") if split in metrics
    }
    shift = metrics.get("domain_shift")
    if shift:
        headline["domain_shift_accuracy"] = shift["overall"]
        headline["domain_shift_per_kind"] = shift["per_kind"]
    if "test" in metrics:
        headline["test_per_class"] = metrics["test"].get("per_class")
    return headline
