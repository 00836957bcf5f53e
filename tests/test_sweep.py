"""The sweep and the fine search: a hand the palm search missed is still found, and nothing where no hand is."""

from __future__ import annotations

import math

import numpy as np
import pytest
from PIL import Image

from recognition.framing import Region
from recognition.hands import PalmDetector
from recognition.landmarks import HandLook, LandmarkModel
from recognition.paths import PROJECT_ROOT
from recognition.recogniser import Recogniser
from recognition.settings import Settings
from recognition.sweep import DEGREES, SHARES, fine_search, fine_tiles, needs_sweep, sweep, sweep_regions

EXAMPLE = PROJECT_ROOT / "static" / "examples" / "digit_5.jpg"


class NoPalms:
    """A palm detector that finds nothing (a scene where the palms it finds are not hands)."""

    def locate(self, picture: Image.Image, settings: Settings) -> None:
        return None


class Scripted:
    """A landmark model that answers the given presences in turn and counts its looks."""

    def __init__(self, presences: list[float]) -> None:
        self.presences, self.regions = list(presences), []

    def look(self, image: Image.Image, region: Region) -> HandLook:
        self.regions.append(region)
        return HandLook(region, np.zeros((21, 3)), self.presences[len(self.regions) - 1], 0.9)


def hand_in_a_room() -> Image.Image:
    """The example hand (160 pixels) pasted in the middle of a plain 640x480 frame."""
    canvas = Image.new("RGB", (640, 480), (90, 120, 150))
    canvas.paste(Image.open(EXAMPLE).convert("RGB"), (240, 160))
    return canvas


def test_sweep_regions_are_centred_squares_largest_first_at_every_turn():
    regions = list(sweep_regions((640, 480), 2))
    assert len(regions) == 2 * len(DEGREES)
    assert {(r.centre_x, r.centre_y) for r in regions} == {(320, 240)}
    assert [r.side for r in regions] == [480] * 3 + [360] * 3
    assert [round(math.degrees(r.lean)) for r in regions[:3]] == [round(d) for d in DEGREES]
    assert list(sweep_regions((640, 480), 0)) == []
    assert len(list(sweep_regions((100, 300), len(SHARES) + 5))) == len(SHARES) * len(DEGREES)


def test_sweep_stops_at_the_first_look_that_is_sure_of_a_hand():
    settings = Settings(sweep_squares=2, sweep_present=0.9)
    looker = Scripted([0.2, 0.95, 0.99])
    found = sweep(looker, Image.new("RGB", (64, 48)), settings)
    assert found is not None and found.presence == 0.95 and len(looker.regions) == 2
    nothing = Scripted([0.5] * 6)
    assert sweep(nothing, Image.new("RGB", (64, 48)), settings) is None and len(nothing.regions) == 6


def test_the_sweep_runs_only_when_on_and_the_search_was_not_sure():
    sure = HandLook(Region(0, 0, 10, 0), np.zeros((21, 3)), 0.97, 0.9)
    doubtful = HandLook(Region(0, 0, 10, 0), np.zeros((21, 3)), 0.6, 0.9)
    on = Settings(sweep_squares=1, sweep_present=0.95)
    assert needs_sweep(None, on) and needs_sweep(doubtful, on) and not needs_sweep(sure, on)
    assert not needs_sweep(None, Settings(sweep_squares=0))
    with pytest.raises(ValueError):
        Settings(sweep_squares=-1)


@pytest.fixture(scope="module")
def landmarks() -> LandmarkModel:
    return LandmarkModel()


def test_a_hand_the_palm_search_missed_is_swept_up_and_framed(landmarks):
    picture = hand_in_a_room()
    swept = Recogniser(None, Settings(sweep_squares=len(SHARES)), NoPalms(), landmarks).find(picture)
    assert swept.hand is not None and swept.hand.confirmed and swept.look.presence >= 0.95
    left, top, right, bottom = swept.box
    assert right - left < 400  # the hand's own square, not the whole centre square
    assert left < 320 < right and top < 240 < bottom
    unswept = Recogniser(None, Settings(sweep_squares=0), NoPalms(), landmarks).find(picture)
    assert unswept.hand is None and unswept.box == (80, 0, 560, 480)


def test_the_sweep_finds_no_hand_on_a_wall_or_a_picture_too_small_to_look_at(landmarks):
    settings = Settings(sweep_squares=len(SHARES))
    wall = Image.new("RGB", (300, 200), (200, 190, 180))
    cut = Recogniser(None, settings, NoPalms(), landmarks).find(wall)
    assert cut.hand is None and cut.look is None
    looker = Scripted([1.0] * 9)
    assert sweep(looker, Image.new("RGB", (6, 6)), settings) is None and looker.regions == []


