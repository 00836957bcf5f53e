"""Corrections people choose to send: stored only when an operator configures a folder or a database for them."""

from __future__ import annotations

from pathlib import Path

from feedback.database import DatabaseStore, is_database_url
from feedback.store import FeedbackStore


def open_store(location: str | Path, max_count: int = 10_000, max_bytes: int = 500 * 2**20):
    """Return the store at ``location``: a ``postgresql://`` URL (several instances) or a folder (one)."""
    if is_database_url(location):
        return DatabaseStore(str(location), max_count, max_bytes)
    return FeedbackStore(location, max_count, max_bytes)
