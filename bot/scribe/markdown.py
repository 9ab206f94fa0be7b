"""Markdown minutes (GitHub Flavored Markdown) from the same record as the HTML ones.

The document, in order: ``# Title`` (after ``– DRAFT –`` in a draft), the date, the links
(agenda, IRC log, previous and next meeting, recording), the attendees (the chairs sorted, as
in the HTML), the contents, a rule, the
paragraphs before the first topic, ``## Topic`` / ``### Subtopic`` sections, the summaries of
action items, resolutions and issues, a footer, and the diagnostics when they are embedded.

Paragraphs: ``**Name:** text`` for a speaker, ``&lt;nick&gt; text`` for someone else's IRC
line (or a bot's, whose leading reference is in bold; a line inside someone else's verbatim
block is a code span), ``**ACTION:** text`` and the like for the commands, ``Repository: …``
for the repository lines, plain text for descriptive lines,
fenced code for verbatim blocks and ``[Slide N](url)`` for slides. Each continuation line is a
line of its own, starting with ``… ``, after a hard line break (a trailing backslash, which
GitHub renders and which editors do not strip the way they strip trailing spaces).

Paragraph ids: GitHub rewrites or drops ``id`` attributes, and the only way to keep them would
be raw HTML, so the Markdown has no per-paragraph anchors (the JSON output has every id). The
contents and the summaries link to the headings through the anchors GitHub derives from the
heading text (lower case, punctuation dropped, spaces to ``-``, ``-1``, ``-2``… for repeats).

Safety: the output contains no raw HTML at all, and no ``<`` outside fenced code blocks (and the
code spans of ``-emphasis`` and math). User text is escaped: ``<``, ``>`` and an ``&`` that could
start an entity as entities; ``\\ ` * [ ] | ~ $`` with a backslash, and ``_`` unless it stands
between two letters or digits; ``#`` in headings; ``!`` before a link; and what would start a
block at the beginning of a line (``#``, ``-``, ``+``, ``=``, ``1.``, ``1)``, indentation).
Links are made only from the tokens of ``inline.tokenize`` (http, https and mailto URLs) and
from the record's URLs when they are of those schemes; labels are escaped and destinations
backslash-escaped. GitHub itself still turns ``www.…`` and e-mail addresses in text into
http/mailto links, ``:name:`` into emoji and, in issue comments, ``@nick`` into mentions: none
of those can be escaped without raw HTML.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import replace

from bot import __version__
from bot.scribe.inline import EMPHASIS as _EMPHASIS
from bot.scribe.inline import SYMBOL as _SYMBOL
from bot.scribe.inline import SYMBOL_TABLE as _SYMBOL_TABLE
from bot.scribe.inline import URL, Context, Token, tokenize
from bot.scribe.lazyre import lazy
from bot.scribe.options import Options
from bot.scribe.record import Item, Minutes, Section

_SAFE_URL = lazy(URL, re.I)
_MARKS = {"*": "**", "/": "*", "_": "*"}  # Markdown has no underline: _x_ becomes italics

# What inline text escapes: backslash escapes, and entities for "<", ">" and an "&" that could
# start an entity; "#" too in headings. "_" between two letters or digits cannot emphasise, so
# names like Anssi_Kostiainen stay as they are, and "Q&A" keeps its "&".
_SPECIAL = r"[\\`*\[\]|~$<>\r\n]|(?<![^\W_])_|_(?![^\W_])|&(?=#?[A-Za-z0-9]+;)"
_INLINE = lazy(_SPECIAL)
_HEADING = lazy(_SPECIAL + "|#")
_REPLACE = {"<": "&lt;", ">": "&gt;", "&": "&amp;", "\r": " ", "\n": " "}
_DEST_TABLE = str.maketrans({**{c: "\\" + c for c in "\\()<>&`"},
                             **{chr(i): f"%{i:02X}" for i in [*range(0x21), 0x7F]}})
# What starts a block at the beginning of a line, once inline escaping is done.
_BLOCK_START = lazy(r"[#\-+=]|\d{1,9}(?=[.)])")
_LEADS = {"action": "**ACTION:** ", "resolution": "**RESOLUTION:** ", "issue": "**ISSUE:** ",
          "slideset": "Slideset: ", "repo": "Repository: ", "drop": "Repository- "}
_CITED = frozenset({"irc", "bot", "command", "code", "botref"})  # shown after "<nick>"
# the kinds the HTML never highlights with -emphasis (as scribe.perl)
_PLAIN_KINDS = frozenset({"bot", "command", "code", "botref", "repo", "slideset"})
_SUMMARIES = (("Summary of action items", "actions"), ("Summary of resolutions", "resolutions"),
              ("Summary of issues", "issues"))
SCRIBEDOC = "https://w3c.github.io/scribe2/scribedoc.html"


# ---- escaping -----------------------------------------------------------------------------------


def escape(text: str, *, heading: bool = False) -> str:
    """``text`` as Markdown inline text that shows exactly ``text`` (line breaks become spaces)."""
    return (_HEADING if heading else _INLINE).sub(_replace, text)


def _replace(m: re.Match[str]) -> str:
    return _REPLACE.get(m[0]) or "\\" + m[0]


def line_start(md: str) -> str:
    """Escaped inline Markdown made safe at the start of a line: no heading, list, rule, setext
    underline or indented code (leading blanks are dropped)."""
    md = md.lstrip(" \t")
    if m := _BLOCK_START.match(md):
        end = m.end()
        return md[:end] + "\\" + md[end:] if md[0].isdigit() else "\\" + md
    return md


def safe_url(url: str | None) -> bool:
    """True for the http, https and mailto URLs that may become links."""
    return bool(url) and _SAFE_URL.fullmatch(url or "") is not None


def destination(url: str) -> str:
    """A link destination that is exactly ``url``: backslash escapes for what Markdown would read
    (parentheses, entities, ...), percent escapes for blanks and control characters."""
    return url.translate(_DEST_TABLE)


def link(label_md: str, url: str, *, image: bool = False) -> str:
    return f"{'!' if image else ''}[{label_md}]({destination(url)})"


def _join(parts: Iterable[str]) -> str:
    """Concatenate Markdown pieces; a ``!`` of user text right before a link is escaped, or the
    link would become an image."""
    out = ""
    for part in parts:
        if part.startswith("[") and out.endswith("!"):
            out = out[:-1] + "\\!"
        out += part
    return out


# ---- inline text --------------------------------------------------------------------------------


def _code_span(text: str) -> str:
    longest = max((len(r) for r in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or text.strip() == "" else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _emphasis(text: str, heading: bool) -> str:
    """ASCII highlighting (``-emphasis``): ``*strong*``, ``/em/``, ``_underline_`` (italics
    here) and ``` `code` ```; everything else escaped."""
    out, pos = [], 0
    for m in _EMPHASIS.finditer(text):
        out.append(escape(text[pos:m.start()], heading=heading))
        mark, body = m["m"], m["body"]
        if mark == "`":
            out.append(_code_span(body))
        else:
            out.append(f"{_MARKS[mark]}{_emphasis(body, heading)}{_MARKS[mark]}")
        pos = m.end()
    out.append(escape(text[pos:], heading=heading))
    return "".join(out)


def _text(text: str, ctx: Context, heading: bool) -> str:
    if not ctx.emphasis:
        return escape(text, heading=heading)
    out, pos = [], 0  # symbols are matched before anything else, so "<-" is seen as typed
    for m in _SYMBOL.finditer(text):
        out += [_emphasis(text[pos:m.start()], heading), _SYMBOL_TABLE[m[0]]]
        pos = m.end()
    out.append(_emphasis(text[pos:], heading))
    return "".join(out)


def _url_label(url: str, ctx: Context) -> str:
    if ctx.url_display == "shorten" and len(url) > 40:
        return url[:20] + "…" + url[-15:]
    return url


def _token(t: Token, ctx: Context, links: bool, heading: bool) -> str:
    if t.kind == "text":
        return _text(t.text, ctx, heading)
    if t.kind == "math":
        if "`" in t.text or "\n" in t.text or "\r" in t.text:
            dollars = "$$" if t.url else "$"
            return escape(f"{dollars}{t.text}{dollars}", heading=heading)
        return f"${_code_span(t.text)}$"  # GitHub's math syntax that is a code span elsewhere
    label = _url_label(t.url, ctx) if t.kind == "url" else t.text
    label_md = escape(label, heading=heading)
    if not links or not safe_url(t.url):
        return label_md
    return link(label_md, t.url, image=t.kind == "image")


def inline(text: str, ctx: Context, *, links: bool = True, heading: bool = False) -> str:
    """One line of user text as Markdown: links from the tokens, everything else escaped."""
    return _join(_token(t, ctx, links, heading) for t in tokenize(text, ctx))


def _plain_text(text: str, ctx: Context) -> str:
    """What a reader sees of ``inline(text, ctx)``: the text GitHub makes heading anchors of."""
    def strip(s: str) -> str:
        return _EMPHASIS.sub(lambda m: strip(m["body"]), s)

    out = []
    for t in tokenize(text, ctx):
        if t.kind == "text":
            s = t.text
            out.append(strip(_SYMBOL.sub(lambda m: _SYMBOL_TABLE[m[0]], s)) if ctx.emphasis
                       else s)
        elif t.kind == "url":
            out.append(_url_label(t.url, ctx))
        elif t.kind != "image":
            out.append(t.text)
    return "".join(out)


# ---- headings -----------------------------------------------------------------------------------


def slug(text: str) -> str:
    """GitHub's anchor for a heading with this visible text (before de-duplication)."""
    kept = []
    for c in text.lower():
        cat = unicodedata.category(c)
        if c in "- " or cat[0] in "LM" or cat in ("Nd", "Pc"):
            kept.append(c)
    return "".join(kept).replace(" ", "-")


