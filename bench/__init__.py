"""Measurements: serving speed, load, hostile inputs, pages, seeds; each writes its figures under bench/results/.

The choosers that write a model's settings live in :mod:`tuning`; docs/ is generated from the results by
:mod:`bench.report`.
"""

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
