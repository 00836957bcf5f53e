"""Real browser: headless Chromium on the pages as people use them (desktop, phone, keyboard, camera, no camera)."""

from __future__ import annotations

import itertools
import os
import threading
from pathlib import Path

import pytest
from PIL import Image
from werkzeug.serving import make_server

from recognition.paths import PROJECT_ROOT
from recognition.recogniser import Recogniser
from tests.helpers import synthetic_hand
from tests.support.browser import CHROMIUM, PHONE, write_y4m
from webapp.loader import EXTENSION

pytestmark = pytest.mark.browser
if os.environ.get("ASL_SKIP_BROWSER_TESTS") == "1":  # an explicit choice, reported by -ra; never silent
    pytestmark = [pytest.mark.browser, pytest.mark.skip(reason="ASL_SKIP_BROWSER_TESTS=1")]
EXAMPLE = PROJECT_ROOT / "static" / "examples" / "digit_5.jpg"
AXE = PROJECT_ROOT / "tests" / "vendor" / "axe.min.js"
# Controls under 44 px high (links in running text aside): their selectors and heights.
TOUCH_TARGETS = """() => [...document.querySelectorAll(
        "button, a, input, summary, label.camera-button, label.big-button")]
    .filter((el) => el.offsetParent !== null && !el.classList.contains("visually-hidden")
        && !el.closest("p, li.hint, figcaption, .hint, .lead, td"))
    .map((el) => [el.id || el.className || el.tagName, Math.round(el.getBoundingClientRect().height)])
    .filter(([, height]) => height < 44)"""


def wide_photo_with_hand_on_the_left(path: Path) -> None:
    """A 16:9 photo with the example hand at its left edge, outside the centre square."""
    scene = Image.new("RGB", (960, 540), (40, 90, 60))
    scene.paste(Image.open(EXAMPLE).convert("RGB").resize((300, 300)), (10, 120))
    scene.save(path, quality=92)


@pytest.fixture(scope="module")
def live_server(shipped_model):
    from webapp import create_app

    app = create_app({"MODEL_PATH": str(shipped_model), "KIOSK_IDLE_SECONDS": 3})
    app.extensions[EXTENSION].get()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="module")
def fake_camera(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("camera") / "hand.y4m"
    scene = Image.new("RGB", (320, 240), (30, 60, 50))
    scene.paste(Image.open(EXAMPLE).convert("RGB").resize((200, 200)), (60, 20))
    write_y4m(path, scene)
    return path


def launch(playwright, *extra: str):
    return playwright.chromium.launch(
        executable_path=CHROMIUM,
        args=[
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            *extra,
        ],
    )


@pytest.fixture(scope="module")
def playwright_instance():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="module")
def browser(playwright_instance, fake_camera):
    browser = launch(
        playwright_instance,
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-video-capture={fake_camera}",
    )
    yield browser
    browser.close()


@pytest.fixture(scope="module")
def browser_without_camera(playwright_instance):
    browser = launch(playwright_instance)  # no fake device: getUserMedia finds no camera
    yield browser
    browser.close()


def wait_until(page, expression: str, timeout_ms: int = 30_000) -> None:
    """Poll ``expression`` in the page until it is truthy (wait_for_function evaluates code, which the CSP forbids)."""
    for _ in range(timeout_ms // 100):
        if page.evaluate(expression):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"never true: {expression}")


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
    page.set_input_files("#image", str(photo))  # choosing the file is enough: no click
    page.wait_for_selector("#result-heading", timeout=20_000)
    assert page.locator(".bars meter").count() == 10
    assert page.locator("#preview").is_hidden()  # one photo on screen: the result's, with its square
    assert page.evaluate("document.activeElement.id") == "result-heading"
    assert page.inner_text("#status")  # announced in the live region
    assert not problems, problems  # no CSP violations or script errors
    page.close()


def test_upload_page_shows_errors_in_words_without_a_broken_preview(browser, live_server, tmp_path):
    bogus = tmp_path / "notes.jpg"
    bogus.write_text("not a photo")
    page = browser.new_page()
    page.goto(live_server + "/")
    page.set_input_files("#image", str(bogus))
    page.wait_for_selector("#error", timeout=20_000)
    assert page.locator("#preview").is_hidden()
    assert "not an image" in page.inner_text("#error")
    svg = tmp_path / "vector.svg"
    svg.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"/>')
    page.set_input_files("#image", str(svg))
    assert "SVG" in page.inner_text("#error") and page.locator("#preview").is_hidden()  # refused before sending
    page.close()


