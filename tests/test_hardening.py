"""Hardening II: malformed metadata and codecs, bounded work, every framing of the size limit, odd requests.

Everything here must end in a 4xx with a human message (never a 5xx), and the next request must work.
"""

from __future__ import annotations

import io
import time

import numpy as np
import pytest
from PIL import Image

from recognition.decode import MAX_JPEG_SCANS, DecodeLimits, ImageRejected, Rejection, decode_picture
from tests.helpers import encode, synthetic_hand
from tests.support.samples import jpeg_with_bad_exif, png_16bit, progressive_jpeg_with_repeated_scans
from webapp.body import BodyTimeout, GuardedInput, MalformedBody

HAND = synthetic_hand(4, 120, 2)


def avif_with_flipped_byte() -> bytes:
    data = bytearray(encode(HAND.resize((64, 48)), "AVIF"))
    data[-10] ^= 0xFF
    return bytes(data)


@pytest.mark.parametrize(
    ("name", "data", "status"),
    [
        ("orientation 6 with a malformed EXIF tag", jpeg_with_bad_exif(), 200),
        ("AVIF with a flipped byte", avif_with_flipped_byte(), 400),
        ("progressive JPEG with 1,500 repeated scans", progressive_jpeg_with_repeated_scans(1500), 413),
    ],
)
@pytest.mark.parametrize("route", ["/api/predict", "/api/predict/batch", "/", "raw"])
def test_malformed_files_are_answered_on_every_route(client, name, data, status, route):
    if route == "raw":
        response = client.post("/api/predict", data=data, content_type="image/jpeg")
    else:
        response = client.post(route, data={"image": (io.BytesIO(data), "photo.jpg")})
    assert response.status_code == status, (name, response.get_data(as_text=True)[:300])
    assert client.post("/api/predict", data=encode(HAND), content_type="image/jpeg").status_code == 200


def test_malformed_exif_still_turns_the_photo_upright():
    picture = decode_picture(jpeg_with_bad_exif())
    assert picture.size == (120, 120)  # orientation 6 of a square keeps its size; the point is no exception


def test_repeated_scans_are_refused_before_decoding():
    with pytest.raises(ImageRejected) as refused:
        decode_picture(progressive_jpeg_with_repeated_scans(MAX_JPEG_SCANS * 50))
    assert refused.value.reason is Rejection.TOO_LARGE and "scans" in refused.value.message


