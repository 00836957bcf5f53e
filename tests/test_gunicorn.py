"""The production server as configured (gunicorn.conf.py): safe default bind, slow headers, connections closed on the
wire."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import threading
import time

import pytest

from recognition.paths import DEFAULT_MODEL, PROJECT_ROOT
from tests.support.load import HOST, Gunicorn, free_port

HEADER_TIMEOUT = 2.0


@pytest.fixture(scope="module")
def server():
    port = free_port()
    env = {"GUNICORN_WORKERS": "1", "GUNICORN_THREADS": "2", "ASL_HEADER_TIMEOUT_SECONDS": str(HEADER_TIMEOUT)}
    with Gunicorn(port, DEFAULT_MODEL, **env) as running:
        yield running


def exchange(port: int, request: bytes, timeout: float = 10) -> tuple[bytes, bool, float]:
    """Send raw ``request`` bytes; return the answer's head, whether the server then closed, and the seconds to the
    answer."""
    started = time.perf_counter()
    with socket.create_connection((HOST, port), timeout=timeout) as connection:
        connection.sendall(request)
        answer = b""
        while b"\r\n\r\n" not in answer:
            answer += connection.recv(65536)
        head, _, body = answer.partition(b"\r\n\r\n")
        length = int(
            next(
                (line.split(b":")[1] for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")),
                b"0",
            )
        )
        while len(body) < length:
            body += connection.recv(65536)
        answered = time.perf_counter() - started
        connection.settimeout(3)
        try:
            closed = connection.recv(1) == b""
        except TimeoutError:
            closed = False
        return head, closed, answered


def post(path: str, body: bytes, content_type: str) -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nHost: test\r\nContent-Type: {content_type}\r\n"
        f"Content-Length: {len(body)}\r\n\r\n".encode()
        + body
    )


def test_the_default_bind_is_loopback():
    env = {k: v for k, v in os.environ.items() if k not in ("GUNICORN_BIND", "PORT")}
    script = "exec(open('gunicorn.conf.py').read()); print(bind, control_socket_disable, worker_class)"
    shown = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=PROJECT_ROOT, env=env, check=True
    )
    assert shown.stdout.split() == ["127.0.0.1:8000", "True", "webapp.worker.HeaderGuardWorker"]


def test_an_answer_before_the_body_is_read_closes_the_connection_on_the_wire(server):
    head, closed, _seconds = exchange(server.port, post("/api/predict", b"x" * 100_000, "text/plain"))
    assert head.startswith(b"HTTP/1.1 415") and b"connection: close" in head.lower() and closed
    head, closed, _seconds = exchange(server.port, post("/nowhere", b"x" * 100_000, "image/jpeg"))
    assert head.startswith(b"HTTP/1.1 404") and b"connection: close" in head.lower() and closed


def test_an_answer_to_a_whole_body_keeps_the_connection(server):
    photo = (PROJECT_ROOT / "static" / "examples" / "digit_5.jpg").read_bytes()
    head, closed, _seconds = exchange(server.port, post("/api/predict", photo, "image/jpeg"))
    assert head.startswith(b"HTTP/1.1 200") and b"connection: close" not in head.lower() and not closed


def test_slow_header_senders_neither_stall_others_nor_stay(server):
    """Six clients trickle header bytes at two workers' threads; a normal request is answered meanwhile."""
    dropped_after: list[float] = []

    def trickle() -> None:
        began = time.perf_counter()
        with socket.create_connection((HOST, server.port), timeout=30) as connection:
            try:
                for byte in b"GET /healthz HTTP/1.1\r\nHost: slow\r\nX-Padding: " + b"a" * 200:
                    connection.sendall(bytes([byte]))
                    time.sleep(0.05)
            except OSError:  # the server dropped it (its 408 is lost behind the reset)
                dropped_after.append(time.perf_counter() - began)

    slow = [threading.Thread(target=trickle) for _ in range(6)]
    for thread in slow:
        thread.start()
    time.sleep(0.5)
    head, _closed, waited = exchange(server.port, b"GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200") and waited < 1.0, waited
    for thread in slow:
        thread.join(30)
    assert len(dropped_after) == 6  # every slow sender dropped, soon after the header timeout
    assert max(dropped_after) < HEADER_TIMEOUT + 3, dropped_after


def test_a_trickled_body_is_dropped_at_its_deadline_not_when_the_read_ends():
    """300 KB announced, 8 KB/s sent: the body must be in by 1 s + 3 s (1 s per 100 KB); then a 408."""
    port = free_port()
    with Gunicorn(port, DEFAULT_MODEL, GUNICORN_WORKERS="1", GUNICORN_THREADS="2", ASL_BODY_TIMEOUT_SECONDS="1"):
        answered: list[bytes] = []
        started = time.perf_counter()
        with socket.create_connection((HOST, port), timeout=30) as connection:
            connection.sendall(
                b"POST /api/predict HTTP/1.1\r\nHost: slow\r\nContent-Type: image/jpeg\r\nContent-Length: "
                b"300000\r\n\r\n"
            )
            try:
                for _ in range(150):  # 300 KB at 8 KB/s would take 37 s
                    connection.sendall(b"\xff" * 2048)
                    time.sleep(0.25)
                    connection.setblocking(False)
                    try:
                        answered.append(connection.recv(65536))
                    except BlockingIOError:
                        pass
                    finally:
                        connection.setblocking(True)
                    if answered and answered[-1]:
                        break
            except OSError:  # the server closed after answering
                pass
        waited = time.perf_counter() - started
    assert answered and answered[-1].startswith(b"HTTP/1.1 408"), answered
    assert waited < 8, waited


