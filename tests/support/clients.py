"""Clients that misbehave beside innocent ones, for the reverse-proxy tests and bench/connections.py."""

from __future__ import annotations

import socket
import threading
import time

from tests.support.load import HOST, Client


def body_skipping_client(port: int, stop: threading.Event, counts: dict[str, int]) -> None:
    """Send, over keep-alive, requests the app answers without reading their body (a text/plain body of 100 KB)."""
    request = (
        b"POST /api/predict HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 100000\r\n\r\n"
        + b"x" * 100_000
    )
    while not stop.is_set():
        try:
            with socket.create_connection((HOST, port), timeout=10) as connection:
                while not stop.is_set():
                    connection.sendall(request)
                    answer = connection.recv(65536)
                    counts[answer[9:12].decode() or "closed"] = counts.get(answer[9:12].decode() or "closed", 0) + 1
                    if not answer or b"connection: close" in answer.lower():
                        break
        except OSError:
            counts["error"] = counts.get("error", 0) + 1


def innocent_clients(port: int, body: bytes, clients: int, seconds: float) -> dict[int, int]:
    """Post ``body`` from ``clients`` keep-alive clients for ``seconds``; return how many answers had each status."""
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client() -> None:
        poster = Client(port, body, timeout=30)
        while time.monotonic() < stop_at:
            status, _seconds = poster.post()
            with lock:
                statuses[status] = statuses.get(status, 0) + 1

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses
