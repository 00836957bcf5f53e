"""Yardsticks for serving, measured in the same run as the app: each model alone, and the bare pipeline.

The bare pipeline is the model runs the app makes for a photo (palm detector, hand-landmark check
of the palm's square, hand-landmark look at the hand's upright region, fp32 classifier) invoked
back to back on ready tensors, at the best thread count; its capacity is one one-thread pipeline
per core, side by side. The app's overhead is what it adds to that. A followed live frame runs
the hand-landmark model once and the classifier: that pair is the tracked yardstick.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import statistics
import time
from pathlib import Path

import numpy as np
from PIL import Image

from recognition.model_files import ModelFiles
from recognition.paths import CHECKER_PATH, DETECTOR_PATH


def time_invoke(path: Path, threads: int, runs: int = 300) -> float:
    """Return the median seconds of one invoke() of ``path`` with ``threads`` threads."""
    from ai_edge_litert.interpreter import Interpreter

    interpreter = Interpreter(model_path=str(path), num_threads=threads)
    interpreter.allocate_tensors()
    source = interpreter.get_input_details()[0]
    tensor = np.random.default_rng(0).integers(0, 255, source["shape"]).astype(source["dtype"])
    if source["dtype"] == np.float32 and "palm" in path.name:
        tensor = tensor / np.float32(255)
    times = []
    for i in range(runs + 30):
        started = time.perf_counter()
        interpreter.set_tensor(source["index"], tensor)
        interpreter.invoke()
        if i >= 30:
            times.append(time.perf_counter() - started)
    return statistics.median(times)


def _capacity_worker(path: str, seconds: float, queue) -> None:
    from ai_edge_litert.interpreter import Interpreter

    interpreter = Interpreter(model_path=path, num_threads=1)
    interpreter.allocate_tensors()
    source = interpreter.get_input_details()[0]
    tensor = np.zeros(source["shape"], source["dtype"])
    for _ in range(20):
        interpreter.set_tensor(source["index"], tensor)
        interpreter.invoke()
    count, stop = 0, time.perf_counter() + seconds
    while time.perf_counter() < stop:
        interpreter.set_tensor(source["index"], tensor)
        interpreter.invoke()
        count += 1
    queue.put(count / seconds)


def machine_capacity(path: Path, seconds: float = 8.0) -> float:
    """Return images/s of one one-thread interpreter per core, all running side by side."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    workers = [
        context.Process(target=_capacity_worker, args=(str(path), seconds, queue)) for _ in range(os.cpu_count() or 1)
    ]
    for worker in workers:
        worker.start()
    rates = [queue.get(timeout=seconds + 60) for _ in workers]
    for worker in workers:
        worker.join()
    return float(sum(rates))


def reference(model: Path) -> dict:
    """Time the fixed reference (fp32 export of the .h5) and, for the profile, the int8 export and the palm detector."""
    from recognition.hands import DETECTOR_PATH

    files = ModelFiles.from_h5(model)
    fp32 = {threads: time_invoke(files.export("fp32"), threads) * 1000 for threads in (1, 2)}
    best = min(fp32, key=fp32.get)
    result = {
        "fp32_invoke_ms_by_threads": fp32,
        "best_threads": best,
        "best_single_image_ms": fp32[best],
        "capacity_images_per_s": machine_capacity(files.export("fp32")),
        "palm_detector_invoke_ms_by_threads": {t: time_invoke(DETECTOR_PATH, t) * 1000 for t in (1, 2)},
    }
    if files.export("int8").is_file():
        result["int8_invoke_ms_by_threads"] = {t: time_invoke(files.export("int8"), t) * 1000 for t in (1, 2)}
    return result


def _pipeline_worker(paths: list[str], seconds: float, queue) -> None:
    from ai_edge_litert.interpreter import Interpreter

    loaded = []
    for path in paths:
        interpreter = Interpreter(model_path=path, num_threads=1)
        interpreter.allocate_tensors()
        source = interpreter.get_input_details()[0]
        loaded.append((interpreter, source["index"], np.zeros(source["shape"], source["dtype"])))
    count, stop = 0, time.perf_counter() + seconds
    while time.perf_counter() < stop:
        for interpreter, index, tensor in loaded:
            interpreter.set_tensor(index, tensor)
            interpreter.invoke()
        count += 1
    queue.put(count / seconds)


def bare_pipeline(model: Path, phone_jpeg: bytes, seconds: float = 8.0) -> dict:
    """Return the bare pipeline's ms by thread count, its capacity, and a bare draft decode of the phone JPEG."""
    classifier = ModelFiles.from_h5(model).export("fp32")
    paths = [DETECTOR_PATH, CHECKER_PATH, CHECKER_PATH, classifier]
    invoke_ms = {threads: {path: time_invoke(path, threads) * 1000 for path in set(paths)} for threads in (1, 2)}
    by_threads = {threads: sum(invoke_ms[threads][path] for path in paths) for threads in (1, 2)}
    tracked = {threads: invoke_ms[threads][CHECKER_PATH] + invoke_ms[threads][classifier] for threads in (1, 2)}
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    workers = [
        context.Process(target=_pipeline_worker, args=([str(p) for p in paths], seconds, queue))
        for _ in range(os.cpu_count() or 1)
    ]
    for worker in workers:
        worker.start()
    capacity = sum(queue.get(timeout=seconds + 60) for _ in workers)
    for worker in workers:
        worker.join()
    decodes = []
    for _ in range(20):
        started = time.perf_counter()
        with Image.open(io.BytesIO(phone_jpeg)) as image:
            image.draft("RGB", (448, 448))
            image.load()
        decodes.append(time.perf_counter() - started)
    return {
        "ms_by_threads": by_threads,
        "best_ms": min(by_threads.values()),
        "tracked_best_ms": min(tracked.values()),
        "invoke_ms_by_threads": {
            threads: {path.name: ms for path, ms in found.items()} for threads, found in invoke_ms.items()
        },
        "capacity_pictures_per_s": capacity,
        "phone_draft_decode_ms": statistics.median(decodes) * 1000,
    }
