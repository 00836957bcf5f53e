"""Turn every error into a clear 4xx/503 answer: JSON under /api/ and /healthz, a page elsewhere."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from webapp.imaging import ImageRejected
from webapp.predictor import ModelUnavailable

log = logging.getLogger(__name__)

MESSAGES = {
    400: "The request could not be understood.",
    404: "There is nothing at this address.",
    405: "This address does not accept that method.",
    413: "The upload is too large.",
    415: "That kind of file is not accepted.",
    500: "Something went wrong on our side; please try again.",
    503: "The model is not available right now.",
}


def wants_json() -> bool:
    """Return whether the client should get a JSON error rather than an HTML page."""
    return request.path.startswith("/api/") or request.path == "/healthz" or request.accept_mimetypes.best == "application/json"


def error_response(message: str, status: int):
    """Answer ``status`` with ``message`` as JSON or as the error page."""
    if wants_json():
        return jsonify({"error": message}), status
    if request.endpoint == "pages.upload":
        from webapp.pages import render_index

        return render_index(error=message), status
    return render_template("error.html", status=status, message=message), status


def register(app: Flask) -> None:
    """Install the error handlers on ``app``."""

    @app.errorhandler(ImageRejected)
    def image_rejected(error: ImageRejected):
        return error_response(error.message, error.status)

    @app.errorhandler(ModelUnavailable)
    def model_unavailable(error: ModelUnavailable):
        return error_response(f"The model is not available right now: {error}", 503)

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(_error: RequestEntityTooLarge):
        limit = app.config["MAX_UPLOAD_MB"]
        return error_response(f"The upload is too large; the limit is {limit} MB.", 413)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        status = error.code or 500
        return error_response(MESSAGES.get(status, error.description or "Request failed."), status)

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(MESSAGES[500], 500)