def test_phone_sees_the_answer_without_scrolling_by_hand(browser, live_server):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    problems = watch_console(page)
    page.goto(live_server + "/")
    assert page.locator(".camera-button").is_visible()  # the phone's camera is offered
    assert page.locator(".pointer-only").first.is_hidden()  # no "paste" hint on a touch screen
    page.set_input_files("#image", str(EXAMPLE))
    page.wait_for_selector("#result-heading", timeout=20_000)
    page.wait_for_timeout(800)  # the smooth scroll
    for selector in ("#result-heading", "#try-another"):  # the answer and the way to the next photo, on one screen
        box = page.locator(selector).bounding_box()
        assert box["y"] >= 0 and box["y"] + box["height"] <= 844, (selector, box)
    small = page.evaluate(TOUCH_TARGETS)
    assert not small, small  # every control at least 44 px high
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    assert not problems, problems
    context.close()


def test_wide_photo_outlines_the_hand_not_the_centre(browser, live_server, tmp_path):
    photo = tmp_path / "wide.jpg"
    wide_photo_with_hand_on_the_left(photo)
    page = browser.new_page()
    page.goto(live_server + "/")
    page.set_input_files("#image", str(photo))
    page.wait_for_selector(".seen-box polygon", timeout=20_000)
    corners = [
        tuple(map(float, point.split(","))) for point in page.get_attribute(".seen-box polygon", "points").split()
    ]
    assert sum(x for x, _y in corners) / 4 < 0.4  # the square the model read sits on the left, where the hand is
    page.close()


