"""The pages people read (sign guide, API docs), the result fragment, localisation and "no hand", and the OpenAPI
contract."""

from __future__ import annotations

import io

import jsonschema
import pytest
from PIL import Image

from recognition.paths import PROJECT_ROOT
from tests.helpers import encode, synthetic_hand

EXAMPLES = PROJECT_ROOT / "static" / "examples"


def schema(client, name: str) -> dict:
    document = client.get("/api/openapi.json").get_json()
    return {"$ref": f"#/components/schemas/{name}", "components": document["components"]}


def test_openapi_document_describes_the_routes(client):
    document = client.get("/api/openapi.json").get_json()
    assert document["openapi"].startswith("3.1")
    assert set(document["paths"]) == {
        "/api/predict",
        "/api/predict/batch",
        "/api/model",
        "/api/files/{name}",
        "/healthz",
    }
    jsonschema.Draft202012Validator.check_schema(schema(client, "Prediction"))
    operations = [op["operationId"] for path in document["paths"].values() for op in path.values()]
    assert len(set(operations)) == len(operations) == 5 and document["servers"] and document["info"]["version"]


def test_the_model_files_can_be_taken_away_with_their_hashes(client):
    import hashlib

    from webapp.version import __version__

    described = client.get("/api/model").get_json()
    jsonschema.validate(described, schema(client, "Model"))
    assert described["version"] == __version__ and described["unsure_below"] and described["data"]["photos"]
    files = {item["file"]: item for item in described["downloads"]}
    assert {"asl_digits.h5", "asl_digits.tflite", "asl_digits.geometry.npz", "hand_landmark_lite.tflite"} <= set(files)
    item = files["asl_digits.tflite"]
    sent = client.get(item["url"])
    assert sent.status_code == 200 and "attachment" in sent.headers["Content-Disposition"]
    assert hashlib.sha256(sent.data).hexdigest() == item["sha256"] and len(sent.data) == item["bytes"]
    assert all(item["licence"] for item in files.values())
    for name in ("wsgi.py", "..%2Fwsgi.py", "asl_digits.manifest.json", "%2Fetc%2Fpasswd"):
        assert client.get(f"/api/files/{name}").status_code == 404
    page = client.get("/api").get_data(as_text=True)
    assert item["sha256"] in page and 'href="/api/files/asl_digits.tflite"' in page


def test_the_version_is_the_projects():
    import tomllib

    from recognition.paths import PROJECT_ROOT
    from webapp.version import __version__

    assert tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]["version"] == __version__


def test_real_answers_match_the_openapi_document(client):
    photo = (EXAMPLES / "digit_3.jpg").read_bytes()
    jsonschema.validate(
        client.post("/api/predict", data=photo, content_type="image/jpeg").get_json(), schema(client, "Prediction")
    )
    batch = client.post(
        "/api/predict/batch",
        data={"image": [(io.BytesIO(photo), "a.jpg"), (io.BytesIO(encode(synthetic_hand(1))), "b.jpg")]},
    )
    jsonschema.validate(batch.get_json(), schema(client, "Batch"))
    jsonschema.validate(client.get("/api/model").get_json(), schema(client, "Model"))
    jsonschema.validate(client.get("/healthz").get_json(), schema(client, "Health"))
    for response in (
        client.post("/api/predict", data=b"nope", content_type="image/jpeg"),
        client.post("/api/predict", data=b"<svg/>", content_type="image/svg+xml"),
        client.get("/api/nowhere"),
    ):
        assert 400 <= response.status_code < 500
        jsonschema.validate(response.get_json(), schema(client, "Error"))


def test_example_hands_are_found_and_a_plain_colour_is_not(client):
    found = [
        client.post("/api/predict", data=path.read_bytes(), content_type="image/jpeg").get_json()
        for path in sorted(EXAMPLES.glob("*.jpg"))
    ]
    assert len(found) == 10
    assert sum(answer["hand"] is not None for answer in found) >= 9  # the palm detector finds real hands
    assert (
        sum((answer["hand"] or {}).get("presence", 0) >= 0.5 for answer in found) >= 9
    )  # and the checker confirms them
    plain = client.post(
        "/api/predict", data=encode(Image.new("RGB", (320, 240), (200, 30, 30)), "PNG"), content_type="image/png"
    ).get_json()
    assert plain["no_hand"] is True and plain["hand"] is None and "No hand" in plain["message"]
    page = client.post(
        "/", data={"image": (io.BytesIO(encode(Image.new("RGB", (320, 240), (200, 30, 30)), "PNG")), "red.png")}
    )
    assert "No hand found" in page.get_data(as_text=True) and 'id="digit"' not in page.get_data(as_text=True)


