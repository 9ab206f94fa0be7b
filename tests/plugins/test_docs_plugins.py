"""docs/plugins.md cannot rot: its example plugin and its table-driven test run here.

The doc has two python blocks, the first after the heading ``### plugins/poll.py`` and the
first after ``### tests/plugins/test_poll.py``. The plugin block is run as the module
``bot.plugins.poll`` (only for the length of a test), the test block as a module of its own,
and every case of its ``CASES`` table goes through its ``test_poll``.
"""

from __future__ import annotations

import inspect
import re
import sys
import types
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

DOC = Path(__file__).resolve().parents[2] / "docs" / "plugins.md"
PLUGIN_HEADING = "### plugins/poll.py"
TEST_HEADING = "### tests/plugins/test_poll.py"
PLUGIN_MODULE = "bot.plugins.poll"
_BLOCK = re.compile(r"^```python\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)

Load = Callable[..., dict[str, Any]]


def block_after(heading: str) -> str:
    """The first python block after the line ``heading``."""
    text = DOC.read_text(encoding="utf-8")
    at = re.search(rf"^{re.escape(heading)}[ \t]*$", text, re.MULTILINE)
    assert at, f"{DOC.name} has no heading {heading!r}"
    block = _BLOCK.search(text, at.end())
    assert block, f"{DOC.name} has no python block after {heading!r}"
    return block.group(1)


def run_as_module(monkeypatch: pytest.MonkeyPatch, name: str, source: str,
                  where: str) -> types.ModuleType:
    """Run ``source`` as module ``name``, in ``sys.modules`` until the test ends (the
    imports of the test block find the plugin there, and dataclasses look their module up)."""
    module = types.ModuleType(name)
    monkeypatch.setitem(sys.modules, name, module)
    exec(compile(source, f"{DOC}:{where}", "exec"), module.__dict__)
    return module


@pytest.fixture
def load(monkeypatch: pytest.MonkeyPatch) -> Iterator[Load]:
    """``load(plugin_source=...)``: the doc's test module's namespace, with the doc's plugin
    (or the source given) importable as ``bot.plugins.poll``; both forgotten afterwards."""
    import bot.plugins  # noqa: F401  (the parent package of the example)

    def make(plugin_source: str | None = None) -> dict[str, Any]:
        source = block_after(PLUGIN_HEADING) if plugin_source is None else plugin_source
        run_as_module(monkeypatch, PLUGIN_MODULE, source, PLUGIN_HEADING)
        test = run_as_module(monkeypatch, "docs_test_poll", block_after(TEST_HEADING),
                             TEST_HEADING)
        return test.__dict__

    yield make


def failures(doc_test: dict[str, Any]) -> list[str]:
    """Run the doc's tests: ``test_poll`` for each case, and its other tests; what failed."""
    failed = []
    for name, script, expected in doc_test["CASES"]:
        try:
            doc_test["test_poll"](name, script, expected)
        except AssertionError as exc:
            failed.append(f"{name}: {exc}")
    for name, test in doc_test.items():
        if name.startswith("test_") and name != "test_poll" and callable(test):
            try:
                test()
            except AssertionError as exc:
                failed.append(f"{name}: {exc}")
    return failed


def test_the_docs_example_plugin_passes_the_docs_test(load: Load) -> None:
    doc_test = load()
    assert len(doc_test["CASES"]) >= 10
    assert inspect.signature(doc_test["test_poll"]).parameters.keys() == {
        "name", "script", "expected"}
    assert failures(doc_test) == []


def test_the_cases_use_every_command_of_the_example(load: Load) -> None:
    doc_test = load()
    plugin = doc_test["PollPlugin"](doc_test["SETTINGS"])
    said = [re.sub(r"^(?:/me |Zakim, )", "", line[1])
            for _, script, _ in doc_test["CASES"] for line in script]
    for rule in plugin.rules():
        assert any(rule.pattern.fullmatch(text) for text in said), rule.help


def test_a_wrong_expected_reply_is_detected(load: Load) -> None:
    doc_test = load()
    name, script, expected = next(c for c in doc_test["CASES"] if c[2])
    with pytest.raises(AssertionError):
        doc_test["test_poll"](name, script, [*expected[:-1], expected[-1] + " (wrong)"])
    with pytest.raises(AssertionError):
        doc_test["test_poll"](name, script, [])


def test_a_broken_example_fails_the_docs_test(load: Load) -> None:
    source = block_after(PLUGIN_HEADING)
    assert "unaddressed=True" in source
    broken = load(plugin_source=source.replace("unaddressed=True", "unaddressed=False"))
    assert any(f.startswith("vote-unaddressed:") for f in failures(broken))


def test_the_example_module_is_forgotten_after_a_test() -> None:
    assert PLUGIN_MODULE not in sys.modules
    assert "docs_test_poll" not in sys.modules