def test_fine_tiles_run_three_along_the_long_side_and_two_across():
    tiles = fine_tiles((640, 480), 0.6)
    assert tiles == [(x, y, 288) for y in (0, 192) for x in (0, 176, 352)]
    assert fine_tiles((480, 640), 0.6) == [(x, y, 288) for x in (0, 192) for y in (0, 176, 352)]
    assert fine_tiles((640, 480), 0.0) == []
    for left, top, side in fine_tiles((1000, 300), 0.5):
        assert left >= 0 and left + side <= 1000 and top >= 0 and top + side <= 300


class BlindSearch(PalmDetector):
    """The palm detector, checked by the landmark model, whose search of the whole picture finds nothing."""

    def locate(self, image: Image.Image, settings: Settings) -> None:
        return None


def small_hand_in_a_corner() -> Image.Image:
    """The example hand at 120 pixels in the bottom-right corner of a plain 640x480 frame."""
    canvas = Image.new("RGB", (640, 480), (90, 120, 150))
    canvas.paste(Image.open(EXAMPLE).convert("RGB").resize((120, 120)), (500, 340))
    return canvas


def test_the_fine_search_finds_a_small_hand_off_centre_only_when_on(landmarks):
    detector = BlindSearch(checker=landmarks)
    picture = small_hand_in_a_corner()
    on = Settings(sweep_squares=0, fine_share=0.6)
    hand = fine_search(detector, picture, on)
    assert hand is not None and hand.confirmed
    assert 480 < hand.left + hand.side / 2 < 640 and 320 < hand.top + hand.side / 2 < 480  # in picture pixels
    cut = Recogniser(None, on, detector, landmarks).find(picture)
    assert cut.hand is not None and cut.hand.confirmed and cut.look is not None
    left, top, right, bottom = cut.box
    assert left < 560 < right and top < 400 < bottom
    off = Recogniser(None, on.with_values(fine_share=0.0), detector, landmarks).find(picture)
    assert off.hand is None
    live = Recogniser(None, on, detector, landmarks).find(picture, live=True)  # video: the next frame comes soon
    assert live.hand is None
    wall = Image.new("RGB", (640, 480), (200, 190, 180))
    assert fine_search(detector, wall, on) is None


def test_a_numbered_live_frame_sweeps_only_the_region_of_its_turn():
    settings = Settings(sweep_squares=len(SHARES))
    picture = Image.new("RGB", (640, 480), (200, 190, 180))
    regions = list(sweep_regions(picture.size, settings.sweep_squares))
    for frame in (0, 4, len(regions) + 2, 10**17):
        looker = Scripted([0.0])
        assert sweep(looker, picture, settings, frame) is None
        assert looker.regions == [regions[frame % len(regions)]]
    for frame in range(len(regions)):  # in as many frames as regions, every region once
        looker = Scripted([0.0])
        Recogniser(None, settings, NoPalms(), looker).find(picture, live=True, frame=frame)
        assert looker.regions == [regions[frame]]
    everything = Scripted([0.0] * len(regions))
    Recogniser(None, settings, NoPalms(), everything).find(picture, live=True)  # live, but not numbered
    assert everything.regions == regions


def test_a_hand_the_search_missed_is_swept_up_by_a_live_frame_in_its_turn(landmarks):
    picture = hand_in_a_room()
    recogniser = Recogniser(None, Settings(sweep_squares=len(SHARES)), NoPalms(), landmarks)
    found = [recogniser.find(picture, live=True, frame=frame) for frame in range(len(SHARES) * len(DEGREES))]
    turns = [frame for frame, cut in enumerate(found) if cut.hand is not None]
    assert turns and all(found[frame].hand.confirmed for frame in turns)  # found within one round of frames
    assert found[turns[0]].box == recogniser.find(picture).box  # where the whole sweep of a still photo finds it
    assert len(turns) < len(found)  # and not by every frame: each looks at one region only


def test_frames_to_find_a_hand_count_the_turns_until_a_region_that_sees_it():
    from bench.live_sweep import frames_to_find

    assert frames_to_find([False, False, True]) == (2.0, 3)  # from each start: 3, 2, 1 frames
    assert frames_to_find([True] * 9) == (1.0, 1)
    assert frames_to_find([False] * 9) is None
    mean, most = frames_to_find([True, False, False, False, True, False, False, False, False])
    assert most == 5 and 1 < mean < 5
