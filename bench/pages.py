"""Measure the pages as people use them, in headless Chromium against gunicorn as configured (loopback).

    python -m bench.pages

Per page and viewport (desktop 1280x800, phone 390x844): bytes transferred and load time; the
upload page's time from Recognise to the answer on screen (a 12-MP phone photo and a small one);
the live kiosk with a fake camera for 15 s: answers shown per second and each frame's round trip;
a held and a jittered sign (moved and turned from frame to frame) for 15 s each: changes of the shown
answer and of its unsure banner, frames read right, and whether freezing keeps the shown answer.
Saves screenshots to docs/screenshots/ and the figures to bench/results/pages.json.
"""

from __future__ import annotations

import itertools
import json
import statistics
import tempfile
import time
from pathlib import Path

from PIL import Image

from bench import save_result
from bench.serving import hand_photo, phone_jpeg
from recognition.paths import DEFAULT_MODEL, PROJECT_ROOT
from tests.support.browser import CHROMIUM, PHONE, jittered_sign, write_y4m
from tests.support.load import Gunicorn
from tests.support.samples import big_phone_jpeg

PORT = 18771
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
SHOTS = PROJECT_ROOT / "docs" / "screenshots"


def page_weight(context, url: str) -> dict:
    """Load ``url`` in a fresh tab; return bytes and requests transferred and the load time."""
    page = context.new_page()
    sizes: list[int] = []
    page.on("response", lambda response: sizes.append(len(response.body())) if response.ok else None)
    started = time.perf_counter()
    page.goto(url)
    page.wait_for_load_state("load")
    elapsed = time.perf_counter() - started
    page.close()
    return {"bytes": sum(sizes), "requests": len(sizes), "load_ms": round(elapsed * 1000, 1)}


def time_to_answer(page, url: str, photo: Path) -> float:
    """Return the milliseconds from choosing ``photo`` (which starts recognition) to the answer on screen."""
    page.goto(url)
    started = time.perf_counter()
    page.set_input_files("#image", str(photo))
    page.wait_for_selector("#result-heading", timeout=60_000)
    return round((time.perf_counter() - started) * 1000, 1)


VISIBLE_IMAGES_LOADED = """() => Array.from(document.images)
    .filter((image) => image.getBoundingClientRect().top < innerHeight)
    .every((image) => image.complete && image.naturalWidth > 0)"""


def main() -> int:
    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp())
    small, phone = work / "hand.jpg", work / "phone.jpg"
    hand_photo().save(small, quality=90)
    phone.write_bytes(phone_jpeg())
    camera = work / "camera.y4m"
    scene = Image.new("RGB", (640, 480), (40, 70, 60))
    scene.paste(
        Image.open(PROJECT_ROOT / "static" / "examples" / "digit_5.jpg").convert("RGB").resize((320, 320)), (160, 80)
    )
    write_y4m(camera, scene, frames=50)
    big = {megapixels: work / f"{megapixels}mp.jpg" for megapixels in (48, 200)}
    big[48].write_bytes(big_phone_jpeg(8000, 6000))
    big[200].write_bytes(big_phone_jpeg(16320, 12240))
    SHOTS.mkdir(parents=True, exist_ok=True)
    report: dict = {}
    base = f"http://127.0.0.1:{PORT}"
    with Gunicorn(PORT, DEFAULT_MODEL), sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--use-fake-device-for-media-stream",
                "--use-fake-ui-for-media-stream",
                f"--use-file-for-fake-video-capture={camera}",
            ],
        )
        for name, options in (("desktop", DESKTOP), ("phone", PHONE)):
            context = browser.new_context(**options, permissions=["camera"])
            page = context.new_page()
            report[name] = measure_pages(context, page, base, name, {"small": small, "phone": phone, **big})
            report[name]["kiosk_live"] = measure_kiosk(page, base, name)
            context.close()
        browser.close()
        clip = work / "jittered.y4m"
        write_y4m(clip, jittered_sign(Image.open(PROJECT_ROOT / "static" / "examples" / "digit_5.jpg")))
        report["kiosk_steadiness"] = {
            "held": steadiness(playwright, camera, base, 5),
            "jittered": steadiness(playwright, clip, base, 5),
        }
    save_result("pages.json", report)
    print(json.dumps(report, indent=1))
    return 0


