"""LiteRT interpreters that let a request alone in its process use every inference thread (no TensorFlow).

One request alone is fastest with several threads; several requests at once are fastest with one
thread each, side by side (docs/decisions.md, "Serving speed"). :class:`InterpreterPair` holds both for one model,
each used by one thread at a time. :class:`Occupancy` counts the recognitions in flight and says, for
the code running inside :meth:`Occupancy.entered`, whether it runs alone (a context variable, so no
call needs a flag). Offline work asks for several one-thread copies (``side_by_side``) and spreads its
pictures over them (:func:`recognition.parallel.in_parallel`, which runs its threads as shared).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

import numpy as np

_ALONE: ContextVar[bool] = ContextVar("inference_alone", default=True)


def running_alone() -> bool:
    """Return whether the code running now may use every inference thread (no other recognition is)."""
    return _ALONE.get()


@contextmanager
def running(alone: bool) -> Iterator[None]:
    """Run the block as alone in the process (every thread) or sharing it (one-thread copies)."""
    token = _ALONE.set(alone)
    try:
        yield
    finally:
        _ALONE.reset(token)


class Occupancy:
    """Count the recognitions in flight in this process; safe to share between threads."""

    def __init__(self) -> None:
        self._count = 0
        self._lock = threading.Lock()

    @contextmanager
    def entered(self) -> Iterator[bool]:
        """Count one recognition while the block runs, which runs alone if it started alone; yield that."""
        with self._lock:
            self._count += 1
            alone = self._count == 1
        try:
            with running(alone):
                yield alone
        finally:
            with self._lock:
                self._count -= 1


class InterpreterPair:
    """A model loaded twice: with ``threads`` threads for a request alone, with one for a busy process.

    ``side_by_side`` one-thread copies serve the busy case (one is enough for a web worker, whose
    sibling workers fill the other cores; offline work uses one per core). Each copy runs one
    invoke at a time.
    """

    def __init__(self, path: Path, threads: int = 1, side_by_side: int = 1) -> None:
        from ai_edge_litert.interpreter import Interpreter

        def load(count: int):
            interpreter = Interpreter(model_path=str(path), num_threads=count)
            interpreter.allocate_tensors()
            return interpreter

        self.threads = max(1, int(threads))
        self.side_by_side = max(1, int(side_by_side))
        self._solo = load(self.threads)
        self._solo_lock = threading.Lock()
        self._shared: queue.SimpleQueue = queue.SimpleQueue()
        # With one thread the solo interpreter is also the first shared copy, behind the same queue.
        for copy in range(self.side_by_side):
            self._shared.put(self._solo if self.threads == 1 and copy == 0 else load(1))
        self.input_details = self._solo.get_input_details()
        self.output_details = self._solo.get_output_details()

    def run(self, inputs: dict[int, np.ndarray], outputs: list[int]) -> list[np.ndarray]:
        """Set ``inputs`` (tensor index -> array), invoke, and return copies of the ``outputs`` tensors.

        Alone (:func:`running_alone`) the many-thread interpreter runs; else a one-thread copy.
        """
        if self.threads > 1 and running_alone():
            with self._solo_lock:  # an interpreter must not be invoked from two threads
                return self._invoke(self._solo, inputs, outputs)
        interpreter = self._shared.get()  # waits while every one-thread copy is busy
        try:
            return self._invoke(interpreter, inputs, outputs)
        finally:
            self._shared.put(interpreter)

    @staticmethod
    def _invoke(interpreter, inputs: dict[int, np.ndarray], outputs: list[int]) -> list[np.ndarray]:
        for index, array in inputs.items():
            interpreter.set_tensor(index, array)
        interpreter.invoke()
        return [interpreter.get_tensor(index).copy() for index in outputs]
