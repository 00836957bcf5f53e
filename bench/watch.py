"""Watch gunicorn's workers while something runs: peak RSS, CPU seconds, and how normal requests fare."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

from tests.support.load import rss_mib


class Watch:
    """Sample the workers' RSS and time normal requests while something else runs."""

    def __init__(self, workers: list[int], normal: bytes, post: Callable[[bytes], tuple[int, float]]) -> None:
        self.workers, self.normal, self.post = workers, normal, post
        self.peak = 0.0
        self.latencies: list[float] = []
        self._stop = threading.Event()

    def __enter__(self) -> Watch:
        self._threads = [threading.Thread(target=self._sample), threading.Thread(target=self._time_normal)]
        for thread in self._threads:
            thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max([self.peak, *(rss_mib(pid) for pid in self.workers)])
            time.sleep(0.01)

    def _time_normal(self) -> None:
        time.sleep(0.05)
        while self.normal and not self._stop.is_set():
            status, seconds = self.post(self.normal)
            self.latencies.append(seconds if status == 200 else float("inf"))
            time.sleep(0.1)

    def __exit__(self, *_exc) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join()

    def summary(self) -> dict:
        return {
            "peak_worker_rss_mib": round(self.peak, 1),
            "normal_requests_meanwhile": len(self.latencies),
            "normal_max_ms": round(max(self.latencies, default=0) * 1000, 1),
        }


def cpu_seconds(pid: int) -> float:
    """Return the CPU seconds process ``pid`` has used (user and system)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
