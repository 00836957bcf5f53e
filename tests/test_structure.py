"""The layout stays as designed: no import cycle, small modules, and a TensorFlow-free serving path."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from recognition.paths import PROJECT_ROOT

PACKAGES = ("training", "webapp", "bench")
# Modules the web app (and LiteRT evaluation) load: TensorFlow and Keras may only be imported lazily, inside a function.
TF_FREE = (
    "training/paths.py",
    "recognition/preprocessing.py",
    "recognition/hands.py",
    "recognition/palms.py",
    "recognition/interpreters.py",
    "recognition/model_files.py",
    "recognition/backends.py",
    "recognition/recogniser.py",
    "training/recipe.py",
    *(f"webapp/{path.name}" for path in (PROJECT_ROOT / "webapp").glob("*.py")),
)


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


def imports_of(path: Path, top_level_only: bool = False) -> set[str]:
    tree = ast.parse(path.read_text())
    nodes = tree.body if top_level_only else _runtime_nodes(tree)
    found: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def test_no_import_cycle_between_project_modules():
    known = modules()
    graph = {name: {other for other in imports_of(path) if other in known and other != name} for name, path in known.items()}
    state: dict[str, str] = {}

    def visit(name: str, trail: list[str]) -> None:
        state[name] = "open"
        for other in graph[name]:
            if state.get(other) == "open":
                pytest.fail("import cycle: " + " -> ".join([*trail[trail.index(other) :], other]))
            if other not in state:
                visit(other, [*trail, other])
        state[name] = "done"

    for name in graph:
        if name not in state:
            visit(name, [name])


@pytest.mark.parametrize("path", sorted(str(p.relative_to(PROJECT_ROOT)) for p in modules().values()))
def test_modules_stay_small(path):
    assert len((PROJECT_ROOT / path).read_text().splitlines()) <= 250, path


@pytest.mark.parametrize("path", TF_FREE)
def test_serving_modules_never_import_tensorflow_at_import_time(path):
    top = {name.split(".")[0] for name in imports_of(PROJECT_ROOT / path, top_level_only=True)}
    assert not top & {"tensorflow", "keras"}, path
