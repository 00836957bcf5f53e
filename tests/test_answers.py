"""What people see: an honest "unsure" with the two likeliest digits, a leaning hand read upright, the API page."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image, ImageFilter

from recognition.advice import (
    BLURRED,
    CUT_OFF,
    DARK_NO_HAND,
    NO_HAND_ADVICE,
    NOT_FOUND,
    TOO_DARK,
    TOO_SMALL,
    advice_for,
    square_quality,
)
from recognition.answer import NO_HAND_MESSAGE
from recognition.framing import HandBox
from recognition.paths import PROJECT_ROOT
from recognition.preprocessing import to_model_input
from recognition.recogniser import Recogniser
from recognition.records import Cut
from tests.helpers import encode

EXAMPLES = PROJECT_ROOT / "static" / "examples"


def test_an_unsure_answer_names_the_two_likeliest_digits_and_what_tells_them_apart(make_app):
    client = make_app(UNSURE_BELOW=1.01).test_client()  # every answer counts as unsure
    photo = (EXAMPLES / "digit_7.jpg").read_bytes()
    answer = client.post("/api/predict", data=photo, content_type="image/jpeg").get_json()
    ranked = sorted(range(10), key=lambda d: -answer["probabilities"][d])
    assert answer["unsure"] and answer["message"].startswith(f"Not sure: {ranked[0]} or {ranked[1]}?")
    page = client.post("/", data={"image": (io.BytesIO(photo), "seven.jpg")}).get_data(as_text=True)
    assert f'id="second">{ranked[1]}</span>?' in page and answer["advice"] in page
    assert answer["advice"] == advice_for(ranked[0], ranked[1])  # a clear, lit, upright hand: the pair's advice


def test_unsure_advice_names_what_the_picture_shows(make_app):
    client = make_app(UNSURE_BELOW=1.01).test_client()
    photo = Image.open(EXAMPLES / "digit_7.jpg").convert("RGB")
    dark = np.asarray(photo).astype(np.float32) * 0.15
    answer = client.post("/api/predict", data=encode(Image.fromarray(dark.astype(np.uint8))), content_type="image/jpeg")
    found = answer.get_json()
    if found["no_hand"]:  # too dark to find the hand in: "no hand", and why
        assert found["advice"] == DARK_NO_HAND and found["message"] == "No hand found — " + "m" + DARK_NO_HAND[1:]
    else:
        assert found["advice"] == TOO_DARK and TOO_DARK in found["message"]
    plain = client.post(
        "/api/predict", data=encode(Image.new("RGB", (320, 240), (200, 190, 180))), content_type="image/jpeg"
    )
    assert plain.get_json()["no_hand"] and plain.get_json()["advice"] == NO_HAND_ADVICE
    assert plain.get_json()["message"] == NO_HAND_MESSAGE


def test_each_cause_gets_its_own_advice():
    size, square = (400, 400), np.asarray(Image.open(EXAMPLES / "digit_7.jpg").convert("RGB").resize((224, 224)))
    light, sharp = square_quality(square)
    hand = HandBox(100, 100, 200, 0.9).checked(0.9, 0.5)

    assert light > 50 and sharp > 0.006  # the example is lit and sharp

    def cut(found: HandBox) -> Cut:
        return Cut(found, (100, 100, 300, 300), size)

    assert advice_for(7, 8, cut(hand), square) == advice_for(7, 8)  # nothing wrong with the picture: the pair's
    assert advice_for(7, 8, cut(HandBox(-90, 100, 200, 0.9).checked(0.9, 0.5)), square) == CUT_OFF
    assert advice_for(7, 8, cut(hand), (square * 0.1).astype(np.uint8)) == TOO_DARK
    blurred = np.asarray(Image.fromarray(square).filter(ImageFilter.GaussianBlur(3)))
    assert advice_for(7, 8, cut(hand), blurred) == BLURRED
    assert advice_for(7, 8, cut(HandBox(10, 10, 60, 0.9).checked(0.9, 0.5))) == TOO_SMALL
    assert advice_for(7, 8, cut(HandBox(100, 100, 200, 0.9).checked(0.3, 0.5)), square) == NOT_FOUND
    assert advice_for(7, 8, Cut(None, (0, 0, 400, 400), size), square) == NOT_FOUND
    leaning = HandBox(100, 100, 200, 0.9, lean=np.radians(-50)).checked(0.9, 0.5)
    assert advice_for(7, 8, cut(leaning)) == "Hold your hand upright: it leans 50° to the left."


def test_advice_fits_the_pair():
    assert "ring finger for 7" in advice_for(7, 8) and "middle finger for 8" in advice_for(7, 8)
    assert "thumb" in advice_for(4, 5) and advice_for(4, 5) == advice_for(5, 4)
    assert advice_for(0, 6)  # any pair gets words


def test_a_confident_answer_stays_one_big_digit_and_offers_another_photo(client):
    page = client.post("/", data={"image": (io.BytesIO((EXAMPLES / "digit_9.jpg").read_bytes()), "nine.jpg")}).get_data(
        as_text=True
    )
    assert 'id="digit">9</span>' in page and 'id="second"' not in page and 'id="try-another"' in page
    kiosk_fragment = client.post(
        "/result?picture=0&from=kiosk",
        data={"image": (io.BytesIO(encode(Image.open(EXAMPLES / "digit_9.jpg"))), "f.jpg")},
    )
    assert 'id="try-another"' not in kiosk_fragment.get_data(as_text=True)


def test_a_leaning_hand_is_turned_upright_before_it_is_read(shipped_model):
    served = Recogniser.from_model(shipped_model)
    photo = Image.open(EXAMPLES / "digit_5.jpg").convert("RGB")
    leaning = photo.rotate(40, resample=Image.Resampling.BILINEAR, expand=True, fillcolor=(200, 200, 205))
    (turned,) = served.with_settings(upright_from_degrees=20).recognise([leaning])
    assert turned.hand is not None and -60 < np.degrees(turned.hand.lean) < -25  # leaning anticlockwise
    assert turned.turn == np.degrees(turned.hand.lean)
    (as_is,) = served.with_settings(upright_from_degrees=180).recognise([leaning])
    assert as_is.turn == 0 and turned.digit == 5 and turned.confidence > as_is.confidence


def test_a_turned_square_matches_the_upright_one_and_has_no_black_corners():
    photo = Image.open(EXAMPLES / "digit_3.jpg").convert("RGB")
    side = min(photo.size)
    upright = to_model_input(photo, (0, 0, side, side)).astype(np.float32)
    turned_back = to_model_input(
        photo.rotate(-30, resample=Image.Resampling.BILINEAR), (0, 0, side, side), turn=30
    ).astype(np.float32)
    centre = slice(60, 164)  # the middle, away from what the first turn cut off
    assert np.abs(turned_back[centre, centre] - upright[centre, centre]).mean() < 12
    edge = to_model_input(Image.new("RGB", (300, 200), (180, 90, 40)), (0, 0, 200, 200), turn=45)
    assert edge.min(axis=(0, 1)).tolist() == [180, 90, 40]  # past the edges: the edge colour, never black


def test_the_api_page_never_writes_the_requests_host_into_its_examples(client, make_app):
    forged = client.get("/api", base_url="https://evil.example", headers={"Host": "evil.example"})
    page = forged.get_data(as_text=True)
    assert "evil.example" not in page and "data-origin-from-browser" in page  # the browser's own origin, by api.js
    assert '<pre tabindex="0">' in page and "api.js" in page
    public = make_app(PUBLIC_URL="https://digits.example/").test_client()
    page = public.get("/api", headers={"Host": "evil.example"}).get_data(as_text=True)
    assert "https://digits.example</span>/api/predict" in page and "evil.example" not in page
    assert "data-origin-from-browser" not in page


def test_cors_is_off_by_default_and_answers_only_the_origins_allowed(shipped_model):
    from webapp import create_app
    from webapp.loader import EXTENSION

    closed = create_app({"MODEL_PATH": str(shipped_model), "LOAD_MODEL_AT_START": False}).test_client()
    assert (
        "Access-Control-Allow-Origin" not in closed.get("/api/model", headers={"Origin": "https://a.example"}).headers
    )
    app = create_app(
        {
            "MODEL_PATH": str(shipped_model),
            "LOAD_MODEL_AT_START": False,
            "CORS_ORIGINS": "https://a.example, https://b.example/",
        }
    )
    app.extensions[EXTENSION].get()
    client = app.test_client()
    photo = (EXAMPLES / "digit_5.jpg").read_bytes()
    allowed = client.post(
        "/api/predict", data=photo, content_type="image/jpeg", headers={"Origin": "https://b.example"}
    )
    assert allowed.status_code == 200 and allowed.headers["Access-Control-Allow-Origin"] == "https://b.example"
    preflight = client.options(
        "/api/predict", headers={"Origin": "https://a.example", "Access-Control-Request-Method": "POST"}
    )
    assert preflight.status_code == 204 and preflight.headers["Access-Control-Allow-Methods"] == "GET, POST, OPTIONS"
    other = client.post(
        "/api/predict", data=photo, content_type="image/jpeg", headers={"Origin": "https://evil.example"}
    )
    assert "Access-Control-Allow-Origin" not in other.headers
    page = client.get("/", headers={"Origin": "https://a.example"})
    assert "Access-Control-Allow-Origin" not in page.headers  # pages never


def test_every_page_starts_with_a_skip_link_to_its_content(client):
    for path in ("/", "/kiosk", "/signs", "/api"):
        page = client.get(path).get_data(as_text=True)
        assert 'class="skip-link" href="#main"' in page and 'id="main"' in page, path


def test_the_kiosk_asks_someone_not_signing_to_show_one_hand(client):
    wall = encode(Image.new("RGB", (480, 360), (200, 205, 210)))
    kiosk = client.post("/result?picture=0&from=kiosk", data={"image": (io.BytesIO(wall), "frame.jpg")})
    page = client.post("/result", data={"image": (io.BytesIO(wall), "photo.jpg")})
    assert b'data-no-hand="true"' in kiosk.data and b">Show one hand</h2>" in kiosk.data
    assert b">No hand found</h2>" in page.data