class _Slugs:
    """Anchors in document order, repeats numbered as GitHub numbers them."""

    def __init__(self) -> None:
        self.seen: dict[str, int] = {}

    def __call__(self, text: str) -> str:
        base = slug(text)
        n = self.seen.get(base, 0)
        self.seen[base] = n + 1
        return f"{base}-{n}" if n else base


# ---- paragraphs ---------------------------------------------------------------------------------


def _fence(lines: list[str]) -> str:
    longest = max((len(r) for line in lines for r in re.findall(r"`+", line)), default=0)
    return "`" * max(3, longest + 1)


def _lead(item: Item) -> str:
    if item.kind == "speaker":
        return f"**{escape(item.speaker)}:** "
    if item.kind in _CITED:
        return f"&lt;{escape(item.speaker)}&gt; "
    return _LEADS.get(item.kind, "")


def paragraph(item: Item) -> str | None:
    """The Markdown block for one paragraph of the minutes (None for a named anchor)."""
    if item.kind == "anchor":
        return None
    if item.kind == "verbatim":
        body = [s.text.replace("\r", "") for s in item.segments]
        fence = _fence(body)
        return "\n".join([fence, *body, fence])
    lead = _lead(item)
    ctx = replace(item.ctx, emphasis=False) if item.kind in _PLAIN_KINDS else item.ctx
    first = item.segments[0].text.strip()
    if item.kind == "slide":
        label = escape(f"Slide {first}")
        lines = [link(label, item.url) if safe_url(item.url) else label]
    elif item.kind == "slideset" and item.url:  # the address, shown as its anchor text
        lines = [link(escape(item.url), first) if safe_url(first) else escape(item.url)]
    elif item.kind == "code":
        lines = [_code_span(item.text)]
    elif item.kind == "botref":  # the reference in bold, then the rest of the reply
        rest = f" {escape(item.url)}" if item.url else ""
        lines = [f"**{inline(first, ctx)}**{rest}"]
    else:
        lines = [inline(first, ctx)]
    for seg in item.segments[1:] if item.kind != "code" else ():
        text = inline(seg.text.strip(), ctx)
        if seg.id is None:  # -nokeepLines: the line goes on in the same line
            lines[-1] = f"{lines[-1]} {text}"
        else:
            lines.append(f"… {text}")
    lines[0] = lead + lines[0] if lead else line_start(lines[0])
    lines = [line.rstrip() for line in lines]
    if not lines[0]:
        del lines[0]
    return "\\\n".join(lines) if lines else None


