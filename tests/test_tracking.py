"""Following a hand from frame to frame with the landmark model alone, and the track a client sends back."""

from __future__ import annotations

import math
import zlib

import numpy as np
import pytest
from PIL import Image

from recognition.framing import Region, frame, hand_for_look, region_for_hand
from recognition.landmarks import HandLook
from recognition.paths import PROJECT_ROOT
from recognition.recogniser import Recogniser
from recognition.settings import Settings
from recognition.tracking import Track, next_track

EXAMPLE = PROJECT_ROOT / "static" / "examples" / "digit_5.jpg"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "1,2,3",
        "a,b,c,d",
        "nan,0.5,0.3,0",
        "0.5,0.5,0,0",
        "0.5,0.5,9,0",
        "5,0.5,0.3,0",
        "0.5,0.5,0.3,1e9",
        "1," * 300 + "1",
    ],
)
def test_track_refuses_what_is_not_four_sane_numbers(text):
    with pytest.raises(ValueError):
        Track.parse(text)


def test_track_round_trips_through_its_text_and_the_picture():
    track = Track.parse(" 0.25,0.5,0.3,-20 ")
    assert Track.parse(str(track)) == track
    region = track.region((640, 480))
    assert (region.centre_x, region.centre_y, region.side) == pytest.approx((160, 240, 192))
    assert region.lean == pytest.approx(math.radians(-20))
    assert Track.of(region, (640, 480)) == pytest.approx(track)


def test_the_landmarks_frame_the_hand_as_the_palm_detector_does():
    settings = Settings()
    points = np.zeros((21, 3))
    points[0, :2], points[9, :2] = (200, 300), (200, 200)  # an upright hand: wrist below the middle-finger base
    look = HandLook(Region(200, 250, 260, 0.0), points, 0.8, 0.9)
    hand = hand_for_look(look, settings)
    assert hand.side == pytest.approx(settings.hand_scale * 100)
    assert hand.left + hand.side / 2 == pytest.approx(200)
    assert hand.top + hand.side / 2 == pytest.approx(300 - 100 * (0.47 + settings.finger_shift))
    assert hand.lean == pytest.approx(0.0) and hand.confirmed and hand.presence == 0.8
    assert not hand_for_look(HandLook(look.region, points, 0.1, 0.9), settings).confirmed
    region = region_for_hand(hand, settings)  # where the next frame is looked at: the palm's region
    assert region.side == pytest.approx(260) and region.lean == pytest.approx(0.0)


@pytest.fixture(scope="module")
def recogniser(shipped_model):
    return Recogniser.from_model(shipped_model, "litert-fp32")


def scene(left: int) -> Image.Image:
    picture = Image.new("RGB", (640, 480), (60, 90, 120))
    picture.paste(Image.open(EXAMPLE).convert("RGB").resize((240, 240)), (left, 120))
    return picture


def test_a_moving_hand_is_followed_without_the_palm_detector(recogniser, monkeypatch):
    first = scene(100)
    (searched,) = recogniser.recognise([first])
    track = next_track(searched.look, first.size, recogniser.settings)
    assert track is not None and not searched.followed
    calls = []
    original = recogniser.detector.locate
    monkeypatch.setattr(recogniser.detector, "locate", lambda *a, **k: calls.append(1) or original(*a, **k))
    moved = scene(112)
    (followed,) = recogniser.recognise([moved], [track])
    assert followed.followed and not calls
    assert followed.digit == searched.digit and not followed.no_hand
    assert followed.hand.side == pytest.approx(searched.hand.side, rel=0.2)  # framed as the palm detector frames it
    assert followed.hand.left - searched.hand.left == pytest.approx(12, abs=25)  # ... where the hand moved
    wall = Image.new("RGB", (640, 480), (60, 90, 120))
    (lost,) = recogniser.recognise([wall], [track])
    assert not lost.followed and calls  # the hand left: the frame was searched
    assert next_track(lost.look, wall.size, recogniser.settings) is None


def test_a_searched_hand_is_read_in_the_palm_detectors_square(recogniser):
    picture = scene(100)
    palm = recogniser.find(picture)
    assert not palm.followed and palm.look is not None and palm.look.presence >= 0.5
    assert palm.box == frame(
        picture.size, palm.hand, recogniser.settings.zoom_below, recogniser.settings.zoom_min_score
    )
    assert palm.hand != hand_for_look(palm.look, recogniser.settings)  # not the square its landmarks imply


