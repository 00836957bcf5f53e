"""The framing module's conversions between palm, hand square, landmark region and the square read."""

import math

import numpy as np
import pytest

from recognition.framing import (
    HandBox,
    box_of_palm,
    center_square,
    frame,
    hand_square,
    region_for_hand,
    square_corners,
)
from recognition.settings import Settings


def test_the_centre_square_and_a_hand_outside_the_picture_are_framed_inside_it():
    assert center_square((300, 200)) == (50, 0, 250, 200)
    assert frame((300, 200), None) == center_square((300, 200))
    left, top, right, bottom = frame((300, 200), HandBox(-40, -40, 60, 0.9))
    assert (left, top) == (0, 0) and right - left == bottom - top == 60


def test_a_doubtful_palm_is_read_in_the_largest_square_around_it():
    doubtful = HandBox(200, 50, 40, 0.2)
    assert frame((300, 200), doubtful) == (100, 0, 300, 200)
    assert frame((300, 200), doubtful.checked(0.9, 0.5)) == (200, 50, 240, 90)


def test_an_upright_palm_frames_a_square_moved_towards_the_fingers():
    palm = np.array([0.5, 0.5, 0.1, 0.1, 0.5, 0.55, 0.5, 0.45])  # wrist below the middle finger
    centre_x, centre_y, side, lean = hand_square(palm, hand_scale=4.0, finger_shift=0.5)
    assert (centre_x, centre_y, side, lean) == pytest.approx((0.5, 0.45, 0.4, 0.0))
    box = box_of_palm(palm, 0.9, 192, (1.0, 0.0, 0.0), Settings(hand_scale=4.0, finger_shift=0.5))
    assert (box.left, box.top, box.side) == pytest.approx((96 - 38.4, 86.4 - 38.4, 76.8))
    assert box_of_palm(np.full(8, np.nan), 0.9, 192, (1.0, 0.0, 0.0), Settings()) is None


def test_the_landmark_region_of_a_leaning_hand_is_mediapipes_framing_of_its_palm():
    settings = Settings(hand_scale=4.0, finger_shift=0.45)
    hand = HandBox(100, 100, 200, 0.9, lean=math.radians(90))  # fingers to the right; a palm of 50 pixels
    region = region_for_hand(hand, settings)
    # back 0.45 palm sizes to the palm's centre, then MediaPipe's 0.5 towards the fingers, 2.6 palms wide
    assert (region.centre_x, region.centre_y, region.side) == pytest.approx((200 - 22.5 + 25, 200, 130))
    assert region.lean == hand.lean


def test_the_corners_of_a_turned_square_are_turned_about_its_centre():
    assert square_corners((0, 0, 10, 10), 0) == [(0, 0), (10, 0), (10, 10), (0, 10)]
    turned = np.array(square_corners((0, 0, 10, 10), 90))
    assert turned == pytest.approx(np.array([(10, 0), (10, 10), (0, 10), (0, 0)]), abs=1e-9)
