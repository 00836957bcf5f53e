"""The hand search: palms in the whole picture, then square by square; palms checked for a hand."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from recognition.answer import says_no_hand
from recognition.framing import HandBox, Region, frame, square_tiles
from recognition.hands import PalmDetector
from recognition.landmarks import HandLook, LandmarkModel
from recognition.palms import decode_palms
from recognition.paths import PROJECT_ROOT
from recognition.recogniser import Recogniser
from recognition.records import Cut
from recognition.settings import Settings
from webapp.answers import hand_fractions

SHIPPED = Settings()
HAND_PRESENT = SHIPPED.hand_present

EXAMPLE = PROJECT_ROOT / "static" / "examples" / "digit_5.jpg"


def test_square_tiles_run_along_the_long_side():
    assert square_tiles(448, 336) == [(0, 0, 336), (56, 0, 336), (112, 0, 336)]
    assert square_tiles(336, 448) == [(0, 0, 336), (0, 56, 336), (0, 112, 336)]
    assert square_tiles(300, 280) == []  # close to square: the picture is its own square


@pytest.fixture(scope="module")
def detector() -> PalmDetector:
    return PalmDetector()  # palms only, as before the hand check


def looking_again_below(threshold: float) -> Settings:
    """Return the shipped settings but for the palm score under which the detector looks square by square."""
    return SHIPPED.with_values(look_again_below=threshold)


@pytest.fixture(scope="module")
def checked_detector() -> PalmDetector:
    return PalmDetector(checker=LandmarkModel())


def distant_hand_scene(left: int, top: int, size: tuple[int, int] = (1280, 720), hand: int = 200) -> Image.Image:
    scene = Image.new("RGB", size, (70, 110, 150))
    scene.paste(Image.open(EXAMPLE).convert("RGB").resize((hand, hand)), (left, top))
    return scene


def record_looks(monkeypatch) -> list[tuple[int, int]]:
    """Make every detector look append the size of the picture it looked at to the returned list."""
    looks = []
    original = PalmDetector.palms_once
    monkeypatch.setattr(
        PalmDetector,
        "palms_once",
        lambda self, image, settings=SHIPPED, limit=1: (
            looks.append(image.size) or original(self, image, settings, limit)
        ),
    )
    return looks


def palms_in_whole_picture(monkeypatch, palms: list[HandBox], size: tuple[int, int] = (640, 360)) -> None:
    """Make the detector find ``palms`` in a picture of ``size`` seen whole, and nothing in its squares."""
    monkeypatch.setattr(
        PalmDetector,
        "palms_once",
        lambda self, image, settings=SHIPPED, limit=1: palms if image.size == size else [],
    )


def palms_by_size(monkeypatch, palms: dict[tuple[int, int], list[HandBox]]) -> list[tuple[int, int]]:
    """Make the detector find ``palms[size]`` in a picture of that size (nothing elsewhere); return the sizes it looked
    at."""
    looks = []
    monkeypatch.setattr(
        PalmDetector,
        "palms_once",
        lambda self, image, settings=SHIPPED, limit=1: looks.append(image.size) or palms.get(image.size, []),
    )
    return looks


@pytest.mark.parametrize("left, top", [(1040, 480), (60, 40), (560, 300)])
def test_a_hand_found_square_by_square_is_reported_in_the_pictures_pixels(detector, monkeypatch, left, top):
    found = detector.locate(distant_hand_scene(left, top), looking_again_below(1.01))  # always look square by square
    assert found is not None and found.score >= 0.5
    centre_x, centre_y = found.left + found.side / 2, found.top + found.side / 2
    assert left <= centre_x <= left + 200 and top <= centre_y <= top + 200


def test_looking_again_never_keeps_a_less_certain_palm(detector, monkeypatch):
    scene = distant_hand_scene(1040, 480)
    once = (detector.palms_once(scene) or [None])[0]
    again = detector.locate(scene, looking_again_below(1.01))
    assert again is not None and again.score >= (once.score if once else 0.0)


def test_a_certain_palm_is_not_looked_for_again(detector, monkeypatch):
    looks = record_looks(monkeypatch)
    assert detector.locate(distant_hand_scene(150, 10, size=(640, 360), hand=340), looking_again_below(0.0))
    assert looks == [(640, 360)]


def test_decoded_palms_are_best_first_and_do_not_overlap():
    rng = np.random.default_rng(0)
    regressors = rng.normal(0, 2, (2016, 18)).astype(np.float32)
    regressors[:, 2:4] = 20.0  # 20-pixel boxes
    logits = np.full(2016, -10.0, np.float32)
    logits[[100, 101, 1500]] = (3.0, 2.0, 1.0)  # anchors 100 and 101 share a cell; 1500 is elsewhere
    palms = decode_palms(regressors, logits, limit=4)
    assert [round(score, 3) for score, _ in palms] == [
        round(1 / (1 + np.exp(-3.0)), 3),
        round(1 / (1 + np.exp(-1.0)), 3),
    ]
    assert decode_palms(regressors, np.full(2016, -10.0, np.float32), limit=4) == []


def test_the_checker_tells_a_hand_from_a_plain_square():
    checker = LandmarkModel()
    hand = Image.open(EXAMPLE).convert("RGB")
    whole = HandBox(0, 0, min(hand.size), 0.9)
    assert checker.presence(hand, whole) >= HAND_PRESENT
    assert checker.presence(Image.new("RGB", hand.size, (200, 30, 30)), whole) < HAND_PRESENT
    assert checker.presence(hand, HandBox(5, 5, 0.2, 0.9)) == 0.0  # a square under a pixel holds nothing
    panorama = Image.new("RGB", (40_000, 100))  # a huge square is refused, not cut (it would take gigabytes)
    assert checker.presence(panorama, HandBox(-20_000, -20_000, 40_000, 0.9)) == 0.0
    assert checker.presence(hand, HandBox(float("nan"), 0, 50, 0.9)) == 0.0


def test_a_distant_hand_is_confirmed_and_framed_closely(checked_detector):
    scene = distant_hand_scene(1040, 480)
    found = checked_detector.locate(scene)
    assert found is not None and found.confirmed
    centre_x, centre_y = found.left + found.side / 2, found.top + found.side / 2
    assert 1040 <= centre_x <= 1240 and 480 <= centre_y <= 680
    faint = HandBox(found.left, found.top, found.side, 0.0, found.presence, found.confirmed)
    left, _top, right, _bottom = frame(scene.size, faint)
    assert right - left < 720  # zoomed to the hand even with a faint palm, because the hand is confirmed


def test_a_confirmed_best_palm_ends_the_search(checked_detector, monkeypatch):
    looks = record_looks(monkeypatch)
    found = checked_detector.locate(distant_hand_scene(150, 10, size=(640, 360), hand=340))
    assert found is not None and found.confirmed
    assert looks == [(640, 360)]


def test_a_hand_beats_a_more_certain_palm_that_is_not_one(checked_detector, monkeypatch):
    palms = [HandBox(0, 0, 100, 0.95), HandBox(300, 100, 120, 0.4), HandBox(500, 50, 90, 0.3)]
    palms_in_whole_picture(monkeypatch, palms)
    monkeypatch.setattr(checked_detector.checker, "presence", lambda image, hand: 0.9 if hand.left == 500 else 0.1)
    found = checked_detector.locate(Image.new("RGB", (640, 360)))
    assert (found.left, found.score, found.presence) == (500, 0.3, 0.9) and found.confirmed


def test_without_a_hand_the_most_certain_palm_is_kept(checked_detector, monkeypatch):
    monkeypatch.setattr(checked_detector.checker, "presence", lambda image, hand: 0.1)
    for palms, expected in (
        (
            [HandBox(0, 0, 100, 0.85), HandBox(300, 0, 100, 0.9)],
            0.85,
        ),  # a certain first palm stays, as without the check
        ([HandBox(0, 0, 100, 0.5), HandBox(300, 0, 100, 0.7)], 0.7),
    ):
        palms_in_whole_picture(monkeypatch, palms)
        found = checked_detector.locate(Image.new("RGB", (640, 360)))
        assert found.score == expected and found.presence == 0.1 and not found.confirmed
    palms_in_whole_picture(monkeypatch, [])
    assert checked_detector.locate(Image.new("RGB", (640, 360))) is None


def test_a_confirmed_hand_is_never_answered_no_hand():
    faint = HandBox(0, 0, 50, SHIPPED.no_hand_score / 2)
    unsure = SHIPPED.no_hand_confidence / 2
    assert says_no_hand(faint, unsure, SHIPPED) and says_no_hand(None, unsure, SHIPPED)
    assert says_no_hand(faint.checked(HAND_PRESENT - 0.01, HAND_PRESENT), unsure, SHIPPED)
    assert not says_no_hand(faint.checked(HAND_PRESENT, HAND_PRESENT), unsure, SHIPPED)
    assert not says_no_hand(faint, SHIPPED.no_hand_confidence, SHIPPED)  # a sure classifier keeps its answer


def test_a_digit_is_answered_surely_only_of_a_hand_a_hand_model_confirms():
    recogniser = Recogniser(None, SHIPPED)
    certain = np.eye(10)[3] * 0.97 + 0.003  # the classifier is 97% sure of 3
    palm = HandBox(0, 0, 50, 0.95)
    region = Region(25, 25, 30, 0.0)
    unconfirmed = [
        Cut(palm.checked(HAND_PRESENT - 0.01, HAND_PRESENT), (0, 0, 50, 50), (50, 50)),
        Cut(None, (0, 0, 50, 50), (50, 50)),
    ]
    for cut in unconfirmed:
        assert recogniser.answer(certain, cut, None, localised=True).unsure
    confirmed_by_check = Cut(palm.checked(HAND_PRESENT, HAND_PRESENT), (0, 0, 50, 50), (50, 50))
    confirmed_by_look = Cut(palm, (0, 0, 50, 50), (50, 50), HandLook(region, np.zeros((21, 3)), HAND_PRESENT, 0.9))
    for cut in (confirmed_by_check, confirmed_by_look):
        assert not recogniser.answer(certain, cut, None, localised=True).unsure
    assert not recogniser.answer(
        certain, unconfirmed[1], None, localised=False
    ).unsure  # no hand search: confidence alone


def test_the_hand_reports_its_presence():
    assert hand_fractions(HandBox(10, 20, 100, 0.61234, 0.98765), (200, 200))["presence"] == 0.9877
    assert hand_fractions(HandBox(10, 20, 100, 0.6), (200, 200))["presence"] is None


def test_a_hand_the_landmark_model_scarcely_sees_is_no_hand_unless_the_classifier_is_sure():
    rule = SHIPPED.with_values(no_hand_presence=0.1, no_hand_presence_confidence=0.6)
    certain_palm = HandBox(0, 0, 50, 0.95)
    assert says_no_hand(certain_palm.checked(0.01, HAND_PRESENT), 0.5, rule)  # a cat's eye, read as an unsure digit
    assert not says_no_hand(certain_palm.checked(0.01, HAND_PRESENT), 0.7, rule)  # a small hand, read surely
    assert not says_no_hand(certain_palm.checked(0.2, HAND_PRESENT), 0.5, rule)
    assert not says_no_hand(certain_palm, 0.5, rule)  # unchecked: the presence cannot decide
    assert not says_no_hand(certain_palm.checked(0.01, HAND_PRESENT), 0.5, rule.with_values(no_hand_presence=0.0))
    # The look at the hand's region counts too: the higher presence decides, and a look that sees a hand confirms it.
    region = Region(25, 25, 30, 0.0)
    faint_look = HandLook(region, np.zeros((21, 3)), 0.02, 0.9)
    assert says_no_hand(certain_palm, 0.5, rule, faint_look)
    assert not says_no_hand(
        certain_palm.checked(0.01, HAND_PRESENT), 0.5, rule, HandLook(region, np.zeros((21, 3)), 0.3, 0.9)
    )
    sure_look = HandLook(region, np.zeros((21, 3)), HAND_PRESENT, 0.9)
    assert not says_no_hand(HandBox(0, 0, 50, 0.01), 0.01, rule, sure_look)


def test_a_hand_no_palm_shows_whole_is_not_looked_for_in_parts_of_a_square_picture(checked_detector, monkeypatch):
    looks = palms_by_size(monkeypatch, {(240, 240): [HandBox(10, 20, 100, 0.3)]})
    monkeypatch.setattr(checked_detector.checker, "presence", lambda image, hand: 0.9)
    assert checked_detector.locate(Image.new("RGB", (400, 400)), SHIPPED) is None
    assert looks == [(400, 400)]  # the whole picture only: zoomed squares were tried and left off
