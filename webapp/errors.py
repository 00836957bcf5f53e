"""Turn every error into a clear 4xx/503 answer: JSON for the JSON blueprints, an HTML page elsewhere.

Blueprints that speak JSON call :func:`json_errors`; the app-level handlers of :func:`register`
answer with a page, or with JSON for unrouted paths under a JSON blueprint's prefix and for
clients that only accept JSON. Nothing ever shows a stack trace.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask import Blueprint, Flask, current_app, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from recognition.decode import ImageRejected, Rejection
from webapp.loader import ModelUnavailable
from webapp.uploads import FieldTooLong

log = logging.getLogger(__name__)

MESSAGES = {
    400: "The request could not be understood.",
    404: "There is nothing at this address.",
    405: "This address does not accept that method.",
    408: "The upload took too long to arrive; please try again.",
    413: "The upload is too large.",
    415: "That kind of file is not accepted.",
    500: "Something went wrong on our side; please try again.",
    503: "The model is not available right now.",
}
JSON_PREFIXES: list[str] = []  # url prefixes of the JSON blueprints, for unrouted paths under them


STATUS_OF_REJECTION = {
    Rejection.UNREADABLE: 400,
    Rejection.TOO_LARGE: 413,
    Rejection.NOT_ACCEPTED: 415,
    Rejection.BUSY: 503,
}


def describe(error: Exception) -> tuple[str, int]:
    """Return the human message and status of any error."""
    if isinstance(error, ImageRejected):
        return error.message, STATUS_OF_REJECTION[error.reason]
    if isinstance(error, ModelUnavailable):
        return f"The model is not available right now: {error}", 503
    if isinstance(error, FieldTooLong):
        return str(error.description), 413
    if isinstance(error, RequestEntityTooLarge):
        return f"The upload is too large; the limit is {current_app.config['MAX_UPLOAD_MB']} MB.", 413
    if isinstance(error, HTTPException):
        status = error.code or 500
        return MESSAGES.get(status, "The request failed."), status
    log.error("unhandled error on %s %s", request.method, request.path, exc_info=error)
    return MESSAGES[500], 500


def _handle_all(register: Callable, answer: Callable[[str, int], object]) -> None:
    for kind in (ImageRejected, ModelUnavailable, HTTPException, Exception):
        register(kind)(lambda error: answer(*describe(error)))


def json_error(message: str, status: int):
    return jsonify({"error": message}), status


def json_errors(blueprint: Blueprint) -> None:
    """Answer every error raised in ``blueprint``'s views as JSON ``{"error": message}``."""
    if blueprint.url_prefix:
        JSON_PREFIXES.append(blueprint.url_prefix.rstrip("/") + "/")
    _handle_all(blueprint.errorhandler, json_error)


def html_error(message: str, status: int):
    return render_template("error.html", status=status, message=message), status


def register(app: Flask) -> None:
    """Install the app-level handlers: pages answer HTML, unrouted JSON paths and JSON-only clients JSON."""

    def answer(message: str, status: int):
        wants_json = any(request.path.startswith(prefix) for prefix in JSON_PREFIXES) or (
            request.accept_mimetypes.best == "application/json"
        )
        return (json_error if wants_json else html_error)(message, status)

    _handle_all(app.errorhandler, answer)
