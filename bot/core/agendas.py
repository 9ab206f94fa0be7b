"""Find the agenda in a document, as W3C's AgendaBot does: plain text, Markdown or HTML in,
agenda items out (for ``clear agenda`` and one ``agenda+`` line each).

A pure library; fetching the document is the shell's job. The formats, tried in this order
(AgendaBot's manual):

1. numbered lines, each followed by a line of at least four dashes;
2. ``=== AGENDA ===`` (or ``agenda items``, ``agenda topics``, ``agendabot agenda``, or
   ``Agenda`` underlined with dashes, or an HTML heading ``Agenda``), then ``Topic:`` lines;
3. lines that already start with ``agenda+``;
4. in HTML, the first list (``<ol>``/``<ul>``) after the word "agenda": its outer items;
5. the word "agenda", then numbered or bulleted lines (``*``, ``-``, ``•``, ``◦``, ``⁃``);
   only the outer (least indented) level.

Whatever the input, the answer is a short list of short single lines: a hostile document
cannot flood the channel or smuggle a second command into an ``agenda+`` line.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from itertools import pairwise

MAX_ITEMS = 40
MAX_LENGTH = 200
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")
_NUMBERED = re.compile(r"\s*\d{1,3}\s*[.):\]]\s*(?P<text>\S.*)")
_DASHES = re.compile(r"\s*-{4,}\s*")
_AGENDA_BANNER = re.compile(
    r"^\s*=+\s*(?:agenda(?:\s+items|\s+topics)?|agendabot\s+agenda)\s*=+\s*$"
    r"|^\s*agenda\s*\n\s*-{3,}\s*$", re.IGNORECASE | re.MULTILINE)
_TOPIC = re.compile(r"\s*topic\s*:\s*(?P<text>\S.*)", re.IGNORECASE)
_AGENDA_PLUS = re.compile(r"\s*agend(?:a|um)\s*\+\s*(?P<text>\S.*)", re.IGNORECASE)
_LISTED = re.compile(r"(?P<indent>\s*)(?:\d{1,3}\s*[.)]|[*\-•◦⁃])\s+(?P<text>\S.*)")
_WORD_AGENDA = re.compile(r"\bagenda\b", re.IGNORECASE)
_MARKDOWN_LINK = re.compile(r"\[([^\]\n]*)\]\([^)\s]*\)")


def clean(item: str) -> str:
    """One line, no control characters, no Markdown link syntax, at most MAX_LENGTH."""
    item = _MARKDOWN_LINK.sub(r"\1", _CONTROL.sub(" ", item))
    item = " ".join(item.replace("**", "").split())
    return item[:MAX_LENGTH].rstrip()


def extract(document: str, content_type: str = "text/plain") -> list[str]:
    """The agenda items of ``document`` (empty when it holds no agenda AgendaBot would see)."""
    is_html = "html" in content_type.lower() or bool(
        re.match(r"\s*(?:<!doctype html|<html|<head|<body)", document[:200], re.IGNORECASE))
    text = html_text(document) if is_html else document
    lines = text.splitlines()
    for found in (_dashed(lines), _topics(text), _agenda_plus(lines),
                  _html_list(document) if is_html else [], _listed(text)):
        items = [c for c in (clean(i) for i in found) if c]
        if items:
            return items[:MAX_ITEMS]
    return []


def _dashed(lines: list[str]) -> list[str]:
    """``1. Welcome`` over ``----------``."""
    return [m["text"] for line, below in pairwise(lines)
            if (m := _NUMBERED.fullmatch(line)) and _DASHES.fullmatch(below)]


def _topics(text: str) -> list[str]:
    """``Topic:`` lines after an agenda banner."""
    banner = _AGENDA_BANNER.search(text)
    if banner is None:
        return []
    return [m["text"] for line in text[banner.end():].splitlines()
            if (m := _TOPIC.fullmatch(line))]


def _agenda_plus(lines: list[str]) -> list[str]:
    return [m["text"] for line in lines if (m := _AGENDA_PLUS.fullmatch(line))]


def _listed(text: str) -> list[str]:
    """Numbered or bulleted lines after the word "agenda", outer level only."""
    start = _WORD_AGENDA.search(text)
    if start is None:
        return []
    found = [m for line in text[start.end():].splitlines() if (m := _LISTED.fullmatch(line))]
    if not found:
        return []
    outer = min(len(m["indent"].expandtabs(4)) for m in found)
    return [m["text"] for m in found if len(m["indent"].expandtabs(4)) == outer]


# ---- HTML --------------------------------------------------------------------------------

_BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "ol",
           "ul", "dt", "dd", "section", "article", "header", "table", "blockquote", "hr"}
_SKIPPED = {"script", "style", "template", "noscript", "head"}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


class _Text(HTMLParser):
    """HTML to text lines: block elements start lines; scripts and styles are dropped.

    It also keeps the outer items of the first list after the word "agenda".
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0
        self.seen_agenda = False
        self.depth = 0  # list nesting inside the agenda list
        self.items: list[str] | None = None  # the agenda list's outer items, once found
        self.done = False
        self.heading: str | None = None  # the text of the heading being read

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self.skipping += 1
        if tag in _BLOCKS:
            self.parts.append("\n")
        if tag in _HEADINGS:
            self.heading = ""
        if tag in ("ol", "ul") and self.seen_agenda and not self.done:
            self.depth += 1
            if self.items is None:
                self.items = []
        elif tag == "li" and self.depth == 1 and self.items is not None and not self.done:
            self.items.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED and self.skipping:
            self.skipping -= 1
        if tag in _HEADINGS and self.heading is not None:
            if self.heading.strip().lower() == "agenda":  # <h3>Agenda</h3> is a banner
                self.parts.append("\n=== agenda ===\n")
            self.heading = None
        if tag in _BLOCKS:
            self.parts.append("\n")
        if tag in ("ol", "ul") and self.depth and not self.done:
            self.depth -= 1
            self.done = self.depth == 0

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        self.parts.append(data)
        if self.heading is not None:
            self.heading += data
        if _WORD_AGENDA.search(data):
            self.seen_agenda = True
        if self.depth == 1 and self.items and not self.done:
            self.items[-1] += data


def _parse(document: str) -> _Text:
    parser = _Text()
    parser.feed(document)
    parser.close()
    return parser


def html_text(document: str) -> str:
    return "".join(_parse(document).parts)


def _html_list(document: str) -> list[str]:
    return _parse(document).items or []


def agenda_lines(items: list[str]) -> list[str]:
    """What AgendaBot says once it has an agenda: the log shows where the agenda came from."""
    return ["clear agenda", *(f"agenda+ {item}" for item in items)]