def heading_text(section: Section) -> str:
    """A heading's text with its continuation lines (a heading is one line)."""
    return " ".join([section.title, *(s.text for s in section.continuations)])


def _section(section: Section, out: list[str]) -> None:
    marks = "#" * (section.level + 1)
    out.append(f"{marks} {inline(heading_text(section), section.ctx, heading=True)}")
    out += [p for p in map(paragraph, section.items) if p is not None]
    for sub in section.subsections:
        _section(sub, out)


# ---- the document -------------------------------------------------------------------------------


def _names(values: tuple[str, ...]) -> str:
    return ", ".join(escape(v) for v in values) if values else "-"


def _toc_entries(m: Minutes, summaries: list[tuple[str, tuple[Item, ...]]],
                 title: str) -> list[str]:
    """The contents list, with the anchors GitHub will give the headings (which are numbered
    in document order, hence the replay of every heading here)."""
    slugs = _Slugs()
    for heading in (title, "Attendees", "Contents"):
        slugs(heading)
    out = []
    for n, t in enumerate(m.topics, 1):
        label = inline(heading_text(t), t.ctx, links=False)
        out.append(f"{n}. {link(label, '#' + slugs(_plain_text(heading_text(t), t.ctx)))}")
        indent = " " * len(f"{n}. ")  # a sub-list must be indented to the item's content
        for k, s in enumerate(t.subsections, 1):
            label = inline(heading_text(s), s.ctx, links=False)
            anchor = "#" + slugs(_plain_text(heading_text(s), s.ctx))
            out.append(f"{indent}{k}. {link(label, anchor)}")
    for n, (name, _items) in enumerate(summaries, len(m.topics) + 1):
        out.append(f"{n}. {link(name, '#' + slugs(name))}")
    return out


