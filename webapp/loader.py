"""The app's recogniser (classifier + palm detector), loaded once per process, shaped like flaskr's ``db.py``.

``init_app(app)`` puts a :class:`RecogniserHolder` on the app (loading in the background unless
told not to; under gunicorn that happens in each worker, after the fork). ``get_recogniser()``
returns the loaded recogniser or raises :class:`ModelUnavailable` (answered 503).
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask, current_app

from recognition.model_files import ModelFiles
from recognition.recogniser import Recogniser
from recognition.settings import Settings

log = logging.getLogger(__name__)
EXTENSION = "asl_recogniser"


class ModelUnavailable(Exception):
    """The model is loading or failed to load; answer 503."""


@dataclass
class RecogniserHolder:
    """Load the recogniser once, in the background or on first use, and report its state."""

    model_path: Path
    backend: str = "auto"
    threads: int = 1
    localise: bool = True
    overrides: dict = field(default_factory=dict)  # settings the operator set over the model's
    recogniser: Recogniser | None = None
    error: str | None = None
    card: dict = field(default_factory=dict)
    _settings: Settings | None = None
    load_seconds: float | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _done: threading.Event = field(default_factory=threading.Event)
    _started: bool = False

    def start_background_load(self) -> None:
        """Begin loading in a daemon thread; requests wait for it to finish."""
        with self._lock:
            if self._started:
                return
            self._started = True
        threading.Thread(target=self._load, name="model-loader", daemon=True).start()

    def get(self, timeout: float = 60.0) -> Recogniser:
        """Return the loaded recogniser, loading it now if nobody started; raise if it failed."""
        with self._lock:
            start_here = not self._started
            self._started = True
        if start_here:
            self._load()
        if not self._done.wait(timeout):
            raise ModelUnavailable("the model is still loading; try again in a moment")
        if self.recogniser is None:
            raise ModelUnavailable("the model could not be loaded")
        return self.recogniser

    def wait(self, timeout: float) -> bool:
        """Wait until loading has finished (or failed); return whether it has."""
        return self._done.wait(timeout)

    @property
    def settings(self) -> Settings:
        """Return the thresholds chosen for the model (its settings file; the defaults without one)."""
        if self.recogniser is not None:
            return self.recogniser.settings
        if self._settings is None:
            try:
                self._settings = Settings.for_model(self.model_path).with_values(**self.overrides)
            except (ValueError, TypeError):
                self._settings = Settings()
        return self._settings

    @property
    def state(self) -> str:
        if not self._done.is_set():
            return "loading" if self._started else "not loaded"
        return "ok" if self.recogniser is not None else "failed"

    def _load(self) -> None:
        started = time.perf_counter()
        try:
            files = ModelFiles.from_h5(self.model_path)
            self.card = files.read_card()
            self.recogniser = Recogniser.from_model(
                files.h5, self.backend, self.threads, self.localise, **self.overrides
            )
            self.load_seconds = time.perf_counter() - started
            log.info("model %s loaded with %s in %.2f s", self.model_path, self.recogniser.backend, self.load_seconds)
        except Exception as error:  # any failure must become a 503 with its reason, not a crash
            self.error = "the model could not be loaded; see the server log"
            log.error("model %s failed to load: %s: %s", self.model_path, type(error).__name__, error)
        finally:
            self._done.set()


def init_app(app: Flask) -> RecogniserHolder:
    """Attach the recogniser holder to ``app`` and start loading unless ``LOAD_MODEL_AT_START`` is off."""
    holder = RecogniserHolder(
        Path(app.config["MODEL_PATH"]),
        backend=str(app.config["BACKEND"]),
        threads=int(app.config["INFERENCE_THREADS"]),
        localise=bool(app.config["LOCALISE_HAND"]),
        overrides=settings_overrides(app.config),
    )
    app.extensions[EXTENSION] = holder
    if app.config["LOAD_MODEL_AT_START"]:
        holder.start_background_load()
    return holder


def settings_overrides(config: dict) -> dict[str, float]:
    """Return the model settings the app's configuration sets over the model's own (``UNSURE_BELOW``)."""
    unsure = config.get("UNSURE_BELOW")
    return {} if unsure is None else {"unsure_below": float(unsure)}


def get_holder() -> RecogniserHolder:
    """Return the current app's holder (state, card, load time)."""
    return current_app.extensions[EXTENSION]


def get_recogniser() -> Recogniser:
    """Return the current app's loaded recogniser, or raise :class:`ModelUnavailable`."""
    return get_holder().get()
