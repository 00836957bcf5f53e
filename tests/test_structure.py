"""The layout stays as designed: one home per job, no import cycle, small modules, no import-time side effects."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

from recognition.paths import PROJECT_ROOT

PACKAGES = ("recognition", "feedback", "training", "webapp", "bench", "tuning")
MAX_LINES = 250
MAX_FUNCTION = 60
HEAVY = {"tensorflow", "keras", "scipy", "sklearn", "skimage", "matplotlib"}  # the training install only


def modules() -> dict[str, Path]:
    return {
        ".".join(path.relative_to(PROJECT_ROOT).with_suffix("").parts).removesuffix(".__init__"): path
        for package in PACKAGES
        for path in (PROJECT_ROOT / package).glob("*.py")
    }


def _runtime_nodes(tree: ast.AST) -> list[ast.AST]:
    """Every node but those under ``if TYPE_CHECKING:`` (imports for type hints only)."""
    nodes, stack = [], [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            continue
        nodes.append(node)
        stack.extend(ast.iter_child_nodes(node))
    return nodes


def imports_of(path: Path) -> set[str]:
    found: set[str] = set()
    for node in _runtime_nodes(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def test_each_package_imports_only_what_its_job_allows():
    allowed = {
        "recognition": {"recognition"},  # serves and scores: never training, the web app or benches
        "feedback": {"recognition", "feedback"},  # the corrections people send
        "webapp": {"recognition", "feedback", "webapp"},  # HTTP only
        "training": {"recognition", "training", "feedback"},  # feedback: corrections to train on
        "bench": {"recognition", "training", "webapp", "bench", "tests.support"},  # measurements, never choices
        "tuning": {"recognition", "training", "bench", "tuning"},  # choosers: write settings, results under bench/
    }
    wrong = []
    for name, path in modules().items():
        package = name.split(".")[0]
        for imported in imports_of(path):
            top = imported.split(".")[0]
            home = "tests.support" if imported.startswith("tests.support") else top
            if top in {*PACKAGES, "tests"} and home not in allowed[package]:
                wrong.append(f"{name} imports {imported}")
    assert not wrong, wrong


def test_no_import_cycle_and_every_module_small():
    known = modules()
    graph = {
        name: {other for other in imports_of(path) if other in known and other != name} for name, path in known.items()
    }
    state: dict[str, str] = {}
    cycles: list[str] = []

    def visit(name: str, trail: list[str]) -> None:
        state[name] = "open"
        for other in graph[name]:
            if state.get(other) == "open":
                cycles.append(" -> ".join([*trail[trail.index(other) :], other]))
            elif other not in state:
                visit(other, [*trail, other])
        state[name] = "done"

    for name in graph:
        if name not in state:
            visit(name, [name])
    assert not cycles, cycles
    long = {name: n for name, path in known.items() if (n := len(path.read_text().splitlines())) > MAX_LINES}
    assert not long, f"modules over {MAX_LINES} lines: {long}"


def test_no_function_over_sixty_lines():
    long = [
        f"{name}.{node.name} ({node.end_lineno - node.lineno + 1})"
        for name, path in modules().items()
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.end_lineno - node.lineno + 1 > MAX_FUNCTION
    ]
    assert not long, long


def test_importing_the_web_app_loads_no_training_library_and_changes_nothing():
    """A fresh interpreter imports every serving module: no TensorFlow, SciPy, ..., no HEIF opener, Werkzeug as is."""
    serving = sorted(
        name
        for name in modules()
        if name.split(".")[0] in ("recognition", "feedback", "webapp") and name != "feedback.__main__"
    )
    script = f"""
import sys
from PIL import Image
import werkzeug.formparser as formparser
decoder = formparser.MultipartDecoder
for name in {serving!r}:
    __import__(name)
print(sorted({{m.split(".")[0] for m in sys.modules}} & set({sorted(HEAVY)!r})))
print("HEIF" in Image.OPEN, formparser.MultipartDecoder is decoder)
"""
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, cwd=PROJECT_ROOT
    )
    assert result.returncode == 0, result.stderr[-2000:]
    heavy, side_effects = result.stdout.strip().splitlines()
    assert heavy == "[]", heavy
    assert side_effects == "False True", "importing a serving module registered an opener or patched Werkzeug"


UNSURE_COMPARISON = re.compile(
    r"(?<![=-])(<|>=?)\s*[\w.\[\]\"']*unsure|unsure\w*\s*(<|>)|less\([^)]*unsure", re.IGNORECASE
)


def test_choosers_live_in_tuning_and_test_helpers_in_tests():
    """Whatever writes a model's settings or geometry file is in tuning/; bench/ only measures."""
    writers = sorted(
        name
        for name, path in modules().items()
        if 'add_argument(\n        "--write"' in path.read_text() or 'add_argument("--write"' in path.read_text()
    )
    assert writers and all(name.startswith("tuning.") for name in writers), writers
    assert not [
        name for name in ("samples", "load", "browser", "clients") if (PROJECT_ROOT / "bench" / f"{name}.py").exists()
    ]


def test_the_unsure_rule_is_written_once():
    """Only recognition/answer.py compares a confidence with the "unsure" threshold; the kiosk reads the answer's."""
    sources = [path for package in (*PACKAGES, "static") for path in (PROJECT_ROOT / package).rglob("*.[pj][ys]")]
    comparing = sorted(
        str(path.relative_to(PROJECT_ROOT))
        for path in sources
        if UNSURE_COMPARISON.search(path.read_text(errors="replace"))
    )
    assert comparing == ["recognition/answer.py"], comparing
    kiosk = (PROJECT_ROOT / "static" / "kiosk.js").read_text()
    assert "card.dataset.unsure" in kiosk and "unsureBelow" not in kiosk


BUILT_IN_RECOGNITION = {"PalmDetector", "LandmarkModel", "Recogniser", "HandChecker"}


def test_only_recognition_builds_a_recogniser_or_its_hand_models():
    """Everything else builds a recogniser with Recogniser.from_model or .around and derives others from it."""
    building = {}
    for name, path in modules().items():
        if name.split(".")[0] == "recognition":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in BUILT_IN_RECOGNITION:
                building.setdefault(name, []).append(node.func.id)
    assert not building, building


def test_recognition_never_names_training_even_in_a_string():
    """The Keras backend lives in recognition and imports Keras lazily: no hidden import of the training package."""
    for name, path in modules().items():
        if name.split(".")[0] != "recognition":
            continue
        tree = ast.parse(path.read_text())
        names = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
        assert not [v for v in names if re.fullmatch(r"training(\.\w+)+", v)], name
        assert "importlib" not in imports_of(path) and "__import__" not in path.read_text(), name