def test_keyboard_only_upload(browser, live_server):
    page = browser.new_page()
    page.goto(live_server + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"  # the first stop skips the navigation
    page.focus("#image")
    page.set_input_files("#image", str(EXAMPLE))  # as the picker does once a file is chosen with the keyboard
    wait_until(page, "document.activeElement && document.activeElement.id === 'result-heading'", 20_000)
    assert page.locator("#submit").is_hidden()  # choosing recognised at once: no button that would do nothing
    page.keyboard.press("Tab")  # from the answer, on to what can be done with it
    assert page.evaluate("document.activeElement.tagName") in ("A", "SUMMARY", "BUTTON", "INPUT")
    page.close()


def test_live_kiosk_answers_without_a_click_and_one_request_at_a_time(browser, live_server, monkeypatch):
    context = browser.new_context(permissions=["camera"])
    page = context.new_page()
    problems = watch_console(page)
    numbers: list[int | None] = []  # each live frame's number, as the server received it
    original = Recogniser.recognise

    def recording(self, pictures, tracks=None, live=False, frame=None):
        numbers.append(frame)
        return original(self, pictures, tracks, live, frame)

    monkeypatch.setattr(Recogniser, "recognise", recording)  # the server runs in this process
    page.goto(live_server + "/kiosk")
    page.evaluate("""() => { window.statusChanges = 0;
        new MutationObserver(() => { window.statusChanges += 1; }).observe(document.getElementById("kiosk-status"),
            { childList: true, characterData: true, subtree: true }); }""")
    wait_until(page, "window.kioskStats && window.kioskStats.answers >= 1 && window.kioskStats.frames >= 12")
    stats = page.evaluate("window.kioskStats")
    assert stats["maxInFlight"] == 1
    assert numbers[:12] == list(range(12))  # numbered in turn: a frame without a hand sweeps the next region
    assert stats["answers"] <= 2, stats  # one held sign: the answer is shown once, not once a frame
    assert page.evaluate("window.statusChanges") <= 3  # the live region speaks when the answer changes, not every frame
    assert page.locator("#kiosk-result .bars meter").count() == 10
    page.keyboard.press("Space")  # freeze
    page.wait_for_selector("#resume:not([hidden])", timeout=10_000)
    wait_until(page, "document.getElementById('stage-hint').textContent.includes('Back to live in')", 10_000)
    page.keyboard.press("Space")  # and back to live
    page.wait_for_selector("#freeze:not([hidden])", timeout=10_000)
    assert page.locator("h1").count() == 1
    assert not problems, problems
    context.close()


@pytest.fixture(scope="module")
def browser_with_a_jittered_sign(playwright_instance, tmp_path_factory):
    from tests.support.browser import jittered_sign

    clip = tmp_path_factory.mktemp("camera") / "jittered.y4m"
    write_y4m(clip, jittered_sign(Image.open(PROJECT_ROOT / "static" / "examples" / "digit_5.jpg")))
    browser = launch(
        playwright_instance,
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-video-capture={clip}",
    )
    yield browser
    browser.close()


def test_a_jittered_sign_keeps_one_answer_and_banner(browser_with_a_jittered_sign, live_server):
    page = browser_with_a_jittered_sign.new_context(permissions=["camera"]).new_page()
    page.goto(live_server + "/kiosk")
    wait_until(page, "window.kioskStats && window.kioskStats.answers >= 1")
    page.evaluate("() => { window.kioskStats.shown = []; window.kioskStats.own = []; }")
    page.wait_for_timeout(8000)
    stats = page.evaluate("window.kioskStats")
    right = sum(own.rstrip("?") == "5" for own in stats["own"]) / max(len(stats["own"]), 1)
    assert len(stats["own"]) >= 10 and right >= 0.8, stats["own"]
    assert len(stats["shown"]) <= 2, stats["shown"]  # the digit and its unsure banner hold while the hand moves
    page.context.close()


def test_practice_asks_for_digits_counts_the_one_signed_and_passes_axe(browser, live_server):
    page = browser.new_context(permissions=["camera"], bypass_csp=True).new_page()
    problems = watch_console(page)
    page.goto(live_server + "/kiosk")  # the camera shows a hand signing 5
    wait_until(page, "window.kioskStats && window.kioskStats.answers >= 1")
    page.locator("#practice").click()
    assert page.get_attribute("#practice", "aria-pressed") == "true" and page.locator("#practice-panel").is_visible()
    skipped = 0
    while page.evaluate("window.kioskPractice.target") != 5:  # each digit once a round, in a random order
        target = page.evaluate("window.kioskPractice.target")
        assert page.inner_text("#practice-digit") == str(target)
        assert page.get_attribute("#practice-sign", "src").endswith(f"/static/signs/digit_{target}.jpg")
        assert page.inner_text("#kiosk-status").startswith(f"Practice: sign {target}. ")  # and how, for a screen reader
        assert page.inner_text("#practice-how") in page.inner_text("#kiosk-status")
        page.locator("#practice-next").click()
        skipped += 1
        assert skipped < 10
    wait_until(page, "window.kioskPractice.right === 1", 20_000)  # 5 is shown already or once steady
    assert page.evaluate("window.kioskPractice.skipped") == skipped
    assert f"1 right, {skipped} skipped" in page.inner_text("#practice-score")
    wait_until(page, "window.kioskPractice.target !== 5", 10_000)  # the next digit, after a pause
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate("async () => (await axe.run(document)).violations.map(v => [v.id, v.nodes.length])")
    assert not violations, violations
    page.locator("#practice").click()
    assert page.locator("#practice-panel").is_hidden() and page.evaluate("window.kioskPractice") is None
    assert not problems, problems
    page.context.close()


def test_kiosk_without_a_camera_says_why_offers_a_retry_and_takes_photos(browser_without_camera, live_server):
    page = browser_without_camera.new_page()
    problems = watch_console(page)
    page.goto(live_server + "/kiosk")
    page.wait_for_selector("#choose:not([hidden])", timeout=20_000)
    assert page.locator("#camera-help").is_visible() and page.inner_text("#camera-why").strip()  # why, in words
    assert page.locator("#camera-retry").is_visible()
    assert page.inner_text("#kiosk-status").strip() == ""  # the reason is said once, in the help
    assert page.locator("#still").is_visible() and "example" in page.get_attribute("#still", "alt")  # not an empty box
    box = page.locator("#choose").bounding_box()
    assert box["height"] >= 44 and box["width"] >= 120  # touch-sized
    page.click("#camera-retry")  # tries again and lands back on the same help, not a black box
    page.wait_for_selector("#camera-help:not([hidden])", timeout=10_000)
    page.set_input_files("#choose-input", str(EXAMPLE))
    page.wait_for_selector("#kiosk-result .result-card", timeout=20_000)
    assert page.locator("#still").is_visible()  # the chosen photo is shown with its answer
    assert not problems, problems
    page.close()
    phone = browser_without_camera.new_context(**PHONE)
    page = phone.new_page()
    page.goto(live_server + "/kiosk")
    page.wait_for_selector("#choose:not([hidden])", timeout=20_000)
    box = page.locator("#choose").bounding_box()
    assert box["y"] + box["height"] <= PHONE["viewport"]["height"], box  # "Choose photo" in view on a phone
    phone.close()


def test_kiosk_fits_a_phone_screen_both_ways_and_freezes_as_it_showed(browser, live_server):
    for viewport in ({"width": 390, "height": 844}, {"width": 844, "height": 390}):
        context = browser.new_context(**{**PHONE, "viewport": viewport}, permissions=["camera"])
        page = context.new_page()
        page.goto(live_server + "/kiosk")
        page.wait_for_selector("#freeze:not([hidden])", timeout=20_000)
        wait_until(page, "window.kioskStats.answers >= 1")
        for selector in ("#stage", "#freeze", "#kiosk-result .answer-heading"):
            box = page.locator(selector).bounding_box()
            assert box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"], (viewport, selector, box)
        assert page.locator("#kiosk-result .bars meter").first.is_visible()  # the ten bars, on phones too
        page.wait_for_selector("#hand-box:not([hidden])", timeout=10_000)  # the hand square, drawn live
        assert float(page.get_attribute("#hand-rect", "width")) > 0.05
        shown = page.get_attribute("#kiosk-result .result-card", "data-message")
        page.locator("#freeze").tap()
        page.wait_for_selector("#still:not([hidden])", timeout=10_000)
        classes = page.get_attribute("#still", "class")
        assert "mirrored" in classes and "frozen" in classes  # the frame as the live view showed it, cropped alike
        assert page.locator("#guide").is_hidden() and page.locator("#hand-box").is_visible()
        frames = page.evaluate("window.kioskStats.frames")
        page.wait_for_timeout(600)
        assert page.evaluate("window.kioskStats.frames") == frames  # frozen: the steadied answer, no new request
        assert page.inner_text("#kiosk-status") == f"Frozen: {shown}"
        context.close()


@pytest.mark.parametrize("path", ["/", "/kiosk", "/signs", "/api"])
def test_axe_finds_no_accessibility_problem_on_phone_or_desktop_light_or_dark(browser, live_server, path):
    for options, scheme in [
        (o, s) for o in ({"viewport": {"width": 1280, "height": 800}}, PHONE) for s in ("light", "dark")
    ]:
        context = browser.new_context(**options, color_scheme=scheme, permissions=["camera"], bypass_csp=True)
        page = context.new_page()
        page.goto(live_server + path)
        if path == "/":
            page.set_input_files("#image", str(EXAMPLE))  # audit the page with an answer on it
            page.wait_for_selector("#result-heading", timeout=20_000)
        page.wait_for_timeout(700)
        page.add_script_tag(path=str(AXE))  # bypass_csp above: to load axe itself
        violations = page.evaluate(
            "async () => (await axe.run(document)).violations.map(v => [v.id, v.impact, v.nodes.length])"
        )
        assert not violations, (path, options.get("is_mobile", False), scheme, violations)
        context.close()


@pytest.mark.parametrize("path", ["/", "/kiosk", "/signs", "/api", "/nowhere"])
def test_every_page_is_clean_in_the_console_on_phone_and_desktop(browser, live_server, path):
    for options in ({"viewport": {"width": 1280, "height": 800}}, PHONE):
        context = browser.new_context(**options)
        page = context.new_page()
        problems = watch_console(page)
        page.goto(live_server + path)
        page.wait_for_load_state("load")
        page.wait_for_timeout(700)  # the kiosk never idles: it recognises live
        assert page.locator("h1").count() == 1
        sizes = page.evaluate(
            "() => ['h1', 'h2', 'h3'].map(tag => [...document.querySelectorAll(tag)]"
            ".filter(e => e.offsetParent && !e.classList.contains('answer-heading'))"
            ".map(e => parseFloat(getComputedStyle(e).fontSize)))"
        )
        assert all(max(lower, default=0) < min(higher) for higher, lower in itertools.pairwise(sizes) if higher)
        assert [p for p in problems if "404" not in p or path != "/nowhere"] == [], problems
        assert page.evaluate("document.documentElement.scrollWidth") <= options["viewport"]["width"]
        context.close()


def test_api_examples_name_the_address_the_browser_reached(browser, live_server):
    page = browser.new_page()
    page.goto(live_server + "/api")
    page.wait_for_function("document.querySelector('.origin').textContent === location.origin")
    assert f"curl -F image=@hand.jpg {live_server}/api/predict" in page.locator("pre").first.text_content()
    page.close()


def test_sign_guide_shows_ten_pictures_with_words(browser, live_server):
    page = browser.new_page()
    page.goto(live_server + "/signs")
    images = page.locator(".signs img")
    assert images.count() == 10
    for i in range(10):  # the pictures load lazily: each one as it comes into view
        images.nth(i).scroll_into_view_if_needed()
        loaded = "(img) => img.complete && img.naturalWidth > 0"
        page.wait_for_function(loaded, arg=images.nth(i).element_handle(), timeout=10_000)
        assert page.evaluate(loaded, images.nth(i).element_handle())
    assert "thumb touches the tip of the index" in page.inner_text(".signs").lower()
    page.close()


@pytest.fixture(scope="module")
def collecting_server(shipped_model, tmp_path_factory):
    from webapp import create_app

    folder = tmp_path_factory.mktemp("corrections")
    app = create_app({"MODEL_PATH": str(shipped_model), "FEEDBACK_DIR": str(folder)})
    app.extensions[EXTENSION].get()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", folder
    server.shutdown()


def test_a_person_corrects_a_wrong_answer_with_consent(browser, collecting_server):
    from feedback.store import FeedbackStore

    url, folder = collecting_server
    page = browser.new_page()
    problems = watch_console(page)
    page.goto(url + "/")
    page.set_input_files("#image", str(EXAMPLE))
    page.wait_for_selector("#result-heading", timeout=20_000)
    summary = page.locator(".feedback summary")
    assert summary.bounding_box()["height"] >= 44
    summary.click()
    for target in [*page.locator(".digit-option span").all(), page.locator(".consent")]:
        box = target.bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44, box  # every control a finger can hit
    page.locator(".digit-option", has_text="4").click()
    page.click(".feedback-form button")  # without consent: the browser asks for the box first
    assert FeedbackStore(folder).corrections() == []
    page.locator(".consent").click()
    page.click(".feedback-form button")
    page.wait_for_selector(".feedback-done", timeout=10_000)
    (correction,) = FeedbackStore(folder).corrections()
    assert correction.digit == 4 and correction.photo.is_file()
    assert not problems, problems
    page.close()


def test_without_javascript_the_answer_lands_in_view_and_on_desktop_the_photo_is_large(browser, live_server):
    context = browser.new_context(**PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server + "/")
    page.set_input_files("#image", str(EXAMPLE))
    page.click("#submit")  # without JavaScript the form posts and the page comes back with the answer
    page.wait_for_selector("#result-heading")
    box = page.locator("#result-heading").bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["viewport"]["height"], box
    context.close()
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    page.goto(live_server + "/")
    page.set_input_files("#image", str(EXAMPLE))
    page.wait_for_selector(".seen-photo", timeout=20_000)
    page.wait_for_function("document.querySelector('.seen-photo').complete")
    photo = page.locator(".seen-photo").bounding_box()
    assert photo["width"] >= 300, photo  # a small photo shown large enough to see the square read
    page.close()


@pytest.fixture(scope="module")
def doubting_server(shipped_model, tmp_path_factory):
    """A server that flags every answer unsure and collects corrections: the states the audit must see."""
    from webapp import create_app

    folder = tmp_path_factory.mktemp("corrections")
    app = create_app({"MODEL_PATH": str(shipped_model), "FEEDBACK_DIR": str(folder), "UNSURE_BELOW": 1.01})
    app.extensions[EXTENSION].get()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def axe_violations(page) -> list:
    page.add_script_tag(path=str(AXE))
    return page.evaluate("async () => (await axe.run(document)).violations.map(v => [v.id, v.impact, v.nodes.length])")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_in_the_unsure_no_hand_correction_and_no_camera_states(
    browser, browser_without_camera, doubting_server, live_server, tmp_path, scheme
):
    wall = tmp_path / "wall.png"
    Image.new("RGB", (320, 240), (200, 205, 210)).save(wall)
    for options in ({"viewport": {"width": 1280, "height": 800}}, PHONE):
        context = browser.new_context(**options, color_scheme=scheme, bypass_csp=True)
        page = context.new_page()
        page.goto(doubting_server + "/")
        page.set_input_files("#image", str(EXAMPLE))
        page.wait_for_selector(".unsure-heading", timeout=20_000)
        page.click(".feedback summary")  # the correction form open
        assert not axe_violations(page), ("unsure + correction", scheme, options)
        page.goto(doubting_server + "/")
        page.set_input_files("#image", str(wall))
        page.wait_for_selector(".no-hand", timeout=20_000)
        assert not axe_violations(page), ("no hand", scheme, options)
        context.close()
    context = browser_without_camera.new_context(**PHONE, color_scheme=scheme, bypass_csp=True)
    page = context.new_page()
    page.goto(live_server + "/kiosk")
    page.wait_for_selector("#camera-help:not([hidden])", timeout=20_000)
    assert not axe_violations(page), ("kiosk without a camera", scheme)
    context.close()
