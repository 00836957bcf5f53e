"""GET /healthz: 200 once the model is loaded, 503 with the reason while loading or after a failure."""

from __future__ import annotations

from flask import Blueprint, jsonify

from webapp.errors import json_errors
from webapp.loader import get_holder

blueprint = Blueprint("health", __name__)
json_errors(blueprint)


@blueprint.get("/healthz")
def healthz():
    """Answer 200 once the model is loaded, 503 with the reason before that or on failure."""
    holder = get_holder()
    state = holder.state
    if state == "ok":
        return jsonify({"status": "ok", "backend": holder.recogniser.backend})
    reason = holder.error if state == "failed" else f"model {state}"
    return jsonify({"status": state, "error": reason}), 503
