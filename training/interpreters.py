"""LiteRT interpreters that let a request alone in its process use every inference thread (no TensorFlow).

One request alone is fastest with several threads; several requests at once are fastest with one
thread each, side by side (README "Serving"). :class:`InterpreterPair` holds both for one model,
each behind its own lock, and :class:`Occupancy` counts the recognitions in flight so that the
caller can say which one to use.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np


class Occupancy:
    """Count the recognitions in flight in this process; safe to share between threads."""

    def __init__(self) -> None:
        self._count = 0
        self._lock = threading.Lock()

    @contextmanager
    def entered(self) -> Iterator[bool]:
        """Count one recognition while the block runs; yield whether it started alone."""
        with self._lock:
            self._count += 1
            alone = self._count == 1
        try:
            yield alone
        finally:
            with self._lock:
                self._count -= 1


class InterpreterPair:
    """A model loaded twice: with ``threads`` threads for a request alone, with one for a busy process."""

    def __init__(self, path: Path, threads: int = 1) -> None:
        from ai_edge_litert.interpreter import Interpreter

        def load(count: int):
            interpreter = Interpreter(model_path=str(path), num_threads=count)
            interpreter.allocate_tensors()
            return interpreter, threading.Lock()

        self.threads = max(1, int(threads))
        self._solo = load(self.threads)
        self._shared = load(1) if self.threads > 1 else self._solo
        self.input_details = self._solo[0].get_input_details()
        self.output_details = self._solo[0].get_output_details()

    def run(self, inputs: dict[int, np.ndarray], outputs: list[int], alone: bool = True) -> list[np.ndarray]:
        """Set ``inputs`` (tensor index -> array), invoke, and return copies of the ``outputs`` tensors."""
        interpreter, lock = self._solo if alone else self._shared
        with lock:  # an interpreter must not be invoked from two threads
            for index, array in inputs.items():
                interpreter.set_tensor(index, array)
            interpreter.invoke()
            return [interpreter.get_tensor(index).copy() for index in outputs]
