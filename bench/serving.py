"""Measure the web app under gunicorn against the bare LiteRT model, on loopback only.

    python bench/serving.py [--model models/asl_digits.h5] [--requests 2000]

Reports (and writes bench/results/serving.json): bare invoke() p50 and images/s; /api/predict
p50 with one client; throughput with 4 clients; time from starting gunicorn to /healthz 200;
worker RSS; a 2,000-request soak at 8-way concurrency (errors, p50/p99, RSS drift); a worker
killed during load; and what overload (32 clients) does. Every loop is bounded in count and time.
"""

from __future__ import annotations

import argparse
import http.client
import io
import json
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED_TEST_IMAGE = ROOT.parent / "shared" / "datasets" / "sign-language-digits" / "Dataset" / "5"
HOST = "127.0.0.1"


def sample_jpeg() -> bytes:
    """A 100x100 JPEG: a shared photo when present, else a synthetic hand."""
    files = sorted(SHARED_TEST_IMAGE.glob("*.JPG")) if SHARED_TEST_IMAGE.is_dir() else []
    if files:
        image = Image.open(files[0]).convert("RGB").resize((100, 100))
    else:
        from tests.helpers import synthetic_hand

        image = synthetic_hand(5, 100)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def bare_litert(model: Path, runs: int = 300) -> dict:
    """Time invoke() of the .tflite beside ``model`` with LiteRT's defaults and with one thread."""
    from ai_edge_litert.interpreter import Interpreter

    from training.preprocessing import to_model_input

    image = to_model_input(Image.open(io.BytesIO(sample_jpeg())))[None].astype(np.float32)
    result = {}
    for label, threads in (("default_threads", None), ("one_thread", 1)):
        interpreter = Interpreter(model_path=str(model.with_suffix(".tflite")), num_threads=threads)
        interpreter.allocate_tensors()
        index = interpreter.get_input_details()[0]["index"]
        times = []
        for i in range(runs + 20):
            started = time.perf_counter()
            interpreter.set_tensor(index, image)
            interpreter.invoke()
            if i >= 20:
                times.append(time.perf_counter() - started)
        result[label] = {"p50_ms": percentile(times, 50) * 1000, "images_per_s": 1 / statistics.mean(times)}
    return result


class Client:
    """One keep-alive HTTP connection that posts the sample image to /api/predict."""

    def __init__(self, port: int, body: bytes, timeout: float = 30) -> None:
        self.port, self.body, self.timeout = port, body, timeout
        self.connection: http.client.HTTPConnection | None = None

    def post(self) -> tuple[int, float]:
        started = time.perf_counter()
        try:
            if self.connection is None:
                self.connection = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
            self.connection.request("POST", "/api/predict", self.body, {"Content-Type": "image/jpeg"})
            response = self.connection.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException):
            status = 0
            self.connection = None
        return status, time.perf_counter() - started


