"""The API contract as an OpenAPI 3.1 document, served at /api/openapi.json and checked against real answers by the
tests."""

from __future__ import annotations

from typing import Any

from recognition.preprocessing import CLASS_NAMES
from recognition.settings import Settings

BOX = {
    "type": "object",
    "description": "A square as fractions of the upright picture's width and height.",
    "required": ["x", "y", "width", "height"],
    "properties": {name: {"type": "number", "minimum": 0, "maximum": 1} for name in ("x", "y", "width", "height")},
}
PROBABILITIES = {
    "type": "array",
    "items": {"type": "number", "minimum": 0, "maximum": 1},
    "minItems": 10,
    "maxItems": 10,
}
PREDICTION = {
    "type": "object",
    "required": [
        "digit",
        "label",
        "confidence",
        "probabilities",
        "unsure",
        "no_hand",
        "message",
        "hand",
        "region",
        "filename",
        "models",
        "track",
        "followed",
    ],
    "properties": {
        "digit": {
            "type": "integer",
            "minimum": 0,
            "maximum": 9,
            "description": "The most likely digit (check no_hand first).",
        },
        "label": {"type": "string", "enum": list(CLASS_NAMES)},
        "confidence": {"type": "number", "minimum": 0, "maximum": 1, "description": "Probability of that digit."},
        "probabilities": PROBABILITIES,
        "unsure": {
            "type": "boolean",
            "description": "Confidence under the server's threshold (the model's settings file, "
            f"{Settings().unsure_below:.2f} for the shipped model, chosen on validation; "
            "ASL_UNSURE_BELOW overrides it).",
        },
        "no_hand": {"type": "boolean", "description": "No hand was found: show the message instead of the digit."},
        "message": {
            "type": "string",
            "description": "The answer in words: 'Digit 7, 94% sure.'; when unsure the two likeliest digits and what "
            "tells them apart.",
        },
        "hand": {
            "oneOf": [
                {"type": "null"},
                {
                    **BOX,
                    "required": [*BOX["required"], "score", "presence", "angle"],
                    "properties": {
                        **BOX["properties"],
                        "angle": {
                            "type": "number",
                            "description": "How far the hand leans from upright, degrees, clockwise positive.",
                        },
                        "score": {"type": "number", "description": "The palm detector's score (0-1)."},
                        "presence": {
                            "type": ["number", "null"],
                            "description": "The hand-landmark model's hand-presence score on the square (0-1; "
                            "a hand from 0.5); null when it did not look.",
                        },
                    },
                },
            ],
            "description": "The square around the hand that was found, with its scores; null when none.",
        },
        "region": {
            **BOX,
            "required": [*BOX["required"], "angle"],
            "properties": {
                **BOX["properties"],
                "angle": {
                    "type": "number",
                    "description": "Degrees the square was turned (anticlockwise) to stand the hand upright before it "
                    "was read; "
                    "x, y, width and height describe it before the turn.",
                },
            },
            "description": "The square the classifier read.",
        },
        "filename": {"type": "string"},
        "models": {
            "type": "object",
            "required": ["image", "geometry"],
            "properties": {
                "image": {**PROBABILITIES, "description": "The MobileNet's own probabilities for the square it read."},
                "geometry": {
                    "oneOf": [{"type": "null"}, PROBABILITIES],
                    "description": "The hand-geometry model's probabilities from the hand's landmarks; null when the "
                    "landmark "
                    "model did not see a hand surely enough. `probabilities` blends the two.",
                },
            },
        },
        "track": {
            "type": ["string", "null"],
            "description": "Where the hand is, for a live client to send back with its next frame as the `track` field "
            "(x,y,side,angle: centre and side as fractions of the picture's width and height, degrees); null without a "
            "hand.",
        },
        "followed": {
            "type": "boolean",
            "description": "The hand was found where the `track` sent with this frame said, without the palm detector.",
        },
    },
}
ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {"error": {"type": "string", "description": "What went wrong, in words."}},
}
IMAGE_PART = {"type": "string", "format": "binary"}
IMAGE_BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["image"],
                "properties": {
                    "image": IMAGE_PART,
                    "track": {
                        "type": "string",
                        "description": "Optional, for live video: the `track` of the previous frame's answer. The hand "
                        "is then looked "
                        "for there first (faster); when it is not there, it is searched for as in any picture.",
                    },
                },
            }
        },
        "image/*": {"schema": {"type": "string", "format": "binary"}},
    },
}


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


def openapi_document() -> dict[str, Any]:
    """Return the OpenAPI 3.1 description of the JSON API."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "ASL digits",
            "version": "1",
            "description": "Recognise the American Sign Language digit (0-9) signed by one hand in a photo. "
            "Uploads are decoded in memory and never stored.",
        },
        "paths": {
            "/api/predict": {
                "post": {
                    "summary": "Recognise one photo",
                    "requestBody": IMAGE_BODY,
                    "responses": {"200": _json("Prediction", "The answer"), **_errors(400, 408, 413, 415, 503)},
                }
            },
            "/api/predict/batch": {
                "post": {
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
                    "summary": "Describe the served model",
                    "responses": {"200": _json("Model", "The model"), **_errors(503)},
                }
            },
            "/healthz": {
                "get": {
                    "summary": "Readiness",
                    "responses": {
                        "200": _json("Health", "The model is loaded"),
                        "503": _json("Health", "Loading, or failed to load"),
                    },
                }
            },
        },
        "components": {
            "schemas": {
                "Prediction": PREDICTION,
                "Batch": {
                    "type": "object",
                    "required": ["predictions"],
                    "properties": {
                        "predictions": {"type": "array", "items": {"$ref": "#/components/schemas/Prediction"}}
                    },
                },
                "Model": {
                    "type": "object",
                    "required": ["name", "backend", "class_names", "input_size", "hand_localisation", "limits"],
                    "properties": {
                        "name": {"type": "string"},
                        "backend": {"type": "string", "enum": ["litert-int8", "litert-fp32", "keras"]},
                        "hand_geometry": {
                            "type": "boolean",
                            "description": "Whether a hand-geometry model reads the landmarks beside the MobileNet.",
                        },
                        "class_names": {"type": "array", "items": {"type": "string"}, "minItems": 10, "maxItems": 10},
                        "input_size": {"type": "array", "items": {"type": "integer"}},
                        "hand_localisation": {"type": "boolean"},
                        "hand_check": {
                            "type": ["string", "null"],
                            "description": "The model that checks palms for a hand; null without localisation.",
                        },
                        "metrics": {"type": "object"},
                        "limits": {"type": "object"},
                    },
                },
                "Health": {
                    "type": "object",
                    "required": ["status"],
                    "properties": {
                        "status": {"type": "string"},
                        "backend": {"type": "string"},
                        "error": {"type": "string"},
                    },
                },
                "Error": ERROR,
            }
        },
    }
