"""Load a running app: keep-alive clients, gunicorn as configured on loopback, worker RSS (shared by the benches)."""

from __future__ import annotations

import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from recognition.paths import PROJECT_ROOT

HOST = "127.0.0.1"


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def multipart(image: bytes, fields: dict[str, str]) -> tuple[bytes, str]:
    """Return a multipart/form-data body with ``image`` as field ``image`` and ``fields``, and its content type."""
    boundary = "benchboundary7d1"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="image"; filename="frame.jpg"\r\n'
        "Content-Type: image/jpeg\r\n\r\n"
    )
    return b"".join(
        [*parts, head.encode(), image, f"\r\n--{boundary}--\r\n".encode()]
    ), f"multipart/form-data; boundary={boundary}"


class Client:
    """One keep-alive HTTP connection that posts an image to /api/predict (raw, or multipart with ``fields``)."""

    def __init__(self, port: int, body: bytes, timeout: float = 30, fields: dict[str, str] | None = None) -> None:
        self.port, self.body, self.timeout = port, body, timeout
        self.content_type = "image/jpeg"
        if fields is not None:
            self.body, self.content_type = multipart(body, fields)
        self.connection: http.client.HTTPConnection | None = None

    def post(self) -> tuple[int, float]:
        started = time.perf_counter()
        try:
            if self.connection is None:
                self.connection = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
            self.connection.request("POST", "/api/predict", self.body, {"Content-Type": self.content_type})
            response = self.connection.getresponse()
            response.read()
            status = response.status
            if response.getheader("Connection", "").lower() == "close":
                self.connection.close()
                self.connection = None
        except (OSError, http.client.HTTPException):
            status = 0
            self.connection = None
        return status, time.perf_counter() - started


def run_load(
    port: int,
    body: bytes,
    total: int,
    concurrency: int,
    deadline_s: float = 300,
    timeout: float = 30,
    fields: dict[str, str] | None = None,
) -> dict:
    """Send ``total`` requests from ``concurrency`` keep-alive clients; return errors, latencies and rate."""
    results: list[tuple[int, float]] = []
    lock = threading.Lock()
    counter = iter(range(total))
    stop_at = time.monotonic() + deadline_s

    def worker() -> None:
        client = Client(port, body, timeout, fields)
        client.post()  # connect and warm up outside the measurement
        while time.monotonic() < stop_at:
            with lock:
                if next(counter, None) is None:
                    return
            status, seconds = client.post()
            with lock:
                results.append((status, seconds))

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


class Gunicorn:
    """gunicorn as configured, on loopback, with extra environment; a context manager."""

    def __init__(self, port: int, model: Path, **env: str) -> None:
        self.port = port
        self.env = dict(
            os.environ, ASL_MODEL_PATH=str(model), GUNICORN_BIND=f"{HOST}:{port}", GUNICORN_ACCESSLOG="/dev/null", **env
        )

    def __enter__(self) -> Gunicorn:
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(PROJECT_ROOT / "gunicorn.conf.py"), "wsgi:app"],
            cwd=PROJECT_ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        ready = wait_healthy(self.port)
        if ready is None:
            self.__exit__()
            raise RuntimeError("gunicorn never became healthy")
        self.ready_s = time.perf_counter() - self.started
        time.sleep(1.0)  # let every worker finish loading
        return self

    def __exit__(self, *_exc) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)

    def workers(self) -> list[int]:
        return worker_pids(self.process.pid)


class Nginx:
    """deploy/nginx.conf on loopback in front of ``upstream_port``, listening on ``port``; a context manager."""

    def __init__(self, port: int, upstream_port: int, prefix: Path, binary: str = "nginx") -> None:
        self.port, self.upstream_port, self.prefix = port, upstream_port, prefix
        self.binary = shutil.which(binary) or "/usr/sbin/nginx"

    def __enter__(self) -> Nginx:
        config = (PROJECT_ROOT / "deploy" / "nginx.conf").read_text()
        config = config.replace("server 127.0.0.1:8000;", f"server {HOST}:{self.upstream_port};")
        config = config.replace("listen 127.0.0.1:8080;", f"listen {HOST}:{self.port};")
        self.prefix.mkdir(parents=True, exist_ok=True)
        (self.prefix / "nginx.conf").write_text(config)
        command = [self.binary, "-c", str(self.prefix / "nginx.conf"), "-p", str(self.prefix), "-e", "stderr"]
        self.process = subprocess.Popen(command, stderr=subprocess.DEVNULL)
        for _ in range(200):
            try:
                socket.create_connection((HOST, self.port), timeout=0.2).close()
                return self
            except OSError:
                time.sleep(0.05)
        self.__exit__()
        raise RuntimeError("nginx never listened")

    def __exit__(self, *_exc) -> None:
        self.process.terminate()
        self.process.wait(10)


def free_port() -> int:
    """Return a loopback port nobody listens on now."""
    with socket.socket() as finder:
        finder.bind((HOST, 0))
        return finder.getsockname()[1]
