"""HEIC (iPhone) photos: decoded upright through pillow-heif, bad ones refused with a 4xx, the pages offer them."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from recognition.decode import DecodeLimits, ImageRejected, Rejection, decode_picture
from recognition.heif import reduce_pixels
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


def test_24_megapixel_heic_fits_the_default_limits():
    """An iPhone's default 24-MP HEIC (5712x4284) is decoded, not refused as too large, and shrunk on the way."""
    data = encode(Image.new("RGB", (5712, 4284), (200, 150, 120)), "HEIF", quality=10)
    picture = decode_picture(data)
    assert picture.size == (634, 476)  # a ninth a side: the short side still at least 448
    assert np.abs(np.asarray(picture, dtype=int) - (200, 150, 120)).max() <= 6


def test_48_megapixel_heic_refusal_says_what_to_send():
    data = encode(Image.new("RGB", (64, 48)), "HEIF", quality=10)
    with pytest.raises(ImageRejected) as refused:
        decode_picture(data, DecodeLimits(max_megapixels=0.002))
    assert "24 megapixels or as a JPEG" in refused.value.message


def test_heic_reduction_averages_blocks_like_pillow():
    pixels = np.random.default_rng(3).integers(0, 256, (90, 120, 3), dtype=np.uint8)
    ours = reduce_pixels(pixels, 3, alpha=False).astype(int)
    pillows = np.asarray(Image.fromarray(pixels).reduce(3), dtype=int)
    assert ours.shape == (30, 40, 3) and np.abs(ours - pillows).max() <= 1


def test_heic_reduction_lays_transparency_on_white():
    pixels = np.zeros((4, 4, 4), np.uint8)
    pixels[..., 0] = 255  # red ...
    pixels[:, :2, 3] = 255  # ... opaque on the left half, transparent on the right
    reduced = reduce_pixels(pixels, 2, alpha=True)
    assert reduced.shape == (2, 2, 3)
    assert reduced[0, 0].tolist() == [255, 0, 0] and reduced[0, 1].tolist() == [255, 255, 255]
    half = reduce_pixels(pixels, 4, alpha=True)  # half red, half white
    assert half[0, 0].tolist() == [255, 128, 128]


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