def render_markdown(m: Minutes, opts: Options) -> str:
    title = f"– DRAFT – {m.title}" if opts.draft else m.title
    out = [f"# {escape(title, heading=True)}"]
    if m.date_text:
        out.append(m.date_text)
    header_links = [link(label, url) for label, url in (
        ("Agenda", m.agenda_url), ("IRC log", m.log_url), ("Previous meeting", m.previous_url),
        ("Next meeting", m.next_url), ("Recording", m.recording_url)) if url and safe_url(url)]
    if header_links:
        out.append(" · ".join(header_links))
    out.append("## Attendees")
    out.append("\\\n".join(f"**{label}:** {_names(values)}" for label, values in (
        ("Present", m.present), ("Regrets", m.regrets),
        ("Chair", tuple(sorted(m.chairs, key=str.casefold))),
        ("Scribe", m.scribes))))
    summaries = [(name, items) for name, attr in _SUMMARIES
                 if (items := getattr(m, attr))]
    if toc := _toc_entries(m, summaries, title):
        out += ["## Contents", "\n".join(toc)]
    out.append("---")
    out += [p for p in map(paragraph, m.preamble) if p is not None]
    for t in m.topics:
        _section(t, out)
    for name, items in summaries:
        out.append(f"## {name}")
        out.append("\n".join(f"{n}. {line_start(inline(i.text, i.ctx))}"
                             for n, i in enumerate(items, 1)))
    out.append("---")
    out.append(f"Minutes manually created (not a transcript), formatted by "
               f"{link('scribe.perl', SCRIBEDOC)} conventions, by agendum version "
               f"{escape(__version__)}.")
    if opts.embed_diagnostics and m.diagnostics:
        out.append("## Diagnostics")
        out.append("\n".join(f"- {line_start(escape(d))}" for d in m.diagnostics))
    return "\n\n".join(out) + "\n"
