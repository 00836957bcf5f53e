"""Heavy and hostile uploads against gunicorn as configured, on loopback.

    python -m bench.hostile

Heavy uploads four at once (status, seconds, peak worker RSS, normal requests meanwhile); each
hostile shape (:func:`tests.support.samples.hostile_shapes`), big phone JPEG and a batch alone (status,
worker CPU, peak RSS growth); slow and malformed bodies; worker RSS at the end (connection-level
abuse: bench/connections.py). Writes bench/results/hostile.json.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import socket
import threading
import time

from bench import save_result
from bench.serving import hand_photo, jpeg, phone_jpeg
from bench.watch import Watch, cpu_seconds
from recognition.paths import DEFAULT_MODEL
from tests.support.load import HOST, Client, Gunicorn, rss_mib
from tests.support.samples import (
    big_phone_heic,
    big_phone_jpeg,
    constant_png,
    decoder_heavy_shapes,
    hostile_shapes,
    jpeg_with_bad_exif,
    png_16bit,
    progressive_jpeg_with_repeated_scans,
    tiff_32bit,
)

PORT = 18761


def raw_request(payload: bytes, timeout: float = 30) -> tuple[int, float]:
    """Send raw bytes, return the status code of the answer (0 if none) and the seconds it took."""
    started = time.perf_counter()
    with socket.create_connection((HOST, PORT), timeout=timeout) as connection:
        connection.sendall(payload)
        try:
            head = connection.recv(64)
        except OSError:
            head = b""
    status = int(head.split()[1]) if head.startswith(b"HTTP/") else 0
    return status, time.perf_counter() - started


def post(body: bytes) -> tuple[int, float]:
    """Send ``body`` once to /api/predict on a connection of its own; return the status and seconds."""
    return Client(PORT, body, timeout=60).post()


def multipart(files: list[bytes]) -> tuple[bytes, str]:
    """Return a multipart body with ``files`` as fields ``image``, and its content type."""
    boundary = "hostileboundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="image"; filename="{i}.bin"\r\n'.encode()
        + b"Content-Type: application/octet-stream\r\n\r\n"
        + data
        + b"\r\n"
        for i, data in enumerate(files)
    ]
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def shapes(server: Gunicorn) -> dict:
    """Send each hostile shape alone, then a batch of sixteen; measure status, worker CPU and peak RSS growth."""
    workers = server.workers()
    report = {}
    cases = {name: (data, "/api/predict") for name, (data, _statuses) in hostile_shapes().items()}
    cases.update({name: (data, "/api/predict") for name, (data, _statuses) in decoder_heavy_shapes().items()})
    cases["batch of 16 palette PNGs 17000x900"] = (constant_png(17000, 900, "P"), "/api/predict/batch")
    cases["48-MP phone JPEG 8000x6000"] = (big_phone_jpeg(8000, 6000), "/api/predict")
    cases["200-MP JPEG 16320x12240"] = (big_phone_jpeg(16320, 12240), "/api/predict")
    cases["24-MP phone HEIC 5712x4284"] = (big_phone_heic(5712, 4284), "/api/predict")
    cases["48-MP phone HEIC 8064x6048"] = (big_phone_heic(8064, 6048), "/api/predict")
    for name, (data, path) in cases.items():
        files = [data] * (16 if path.endswith("batch") else 1)
        body, content_type = multipart(files)
        before = {pid: (rss_mib(pid), cpu_seconds(pid)) for pid in workers}
        with Watch(workers, b"", post) as watch:
            connection = http.client.HTTPConnection(HOST, PORT, timeout=120)
            connection.request("POST", path, body, {"Content-Type": content_type})
            status = connection.getresponse().status
            connection.close()
        report[name] = {
            "bytes": len(data),
            "status": status,
            "worker_cpu_s": round(sum(cpu_seconds(pid) - before[pid][1] for pid in workers), 3),
            "worker_peak_growth_mib": round(watch.peak - max(rss for rss, _cpu in before.values()), 1),
        }
        print(name, report[name], flush=True)
    return report


def main() -> int:
    normal = jpeg(hand_photo())
    report: dict = {}
    with Gunicorn(PORT, DEFAULT_MODEL) as server:
        workers = server.workers()
        report["rss_at_start_mib"] = [round(rss_mib(pid), 1) for pid in workers]
        report["shapes"] = shapes(server)
        report.update(heavy_pictures(workers, normal))
        report["six_trickling_clients"] = trickling_clients(normal)
        report.update(broken_bodies(normal))
        time.sleep(1)
        report["rss_at_end_mib"] = [round(rss_mib(pid), 1) for pid in server.workers()]
    save_result("hostile.json", report)
    print(json.dumps(report, indent=1))
    return 0


def heavy_pictures(workers: list[int], normal: bytes) -> dict:
    """Post each costly picture 4 times at once; return statuses, time, worker CPU and memory per picture."""
    heavy = {
        "progressive JPEG, last scan x1500": progressive_jpeg_with_repeated_scans(1500),
        "16-bit greyscale PNG, 36 MP": png_16bit(7200, 5000),
        "32-bit TIFF, 36 MP": tiff_32bit(7200, 5000),
        "malformed EXIF, orientation 6": jpeg_with_bad_exif(),
        "12 MP phone JPEG": phone_jpeg(),
    }
    report: dict = {}
    for name, body in heavy.items():
        with Watch(workers, normal, post) as watch:
            results: list[tuple[int, float]] = []
            threads = [threading.Thread(target=lambda b=body, r=results: r.append(post(b))) for _ in range(4)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        report[name] = {
            "bytes": len(body),
            "statuses": sorted({status for status, _ in results}),
            "seconds_max_of_4_at_once": round(max(seconds for _, seconds in results), 3),
            **watch.summary(),
        }
        print(name, report[name], flush=True)
    return report


def trickling_clients(normal: bytes) -> dict:
    """Hold 6 connections trickling a body at 1 byte a second; return how normal requests fare meanwhile."""
    trickles = []
    for _ in range(6):
        connection = socket.create_connection((HOST, PORT))
        connection.sendall(
            b"POST /api/predict HTTP/1.1\r\nHost: x\r\nContent-Type: image/jpeg\r\nContent-Length: 100000\r\n\r\n"
        )
        trickles.append(connection)
    stop = threading.Event()

    def trickle() -> None:
        while not stop.is_set():
            for connection in trickles:
                with contextlib.suppress(OSError):
                    connection.send(b"x")
            time.sleep(1)

    dripper = threading.Thread(target=trickle)
    dripper.start()
    time.sleep(1)
    normal_during = [post(normal) for _ in range(5)]
    found = {
        "normal_statuses": sorted({s for s, _ in normal_during}),
        "normal_max_ms": round(max(t for _, t in normal_during) * 1000, 1),
    }
    stop.set()
    dripper.join()
    for connection in trickles:
        connection.close()
    return found


def broken_bodies(normal: bytes) -> dict:
    """Return how a stalled body, a bad chunk size and a 12 MB chunked body are answered."""
    report: dict = {}
    # A body that stops arriving: dropped after the body timeout with 408, or the connection closed.
    stalled_status, stalled_seconds = raw_request(
        b"POST /api/predict HTTP/1.1\r\nHost: x\r\nContent-Type: image/jpeg\r\nContent-Length: 5000\r\n\r\n"
        + b"x" * 100,
        timeout=90,
    )
    report["stalled_body"] = {"status": stalled_status, "seconds_until_dropped": round(stalled_seconds, 1)}
    report["bad_chunk_size"] = dict(
        zip(
            ("status", "seconds"),
            raw_request(
                b"POST /api/predict HTTP/1.1\r\nHost: x\r\nContent-Type: image/jpeg\r\nTransfer-Encoding: "
                b"chunked\r\n\r\nzz\r\n"
            ),
            strict=True,
        )
    )
    twelve_mb = normal + b"\0" * (12 * 1024 * 1024)
    chunks = b"".join(
        b"%x\r\n" % len(twelve_mb[i : i + 65536]) + twelve_mb[i : i + 65536] + b"\r\n"
        for i in range(0, len(twelve_mb), 65536)
    )
    report["chunked_12_mb"] = dict(
        zip(
            ("status", "seconds"),
            raw_request(
                b"POST /api/predict HTTP/1.1\r\nHost: x\r\nContent-Type: image/jpeg\r\nTransfer-Encoding: "
                b"chunked\r\n\r\n" + chunks + b"0\r\n\r\n"
            ),
            strict=True,
        )
    )
    return report


if __name__ == "__main__":
    raise SystemExit(main())