def test_high_bit_depth_pictures_are_scaled_to_eight_bits_and_reduced():
    """A 0.1 MB, 16-bit, 36-MP PNG (its time and memory: tests/test_decode_budget.py, bench/hostile.py)."""
    data = png_16bit(7200, 5000)
    assert len(data) < 200_000
    picture = decode_picture(data)
    assert picture.mode == "RGB" and picture.size == (7200 // 11, 5000 // 11)
    assert picture.getpixel((0, 0)) == (128, 128, 128)  # 0x4000 kept to its top 8 bits: not clipped to 255, not 64


def test_decoded_size_limit_refuses_what_would_not_fit():
    with pytest.raises(ImageRejected) as refused:
        decode_picture(png_16bit(4000, 3000), DecodeLimits(max_megapixels=40, max_decoded_mb=10))
    assert refused.value.reason is Rejection.TOO_LARGE and "MB" in refused.value.message


def test_phone_photos_decode_at_reduced_scale():
    photo = encode(Image.fromarray(np.random.default_rng(0).integers(0, 255, (3024, 4032, 3), np.uint8)), quality=85)
    picture = decode_picture(photo)
    assert picture.size == (1008, 756)  # JPEG draft mode: 1/4 scale, never below 448


def test_fuzzed_images_never_escape_as_anything_but_a_rejection():
    """Seeded mutations of JPEG, PNG, GIF, WebP, AVIF, TIFF and HEIC files: each decodes or is rejected."""
    rng = np.random.default_rng(2026)
    seeds = {fmt: encode(HAND.resize((48, 40)), fmt) for fmt in ("JPEG", "PNG", "GIF", "WEBP", "AVIF", "TIFF")}
    seeds["EXIF"] = jpeg_with_bad_exif()
    seeds["HEIC"] = encode(HAND.resize((48, 40)), "HEIF", quality=80)
    outcomes: dict[str, dict[str, int]] = {}
    for name, seed in seeds.items():
        found = outcomes.setdefault(name, {"decoded": 0, "rejected": 0})
        for _ in range(350):
            data = bytearray(seed)
            for _ in range(int(rng.integers(1, 6))):
                kind = rng.integers(3)
                where = int(rng.integers(len(data)))
                if kind == 0:
                    data[where] = int(rng.integers(256))
                elif kind == 1:
                    del data[where : where + int(rng.integers(1, 16))]
                else:
                    data[where:where] = rng.integers(0, 256, int(rng.integers(1, 16)), dtype=np.uint8).tobytes()
            try:
                picture = decode_picture(bytes(data), DecodeLimits(max_megapixels=4, max_decoded_mb=32))
            except ImageRejected as rejected:  # anything else escapes and fails the test
                assert isinstance(rejected.reason, Rejection) and rejected.message, name
                found["rejected"] += 1
            else:
                assert picture.mode == "RGB" and min(picture.size) >= 1, name
                found["decoded"] += 1
    assert all(sum(found.values()) == 350 for found in outcomes.values())
    assert all(found["rejected"] > 0 for found in outcomes.values()), outcomes  # the mutations do break every format


def test_fuzzed_uploads_through_the_api_never_get_a_5xx(client):
    rng = np.random.default_rng(7)
    seed = encode(HAND.resize((64, 64)))
    statuses = []
    for _ in range(150):
        data = bytearray(seed)
        for _ in range(3):
            data[int(rng.integers(len(data)))] = int(rng.integers(256))
        statuses.append(client.post("/api/predict", data=bytes(data), content_type="image/jpeg").status_code)
    assert max(statuses) < 500 and set(statuses) <= {200, 400, 413}


class Trickle:
    """A body stream that sleeps before each read (a slow client)."""

    def __init__(self, pause: float) -> None:
        self.pause = pause

    def read(self, *_args):
        time.sleep(self.pause)
        return b"x"

    def readline(self, *_args):
        return self.read()


class Broken:
    def read(self, *_args):
        raise OSError("Invalid chunk size: zz")  # what gunicorn raises for a bad chunk-size line

    readline = read


def test_body_guard_times_out_a_trickle_and_turns_reader_errors_into_400():
    trickle = GuardedInput(Trickle(0.05), deadline=time.monotonic() + 0.2)
    with pytest.raises(BodyTimeout):
        for _ in range(100):
            trickle.read(1)
    with pytest.raises(MalformedBody):
        GuardedInput(Broken(), deadline=time.monotonic() + 10).read(10)
    stalled = GuardedInput(
        type("Stalled", (), {"read": lambda self, *a: (_ for _ in ()).throw(TimeoutError())})(), time.monotonic() + 10
    )
    with pytest.raises(BodyTimeout):
        stalled.read(10)


def test_chunked_raw_body_over_the_limit_is_413(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    body = encode(HAND) + b"\0" * (2 * 1024 * 1024)
    response = client.post(
        "/api/predict",
        input_stream=io.BytesIO(body),
        headers={"Content-Type": "image/jpeg", "Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert response.status_code == 413 and "limit" in response.get_json()["error"]


def test_chunked_non_image_body_is_415(client):
    response = client.post(
        "/api/predict",
        input_stream=io.BytesIO(b"hello"),
        headers={"Content-Type": "text/plain", "Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert response.status_code == 415


def test_latin1_file_name_is_accepted(client):
    boundary = "XyZ"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="image"; filename="'.encode()
        + "photo_é.jpg".encode("latin-1")
        + b'"\r\nContent-Type: image/jpeg\r\n\r\n'
        + encode(HAND)
        + f"\r\n--{boundary}--\r\n".encode()
    )
    response = client.post("/api/predict", data=body, content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["filename"].startswith("photo")


def test_pages_that_show_an_upload_are_never_cached(client):
    response = client.post("/", data={"image": (io.BytesIO(encode(HAND)), "a.jpg")})
    assert response.headers["Cache-Control"] == "no-store"
    assert (
        client.post("/result", data={"image": (io.BytesIO(encode(HAND)), "a.jpg")}).headers["Cache-Control"]
        == "no-store"
    )


@pytest.mark.parametrize("path", ["/static//etc/passwd", "//evil.example/", "/kiosk/", "/api/model/"])
def test_no_redirect_is_built_from_the_host_header(client, path):
    response = client.get(path, headers={"Host": "evil.example"})
    assert response.status_code < 300 or response.status_code >= 400
    assert "evil.example" not in response.headers.get("Location", "")
