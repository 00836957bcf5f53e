"""LiteRT interpreters that let a request alone in its process use every inference thread (no TensorFlow).

One request alone is fastest with several threads; several requests at once are fastest with one
thread each, side by side (docs/decisions.md, "Serving speed"). :class:`InterpreterPair` holds both for one model,
each used by one thread at a time, and :class:`Occupancy` counts the recognitions in flight so that the
caller can say which one to use. Offline work (evaluation) asks for several one-thread copies
(``side_by_side``) and spreads its pictures over them (:func:`recognition.parallel.in_parallel`).
"""

from __future__ import annotations

import queue
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

    def run(self, inputs: dict[int, np.ndarray], outputs: list[int], alone: bool = True) -> list[np.ndarray]:
        """Set ``inputs`` (tensor index -> array), invoke, and return copies of the ``outputs`` tensors."""
        if alone and self.threads > 1:
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
