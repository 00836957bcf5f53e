"""Connection-level abuse against gunicorn as configured, directly and behind deploy/nginx.conf, on loopback.

    python -m bench.connections [--seconds 20]

- 16 slow-header clients (a header byte every 0.5 s), direct and through nginx: the latency of
  normal requests sent meanwhile, and how long gunicorn keeps such a client.
- 900 connections each sending 792 KB of headers with no blank line, direct: each worker's peak
  memory growth while they are open and what stays after they close.
- 12 normal keep-alive clients and 2 clients whose bodies the app answers without reading
  (415 for a text/plain body), through nginx, for ``--seconds``: innocent answers by status.
- 12 normal keep-alive clients through nginx while one gunicorn worker is killed (SIGKILL).

Writes bench/results/connections.json.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import tempfile
import threading
import time
from pathlib import Path

from bench import save_result
from bench.serving import hand_photo, jpeg
from recognition.paths import DEFAULT_MODEL
from tests.support.clients import body_skipping_client, innocent_clients
from tests.support.load import HOST, Client, Gunicorn, Nginx, free_port

SLOW_CLIENTS = 16


def slow_headers(port: int, normal: bytes, seconds: float = 6.0) -> dict:
    """Open SLOW_CLIENTS connections that send a header byte every 0.5 s; time normal requests meanwhile."""
    stop = threading.Event()
    dropped: list[float] = []

    def slow() -> None:
        began = time.perf_counter()
        try:
            with socket.create_connection((HOST, port), timeout=60) as connection:
                connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: slow\r\n")
                while not stop.is_set():
                    connection.sendall(b"X")
                    time.sleep(0.5)
        except OSError:
            dropped.append(time.perf_counter() - began)

    threads = [threading.Thread(target=slow) for _ in range(SLOW_CLIENTS)]
    for thread in threads:
        thread.start()
    time.sleep(1.0)
    latencies, statuses = [], []
    stop_at = time.monotonic() + seconds
    while time.monotonic() < stop_at:
        status, took = Client(port, normal).post()
        statuses.append(status)
        latencies.append(took)
        time.sleep(0.2)
    time.sleep(max(0.0, 12 - seconds))  # past the header timeout: gunicorn has dropped them by now
    stop.set()
    for thread in threads:
        thread.join(30)
    return {
        "slow_clients": SLOW_CLIENTS,
        "normal_requests": len(statuses),
        "normal_statuses": sorted(set(statuses)),
        "normal_max_ms": round(max(latencies) * 1000, 1),
        "slow_clients_dropped": len(dropped),
        "slow_dropped_after_s_max": round(max(dropped), 1) if dropped else None,
    }


def unread_bodies(port: int, normal: bytes, seconds: float) -> dict:
    """12 innocent keep-alive clients and 2 body-skipping ones for ``seconds``; innocent answers by status."""
    stop, skipped = threading.Event(), {}
    skippers = [threading.Thread(target=body_skipping_client, args=(port, stop, skipped)) for _ in range(2)]
    for thread in skippers:
        thread.start()
    try:
        statuses = innocent_clients(port, normal, clients=12, seconds=seconds)
    finally:
        stop.set()
        for thread in skippers:
            thread.join(15)
    return {
        "seconds": seconds,
        "innocent_by_status": {str(k): v for k, v in sorted(statuses.items())},
        "innocent_502": statuses.get(502, 0),
        "skipping_answers": skipped,
    }


def worker_killed(port: int, server: Gunicorn, normal: bytes, seconds: float = 10.0) -> dict:
    """12 keep-alive clients through nginx for ``seconds``; one worker is killed after a third of them."""

    def kill() -> None:
        time.sleep(seconds / 3)
        os.kill(server.workers()[0], signal.SIGKILL)

    killer = threading.Thread(target=kill)
    killer.start()
    statuses = innocent_clients(port, normal, clients=12, seconds=seconds)
    killer.join()
    return {
        "seconds": seconds,
        "by_status": {str(k): v for k, v in sorted(statuses.items())},
        "failed": sum(v for k, v in statuses.items() if k != 200),
    }


def header_flood(server: Gunicorn, connections: int = 900, header_kb: int = 792) -> dict:
    """Open ``connections`` that each send ``header_kb`` KB of headers with no blank line; return each worker's
    peak RSS growth while they are open and its growth once they are closed."""
    import contextlib

    from tests.support.load import rss_mib

    workers = server.workers()
    before = {pid: rss_mib(pid) for pid in workers}
    peak = dict(before)
    payload = b"GET / HTTP/1.1\r\nHost: x\r\nX-Pad: " + b"a" * (header_kb * 1024)
    opened, answered = [], 0
    for _ in range(connections):
        connection = socket.create_connection((HOST, server.port), timeout=5)
        connection.setblocking(False)
        with contextlib.suppress(OSError):
            connection.send(payload)
        opened.append(connection)
        if len(opened) % 100 == 0:
            peak = {pid: max(peak[pid], rss_mib(pid)) for pid in workers}
    time.sleep(2)
    peak = {pid: max(peak[pid], rss_mib(pid)) for pid in workers}
    for connection in opened:
        with contextlib.suppress(OSError):
            answered += connection.recv(16).startswith(b"HTTP/1.1 431")
        connection.close()
    time.sleep(2)
    return {
        "connections": connections,
        "header_kb_sent_each": header_kb,
        "answered_431": answered,
        "worker_peak_growth_mib": [round(peak[pid] - before[pid], 1) for pid in workers],
        "worker_growth_after_mib": [round(rss_mib(pid) - before[pid], 1) for pid in workers],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=20)
    args = parser.parse_args()
    normal = jpeg(hand_photo())
    report: dict = {}
    with Gunicorn(free_port(), DEFAULT_MODEL) as server:
        report["slow_headers_direct"] = slow_headers(server.port, normal)
        print("direct", report["slow_headers_direct"], flush=True)
        report["header_flood_direct"] = header_flood(server)
        print("header flood", report["header_flood_direct"], flush=True)
        with tempfile.TemporaryDirectory() as prefix, Nginx(free_port(), server.port, Path(prefix)) as nginx:
            report["slow_headers_through_nginx"] = slow_headers(nginx.port, normal)
            print("nginx", report["slow_headers_through_nginx"], flush=True)
            report["unread_bodies_through_nginx"] = unread_bodies(nginx.port, normal, args.seconds)
            print("unread", report["unread_bodies_through_nginx"], flush=True)
            report["worker_killed_through_nginx"] = worker_killed(nginx.port, server, normal)
            print("killed", report["worker_killed_through_nginx"], flush=True)
    save_result("connections.json", report)
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
