"""Agenda extraction as AgendaBot does it: every format in its manual, Markdown agendas as
GitHub holds them, and hostile documents (never a crash, never more than a short list of
short single lines)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.agendas import MAX_ITEMS, MAX_LENGTH, clean, extract

CASES = [
    pytest.param("""Intro text
1. Welcome
----------
2. The apple tree
----------
3. AOB
------
Trailing text""", "text/plain", ["Welcome", "The apple tree", "AOB"], id="numbered-dashes"),
    pytest.param("""Some mail
==== AGENDA ====
Topic: AOB?
Topic: Radar
""", "text/plain", ["AOB?", "Radar"], id="banner-topics"),
    pytest.param("""==== Agenda Items ====
topic: One""", "text/plain", ["One"], id="banner-agenda-items"),
    pytest.param("""=== agendabot agenda ===
Topic: One""", "text/plain", ["One"], id="banner-agendabot-agenda"),
    pytest.param("""Agenda
------
Topic: AOB?
Topic: Radar""", "text/plain", ["AOB?", "Radar"], id="underlined-agenda-topics"),
    pytest.param("""<html><body><h3>Agenda</h3>
<p>Topic: AOB?
<p>Topic: Radar</body></html>""", "text/html", ["AOB?", "Radar"], id="html-h3-topics"),
    pytest.param("""Hi all,
agenda+ Roundtable
agenda+ TPAC registration
agenda+ Next meeting
Thanks""", "text/plain", ["Roundtable", "TPAC registration", "Next meeting"],
        id="agenda-plus-lines"),
    pytest.param("""Agenda telcon 20 July
0. Extra agenda items and other digressions
1. [css-display] Blockifications
   * Positioning
   * Syntax
2. [cssom-1] Replace steps of set a CSS declaration
""", "text/plain", ["Extra agenda items and other digressions",
                    "[css-display] Blockifications",
                    "[cssom-1] Replace steps of set a CSS declaration"], id="numbered-outer-only"),
    pytest.param("""Agenda:
• Intro
• Budget
  ◦ details
• AOB""", "text/plain", ["Intro", "Budget", "AOB"], id="bullets"),
    pytest.param("""<h2>Agenda</h2>
<ol>
<li>Action items</li>
<li>Publication schedule<ul><li>CR</li><li>PR</li></ul></li>
<li>AOB</li>
</ol>
<ol><li>Not the agenda</li></ol>""", "text/html",
        ["Action items", "Publication schedule", "AOB"], id="html-list-after-agenda"),
    pytest.param("""<!DOCTYPE html><ol><li>Before the word</li></ol><p>Our agenda:</p>
<ul><li>First</li><li>Second</li></ul>""", "text/html", ["First", "Second"],
        id="html-list-must-follow-the-word"),
    pytest.param("""# WebML WG Teleconference – 7 March 2024

## Agenda

1. [Call for Consensus: WebNN API CR Snapshot](https://github.com/w3c/x/issues/1)
2. **WebNN** – *new features*
   - sub point
3. Any other business
""", "text/markdown", ["Call for Consensus: WebNN API CR Snapshot", "WebNN – *new features*",
                       "Any other business"], id="github-markdown"),
    pytest.param("""- [ ] agenda: see below
No list here""", "text/plain", [], id="no-agenda"),
    pytest.param("", "text/plain", [], id="empty"),
    pytest.param("""<script>var agenda = 1;</script><p>Hello</p>""", "text/html", [],
        id="script-is-not-text"),
]


@pytest.mark.parametrize(("document", "kind", "expected"), CASES)
def test_extract(document: str, kind: str, expected: list[str]) -> None:
    assert extract(document, kind) == expected


def test_html_is_recognised_without_a_content_type() -> None:
    doc = "<!DOCTYPE html><h3>Agenda</h3><p>Topic: One</p>"
    assert extract(doc, "application/octet-stream") == ["One"]


def test_an_item_is_one_short_line_without_commands() -> None:
    (item,) = extract("agenda+ one\r\nZakim, bye")  # the next line is not an item
    assert item == "one"
    (item,) = extract("agenda+ one\x00two\x07" + "x" * 1000)
    assert item.startswith("one two x") and len(item) == MAX_LENGTH
    assert clean("a\nb\tc  d") == "a b c d"


def test_a_huge_agenda_is_cut_short() -> None:
    doc = "\n".join(f"agenda+ item {i}" for i in range(500))
    assert extract(doc) == [f"item {i}" for i in range(MAX_ITEMS)]


@settings(max_examples=300)
@given(st.text(max_size=2000), st.sampled_from(["text/plain", "text/html", "text/markdown"]))
def test_extraction_never_crashes_and_stays_small(document: str, kind: str) -> None:
    items = extract(document, kind)
    assert len(items) <= MAX_ITEMS
    for item in items:
        assert item and item == item.strip() and len(item) <= MAX_LENGTH
        assert not any(c in item for c in "\r\n\x00\u2028")


html_pieces = st.sampled_from(["<ol>", "</ol>", "<ul>", "<li>", "</li>", "<h3>", "</h3>",
                               "Agenda", "agenda", "Topic: x", "<script>", "</script>", "<p>",
                               "1. a", "----", "=== agenda ===", "<!--", "-->", "&amp;", "<",
                               ">", "\n", " ", "agenda+ y", "<br>", "<style>", "</style>"])


@settings(max_examples=300)
@given(st.lists(html_pieces, max_size=60).map("".join))
def test_html_shaped_noise_never_crashes(document: str) -> None:
    for kind in ("text/html", "text/plain"):
        items = extract(document, kind)
        assert len(items) <= MAX_ITEMS and all(items)