def run_load(port: int, body: bytes, total: int, concurrency: int, deadline_s: float = 300, timeout: float = 30) -> dict:
    """Send ``total`` requests from ``concurrency`` clients; return statuses and latencies in order."""
    results: list[tuple[int, float, float]] = []
    lock = threading.Lock()
    counter = iter(range(total))
    stop_at = time.monotonic() + deadline_s

    def worker() -> None:
        client = Client(port, body, timeout)
        while time.monotonic() < stop_at:
            with lock:
                if next(counter, None) is None:
                    return
            status, seconds = client.post()
            with lock:
                results.append((status, seconds, time.monotonic()))

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        for _ in range(concurrency):
            pool.submit(worker)
    wall = time.perf_counter() - started
    latencies = [r[1] for r in results]
    return {
        "requests": len(results),
        "errors": sum(1 for r in results if r[0] != 200),
        "statuses": sorted({r[0] for r in results}),
        "p50_ms": percentile(latencies, 50) * 1000,
        "p99_ms": percentile(latencies, 99) * 1000,
        "images_per_s": len(results) / wall,
        "wall_s": wall,
    }


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def wait_healthy(port: int, limit_s: float = 60) -> float | None:
    started = time.perf_counter()
    while time.perf_counter() - started < limit_s:
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return time.perf_counter() - started
        except OSError:
            pass
        time.sleep(0.02)
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "asl_digits.h5")
    parser.add_argument("--port", type=int, default=18731)
    parser.add_argument("--requests", type=int, default=2000, help="requests in the soak")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "serving.json")
    args = parser.parse_args()
    body = sample_jpeg()
    report: dict = {
        "model": str(args.model.relative_to(ROOT) if args.model.is_relative_to(ROOT) else args.model),
        "cpus": os.cpu_count(),
    }

    report["bare_litert"] = bare_litert(args.model)
    env = dict(os.environ, ASL_MODEL_PATH=str(args.model), GUNICORN_BIND=f"{HOST}:{args.port}", GUNICORN_ACCESSLOG="/dev/null")
    started = time.perf_counter()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        ready = wait_healthy(args.port)
        report["healthz_after_start_s"] = None if ready is None else round(time.perf_counter() - started, 3)
        if ready is None:
            raise RuntimeError("gunicorn never became healthy")
        time.sleep(1.0)  # let every worker finish loading
        Client(args.port, body).post()
        report["single_client"] = run_load(args.port, body, total=300, concurrency=1)
        report["four_clients"] = run_load(args.port, body, total=600, concurrency=4)
        report["worker_rss_mib"] = [round(rss_mib(pid), 1) for pid in worker_pids(server.pid)]

        # Soak: 2,000 requests at 8-way concurrency, RSS after the first and the last 500.
        pids = worker_pids(server.pid)
        first = run_load(args.port, body, total=500, concurrency=8)
        rss_first = {pid: rss_mib(pid) for pid in pids}
        middle = run_load(args.port, body, total=max(0, args.requests - 1000), concurrency=8)
        last = run_load(args.port, body, total=500, concurrency=8)
        rss_last = {pid: rss_mib(pid) for pid in pids}
        soak_latencies = {
            "requests": first["requests"] + middle["requests"] + last["requests"],
            "errors": first["errors"] + middle["errors"] + last["errors"],
            "p50_ms_first_500": first["p50_ms"],
            "p99_ms_first_500": first["p99_ms"],
            "p50_ms_last_500": last["p50_ms"],
            "p99_ms_last_500": last["p99_ms"],
            "p50_ms_middle": middle["p50_ms"],
            "p99_ms_middle": middle["p99_ms"],
            "rss_mib_after_first_500": {str(k): round(v, 1) for k, v in rss_first.items()},
            "rss_mib_after_last_500": {str(k): round(v, 1) for k, v in rss_last.items()},
            "rss_growth_pct_max": round(max((rss_last[p] - rss_first[p]) / rss_first[p] * 100 for p in pids), 2),
        }
        report["soak"] = soak_latencies

        # Overload: 32 clients against 2 workers x 2 threads; requests queue, none should fail.
        report["overload_32_clients"] = run_load(args.port, body, total=640, concurrency=32, timeout=60)
        report["overload_32_clients"]["workers_after"] = len(worker_pids(server.pid))

        # Kill one worker during load: gunicorn replaces it and requests go on.
        before = worker_pids(server.pid)
        killer = threading.Timer(1.0, lambda: os.kill(before[0], signal.SIGKILL))
        killer.start()
        during = run_load(args.port, body, total=400, concurrency=4)
        time.sleep(3)
        after = worker_pids(server.pid)
        report["worker_killed"] = {
            "requests": during["requests"],
            "errors": during["errors"],
            "statuses": during["statuses"],
            "workers_before": len(before),
            "workers_after": len(after),
            "replaced": before[0] not in after and len(after) == len(before),
            "healthy_after": wait_healthy(args.port, 30) is not None,
            "post_kill_errors": run_load(args.port, body, total=100, concurrency=4)["errors"],
        }
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)

    bare = report["bare_litert"]["default_threads"]
    report["ratios"] = {
        "p50_latency_vs_bare_invoke": report["single_client"]["p50_ms"] / bare["p50_ms"],
        "throughput_4_clients_vs_bare": report["four_clients"]["images_per_s"] / bare["images_per_s"],
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1) + "\n")
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
