"""Spread offline work (evaluation, hand masks) over the machine's cores with threads."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

from recognition.interpreters import running


def in_parallel(work: Callable, chunks: Sequence, workers: int) -> list:
    """Return ``[work(chunk) for chunk in chunks]``, computed by ``workers`` threads when more than one.

    LiteRT releases the GIL while it invokes, so one-thread interpreters side by side fill the cores:
    the threads run as sharing the process (:func:`recognition.interpreters.running`).
    """
    if workers <= 1 or len(chunks) <= 1:
        return [work(chunk) for chunk in chunks]

    def shared(chunk):
        with running(alone=False):
            return work(chunk)

    with ThreadPoolExecutor(min(workers, len(chunks))) as pool:
        return list(pool.map(shared, chunks))
