"""How often one client may do something: a sliding window per client address, held per worker process."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque

WINDOW_SECONDS = 3600.0
MOST_CLIENTS = 10_000  # clients remembered at once; the longest idle ones are forgotten first


class RateLimit:
    """Allow each client ``per_hour`` actions in any hour; thread-safe."""

    def __init__(self, per_hour: int) -> None:
        self.per_hour = per_hour
        self._times: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def allow(self, client: str, now: float | None = None) -> bool:
        """Count one action of ``client`` and return True, or return False when it is over its rate."""
        now = time.monotonic() if now is None else now
        with self._lock:
            times = self._times.pop(client, None) or deque()
            while times and times[0] <= now - WINDOW_SECONDS:
                times.popleft()
            allowed = len(times) < self.per_hour
            if allowed:
                times.append(now)
            self._times[client] = times  # most recently seen last
            while len(self._times) > MOST_CLIENTS:
                self._times.popitem(last=False)
            return allowed
