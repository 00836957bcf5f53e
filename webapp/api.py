"""JSON API: /api/predict, /api/predict/batch, /api/model and /healthz."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from webapp.imaging import ImageRejected
from webapp.predictor import PredictorHolder
from webapp.uploads import classify, classify_single, decode, uploads_from

blueprint = Blueprint("api", __name__)


@blueprint.post("/api/predict")
def predict():
    """Classify one image sent as multipart field ``image`` or as a raw ``image/*`` body."""
    result, _image = classify_single(
        request,
        allow_raw=True,
        too_many="Send one image to /api/predict ({count} received); use /api/predict/batch for several.",
    )
    return jsonify(result)


@blueprint.post("/api/predict/batch")
def predict_batch():
    """Classify every ``image`` field, in the order sent; one bad file rejects the whole batch."""
    uploads = uploads_from(request, allow_raw=False)
    limit = int(current_app.config["MAX_BATCH_FILES"])
    if len(uploads) > limit:
        raise ImageRejected(f"Too many files: {len(uploads)} sent, at most {limit} per batch.", 413)
    images = []
    for upload in uploads:
        try:
            images.append(decode(upload))
        except ImageRejected as error:
            raise ImageRejected(f"{upload.filename}: {error.message}", error.status) from error
    results = classify(images)
    return jsonify(
        {"predictions": [{"filename": upload.filename, **result} for upload, result in zip(uploads, results, strict=True)]}
    )


@blueprint.get("/api/model")
def model_info():
    """Describe the served model: name, input, classes, card metrics and backend."""
    holder: PredictorHolder = current_app.extensions["predictor"]
    predictor = holder.get()
    card = holder.card
    return jsonify(
        {
            "name": card.get("name", holder.model_path.stem),
            "file": holder.model_path.name,
            "backend": predictor.backend,
            "input_size": (card.get("input") or {}).get("shape", [224, 224, 3]),
            "class_names": card.get("class_names", [str(d) for d in range(10)]),
            "preprocessing": (card.get("input") or {}).get("preprocessing"),
            "metrics": _headline_metrics(card.get("metrics") or {}),
            "recipe": card.get("recipe"),
            "created": card.get("created"),
            "load_seconds": holder.load_seconds,
        }
    )


def _headline_metrics(metrics: dict) -> dict:
    headline = {f"{split}_accuracy": metrics[split]["accuracy"] for split in ("train", "valid", "test") if split in metrics}
    shift = metrics.get("domain_shift")
    if shift:
        headline["domain_shift_accuracy"] = shift["overall"]
        headline["domain_shift_per_kind"] = shift["per_kind"]
    if "test" in metrics:
        headline["test_per_class"] = metrics["test"].get("per_class")
    return headline


@blueprint.get("/healthz")
def healthz():
    """Answer 200 once the model is loaded, 503 with the reason before that or on failure."""
    holder: PredictorHolder = current_app.extensions["predictor"]
    state = holder.state
    if state == "ok":
        return jsonify({"status": "ok", "backend": holder.predictor.backend})
    reason = holder.error if state == "failed" else f"model {state}"
    return jsonify({"status": state, "error": reason}), 503
