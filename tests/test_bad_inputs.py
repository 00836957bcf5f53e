"""Hostile and odd uploads, against the JSON API and the HTML form alike.

Each kind gets its documented status with a human message (never a 5xx or a traceback), the
server answers the next request, and nothing is written to disk.
"""

from __future__ import annotations

import io
import os
import struct
import tempfile
import zlib

import numpy as np
import pytest
from PIL import Image

from recognition.paths import PROJECT_ROOT
from tests.helpers import encode, synthetic_hand

HAND = synthetic_hand(3, 120, 5)


def png_bomb(width: int = 30000, height: int = 30000) -> bytes:
    """A tiny PNG that claims enormous dimensions (a decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    rows = zlib.compress(b"\x00" * (width + 1) * 16)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")


def animated(format: str) -> bytes:
    frames = [HAND, HAND.transpose(Image.Transpose.FLIP_TOP_BOTTOM)]
    buffer = io.BytesIO()
    frames[0].save(buffer, format=format, save_all=True, append_images=frames[1:], duration=100, loop=0)
    return buffer.getvalue()


def palette_with_transparency() -> bytes:
    image = HAND.convert("P", palette=Image.Palette.ADAPTIVE, colors=64)
    return encode(image, "PNG", transparency=0)


def grey16() -> bytes:
    array = (np.asarray(HAND.convert("L"), dtype=np.uint16) * 257).astype(np.uint16)
    image = Image.fromarray(array)  # uint16 -> mode I;16
    assert image.mode.startswith("I;16")
    return encode(image, "PNG")


CASES = {
    # name: (filename, bytes, expected status, a word the message must contain)
    "plain text named .jpg": ("photo.jpg", b"this is not an image\n" * 20, 400, "not an image"),
    "html named .png": ("page.png", b"<!doctype html><html><script>alert(1)</script></html>", 400, "not an image"),
    "svg named .png": ("vector.png", b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>', 415, "SVG"),
    "truncated jpeg": ("cut.jpg", encode(HAND)[:400], 400, "corrupt or truncated"),
    "truncated png": ("cut.png", encode(HAND, "PNG")[:300], 400, "corrupt or truncated"),
    "zero-byte file": ("empty.jpg", b"", 400, "empty"),
    "decompression bomb": ("bomb.png", png_bomb(), 413, "megapixels"),
    "unaccepted format (ICO)": ("icon.ico", encode(HAND.resize((32, 32)), "ICO"), 415, "not accepted"),
    "1x1 image": ("dot.png", encode(Image.new("RGB", (1, 1), (200, 150, 120)), "PNG"), 200, None),
    "cmyk jpeg": ("cmyk.jpg", encode(HAND.convert("CMYK")), 200, None),
    "16-bit greyscale png": ("grey16.png", grey16(), 200, None),
    "palette png with transparency": ("palette.png", palette_with_transparency(), 200, None),
    "animated gif": ("anim.gif", animated("GIF"), 200, None),
    "animated webp": ("anim.webp", animated("WEBP"), 200, None),
    "very long name with path parts": ("../../etc/" + "x" * 3000 + ".jpg", encode(HAND), 200, None),
}


@pytest.fixture()
def no_disk_writes(monkeypatch):
    """Fail the test if anything creates a temporary file while handling the request."""
    created = []
    real = tempfile.mkstemp

    def spy(*args, **kwargs):
        created.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", spy)

    def temporary_files() -> set[str]:  # what Python's tempfile (and Werkzeug's spooled uploads) would create
        return {name for name in os.listdir(tempfile.gettempdir()) if name.startswith("tmp")}

    before = temporary_files()
    yield created
    assert not created
    assert temporary_files() <= before


def check_next_request_is_fine(client):
    response = client.post("/api/predict", data=encode(HAND), content_type="image/jpeg")
    assert response.status_code == 200


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_api_bad_and_odd_files(client, no_disk_writes, case):
    filename, data, status, word = CASES[case]
    response = client.post("/api/predict", data={"image": (io.BytesIO(data), filename)})
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    if status == 200:
        assert len(body["probabilities"]) == 10 and 0 <= body["digit"] <= 9
        assert len(body["filename"]) <= 80 and "/" not in body["filename"] and ".." not in body["filename"]
    else:
        assert word.lower() in body["error"].lower()
        assert "Traceback" not in body["error"]
    check_next_request_is_fine(client)


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_form_bad_and_odd_files(client, no_disk_writes, case):
    filename, data, status, word = CASES[case]
    response = client.post("/", data={"image": (io.BytesIO(data), filename)})
    page = response.get_data(as_text=True)
    assert response.status_code == status
    assert response.mimetype == "text/html"
    assert "Traceback" not in page
    if status == 200:
        assert 'id="result-heading"' in page
    else:
        assert 'role="alert"' in page and word.lower() in page.lower()
        assert 'name="image"' in page  # the form is there to try again
    check_next_request_is_fine(client)


@pytest.mark.parametrize("target", ["/api/predict", "/"])
def test_empty_body(client, target):
    response = client.post(target)
    assert response.status_code == 400
    check_next_request_is_fine(client)


@pytest.mark.parametrize("target", ["/api/predict", "/"])
def test_missing_file_field(client, target):
    response = client.post(target, data={"note": "hello"})
    assert response.status_code == 400
    assert "image" in response.get_data(as_text=True)


@pytest.mark.parametrize("target", ["/api/predict", "/"])
def test_wrong_field_name(client, target):
    response = client.post(target, data={"photo": (io.BytesIO(encode(HAND)), "a.jpg")})
    assert response.status_code == 400
    assert "'image'" in response.get_data(as_text=True) or "&#39;image&#39;" in response.get_data(as_text=True)


@pytest.mark.parametrize("target", ["/api/predict", "/"])
def test_over_the_size_limit(app, client, target):
    app.config["MAX_CONTENT_LENGTH"] = 200_000
    big = os.urandom(300_000)
    response = client.post(target, data={"image": (io.BytesIO(big), "big.jpg")})
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)
    app.config["MAX_CONTENT_LENGTH"] = 10 * 1024 * 1024
    check_next_request_is_fine(client)


@pytest.mark.parametrize("target", ["/api/predict", "/"])
def test_many_files_in_one_request(client, target):
    files = [(io.BytesIO(encode(HAND)), f"{i}.jpg") for i in range(20)]
    response = client.post(target, data={"image": files})
    assert response.status_code == 400
    assert "one" in response.get_data(as_text=True).lower()


def test_raw_body_with_non_image_content_type(client):
    response = client.post("/api/predict", data="hello", content_type="text/plain")
    assert response.status_code == 415
    assert "Content-Type" in response.get_json()["error"]


@pytest.mark.parametrize("orientation", [None, 1, 6, 8])
def test_a_decoded_picture_keeps_every_pixel_and_stays_usable(orientation):
    from recognition.decode import decode_picture

    pixels = np.random.default_rng(3).integers(0, 256, (60, 90, 3), dtype=np.uint8)
    exif = Image.Exif()
    if orientation is not None:
        exif[0x0112] = orientation
    picture = decode_picture(encode(Image.fromarray(pixels), "PNG", exif=exif))
    turned = {6: np.rot90(pixels, -1), 8: np.rot90(pixels, 1)}.get(orientation, pixels)
    assert picture.mode == "RGB" and np.array_equal(np.asarray(picture), turned)
    assert picture.resize((10, 10)).size == (10, 10)  # not closed with the file it came from


def test_a_two_frame_mpo_as_phones_save_it_is_read_by_its_first_frame(client):
    photo = Image.open(PROJECT_ROOT / "static" / "examples" / "digit_5.jpg").convert("RGB").resize((1200, 900))
    buffer = io.BytesIO()
    photo.save(buffer, "MPO", save_all=True, append_images=[Image.new("RGB", photo.size, (200, 30, 30))])
    mpo = client.post("/api/predict", data=buffer.getvalue(), content_type="image/jpeg")
    jpeg = client.post("/api/predict", data=encode(photo, "JPEG", quality=95), content_type="image/jpeg")
    assert mpo.status_code == 200 and mpo.get_json()["digit"] == jpeg.get_json()["digit"]
    np.testing.assert_allclose(mpo.get_json()["probabilities"], jpeg.get_json()["probabilities"], atol=0.05)


def test_exif_rotation_on_form_and_api_is_applied(client):
    photo = Image.open(PROJECT_ROOT / "static" / "examples" / "digit_3.jpg").convert("RGB")
    exif = Image.Exif()
    exif[0x0112] = 8  # a quarter turn anticlockwise shows it upright
    sideways = encode(photo.transpose(Image.Transpose.ROTATE_270), "PNG", exif=exif)
    tagged = client.post("/api/predict", data=sideways, content_type="image/png").get_json()
    upright = client.post("/api/predict", data=encode(photo, "PNG"), content_type="image/png").get_json()
    np.testing.assert_allclose(tagged["probabilities"], upright["probabilities"], atol=1e-5)
    page = client.post("/", data={"image": (io.BytesIO(sideways), "sideways.png")}).get_data(as_text=True)
    assert f"Digit {upright['digit']}," in page
