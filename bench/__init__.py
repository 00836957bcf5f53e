"""Benchmarks and the settings chosen on validation; each writes its figures under bench/results/."""

from __future__ import annotations

import json
from pathlib import Path

from recognition.paths import PROJECT_ROOT

RESULTS = PROJECT_ROOT / "bench" / "results"


def save_result(name: str | Path, report: dict) -> Path:
    """Write ``report`` as indented JSON to ``RESULTS / name`` (an absolute path is used as it is); return the path."""
    path = RESULTS / name
    path.write_text(json.dumps(report, indent=1) + "\n")
    return path
