"""The palm detector's search: whole picture first, then square by square in wide or tall pictures."""

from __future__ import annotations

import pytest
from PIL import Image

import training.hands as hands
from training.hands import PalmDetector, square_tiles
from training.paths import PROJECT_ROOT

EXAMPLE = PROJECT_ROOT / "static" / "examples" / "digit_5.jpg"


def test_square_tiles_run_along_the_long_side():
    assert square_tiles(448, 336) == [(0, 0, 336), (56, 0, 336), (112, 0, 336)]
    assert square_tiles(336, 448) == [(0, 0, 336), (0, 56, 336), (0, 112, 336)]
    assert square_tiles(300, 280) == []  # close to square: the picture is its own square


@pytest.fixture(scope="module")
def detector() -> PalmDetector:
    return PalmDetector()


def distant_hand_scene(left: int, top: int, size: tuple[int, int] = (1280, 720), hand: int = 200) -> Image.Image:
    scene = Image.new("RGB", size, (70, 110, 150))
    scene.paste(Image.open(EXAMPLE).convert("RGB").resize((hand, hand)), (left, top))
    return scene


@pytest.mark.parametrize("left, top", [(1040, 480), (60, 40), (560, 300)])
def test_a_hand_found_square_by_square_is_reported_in_the_pictures_pixels(detector, monkeypatch, left, top):
    monkeypatch.setattr(hands, "LOOK_AGAIN_BELOW", 1.01)  # always look square by square too
    found = detector.locate(distant_hand_scene(left, top))
    assert found is not None and found.score >= 0.5
    centre_x, centre_y = found.left + found.side / 2, found.top + found.side / 2
    assert left <= centre_x <= left + 200 and top <= centre_y <= top + 200


def test_looking_again_never_keeps_a_less_certain_palm(detector, monkeypatch):
    scene = distant_hand_scene(1040, 480)
    once = detector.locate_once(scene)
    monkeypatch.setattr(hands, "LOOK_AGAIN_BELOW", 1.01)
    again = detector.locate(scene)
    assert again is not None and again.score >= (once.score if once else 0.0)


def test_a_certain_palm_is_not_looked_for_again(detector, monkeypatch):
    looks = []
    original = PalmDetector.locate_once
    monkeypatch.setattr(
        PalmDetector, "locate_once", lambda self, image, alone=True: looks.append(image.size) or original(self, image, alone)
    )
    monkeypatch.setattr(hands, "LOOK_AGAIN_BELOW", 0.0)
    assert detector.locate(distant_hand_scene(150, 10, size=(640, 360), hand=340)) is not None
    assert looks == [(640, 360)]
