"""HEIC (iPhone) photos: decoded upright through pillow-heif, bad ones refused with a 4xx, the pages offer them."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from recognition.decode import DecodeLimits, ImageRejected, Rejection, decode_picture
from tests.helpers import encode


def two_colours(orientation: int | None = None) -> bytes:
    """Return a 64x48 HEIC, red left half and blue right; with ``orientation``, stored turned as EXIF says."""
    pixels = np.zeros((48, 64, 3), np.uint8)
    pixels[:, :32] = (220, 30, 30)
    pixels[:, 32:] = (30, 30, 220)
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation  # the encoder writes it as the file's own rotation (irot)
    return encode(Image.fromarray(pixels), "HEIF", quality=90, exif=exif.tobytes())


def test_heic_decodes_to_rgb():
    picture = decode_picture(two_colours())
    assert picture.mode == "RGB" and picture.size == (64, 48)
    pixels = np.asarray(picture, dtype=int)
    assert pixels[:, :28, 0].mean() > 180 and pixels[:, :28, 2].mean() < 80  # red left half
    assert pixels[:, 36:, 2].mean() > 180 and pixels[:, 36:, 0].mean() < 80  # blue right half


def test_heic_rotation_is_applied_once():
    picture = decode_picture(two_colours(orientation=6))
    assert picture.size == (48, 64)  # a quarter turn: upright, and not turned a second time by EXIF
    pixels = np.asarray(picture, dtype=int)
    assert pixels[:28, :, 0].mean() > 180 and pixels[36:, :, 2].mean() > 180  # red on top, blue below


def test_heic_over_the_pixel_limit_is_refused_before_decoding():
    with pytest.raises(ImageRejected) as refused:
        decode_picture(two_colours(), DecodeLimits(max_megapixels=0.001))
    assert refused.value.reason is Rejection.TOO_LARGE and "megapixels" in refused.value.message


@pytest.mark.parametrize("cut", [40, 200, 400])
def test_truncated_heic_is_a_400(cut):
    with pytest.raises(ImageRejected) as refused:
        decode_picture(two_colours()[:cut])
    assert refused.value.reason is Rejection.UNREADABLE


def test_api_answers_a_heic_photo(client):
    response = client.post("/api/predict", data=two_colours(orientation=6), content_type="image/heic")
    assert response.status_code == 200
    answer = response.get_json()
    assert len(answer["probabilities"]) == 10 and abs(sum(answer["probabilities"]) - 1) < 1e-3


def test_form_answers_a_heic_photo(client):
    data = {"image": (io.BytesIO(two_colours()), "IMG_0001.HEIC")}
    response = client.post("/", data=data, content_type="multipart/form-data")
    assert response.status_code == 200 and b"result-card" in response.data


def test_pages_offer_heic(client):
    page = client.get("/").get_data(as_text=True)
    assert "image/heic" in page and "HEIC" in page
