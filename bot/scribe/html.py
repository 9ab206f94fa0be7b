"""HTML minutes in scribe.perl's document structure (``templates/scribe.html.j2``).

W3C's style sheets and the tools that read W3C minutes rely on the element names, classes,
ids and their order, so the document is scribe.perl's byte for byte (found by running it; see
tests/scribe/test_scribe_document_oracle.py). Escaping happens in exactly two places:
``inline.to_html`` (or ``escape``) for user text, and the environment's ``finalize`` for
every other value, so no user string reaches the page unescaped.

Deliberate differences from scribe.perl, each for the reader's safety:

- every URL and value in an attribute is escaped (scribe.perl prints the IRC log's address,
  the style sheet, MathJax and i-slide addresses and the video's address as they are, so a
  ``"`` in one breaks the page);
- the page loads style sheets and scripts only from http(s) or relative addresses (never
  ``javascript:`` or ``data:``), links any address but those in the header, and plays only
  an http(s) video;
- no slideset is downloaded (scribe.perl fetches a PDF of Google slides over the network to
  embed it in the minutes).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from functools import lru_cache, partial
from typing import Any

from jinja2 import Environment, FileSystemBytecodeCache, PackageLoader, StrictUndefined
from jinja2.bccache import Bucket
from markupsafe import Markup

from bot import __version__
from bot.scribe.inline import (
    PERL_URL,
    UNSAFE_SCHEMES,
    Context,
    escape,
    formulas,
    issues_html,
    to_html,
)
from bot.scribe.lazyre import lazy
from bot.scribe.options import Options
from bot.scribe.record import Item, Minutes, Section, Segment

LOGO = ('<a href="https://www.w3.org/"><img src="https://www.w3.org/assets/logos/w3c-2025/svg/'
        'w3c-white.svg" alt=W3C border=0 height=60 width=60></a>')
MATHJAX = "https://www.w3.org/scripts/MathJax/3/es5/mml-chtml.js"
ISLIDE = "https://w3c.github.io/i-slide/i-slide-2.js?selector=a.islide"
YOUTUBE_API = "https://www.youtube.com/iframe_api"
_W3 = "https://www.w3.org/"
_SS = f"{_W3}StyleSheets/"
_ICONS = f"{_SS}scribe2/"
_HTTP = lazy(r"https?://[^\s\"<>]+\Z", re.I)
_SCHEME = lazy(r"[A-Za-z][A-Za-z0-9+.-]*:")
_ANY_URL = lazy(PERL_URL)  # any scheme, as scribe.perl finds URLs
_YOUTU_BE = lazy(r"https://youtu\.be/(.*)\Z", re.S)
_YOUTUBE = lazy(r"https://(?:www\.)?youtube\.com/")


def _finalize(value: Any) -> Markup:
    return value if isinstance(value, Markup) else Markup(escape(str(value)))


class _TemplateCache(FileSystemBytecodeCache):
    """The page template compiled once and kept between runs (in a private folder under the
    temporary directory, checked against the template's source): compiling it costs each
    ``agendum minutes`` 20 ms. A cache that can't be written is just no cache."""

    def load_bytecode(self, bucket: Bucket) -> None:
        with contextlib.suppress(OSError):
            super().load_bytecode(bucket)

    def dump_bytecode(self, bucket: Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def _template_cache() -> _TemplateCache | None:
    try:
        return _TemplateCache()
    except (OSError, RuntimeError):  # no private temporary folder to be had
        return None


_ENV = Environment(loader=PackageLoader("bot", "templates"), autoescape=True,
                   undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                   finalize=_finalize, keep_trailing_newline=True,
                   bytecode_cache=_template_cache())


def version() -> str:
    return __version__


def _web_url(url: str | None) -> str | None:
    """Only http(s) addresses are linked from the header and played, whoever gave them."""
    return url if url and _HTTP.match(url) else None


_RELATIVE = lazy(r"[^\x00-\x20\x7f\"<>\\]+\Z")


def _link_url(url: str | None) -> str | None:
    """The header's links, as scribe.perl makes them from any address (RRSAgent's "logging to
    t" or "logging to h:"), but never a script's: not ``javascript:``, ``vbscript:`` or
    ``data:`` (the rule of links in the text), nor a control character or space a browser could
    strip to reveal one of those."""
    if not url or not (_HTTP.match(url) or _RELATIVE.match(url)):
        return None
    scheme = _SCHEME.match(url)
    if scheme and scheme[0][:-1].lower() in UNSAFE_SCHEMES:
        return None
    return url


def _page_url(url: str | None) -> str | None:
    """A style sheet or script the page loads: an http(s) or relative address, not another
    scheme (``javascript:``, ``data:``…)."""
    if url is None or (_SCHEME.match(url) and not _HTTP.match(url)):
        return None
    return url


# ---- the head -----------------------------------------------------------------------------------

def styleset(opts: Options) -> str:
    """public, member, team or fancy. scribe.perl's -fancy is a style set of its own (the
    public sheets with Fancy chosen), so -member or -team win over it."""
    if opts.style == "fancy" or (opts.fancy and opts.style == "public"):
        return "fancy"
    return opts.style


def styles(opts: Options) -> list[tuple[str, str, str]]:
    """The style sheet links: (rel, title, href). The -style sheet, if any, is the one in use
    and every other is an alternate; else the 2018 sheet, or the 2004 ones with -oldStyle, or
    Fancy with -fancy."""
    kind, old = styleset(opts), opts.old_style
    links: list[tuple[bool, str, str]] = []  # (alternate, title, href)
    custom = _page_url(opts.stylesheet)
    if opts.assets is not None:  # agendum's own pages: one sheet, nothing from W3C
        return [("stylesheet", "Default", custom or f"{opts.assets}agendum.css")]
    if custom is not None:
        links.append((False, "Default", custom))
    alt = custom is not None
    if kind in ("member", "team"):
        links.append((alt or old, "2018", f"{_SS}scribe2/{kind}.css"))
        links += [(alt or not old, "2004", href) for href in (
            f"{_SS}base.css", f"{_SS}{kind}.css", f"{_SS}{kind}-minutes.css",
            f"{_W3}2004/02/minutes-style.css")]
        links.append((True, "Typewriter", f"{_SS}scribe2/tt-{kind}.css"))
    else:
        fancy = kind == "fancy"
        links.append((alt or old or fancy, "2018", f"{_SS}scribe2/public.css"))
        links += [(alt or not old or fancy, "2004", href) for href in (
            f"{_SS}base.css", f"{_SS}public.css", f"{_W3}2004/02/minutes-style.css")]
        links += [(alt or not fancy, "Fancy", f"{_SS}scribe2/fancy.css"),
                  (True, "Typewriter", f"{_SS}scribe2/tt-member.css")]
    return [("alternate stylesheet" if a else "stylesheet", title, href)
            for a, title, href in links]


def _logo(opts: Options) -> str:
    """-logo's markup (the operator's, printed as given), none with -nologo or, unless -logo
    is given, with -fancy; else W3C's."""
    if opts.logo is not None:
        return opts.logo
    return "" if styleset(opts) == "fancy" or opts.assets is not None else LOGO


def recording_urls(url: str) -> tuple[str, str]:
    """(canonical, embedded): the address the headings link to, and the player's. youtu.be
    links become youtube.com ones, played through YouTube's embed address; Cloudflare Stream's
    watch. pages through its iframe. host."""
    if m := _YOUTU_BE.match(url):
        url = "https://www.youtube.com/watch?v=" + m[1]
    if "youtube.com/watch?v=" in url:
        return url, url.replace("watch?v=", "embed/", 1) + \
            "?enablejsapi=1&rel=0&modestbranding=1"
    if "watch.videodelivery.net/" in url:
        return url, url.replace("watch.", "iframe.", 1)
    return url, url


# ---- inline text --------------------------------------------------------------------------------

@lru_cache(maxsize=1024)
def _plain(ctx: Context) -> Context:
    """The context of the kinds scribe.perl never highlights (bot lines, verbatim text…)."""
    return replace(ctx, emphasis=False) if ctx.emphasis else ctx


@lru_cache(maxsize=1024)
def _listed(ctx: Context) -> Context:
    """The context of the contents and summaries: there scribe.perl links no issue number."""
    return replace(ctx, github_issues=False) if ctx.github_issues else ctx


def _lines(first: str, rest: Sequence[Segment], render: Callable[[str], str], keep: bool) -> str:
    """A text and its continuation lines, as in the contents and summaries: rendered as one
    text (a link's anchor may run into the next line), then each continuation after ``<br>``
    and "… " with -keepLines, else after a space."""
    html = render("\t".join([first, *(s.text for s in rest)])) if rest else render(first)
    return html.replace("\t", "<br>\n… " if keep else " ") if rest else html


def spans(line: str, ids: Sequence[str | None]) -> str:
    """A paragraph's or heading's markup made of its lines joined by tabs, as scribe.perl
    makes it: each continuation in a span with its id (its last span closed before the
    ``</p>``, none for a heading), or, without ids (-nokeepLines), after a space."""
    if "\t" not in line:
        return line
    parts = line.split("\t")
    if not ids or ids[0] is None:
        return " ".join(parts)
    out = [parts[0]]
    for n, (sid, part) in enumerate(zip(ids, parts[1:], strict=False)):
        out.append(f"{'</span>' if n else ''}<br>\n<span id={sid}>… {part}")
    return "".join(out).replace("</p>", "</span></p>", 1)


def _verbatim(item: Item) -> str:
    """A scribe's verbatim block. scribe.perl links the URLs only of a one-line block (and
    then drops its final newline); a longer block only gets its issue numbers linked, also
    those inside a URL (which stays as typed)."""
    lines = [s.text for s in item.segments]
    if lines == [""]:  # an empty block (a block has no empty line: those are dropped)
        return ""
    return _verbatim_lines(lines, _plain(item.ctx))


def _block_lines(item: Item) -> list[str] | None:
    """The lines of an item shown as a block (see _verbatim_lines), else None."""
    if item.kind == "verbatim":
        return [s.text for s in item.segments]
    if len(item.segments) == 1 and item.segments[0].text.endswith("\n"):
        return item.segments[0].text[:-1].split("\n")
    return None


def _block_formulas(lines: list[str], ctx: Context) -> list[tuple[str, bool]]:
    """The formulas _verbatim_lines meets in these lines."""
    if len(lines) == 1:
        return formulas(lines[0], ctx)
    found: list[tuple[str, bool]] = []
    for line in lines:
        if "$" in line:
            issues_html(line, ctx, found)
    return found


def _verbatim_lines(lines: list[str], ctx: Context) -> str:
    """Lines of a verbatim block, or of a record with verbatim lines appended: one line is
    marked up as any text (a URL in it also takes the final newline away); in more lines
    scribe.perl's search for URLs never matches, so only references and -emphasis apply."""
    if len(lines) == 1:  # as any text (-emphasis too); a URL also takes the newline away
        return to_html(lines[0], ctx) + ("" if _ANY_URL.search(lines[0]) else "\n")
    return "".join(issues_html(line, ctx) + "\n" for line in lines)


# ---- paragraphs ---------------------------------------------------------------------------------

# kind -> (the <p>'s class, the lead before the text, whether -emphasis applies)
_KINDS: dict[str, tuple[str, str, bool]] = {
    "summary": ("summary", "", True),
    "action": ("action", "<strong>ACTION:</strong> ", True),
    "resolution": ("resolution", "<strong>RESOLUTION:</strong> ", True),
    "proposed": ("proposed", "<strong>PROPOSED:</strong> ", True),
    "issue": ("issue", "<strong>ISSUE:</strong> ", True),
    "strawpoll": ("strawpoll", "<strong>STRAW POLL:</strong> ", True),
    "repo": ("summary", "Repository: ", False),
    "drop": ("summary", "Repository- ", True),
    "slideset": ("summary", "Slideset: ", False),
}
_CITED = {"irc": ("irc", True), "command": ("irc", False), "bot": ("bot", False)}


def _body(item: Item, ctx: Context) -> str:
    """The paragraph's text and its continuation lines, rendered as one text with a tab
    where lines meet (``spans`` then cuts it there)."""
    segs = item.segments
    if len(segs) == 1:
        text = segs[0].text
        if text.endswith("\n"):  # a record a scribe's verbatim lines went to: shown as a block
            return _verbatim_lines(text[:-1].split("\n"), ctx)
        return to_html(text, ctx)
    joined = "\t".join([s.text for s in segs])
    if "\n" in joined[:-1]:  # verbatim lines went to one of its lines and more follows: as
        # in _verbatim_lines, no URL is looked for, and emphasis does not pass a newline (it
        # does pass a tab); a newline at the very end is scribe.perl's "$", which allows it
        return "\n".join(issues_html(line, ctx) for line in joined.split("\n"))
    return _joined_html(joined, ctx)


@lru_cache(maxsize=8192)
def _joined_html(text: str, ctx: Context) -> str:
    """A paragraph of several lines is rendered twice: when its span ids are hashed (they
    hash its markup) and when it is shown. The second time is a look-up; the page, once
    rendered, empties the cache (which holds at most 8,192 paragraphs meanwhile)."""
    return to_html(text, ctx)


def paragraph(item: Item) -> str:
    """One paragraph's markup, its continuation lines in spans."""
    line = paragraph_line(item)
    if len(item.segments) == 1 or item.kind == "verbatim":
        return line
    return spans(line, [s.id for s in item.segments[1:]])


def paragraph_line(item: Item) -> str:
    """One paragraph's markup with a tab where its lines meet (what the span ids hash).
    Built in Python rather than a template macro because a big log has a hundred thousand
    of them; every user string still goes through ``escape`` or ``to_html``."""
    kind = item.kind
    if kind == "speaker":
        return (f'<p id={item.id} class="phone {item.css}"><cite>{escape(item.speaker)}:</cite> '
                f"{_body(item, item.ctx)}</p>\n")
    if kind in _CITED:
        css, emphasis = _CITED[kind]
        ctx = item.ctx if emphasis else _plain(item.ctx)
        return (f"<p id={item.id} class={css}><cite>&lt;{escape(item.speaker)}&gt;</cite> "
                f"{_body(item, ctx)}</p>\n")
    if kind in _KINDS:
        css, lead, emphasis = _KINDS[kind]
        if kind == "slideset" and item.url:  # the address, shown as its anchor text
            text = f'<a href="{escape(item.text)}">{escape(item.url)}</a>'
        else:
            text = _body(item, item.ctx if emphasis else _plain(item.ctx))
        return f"<p id={item.id} class={css}>{lead}{text}</p>\n"
    if kind == "slide":
        return (f'<p id={item.id} class=summary><a class=islide data-islide-srcref="" '
                f'href="{escape(item.url)}">[Slide {escape(item.text)}]</a></p>\n')
    if kind == "anchor":
        name = escape(item.id)
        return f'<p class=anchor id="{name}"><a href="#{name}">⚓</a></p>\n'
    if kind == "verbatim":
        return f"<pre id={item.id} class=summary>\n{_verbatim(item)}</pre>\n"
    if kind == "code":
        return (f"<p id={item.id} class=irc><cite>&lt;{escape(item.speaker)}&gt;</cite> "
                f"<code>{_body(item, _plain(item.ctx))}</code></p>\n")
    if kind == "botref":
        return (f"<p id={item.id} class=bot><cite>&lt;{escape(item.speaker)}&gt;</cite> "
                f"<strong>{_body(item, _plain(item.ctx))}</strong> {escape(item.url)}</p>\n")
    raise ValueError(f"unknown paragraph kind {kind!r}")


def paragraphs(items: Sequence[Item]) -> Markup:
    return Markup("".join([paragraph(i) for i in items]))


# ---- headings, contents and summaries -----------------------------------------------------------

def headings(topics: Iterable[Section]) -> Iterator[tuple[int, Section]]:
    """Every heading in document order with its level: 1 for a topic, 2 for a subtopic (also
    one that comes before any topic, which scribe.perl keeps a subtopic)."""
    for t in topics:
        yield (2 if t.level == 2 else 1), t
        for s in t.subsections:
            yield 2, s


def heading_line(section: Section, level: int, recording: str | None) -> str:
    """A heading's markup (after the topic's new <section>) with a tab where its lines meet
    (what the span ids hash): its text, continuation lines and link to the recording."""
    texts = [section.title, *(c.text for c in section.continuations)]
    html = to_html("\t".join(texts), section.ctx) if len(texts) > 1 else \
        to_html(section.title, section.ctx)
    if recording and section.offset is not None:
        html += (f' <a href="{escape(recording)}#t={section.offset}" class=recording '
                 f'title="matching video record">🎞\ufe0e</a>')
    tag = "h3" if level == 1 else "h4"
    return f"<{tag} id={section.id}>{html}</{tag}>\n"


def _heading(section: Section, level: int, recording: str | None) -> str:
    """A heading's markup. scribe.perl leaves the last span of a continued heading unclosed
    (the heading's end closes it)."""
    line = heading_line(section, level, recording)
    return spans(line, [c.id for c in section.continuations]) if section.continuations \
        else line


def contents(topics: Sequence[Section], keep: bool) -> str:
    """The nested list of topics and subtopics (without the summaries' entries)."""
    out, previous = [], 0
    for level, s in headings(topics):
        text = _lines(s.title, s.continuations, partial(_unlinked, ctx=_listed(s.ctx)), keep)
        entry = f'<li><a href="#{s.id}">{text}</a>'
        if previous == level:
            out.append("</li>\n")
        elif previous == 1:
            out.append("\n<ol>\n")
        elif previous == 2:
            out.append("</li>\n</ol>\n</li>\n")
        elif level == 2:  # a subtopic before any topic
            out.append("<li>\n<ol>\n")
        out.append(entry)
        previous = level
    out.append({0: "", 1: "</li>\n", 2: "</li>\n</ol>\n</li>\n"}[previous])
    return "".join(out)


def _meeting(m: Minutes, recording: str | None) -> Iterator[str]:
    """The <main> section's paragraphs: the preamble, then a <section> per topic."""
    yield paragraphs(m.preamble)
    for level, s in headings(m.topics):
        heading = _heading(s, level, recording)
        yield f"</section>\n\n<section>\n{heading}" if level == 1 else heading
        yield paragraphs(s.items)


def _unlinked(text: str, ctx: Context) -> str:
    return to_html(text, ctx, links=False)


def summary(item: Item, keep: bool) -> str:
    """An action, resolution or issue in its summary list (no links: the entry is one)."""
    first, *rest = item.segments
    return _lines(first.text, rest, partial(_unlinked, ctx=_listed(item.ctx)), keep)


# ---- the document -------------------------------------------------------------------------------

_PLAIN_KINDS = frozenset(k for k, (_, _, e) in _KINDS.items() if not e) | \
    {"command", "bot", "code", "botref", "verbatim"}


def _converted(text: str, ctx: Context) -> bool:
    return any(ok for _, ok in formulas(text, ctx))


def _has_math(m: Minutes, opts: Options) -> bool:
    """Whether MathJax is needed: a formula that latexmlmath converted anywhere -emphasis
    applies (the recording's caption, headings, the kinds of paragraph it highlights, and the
    anchor texts of links in every kind). Lines are joined as scribe.perl renders them, so a
    formula may run from one line into the next."""
    if "$" in m.recording_text and \
            _converted(m.recording_text, Context(opts.url_display, True, False, ())):
        return True
    for _, s in headings(m.topics):
        text = "\t".join([s.title, *(c.text for c in s.continuations)])
        if "$" in text and _converted(text, s.ctx):
            return True
    for item in (*m.items(), *m.hidden):
        if item.kind == "anchor":
            continue
        ctx = _plain(item.ctx) if item.kind in _PLAIN_KINDS else item.ctx
        if (block := _block_lines(item)) is not None:
            if any(ok for _, ok in _block_formulas(block, ctx)):
                return True
            continue
        text = "\t".join(s.text for s in item.segments)
        if "$" in text and _converted(text, ctx):
            return True
    return False


def _recording(m: Minutes, opts: Options) -> dict[str, str] | None:
    """The video player's addresses and caption, when the minutes have a recording."""
    url = _web_url(m.recording_url)
    if url is None:
        return None
    canonical, embedded = recording_urls(url)
    caption_ctx = Context(opts.url_display, opts.emphasis, False, ())
    return {"canonical": canonical, "embedded": embedded,
            "caption": Markup(to_html(m.recording_text or url, caption_ctx)),
            "youtube": YOUTUBE_API if _YOUTUBE.match(canonical) else ""}


def _or(value: str | None, default: str) -> str:
    return default if value is None else value


def names(values: Sequence[str]) -> str:
    """A list of names as scribe.perl prints it: comma-separated, or "-" when that is false
    to Perl: empty, or just "0" (a name "0" alone, as in "scribe: 0")."""
    joined = ", ".join(values)
    return "-" if joined in ("", "0") else joined


def people(values: Sequence[str], limit: int) -> Markup:
    """Present and Regrets: a list longer than -collapseLimit folds after its first name."""
    html = escape(names(values))
    if len(values) > limit:
        html = "<details><summary>" + html.replace(",", ",</summary>", 1) + "</details>"
    return Markup(html)


def _icons(links: list[tuple[str | None, str, str]],
           opts: Options) -> list[tuple[str | None, str, str]]:
    """The header links' icons: W3C's PNGs, or agendum's SVGs of the same names."""
    if opts.assets is None:
        return links
    return [(url, title, icon.replace(".png", ".svg")) for url, title, icon in links]


def render_html(m: Minutes, opts: Options) -> str:
    """The whole document as one string."""
    return "".join(html_chunks(m, opts))


def html_chunks(m: Minutes, opts: Options) -> Iterator[str]:
    """The document in pieces, so a big one can be written without being held whole."""
    links = [(url, title, icon) for url, title, icon in (
        (m.previous_url, "Previous meeting", "go-previous.png"),
        (m.agenda_url, "Agenda", "chronometer.png"), (m.log_url, "IRC log", "text-plain.png"),
        (m.next_url, "Next meeting", "go-next.png")) if _link_url(url)]
    summaries = [(n, t, i) for n, t, i in (
        ("ActionSummary", "Summary of action items", m.actions),
        ("ResolutionSummary", "Summary of resolutions", m.resolutions),
        ("IssueSummary", "Summary of issues", m.issues)) if i]
    keep = opts.keep_lines
    recording = _recording(m, opts)
    canonical = recording["canonical"] if recording else None
    yield from _ENV.get_template("scribe.html.j2").generate(
        m=m, has_math=opts.emphasis and _has_math(m, opts), draft=opts.draft,
        collapse=opts.collapse_limit, styles=styles(opts), links=_icons(links, opts),
        icons=_ICONS if opts.assets is None else f"{opts.assets}icons/",
        summaries=summaries, logo=Markup(_logo(opts)),
        mathjax=_or(_page_url(opts.mathjax), MATHJAX), islide=_or(_page_url(opts.islide), ISLIDE),
        recording=recording, people=lambda names: people(names, opts.collapse_limit),
        chairs=names(sorted(m.chairs, key=str.casefold)), scribes=names(m.scribes),
        contents=Markup(contents(m.topics, keep)),
        meeting=(Markup(chunk) for chunk in _meeting(m, canonical)),
        diagnostics=m.diagnostics if opts.embed_diagnostics else (), version=version(),
        summary=lambda item: Markup(summary(item, keep)),
    )
    _joined_html.cache_clear()
