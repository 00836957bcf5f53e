"""Plumbing shared by the commands (training, evaluate, examples): logging to stderr without TensorFlow's chatter."""

from __future__ import annotations

import logging
import os


def configure_logging() -> None:
    """Log to stderr and keep TensorFlow's C++ start-up chatter out of the way."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