def steadiness(playwright, camera: Path, base: str, digit: int, seconds: int = 15) -> dict:
    """Watch the kiosk for ``seconds`` on a fake camera clip of ``digit``: how often the shown answer and its
    unsure banner change, how many frames were read right, and whether freezing keeps the shown answer."""
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM,
        args=[
            "--no-sandbox",
            "--use-fake-device-for-media-stream",
            "--use-fake-ui-for-media-stream",
            f"--use-file-for-fake-video-capture={camera}",
        ],
    )
    page = browser.new_context(**DESKTOP, permissions=["camera"]).new_page()
    page.goto(base + "/kiosk")
    page.wait_for_timeout(2000)
    page.evaluate("() => { window.kioskStats.shown = []; window.kioskStats.own = []; }")
    page.wait_for_timeout(seconds * 1000)
    stats = page.evaluate("window.kioskStats")
    shown, own = stats["shown"], stats["own"]
    live = page.get_attribute("#kiosk-result .result-card", "data-message")
    page.keyboard.press("Space")
    page.wait_for_timeout(500)
    frozen = page.inner_text("#kiosk-status")
    browser.close()
    banner = sum(a.endswith("?") != b.endswith("?") for a, b in itertools.pairwise(shown))
    return {
        "seconds": seconds,
        "frames": len(own),
        "frames_right": round(sum(o.rstrip("?") == str(digit) for o in own) / max(len(own), 1), 3),
        "shown_answer_changes": len(shown),  # each a new answer shown within the window
        "banner_changes": banner,
        "shown": shown,
        "freeze_keeps_the_shown_answer": frozen == f"Frozen: {live}",
    }


def measure_pages(context, page, base: str, name: str, photos: dict) -> dict:
    """Return each page's weight and the time to an answer for each photo; screenshot the pages."""
    small, phone = photos.pop("small"), photos.pop("phone")
    big = photos
    found = {path: page_weight(context, base + path) for path in ("/", "/signs", "/api", "/kiosk")}
    found["answer_ms_small_photo"] = statistics.median(time_to_answer(page, base + "/", small) for _ in range(5))
    found["answer_ms_phone_photo"] = statistics.median(time_to_answer(page, base + "/", phone) for _ in range(3))
    for megapixels, photo in big.items():
        found[f"answer_ms_{megapixels}_mp_jpeg"] = time_to_answer(page, base + "/", photo)
    page.screenshot(path=str(SHOTS / f"upload-{name}.png"), full_page=name == "desktop")
    for path, shot in (("/signs", "signs"), ("/api", "api")):
        page.goto(base + path)
        page.wait_for_function(VISIBLE_IMAGES_LOADED, timeout=10_000)  # lazy pictures in view: wait until they are in
        page.screenshot(path=str(SHOTS / f"{shot}-{name}.png"))
    return found


def measure_kiosk(page, base: str, name: str) -> dict:
    """Return 15 s of the live kiosk: answers, live-region updates, frames and their round trip."""
    page.goto(base + "/kiosk")
    page.wait_for_timeout(2000)
    page.evaluate("""() => {
        Object.assign(window.kioskStats, {answers: 0, frames: 0, followed: 0, latenciesMs: []});
        window.spoken = 0; new MutationObserver(() => { window.spoken += 1; })
            .observe(document.getElementById("kiosk-status"),
                     { childList: true, characterData: true, subtree: true }); }""")
    page.wait_for_timeout(15_000)
    stats = page.evaluate("window.kioskStats")
    found = {
        "answer_changes_in_15_s": stats["answers"],
        "live_region_updates_in_15_s": page.evaluate("window.spoken"),
        "answers_per_s": round(stats["answers"] / 15, 2),
        "frames_sent": stats["frames"],
        "frames_followed": stats["followed"],
        "frame_round_trip_p50_ms": round(statistics.median(stats["latenciesMs"]), 1),
        "max_requests_in_flight": stats["maxInFlight"],
    }
    page.screenshot(path=str(SHOTS / f"kiosk-{name}.png"))
    return found


if __name__ == "__main__":
    raise SystemExit(main())
