"""Accessibility checks in the browser tests: axe-core, run in the page by Playwright.

axe-core comes from the npm registry (``tests/support/axe/package.json``, installed by
``scripts/test-services`` with ``npm ci``). It is evaluated through the DevTools protocol,
which the pages' Content-Security-Policy (our own scripts only) does not apply to. A missing
axe-core FAILS the test, it never skips it.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Page

AXE = Path(__file__).parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.0, 2.1 and 2.2, levels A and AA: what the pages promise.
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


@functools.cache
def _source() -> str:
    if not AXE.is_file():
        pytest.fail(f"axe-core missing at {AXE}: run scripts/test-services "
                    "(cd tests/support/axe && npm ci)", pytrace=False)
    return AXE.read_text(encoding="utf-8")


def violations(page: Page) -> list[str]:
    """axe-core's WCAG A/AA violations on the page as it is now, one line each."""
    if page.evaluate("() => typeof window.axe") == "undefined":
        page.evaluate("source => { (0, eval)(source); }", _source())  # global scope
    found: list[dict[str, Any]] = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
        ".then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ': '"
        " + (n.failureSummary || '').replace(/\\s+/g, ' '))})))", WCAG)
    return [f"{v['id']} ({v['impact']}): {v['help']} at {'; '.join(v['nodes'])}" for v in found]