SECURITY_HEADERS = (b"content-security-policy:", b"x-frame-options: deny", b"x-content-type-options: nosniff")


def raw_answer(port: int, payload: bytes, wait_before_reading: float = 0.0, timeout: float = 15) -> tuple[bytes, float]:
    """Send ``payload`` (the server may cut it short), then read everything the server answers before closing."""
    started = time.perf_counter()
    with socket.create_connection((HOST, port), timeout=timeout) as connection:
        with contextlib.suppress(OSError):
            connection.sendall(payload)
        time.sleep(wait_before_reading)
        answer = b""
        with contextlib.suppress(OSError):
            while chunk := connection.recv(65536):
                answer += chunk
        return answer, time.perf_counter() - started


def test_a_client_silent_mid_headers_gets_a_408_at_the_header_timeout(server):
    answer, waited = raw_answer(server.port, b"GET /healthz HTTP/1.1\r\nHost: quiet\r\nX-Half")
    assert answer.startswith(b"HTTP/1.1 408"), answer[:80]
    assert HEADER_TIMEOUT - 0.2 <= waited < HEADER_TIMEOUT + 2.5, waited  # not gunicorn's keep-alive (5 s)
    assert all(header in answer.lower() for header in SECURITY_HEADERS), answer


def test_headers_over_32_kb_are_refused_with_431_as_they_pass_the_limit(server):
    payload = b"GET /healthz HTTP/1.1\r\nHost: big\r\n" + b"X-Pad: " + b"a" * 200_000
    answer, waited = raw_answer(server.port, payload)
    assert answer.startswith(b"HTTP/1.1 431") and waited < HEADER_TIMEOUT, (answer[:80], waited)
    assert all(header in answer.lower() for header in SECURITY_HEADERS), answer


def test_gunicorns_own_errors_carry_the_security_headers_and_echo_nothing(server):
    answer, _ = raw_answer(server.port, b"GET /healthz HTTP/1.1\r\nHost: x\r\nNo colon <script>\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 400"), answer[:80]
    assert all(header in answer.lower() for header in SECURITY_HEADERS) and b"<script>" not in answer, answer


def test_many_oversized_header_senders_leave_the_worker_small(server):
    from tests.support.load import rss_mib

    (worker,) = server.workers()
    before = rss_mib(worker)
    connections = []
    for _ in range(150):
        connection = socket.create_connection((HOST, server.port), timeout=10)
        connection.setblocking(False)
        with contextlib.suppress(OSError):
            connection.send(b"GET / HTTP/1.1\r\nHost: x\r\nX-Pad: " + b"a" * 300_000)
        connections.append(connection)
    time.sleep(1.5)
    peak = rss_mib(worker)
    for connection in connections:
        connection.close()
    time.sleep(1)
    assert peak - before < 60, (before, peak)  # at most 32 KB held a connection, not what was sent
    assert rss_mib(worker) - before < 40


def test_the_api_pages_examples_run_as_shown(server, tmp_path):
    """The Python example (standard library only) and the curl example work against the served API."""
    import html
    import re
    import shutil
    import urllib.request

    base = f"http://{HOST}:{server.port}"
    with urllib.request.urlopen(base + "/api", timeout=10) as response:
        page = response.read().decode()
    blocks = [
        html.unescape(re.sub(r"<[^>]+>", "", block)) for block in re.findall(r"<pre[^>]*>(.*?)</pre>", page, re.S)
    ]
    blocks = [block.replace("http://127.0.0.1:8000", base) for block in blocks]  # as the page's script shows it
    python = next(block for block in blocks if block.startswith("import json"))
    (tmp_path / "hand.jpg").write_bytes((PROJECT_ROOT / "static" / "examples" / "digit_5.jpg").read_bytes())
    ran = subprocess.run([sys.executable, "-c", python], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert ran.returncode == 0 and ran.stdout.strip() == "5", (ran.stdout, ran.stderr)
    curl = shutil.which("curl")
    if curl:
        command = next(block for block in blocks if block.startswith("curl -F")).splitlines()[0]
        ran = subprocess.run(command.replace("curl", curl, 1), shell=True, cwd=tmp_path, capture_output=True, text=True)
        assert ran.returncode == 0 and '"digit":5' in ran.stdout.replace(" ", ""), ran.stdout[:300]
