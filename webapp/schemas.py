"""The JSON schemas of the API's answers and bodies, which the OpenAPI document (webapp/openapi.py) is built of."""

from __future__ import annotations

from recognition.preprocessing import CLASS_NAMES

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
        "second",
        "advice",
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
            "description": "Confidence under the served model's threshold (see /api/model).",
        },
        "second": {
            "type": "integer",
            "minimum": 0,
            "maximum": 9,
            "description": "The second likeliest digit (named when unsure).",
        },
        "advice": {"type": "string", "description": "What tells the digit from the second, to say when unsure."},
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
                    "landmark model did not see a hand surely enough. `probabilities` pools the two (a weighted "
                    "geometric mean of both, calibrated).",
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
                    "live": {
                        "type": "string",
                        "enum": ["1", "true", "yes"],
                        "description": "Optional: the picture is a frame of live video (so is any frame sent with a "
                        "`track`). Where no hand is found quickly, the next frame comes soon, so the picture is not "
                        "searched again closer for a small hand, as a still photo is.",
                    },
                    "frame": {
                        "type": "string",
                        "pattern": "^[0-9]{1,18}$",
                        "description": "Optional, for live video: the frame's number, counting up from 0 (it makes "
                        "the picture live). Where the quick search finds no hand, each numbered frame looks for one "
                        "in a different one of the centre squares swept in a still photo all at once, so a frame "
                        "without a hand costs little more than the quick search itself. A live frame sent without "
                        "a number is given one from its bytes: it too looks in one square, chosen by its content.",
                    },
                },
            }
        },
        "image/*": {"schema": {"type": "string", "format": "binary"}},
    },
}

BATCH: dict = {
    "type": "object",
    "required": ["predictions"],
    "properties": {"predictions": {"type": "array", "items": {"$ref": "#/components/schemas/Prediction"}}},
}

MODEL: dict = {
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
        "unsure_below": {"type": "number", "description": "The served threshold under which answers are unsure."},
        "settings": {"type": "object", "description": "Every threshold the served pipeline uses."},
        "accepted_types": {"type": "array", "items": {"type": "string"}},
        "data": {"type": "object", "description": "What the model learnt from, and where it reads less well."},
        "version": {"type": "string", "description": "The app's version."},
        "downloads": {
            "type": "array",
            "description": "The model's files, fetched from GET /api/files/{name}.",
            "items": {
                "type": "object",
                "required": ["file", "url", "bytes", "sha256", "licence"],
                "properties": {
                    "file": {"type": "string"},
                    "what": {"type": "string"},
                    "url": {"type": "string"},
                    "bytes": {"type": "integer"},
                    "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                    "licence": {"type": "string"},
                },
            },
        },
    },
}

HEALTH: dict = {
    "type": "object",
    "required": ["status"],
    "properties": {
        "status": {"type": "string"},
        "backend": {"type": "string"},
        "error": {"type": "string"},
    },
}
