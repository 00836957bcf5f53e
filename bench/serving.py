"""Measure the web app under gunicorn against a fixed reference, on loopback only.

    python -m bench.serving [--model models/asl_digits.h5] [--full]

Reference (same run, same machine): the fp32 LiteRT export of the shipped .h5 at its best thread
count (its best single-image time), and the machine's capacity as one one-thread interpreter per
core running side by side. The app is measured as configured (gunicorn.conf.py), with hand
localisation (as shipped) and without it: ready time, keep-alive p50/p99 for a 100x100 JPEG and a
4032x3024 phone JPEG, 4-client throughput, worker RSS; a per-stage profile of one request in
process. ``--full`` adds the soak, overload and worker-kill runs. Writes bench/results/serving.json.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import signal
import statistics
import sys
import threading
import time
from pathlib import Path

from PIL import Image

from bench import RESULTS, save_result
from bench.reference import bare_pipeline, reference
from recognition.paths import DEFAULT_MODEL
from tests.support.load import Gunicorn, multipart, rss_mib, run_load
from training.paths import SHARED_DATA


def hand_photo() -> Image.Image:
    """A 100x100 photo of a hand: a shared dataset photo when present, else a synthetic hand."""
    files = sorted((SHARED_DATA / "5").glob("*.JPG")) if SHARED_DATA.is_dir() else []
    if files:
        return Image.open(files[0]).convert("RGB").resize((100, 100))
    from tests.support.samples import synthetic_hand

    return synthetic_hand(5, 100)


def jpeg(image: Image.Image, quality: int = 90) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def phone_jpeg() -> bytes:
    """A 4032x3024 JPEG: a scene from scikit-image with the hand a third of the height, left of centre."""
    from training.scenes import package_picture

    scene = Image.fromarray(package_picture("skimage:coffee.png")).resize((4032, 3024), Image.Resampling.BICUBIC)
    scene.paste(hand_photo().resize((1000, 1000), Image.Resampling.BICUBIC), (700, 1200))
    return jpeg(scene, 88)


def kiosk_frame() -> bytes:
    """A 480x360 kiosk frame (what the kiosk sends): a wall with the hand photo a half of the height."""
    frame = Image.new("RGB", (480, 360), (70, 90, 110))
    frame.paste(hand_photo().resize((180, 180), Image.Resampling.BICUBIC), (150, 90))
    return jpeg(frame, 85)


def kiosk_frame_without_hand() -> bytes:
    """A 480x360 kiosk frame of a person who is not signing (matplotlib's portrait of Grace Hopper)."""
    from training.scenes import package_picture

    portrait = Image.fromarray(package_picture("matplotlib:grace_hopper.jpg"))
    width, height = portrait.size
    return jpeg(portrait.crop((0, height // 8, width, height // 8 + width * 3 // 4)).resize((480, 360)), 85)


LIVE = {"live": "1", "frame": "0"}  # what the kiosk sends with each frame: live, and its number


def track_for(port: int) -> dict[str, str]:
    """Return the form field ``track`` the app answers for :func:`kiosk_frame`, as the kiosk sends it back."""
    import urllib.request

    body, content_type = multipart(kiosk_frame(), {})
    request = urllib.request.Request(f"http://127.0.0.1:{port}/api/predict", body, {"Content-Type": content_type})
    with urllib.request.urlopen(request, timeout=30) as response:
        track = json.loads(response.read())["track"]
    if not track:
        raise RuntimeError("the app found no hand in the kiosk frame")
    return {"track": track}


def measure_app(port: int, model: Path, small: bytes, phone: bytes, kiosk: bool = True, **env: str) -> dict:
    with Gunicorn(port, model, **env) as server:
        frames = {}
        if kiosk:  # a kiosk frame with the track of the previous answer, and without
            frames = {
                "kiosk_frame_followed_one_client": run_load(
                    port, kiosk_frame(), total=400, concurrency=1, fields={**LIVE, **track_for(port)}
                ),
                "kiosk_frame_searched_one_client": run_load(port, kiosk_frame(), total=400, concurrency=1, fields=LIVE),
                "kiosk_frame_without_hand_one_client": run_load(
                    port, kiosk_frame_without_hand(), total=200, concurrency=1, fields=LIVE
                ),
                # the same picture sent as a still photo: searched closely for a small hand too
                "photo_without_hand_one_client": run_load(port, kiosk_frame_without_hand(), total=100, concurrency=1),
            }
        return {
            "ready_s": round(server.ready_s, 3),
            **frames,
            "small_jpeg_one_client": run_load(port, small, total=400, concurrency=1),
            "phone_jpeg_one_client": run_load(port, phone, total=40, concurrency=1),
            "small_jpeg_four_clients": run_load(port, small, total=800, concurrency=4),
            "worker_rss_mib": [round(rss_mib(pid), 1) for pid in server.workers()],
        }


def profile(model: Path, pictures: dict[str, bytes], runs: int = 60) -> dict:
    """Return the median milliseconds of each stage of one request, in process (no HTTP), searched and followed."""
    from recognition.decode import decode_picture
    from recognition.preprocessing import to_model_input
    from recognition.recogniser import Recogniser
    from recognition.tracking import next_track
    from webapp.config import DEFAULTS

    threads = int(os.environ.get("ASL_INFERENCE_THREADS", DEFAULTS["INFERENCE_THREADS"]))
    recogniser = Recogniser.from_model(model, threads=threads)
    stages: dict[str, dict] = {}
    for name, data in pictures.items():
        picture = decode_picture(data)
        track = next_track(recogniser.find(picture).look, picture.size, recogniser.settings)
        for way in ("searched", "followed"):
            times: dict[str, list[float]] = {
                key: [] for key in ("decode", "find", "crop_resize", "classifier", "geometry")
            }
            for _ in range(runs):
                t0 = time.perf_counter()
                picture = decode_picture(data)
                t1 = time.perf_counter()
                found = recogniser.find(picture, track=track if way == "followed" else None)  # palms, hand check, look
                t2 = time.perf_counter()
                model_input = to_model_input(picture, found.box)[None]
                t3 = time.perf_counter()
                recogniser.predictor.predict(model_input)
                t4 = time.perf_counter()
                recogniser.read_shapes([found.look])
                t5 = time.perf_counter()
                for key, seconds in zip(times, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4), strict=True):
                    times[key].append(seconds)
            stages[f"{name}_{way}"] = {key: round(statistics.median(values) * 1000, 2) for key, values in times.items()}
            stages[f"{name}_{way}"]["followed"] = found.followed
    return stages


def robustness(port: int, model: Path, body: bytes, soak_requests: int) -> dict:
    """Soak, overload and a killed worker, against the app as configured."""
    report: dict = {}
    with Gunicorn(port, model) as server:
        pids = server.workers()
        first = run_load(port, body, total=500, concurrency=8)
        rss_first = {pid: rss_mib(pid) for pid in pids}
        run_load(port, body, total=max(0, soak_requests - 1000), concurrency=8)
        last = run_load(port, body, total=500, concurrency=8)
        rss_last = {pid: rss_mib(pid) for pid in pids}
        report["soak"] = {
            "requests": soak_requests,
            "errors": first["errors"] + last["errors"],
            "p50_p99_ms_first_500": [first["p50_ms"], first["p99_ms"]],
            "p50_p99_ms_last_500": [last["p50_ms"], last["p99_ms"]],
            "rss_growth_pct_max": round(max((rss_last[p] - rss_first[p]) / rss_first[p] * 100 for p in pids), 2),
        }
        report["overload_32_clients"] = run_load(port, body, total=640, concurrency=32, timeout=60)
        before = server.workers()
        killer = threading.Timer(1.0, lambda: os.kill(before[0], signal.SIGKILL))
        killer.start()
        during = run_load(port, body, total=400, concurrency=4)
        time.sleep(3)
        after = server.workers()
        report["worker_killed"] = {
            "requests": during["requests"],
            "errors": during["errors"],
            "replaced": before[0] not in after and len(after) == len(before),
            "errors_after": run_load(port, body, total=100, concurrency=4)["errors"],
        }
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    parser.add_argument("--port", type=int, default=18731)
    parser.add_argument("--full", action="store_true", help="also soak, overload and kill a worker")
    parser.add_argument("--soak-requests", type=int, default=2000)
    parser.add_argument("--out", type=Path, default=RESULTS / "serving.json")
    args = parser.parse_args()
    small, phone = jpeg(hand_photo()), phone_jpeg()
    report: dict = {"model": args.model.name, "cpus": os.cpu_count(), "phone_jpeg_bytes": len(phone)}
    report["reference"] = ref = reference(args.model)
    report["bare_pipeline"] = bare = bare_pipeline(args.model, phone)
    report["app_localised"] = measure_app(args.port, args.model, small, phone)
    report["app_without_localisation"] = measure_app(
        args.port + 1, args.model, small, phone, kiosk=False, ASL_LOCALISE_HAND="false"
    )
    report["profile_ms"] = profile(args.model, {"small_jpeg": small, "phone_jpeg": phone})
    report["ratios"] = {
        name: {
            "small_p50_vs_reference": report[name]["small_jpeg_one_client"]["p50_ms"] / ref["best_single_image_ms"],
            "phone_p50_vs_reference": report[name]["phone_jpeg_one_client"]["p50_ms"] / ref["best_single_image_ms"],
            "four_clients_vs_capacity": report[name]["small_jpeg_four_clients"]["images_per_s"]
            / ref["capacity_images_per_s"],
        }
        for name in ("app_localised", "app_without_localisation")
    }
    app = report["app_localised"]
    report["ratios"]["app_localised_vs_bare_pipeline"] = {
        "small_p50": app["small_jpeg_one_client"]["p50_ms"] / bare["best_ms"],
        "phone_p50_vs_pipeline_and_draft_decode": app["phone_jpeg_one_client"]["p50_ms"]
        / (bare["best_ms"] + bare["phone_draft_decode_ms"]),
        "four_clients_vs_capacity": app["small_jpeg_four_clients"]["images_per_s"] / bare["capacity_pictures_per_s"],
        "kiosk_followed_vs_searched_p50": app["kiosk_frame_followed_one_client"]["p50_ms"]
        / app["kiosk_frame_searched_one_client"]["p50_ms"],
        "kiosk_followed_p50_vs_tracked_pipeline": app["kiosk_frame_followed_one_client"]["p50_ms"]
        / bare["tracked_best_ms"],
    }
    if args.full:
        report["robustness"] = robustness(args.port + 2, args.model, small, args.soak_requests)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    save_result(args.out, report)
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