def test_wide_photo_is_read_around_the_hand_not_its_centre(client):
    scene = Image.new("RGB", (960, 540), (40, 90, 60))
    scene.paste(Image.open(EXAMPLES / "digit_5.jpg").convert("RGB").resize((300, 300)), (620, 200))  # right-hand side
    answer = client.post("/api/predict", data=encode(scene), content_type="image/jpeg").get_json()
    assert answer["hand"] is not None
    region = answer["region"]
    assert region["x"] + region["width"] / 2 > 0.6  # centred on the hand, right of the picture's centre
    assert region["width"] * 960 == pytest.approx(region["height"] * 540, abs=2)  # a square


def test_localisation_can_be_turned_off(shipped_model):
    from webapp import create_app
    from webapp.loader import EXTENSION

    app = create_app({"MODEL_PATH": str(shipped_model), "LOAD_MODEL_AT_START": False, "LOCALISE_HAND": False})
    app.extensions[EXTENSION].get()
    answer = (
        app.test_client()
        .post("/api/predict", data=encode(Image.new("RGB", (300, 200), "red")), content_type="image/jpeg")
        .get_json()
    )
    assert answer["no_hand"] is False and answer["hand"] is None
    assert answer["region"] == {
        "x": round(50 / 300, 4),
        "y": 0.0,
        "width": round(200 / 300, 4),
        "height": 1.0,
        "angle": 0.0,
    }
    described = app.test_client().get("/api/model").get_json()
    assert described["hand_localisation"] is False and described["hand_check"] is None


def test_result_fragment_is_the_one_result_template(client):
    photo = (EXAMPLES / "digit_7.jpg").read_bytes()
    fragment = client.post("/result", data={"image": (io.BytesIO(photo), "seven.jpg")}).get_data(as_text=True)
    page = client.post("/", data={"image": (io.BytesIO(photo), "seven.jpg")}).get_data(as_text=True)
    assert fragment.strip().startswith("<article") and 'class="result-card' in fragment
    assert fragment.split("<article", 1)[1].split("</article>")[0] in page  # the form shows the very same markup
    without_picture = client.post("/result?picture=0", data={"image": (io.BytesIO(photo), "seven.jpg")}).get_data(
        as_text=True
    )
    assert "data:image/jpeg" in fragment and "data:image/jpeg" not in without_picture
    assert 'aria-valuetext="' in fragment and "e-0" not in fragment  # percentages, never 1.8e-05


def test_result_fragment_errors_are_fragments_with_their_status(client):
    response = client.post("/result", data={"image": (io.BytesIO(b"nope"), "x.jpg")})
    assert response.status_code == 400 and 'role="alert"' in response.get_data(as_text=True)


def test_sign_guide_has_ten_signs_with_pictures_and_credit(client):
    page = client.get("/signs").get_data(as_text=True)
    assert page.count('class="signs"') == 1 and page.count("<li>") == 10
    for digit in range(10):
        assert f"/static/signs/digit_{digit}.jpg" in page
        assert (PROJECT_ROOT / "static" / "signs" / f"digit_{digit}.jpg").is_file()
    assert "Apache License 2.0" in page


def test_api_page_shows_curl_python_and_fetch(client):
    page = client.get("/api").get_data(as_text=True)
    assert "curl -F image=@" in page and "urllib.request" in page and "fetch(" in page and "/api/openapi.json" in page
    assert "import requests" not in page  # the examples run in the serving install (standard library only)


def test_api_page_states_the_servers_own_unsure_threshold(make_app):
    client = make_app(UNSURE_BELOW=0.85).test_client()
    assert "unsure below 0.85" in client.get("/api").get_data(as_text=True)
    assert (
        "0.85"
        in client.get("/api/openapi.json").get_json()["components"]["schemas"]["Prediction"]["properties"]["unsure"][
            "description"
        ]
    )
    assert client.get("/api/model").get_json()["unsure_below"] == 0.85


def test_examples_cover_all_ten_digits_with_labels(client):
    page = client.get("/").get_data(as_text=True)
    for digit in range(10):
        assert f"Digit {digit}</span>" in page and f'alt="A hand signing {digit}' in page
