"""The documents stay true: generated pages match their JSON, the README is short, speaks of the product and agrees with
the API."""

from __future__ import annotations

import json
import re
import subprocess

import jsonschema

from bench.report import benchmarks, model_card
from recognition.paths import PROJECT_ROOT

DOCS = PROJECT_ROOT / "docs"
PROCESS_WORDS = re.compile(r"\b(session|sessions|issue|issues|probe|this machine)\b", re.IGNORECASE)


def test_generated_pages_match_the_json_they_come_from():
    assert (DOCS / "model-card.md").read_text() == model_card(), "run python -m bench.report"
    assert (DOCS / "benchmarks.md").read_text() == benchmarks(), "run python -m bench.report"


def test_readme_is_short_and_speaks_of_the_product_only():
    readme = (PROJECT_ROOT / "README.md").read_text()
    assert len(readme.splitlines()) <= 200
    tracked = subprocess.run(["git", "ls-files"], capture_output=True, text=True, cwd=PROJECT_ROOT).stdout.split()
    prose = [path for path in tracked if path.endswith((".md", ".html", ".js", ".conf", ".sh", ".toml"))] or [
        "README.md"
    ]
    found = {
        path: PROCESS_WORDS.findall((PROJECT_ROOT / path).read_text())
        for path in prose
        if (PROJECT_ROOT / path).is_file()
    }
    assert not {path: words for path, words in found.items() if words}


def test_readme_example_answer_follows_the_openapi_contract(client):
    readme = (PROJECT_ROOT / "README.md").read_text()
    example = json.loads(re.search(r"```json\n(.*?)\n```", readme, re.DOTALL).group(1))
    document = client.get("/api/openapi.json").get_json()
    schemas = document["components"]["schemas"]
    jsonschema.validate(example, {**schemas["Prediction"], "components": document["components"]})
    assert set(example) == set(schemas["Prediction"]["properties"])


def test_every_documented_setting_is_one_the_app_reads():
    from webapp.config import DEFAULTS

    readme = (PROJECT_ROOT / "README.md").read_text()
    documented = set(re.findall(r"`ASL_([A-Z_]+)`", readme))
    assert documented, "no settings documented"
    read_elsewhere = {"HEADER_TIMEOUT_SECONDS", "MAX_HEADER_KB"}  # read by webapp/worker.py, in gunicorn's workers
    assert documented - read_elsewhere <= set(DEFAULTS), documented - set(DEFAULTS)
    assert set(DEFAULTS) - {"LOAD_MODEL_AT_START", "SECRET_KEY"} <= documented


def test_readme_quotes_the_shipped_model_card():
    from recognition.model_files import ModelFiles
    from recognition.paths import DEFAULT_MODEL
    from recognition.settings import Settings

    readme = (PROJECT_ROOT / "README.md").read_text()
    files = ModelFiles.from_h5(DEFAULT_MODEL)
    metrics = files.read_card()["metrics"]
    outside, test, shift = metrics["outside_signer"], metrics["test"], metrics["domain_shift"]
    shift_pictures = shift["count_per_kind"] * len(shift["per_kind"])
    for quoted in (
        f"**{100 * outside['accuracy']:.2f}%** of {outside['count']} webcam photos",
        f"**{100 * test['accuracy']:.2f}%** of {test['count']} test photos",
        f"**{100 * shift['overall']:.2f}%** of the {shift_pictures:,} pictures",
        f"the model's settings file: {Settings.for_model(files).unsure_below:g})",
    ):
        assert quoted in readme, quoted
