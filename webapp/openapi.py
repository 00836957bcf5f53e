"""The API contract as an OpenAPI 3.1 document, served at /api/openapi.json and checked against real answers by the
tests."""

from __future__ import annotations

import copy
from typing import Any

from recognition.settings import Settings
from webapp.schemas import BATCH, ERROR, HEALTH, IMAGE_BODY, IMAGE_PART, MODEL, PREDICTION
from webapp.version import __version__


def _errors(*statuses: int) -> dict[str, Any]:
    words = {
        400: "not an image, corrupt, empty or no file",
        408: "the body arrived too slowly",
        413: "over the size, pixel or file-count limit",
        415: "an image format that is not accepted",
        503: "the model is not loaded",
    }
    return {
        str(status): {
            "description": words[status],
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        }
        for status in statuses
    }


def _json(schema_name: str, description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema_name}"}}},
    }


def openapi_document(settings: Settings) -> dict[str, Any]:
    """Return the OpenAPI 3.1 description of the JSON API, with the served model's ``settings``."""
    prediction = copy.deepcopy(PREDICTION)
    prediction["properties"]["unsure"]["description"] = (
        f"Confidence under {settings.unsure_below:g}, the served model's threshold (chosen on validation; "
        "ASL_UNSURE_BELOW overrides it)."
    )
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "ASL digits",
            "version": __version__,
            "description": "Recognise the American Sign Language digit (0-9) signed by one hand in a photo. "
            "Uploads are decoded in memory and never stored.",
        },
        "servers": [{"url": "/", "description": "this server (paths are relative to where it is served)"}],
        "paths": _paths(),
        "components": {
            "schemas": {
                "Prediction": prediction,
                "Batch": BATCH,
                "Model": MODEL,
                "Health": HEALTH,
                "Error": ERROR,
            }
        },
    }


def _paths() -> dict[str, Any]:
    """Return the routes of the JSON API with their operations."""
    return {
        "/api/predict": {
            "post": {
                "operationId": "predict",
                "summary": "Recognise one photo",
                "requestBody": IMAGE_BODY,
                "responses": {"200": _json("Prediction", "The answer"), **_errors(400, 408, 413, 415, 503)},
            }
        },
        "/api/predict/batch": {
            "post": {
                "operationId": "predictBatch",
                "summary": "Recognise several photos (repeated field image), answered in the order sent",
                "requestBody": {
                    "required": True,
                    "content": {
                        "multipart/form-data": {
                            "schema": {"type": "object", "required": ["image"], "properties": {"image": IMAGE_PART}}
                        }
                    },
                },
                "responses": {"200": _json("Batch", "One answer per photo"), **_errors(400, 408, 413, 415, 503)},
            }
        },
        "/api/model": {
            "get": {
                "operationId": "describeModel",
                "summary": "Describe the served model",
                "responses": {"200": _json("Model", "The model"), **_errors(503)},
            }
        },
        "/api/files/{name}": {
            "get": {
                "operationId": "downloadModelFile",
                "summary": "Download one of the model's files (listed with their SHA-256 by /api/model)",
                "parameters": [{"name": "name", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {
                    "200": {
                        "description": "The file",
                        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
                    },
                    "404": {"description": "No such file is offered"},
                },
            }
        },
        "/healthz": {
            "get": {
                "operationId": "readiness",
                "summary": "Readiness",
                "responses": {
                    "200": _json("Health", "The model is loaded"),
                    "503": _json("Health", "Loading, or failed to load"),
                },
            }
        },
    }
