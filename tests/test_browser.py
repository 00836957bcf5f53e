"""Real browser: headless Chromium uploads a photo on / and uses the kiosk with a fake camera."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from werkzeug.serving import make_server

from tests.helpers import synthetic_hand
from webapp.predictor import EXTENSION

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = pytest.mark.browser
if not Path(CHROMIUM).exists() and not os.environ.get("CI"):  # CI installs it and must run these
    pytestmark = [pytest.mark.browser, pytest.mark.skip(reason="Debian's chromium is not installed (apt-get install chromium)")]


def write_y4m(path: Path, image: Image.Image, frames: int = 30) -> None:
    """Write ``image`` as a short 4:2:0 YUV4MPEG2 clip, the format Chromium's fake camera reads."""
    width, height = image.size
    y, cb, cr = image.convert("YCbCr").split()
    chroma = [np.asarray(c.resize((width // 2, height // 2), Image.Resampling.BILINEAR)).tobytes() for c in (cb, cr)]
    frame = b"FRAME\n" + np.asarray(y).tobytes() + chroma[0] + chroma[1]
    path.write_bytes(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode() + frame * frames)


@pytest.fixture(scope="module")
def live_server(trained_model):
    from webapp import create_app

    app = create_app({"MODEL_PATH": str(trained_model), "KIOSK_IDLE_SECONDS": 30})
    app.extensions[EXTENSION].get()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="module")
def fake_camera(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("camera") / "hand.y4m"
    write_y4m(path, synthetic_hand(5, 320, 0).resize((320, 240)))
    return path


@pytest.fixture(scope="module")
def browser(fake_camera):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--use-fake-device-for-media-stream",
                "--use-fake-ui-for-media-stream",
                f"--use-file-for-fake-video-capture={fake_camera}",
            ],
        )
        yield browser
        browser.close()


def watch_console(page) -> list[str]:
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    return problems


def test_upload_page_shows_the_digit(browser, live_server, tmp_path):
    photo = tmp_path / "hand.jpg"
    synthetic_hand(2, 200, 3).save(photo)
    page = browser.new_page()
    problems = watch_console(page)
    page.goto(live_server + "/")
    page.set_input_files("#image", str(photo))
    page.wait_for_selector("#preview", state="visible", timeout=10_000)
    page.click("#submit")
    page.wait_for_selector("#digit", timeout=20_000)
    digit = page.inner_text("#digit")
    assert digit.isdigit() and 0 <= int(digit) <= 9
    assert "confident" in page.inner_text("#confidence")
    assert page.locator(".bars meter").count() == 10
    assert not problems, problems  # no CSP violations or script errors
    page.close()


def test_upload_page_shows_errors_in_words(browser, live_server, tmp_path):
    bogus = tmp_path / "notes.jpg"
    bogus.write_text("not a photo")
    page = browser.new_page()
    page.goto(live_server + "/")
    page.set_input_files("#image", str(bogus))
    page.click("#submit")
    page.wait_for_selector("#error", timeout=20_000)
    assert "not an image" in page.inner_text("#error")
    page.close()


def test_kiosk_captures_from_the_camera_and_shows_a_prediction(browser, live_server):
    context = browser.new_context(permissions=["camera"])
    page = context.new_page()
    problems = watch_console(page)
    page.goto(live_server + "/kiosk")
    page.wait_for_selector("#capture:not([disabled])", timeout=20_000)
    page.keyboard.press("Space")
    page.wait_for_selector("#answer:not([hidden])", timeout=20_000)
    digit = page.inner_text("#kiosk-digit")
    assert digit.isdigit() and 0 <= int(digit) <= 9
    assert "confident" in page.inner_text("#kiosk-confidence")
    assert not problems, problems
    context.close()
