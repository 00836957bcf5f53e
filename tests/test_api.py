"""The JSON API contract, the pages and the health check."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from recognition.paths import PROJECT_ROOT
from tests.helpers import encode, synthetic_hand


def jpeg(seed: int = 0) -> bytes:
    return encode(synthetic_hand(seed % 10, 100, seed))


def test_predict_multipart_contract(client):
    response = client.post("/api/predict", data={"image": (io.BytesIO(jpeg()), "hand.jpg")})
    assert response.status_code == 200
    body = response.get_json()
    assert isinstance(body["digit"], int) and 0 <= body["digit"] <= 9
    assert len(body["probabilities"]) == 10
    assert sum(body["probabilities"]) == pytest.approx(1.0, abs=1e-4)
    assert body["confidence"] == pytest.approx(max(body["probabilities"]))
    assert body["digit"] == int(np.argmax(body["probabilities"]))


def test_predict_raw_body(client):
    response = client.post("/api/predict", data=jpeg(), content_type="image/jpeg")
    assert response.status_code == 200
    assert len(response.get_json()["probabilities"]) == 10


def test_same_image_gives_same_answer_by_both_routes(client):
    data = jpeg(3)
    multipart = client.post("/api/predict", data={"image": (io.BytesIO(data), "a.jpg")}).get_json()
    raw = client.post("/api/predict", data=data, content_type="image/jpeg").get_json()
    assert multipart["probabilities"] == raw["probabilities"]


def test_batch_keeps_the_order_sent(client):
    files = [(io.BytesIO(jpeg(seed)), f"photo_{seed}.jpg") for seed in range(4)]
    response = client.post("/api/predict/batch", data={"image": files})
    assert response.status_code == 200
    predictions = response.get_json()["predictions"]
    assert [p["filename"] for p in predictions] == [f"photo_{seed}.jpg" for seed in range(4)]
    single = client.post("/api/predict", data={"image": (io.BytesIO(jpeg(2)), "x.jpg")}).get_json()
    assert predictions[2]["probabilities"] == single["probabilities"]


def test_batch_names_the_bad_file(client):
    files = [(io.BytesIO(jpeg()), "good.jpg"), (io.BytesIO(b"nope"), "bad.jpg")]
    response = client.post("/api/predict/batch", data={"image": files})
    assert response.status_code == 400
    assert "bad.jpg" in response.get_json()["error"]


def test_batch_over_the_file_limit_is_refused(app, client):
    app.config["MAX_BATCH_FILES"] = 3
    files = [(io.BytesIO(jpeg(seed)), f"{seed}.jpg") for seed in range(4)]
    response = client.post("/api/predict/batch", data={"image": files})
    assert response.status_code == 413
    assert "at most 3" in response.get_json()["error"]


def test_model_endpoint_describes_the_model(client):
    body = client.get("/api/model").get_json()
    assert body["backend"].startswith("litert")
    assert body["class_names"] == [str(d) for d in range(10)]
    assert body["input_size"] == [224, 224, 3]
    assert "test_accuracy" in body["metrics"]
    assert body["hand_localisation"] is True and body["hand_check"] == "hand_landmark_lite.tflite"
    assert body["hand_geometry"] is True  # the shipped model has its geometry model beside it


def test_healthz_ok_once_loaded(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json()["status"] == "ok"


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [("get", "/api/nothing", 404), ("get", "/api/predict", 405), ("delete", "/api/model", 405)],
)
def test_api_http_errors_are_json(client, method, path, status):
    response = getattr(client, method)(path)
    assert response.status_code == status
    assert response.is_json and response.get_json()["error"]


def test_html_404_is_a_page(client):
    response = client.get("/nothing-here")
    assert response.status_code == 404 and b"nothing at this address" in response.data


def test_index_page_has_form_that_works_without_javascript(client):
    page = client.get("/").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page and 'name="image"' in page and 'method="post"' in page


def test_form_post_shows_digit_confidence_and_ten_bars(client):
    photo = (PROJECT_ROOT / "static" / "examples" / "digit_5.jpg").read_bytes()  # a real hand: the detector finds it
    response = client.post("/", data={"image": (io.BytesIO(photo), "hand.jpg")})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="digit"' in page and "% sure" in page
    assert page.count("<meter") == 10
    assert "data:image/jpeg;base64," in page  # the photo is shown back without being stored


def test_unsure_results_say_so(make_app):
    client = make_app(UNSURE_BELOW=1.01).test_client()  # every answer counts as unsure
    body = client.post("/api/predict", data=jpeg(), content_type="image/jpeg").get_json()
    assert body["unsure"] is True
    photo = (
        PROJECT_ROOT / "static" / "examples" / "digit_5.jpg"
    ).read_bytes()  # a hand the detector finds: no "no hand"
    page = client.post("/", data={"image": (io.BytesIO(photo), "a.jpg")}).get_data(as_text=True)
    assert "unsure" in page


def test_kiosk_page_has_camera_freeze_and_photo_fallback(client):
    page = client.get("/kiosk").get_data(as_text=True)
    for marker in ('id="camera"', 'id="freeze"', 'id="choose-input"', "data-idle-seconds=", 'href="/signs"'):
        assert marker in page


def test_kiosk_page_offers_practice_with_each_digits_sign(client):
    import html
    import json
    import re

    page = client.get("/kiosk").get_data(as_text=True)
    assert 'id="practice"' in page and 'aria-pressed="false"' in page and 'id="practice-panel"' in page
    signs = json.loads(html.unescape(re.search(r"data-signs='([^']*)'", page).group(1)))
    assert len(signs) == 10 and "index finger points up" in signs[1]
    assert 'data-signs-url="/static/signs/"' in page
    assert client.get("/static/practice.js").status_code == 200


@pytest.mark.parametrize("path", ["/", "/kiosk", "/signs", "/api"])
def test_pages_reference_only_local_assets(client, path):
    page = client.get(path).get_data(as_text=True)
    for attribute in ("src", "href", "action"):
        assert f'{attribute}="http' not in page and f'{attribute}="//' not in page, (path, attribute)
    assert "cdn" not in page.lower()


@pytest.mark.parametrize("path", ["/", "/kiosk", "/api/model", "/healthz", "/api/missing"])
def test_security_headers_on_every_response(client, path):
    headers = client.get(path).headers
    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "media-src 'self' blob: mediastream:" in csp  # the kiosk camera keeps working
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "no-referrer"


def test_settings_come_from_the_environment(monkeypatch, shipped_model):
    from webapp import create_app

    monkeypatch.setenv("ASL_MAX_UPLOAD_MB", "1")
    monkeypatch.setenv("ASL_KIOSK_IDLE_SECONDS", "3")
    app = create_app({"MODEL_PATH": str(shipped_model), "LOAD_MODEL_AT_START": False})
    assert app.config["MAX_CONTENT_LENGTH"] == 1024 * 1024
    assert 'data-idle-seconds="3"' in app.test_client().get("/kiosk").get_data(as_text=True)


def test_exif_rotated_photo_is_classified_upright(client):
    upright = Image.open(PROJECT_ROOT / "static" / "examples" / "digit_2.jpg").convert("RGB")
    rotated = upright.transpose(Image.Transpose.ROTATE_90)  # stored on its side...
    exif = Image.Exif()
    exif[0x0112] = 6  # ...with the orientation tag that turns it back upright (a quarter turn clockwise)
    with_tag = client.post("/api/predict", data=encode(rotated, "PNG", exif=exif), content_type="image/png").get_json()
    plain = client.post("/api/predict", data=encode(upright, "PNG"), content_type="image/png").get_json()
    unturned = client.post("/api/predict", data=encode(rotated, "PNG"), content_type="image/png").get_json()
    np.testing.assert_allclose(with_tag["probabilities"], plain["probabilities"], atol=1e-5)
    assert with_tag["digit"] == 2
    # Without the tag the hand lies on its side: it leans a quarter turn away from the upright photo's hand.
    turned_by = (unturned["hand"]["angle"] - plain["hand"]["angle"] + 180) % 360 - 180
    assert abs(abs(turned_by) - 90) < 20 and with_tag["hand"]["angle"] == plain["hand"]["angle"]
