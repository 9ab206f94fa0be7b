"""The layers hold: imports only go down, and no module imports itself round a circle.

The contracts are declared once, in pyproject.toml (``[tool.importlinter]``). ``lint-imports``
(import-linter, run by ``make lint`` and below) checks them on the ``bot`` package as found
in the tree. It cannot see ``plugins/``, which is installed as ``bot.plugins`` by a
package-dir mapping, nor the imports of it; so this test also reads every import of ``bot/``
and ``plugins/`` itself (function-level ones too) and applies the same layers to them.
"""

from __future__ import annotations

import ast
import graphlib
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TREES = {"bot": ROOT / "bot", "bot.plugins": ROOT / "plugins"}


def _contracts() -> list[dict]:
    with (ROOT / "pyproject.toml").open("rb") as fh:
        return tomllib.load(fh)["tool"]["importlinter"]["contracts"]


def layers() -> list[list[str]]:
    """The layers, top first; each a list of independent rooms (``a | (b)``: b optional)."""
    spec = next(c for c in _contracts() if c["id"] == "layers")["layers"]
    return [[room.strip().strip("()") for room in layer.split("|")] for layer in spec]


def modules() -> dict[str, Path]:
    found = {}
    for prefix, folder in TREES.items():
        for path in folder.rglob("*.py"):
            parts = list(path.relative_to(folder).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join([prefix, *parts])] = path
    return found


def imports(known: dict[str, Path]) -> set[tuple[str, str]]:
    """(importer, imported) for every import between our modules, wherever it stands."""
    edges = set()
    for name, path in known.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1]
                                    + ([base] if base else []))
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base
                           for a in node.names]
            edges |= {(name, t) for t in targets if t in known and t != name}
    return edges


def room_of(module: str, rooms: list[str]) -> str | None:
    """The longest room that ``module`` is in (``bot.plugins`` before ``bot``)."""
    inside = [r for r in rooms if module == r or module.startswith(r + ".")]
    return max(inside, key=len, default=None)


def violations(edges: set[tuple[str, str]], spec: list[list[str]]) -> list[str]:
    """Imports that go up a layer, or across to an independent room of the same layer."""
    level = {room: i for i, layer in enumerate(spec) for room in layer}
    out = []
    for importer, imported in sorted(edges):
        a, b = room_of(importer, list(level)), room_of(imported, list(level))
        if a is None or b is None or a == b:
            continue
        if level[b] < level[a]:
            out.append(f"{importer} -> {imported}: {b} is above {a}")
        elif level[b] == level[a]:
            out.append(f"{importer} -> {imported}: {a} and {b} are independent")
    return out


def test_every_import_goes_down_a_layer() -> None:
    known = modules()
    edges = imports(known)
    assert ("bot.publish.log", "bot.plugins") in edges  # the checker sees plugin edges
    assert any(a.startswith("bot.plugins.") and b.startswith("bot.core.") for a, b in edges)
    assert violations(edges, layers()) == []


def test_no_module_imports_itself_round_a_circle() -> None:
    graph: dict[str, set[str]] = {}
    for importer, imported in imports(modules()):
        graph.setdefault(importer, set()).add(imported)
    graphlib.TopologicalSorter(graph).prepare()  # raises CycleError, naming the circle


@pytest.mark.parametrize(("edge", "why"), [
    (("bot.core.router", "bot.daemon"), "bot.daemon is above bot.core"),
    (("bot.plugins.queue", "bot.storage.store"), "bot.storage is above bot.plugins"),
    (("bot.web.server", "bot.daemon"), "bot.daemon is above bot.web"),
    (("bot.irc.connection", "bot.storage.store"), "are independent"),
])
def test_the_checker_names_an_import_that_goes_up(edge: tuple[str, str], why: str) -> None:
    [found] = violations({edge}, layers())
    assert why in found


def test_the_checker_finds_a_circle() -> None:
    with pytest.raises(graphlib.CycleError):
        graphlib.TopologicalSorter({"a": {"b"}, "b": {"a"}}).prepare()


def test_import_linter_keeps_the_contracts() -> None:
    linter = Path(sys.executable).with_name("lint-imports")
    command = str(linter) if linter.exists() else shutil.which("lint-imports")
    assert command, "import-linter is a dev dependency: pip install -e '.[dev]'"
    run = subprocess.run([command], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 broken" in run.stdout