def frame_bytes(left: int) -> bytes:
    import io

    buffer = io.BytesIO()
    scene(left).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def test_the_api_answers_a_track_and_follows_the_hand_with_it(client):
    import io

    first = client.post("/api/predict", data={"image": (io.BytesIO(frame_bytes(100)), "f.jpg")}).get_json()
    assert first["track"] and not first["followed"] and first["models"]["image"]
    second = client.post(
        "/api/predict", data={"image": (io.BytesIO(frame_bytes(110)), "f.jpg"), "track": first["track"]}
    ).get_json()
    assert second["followed"] and second["digit"] == first["digit"] and second["track"] != first["track"]
    page = client.post(
        "/result?from=kiosk&picture=0", data={"image": (io.BytesIO(frame_bytes(110)), "f.jpg"), "track": first["track"]}
    )
    assert b'data-followed="true"' in page.data and b'data-track="' in page.data


@pytest.mark.parametrize(
    ("track", "status"),
    [("nan,0.5,0.3,0", 400), ("0.5,0.5", 400), ("x" * 4000, 400), ("x" * 5000, 413), ("0.5,0.5,99,0", 400)],
)
def test_a_bad_track_is_a_clear_4xx_and_nothing_else(client, track, status):
    import io

    response = client.post("/api/predict", data={"image": (io.BytesIO(frame_bytes(100)), "f.jpg"), "track": track})
    assert response.status_code == status  # past 4 KB the field is refused as it arrives, before it is kept
    assert "track" in response.get_json()["error"]


def test_a_track_where_no_hand_is_costs_only_the_search(client):
    import io

    wall = io.BytesIO()
    Image.new("RGB", (640, 480), (60, 90, 120)).save(wall, "JPEG")
    answer = client.post(
        "/api/predict", data={"image": (io.BytesIO(wall.getvalue()), "w.jpg"), "track": "0.3,0.5,0.4,10"}
    ).get_json()
    assert not answer["followed"] and answer["track"] is None and answer["models"]["geometry"] is None


def test_any_track_is_answered_200_or_400_never_worse(client):
    import io

    rng = np.random.default_rng(3)
    photo = frame_bytes(100)
    values = [0.0, -0.0, 1e-300, 1e300, -1.0, 0.5, 2.0, 3.0, 359.9, -360.0, 1e-9]
    for _ in range(40):
        track = ",".join(str(rng.choice(values) * rng.choice([1, -1])) for _ in range(4))
        response = client.post("/api/predict", data={"image": (io.BytesIO(photo), "f.jpg"), "track": track})
        assert response.status_code in (200, 400), (track, response.status_code)
        assert response.is_json


def test_live_frames_are_searched_quickly_and_still_photos_closely(client, monkeypatch):
    import io

    seen: list[tuple[bool, int | None]] = []
    original = Recogniser.recognise

    def recording(self, pictures, tracks=None, live=False, frame=None):
        seen.append((live, frame))
        return original(self, pictures, tracks, live, frame)

    monkeypatch.setattr(Recogniser, "recognise", recording)
    photo = frame_bytes(100)
    forms = [
        {},
        {"live": "1"},
        {"live": "no"},
        {"track": "0.3,0.5,0.4,10"},
        {"live": "1", "frame": " 12 "},
        {"frame": "0"},
    ]
    for fields in forms:
        assert client.post("/api/predict", data={"image": (io.BytesIO(photo), "f.jpg"), **fields}).status_code == 200
    assert client.post("/api/predict", data=photo, content_type="image/jpeg").status_code == 200
    kiosk = client.post(
        "/result?picture=0&from=kiosk", data={"image": (io.BytesIO(photo), "f.jpg"), "live": "1", "frame": "3"}
    )
    assert kiosk.status_code == 200
    crc = zlib.crc32(photo)  # a live frame without a number sweeps the one region its bytes pick
    expected = [(False, None), (True, crc), (False, None), (True, crc), (True, 12), (True, 0), (False, None)]
    assert seen == [*expected, (True, 3)]
    other = frame_bytes(101)
    assert client.post("/api/predict", data={"image": (io.BytesIO(other), "f.jpg"), "live": "1"}).status_code == 200
    assert seen[-1] == (True, zlib.crc32(other)) and zlib.crc32(other) != crc


@pytest.mark.parametrize("frame", ["-1", "x", "1e3", "1.5", "\u0663", "9" * 19, "0x10"])
def test_a_frame_number_that_is_not_a_count_is_a_400_in_words(client, frame):
    import io

    photo = frame_bytes(100)
    response = client.post("/api/predict", data={"image": (io.BytesIO(photo), "f.jpg"), "frame": frame})
    assert response.status_code == 400 and response.is_json
    assert "frame" in response.get_json()["error"]
    page = client.post("/result?picture=0&from=kiosk", data={"image": (io.BytesIO(photo), "f.jpg"), "frame": frame})
    assert page.status_code == 400 and b"frame" in page.data and b"Traceback" not in page.data
