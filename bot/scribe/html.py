"""HTML minutes in scribe.perl's document structure (``templates/scribe.html.j2``).

W3C's style sheets and the tools that read W3C minutes rely on the element names, classes,
ids and their order, so the template reproduces scribe.perl's output byte for byte. Escaping
happens in exactly two places: ``inline.to_html`` for paragraph text, and the environment's
``finalize`` for every other value, so no user string reaches the page unescaped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from bot.scribe.inline import Context, escape, to_html, tokenize
from bot.scribe.options import Options
from bot.scribe.record import Item, Minutes, Section

LOGO = ('<a href="https://www.w3.org/"><img src="https://www.w3.org/assets/logos/w3c-2025/svg/'
        'w3c-white.svg" alt=W3C border=0 height=60 width=60></a>')
MATHJAX = "https://www.w3.org/scripts/MathJax/3/es5/mml-chtml.js"
ISLIDE = "https://w3c.github.io/i-slide/i-slide-2.js?selector=a.islide"
_SS = "https://www.w3.org/StyleSheets/"
_HTTP = re.compile(r"https?://[^\s\"<>]+\Z", re.I)


def _finalize(value: Any) -> Markup:
    return value if isinstance(value, Markup) else Markup(escape(str(value)))


_ENV = Environment(loader=PackageLoader("bot", "templates"), autoescape=True,
                   undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                   finalize=_finalize, keep_trailing_newline=True)


def version() -> str:
    from importlib import metadata  # 30 ms of imports: only when a page is rendered

    try:
        return metadata.version("agendum")
    except metadata.PackageNotFoundError:
        return "dev"


def _web_url(url: str | None) -> str | None:
    """Only http(s) addresses are loaded by the page, whoever asked for them."""
    return url if url and _HTTP.match(url) else None


def styles(opts: Options) -> list[tuple[str, str, str]]:
    """The style sheet links: (rel, title, href); the chosen one is ``stylesheet``."""
    kind = opts.style
    if kind == "public":
        old = [f"{_SS}base.css", f"{_SS}public.css", "https://www.w3.org/2004/02/minutes-style.css"]
        extra = [("Fancy", f"{_SS}scribe2/fancy.css"),
                 ("Typewriter", f"{_SS}scribe2/tt-member.css")]
    else:
        old = [f"{_SS}base.css", f"{_SS}{kind}.css", f"{_SS}{kind}-minutes.css",
               "https://www.w3.org/2004/02/minutes-style.css"]
        extra = [("Typewriter", f"{_SS}scribe2/tt-{kind}.css")]
    links = [("2018", f"{_SS}scribe2/{kind}.css"), *(("2004", u) for u in old), *extra]
    if stylesheet := _web_url(opts.stylesheet):
        chosen = "custom"
        links.insert(0, ("Custom", stylesheet))
    elif opts.fancy:
        chosen = "Fancy"
    elif opts.old_style:
        chosen = "2004"
    else:
        chosen = "2018"
    out, first_old = [], True
    for title, href in links:
        selected = title == chosen or (chosen == "custom" and title == "Custom")
        if title == "2004" and chosen == "2004":
            selected, first_old = first_old, False
        out.append(("stylesheet" if selected else "alternate stylesheet", title, href))
    return out


def _heading(section: Section, links: bool, recording: str | None = None) -> Markup:
    html = to_html(section.title, section.ctx, links=links)
    if links and recording and section.offset is not None:
        minutes, seconds = divmod(section.offset, 60)
        html += (f' <a class=recording href="{escape(recording)}#t={section.offset}">'
                 f"▶ {minutes}:{seconds:02d}</a>")
    return Markup(html)


def _inline(item: Item, text: str) -> str:
    if item.kind == "slideset" and item.url:  # url holds the anchor text here
        return f'<a href="{escape(text)}">{escape(item.url)}</a>'
    if item.kind == "slide":
        return (f'<a class=islide data-islide-srcref="" href="{escape(item.url)}">'
                f"[Slide {escape(text)}]</a>")
    return to_html(text, item.ctx)


_CSS = {"speaker": None, "summary": "class=summary", "irc": "class=irc", "bot": "class=bot",
        "action": "class=action", "resolution": "class=resolution", "proposed": "class=proposed",
        "issue": "class=issue", "strawpoll": "class=strawpoll", "slide": "class=summary",
        "slideset": "class=summary"}
_LEAD = {"action": "<strong>ACTION:</strong> ", "resolution": "<strong>RESOLUTION:</strong> ",
         "proposed": "<strong>PROPOSED:</strong> ", "issue": "<strong>ISSUE:</strong> ",
         "strawpoll": "<strong>STRAW POLL:</strong> ", "slideset": "Slideset: "}


def paragraph(item: Item) -> str:
    """One paragraph's markup. Built in Python rather than a template macro because a big
    log has a hundred thousand of them; every user string still goes through ``escape`` or
    ``to_html``."""
    if item.kind == "anchor":
        return f"<span id={escape(item.id)}></span>\n"
    if item.kind == "verbatim":
        body = escape("\n".join(s.text for s in item.segments))
        return f"<pre id={item.id} class=verbatim>{body}</pre>\n"
    first, *rest = item.segments
    out = [f"<p id={item.id} {_css(item)}>{_lead(item)}{_inline(item, first.text)}"]
    for seg in rest:
        if seg.id:
            out.append(f"<br>\n<span id={seg.id}>… {_inline(item, seg.text)}</span>")
        else:
            out.append(f" {_inline(item, seg.text)}")
    out.append("</p>\n")
    return "".join(out)


def _has_math(m: Minutes) -> bool:
    """Whether MathJax is needed: a formula in a heading or a paragraph (with -emphasis)."""
    texts = [t.title for t in m.topics] + [s.text for i in m.items() for s in i.segments]
    math = Context(emphasis=True)
    return any(t.kind == "math" for text in texts if "$" in text for t in tokenize(text, math))


def paragraphs(items: Sequence[Item]) -> Markup:
    return Markup("".join([paragraph(i) for i in items]))


def _css(item: Item) -> str:
    return f'class="phone {item.css}"' if item.kind == "speaker" else _CSS[item.kind] or ""


def _lead(item: Item) -> str:
    if item.kind == "speaker":
        return f"<cite>{escape(item.speaker)}:</cite> "
    if item.kind in ("irc", "bot"):
        return f"<cite>&lt;{escape(item.speaker)}&gt;</cite> "
    return _LEAD.get(item.kind, "")


def render_html(m: Minutes, opts: Options) -> str:
    """The whole document as one string."""
    return "".join(html_chunks(m, opts))


def html_chunks(m: Minutes, opts: Options) -> Iterator[str]:
    """The document in pieces, so a big one can be written without being held whole."""
    links = [(url, f"{title}.", title, icon) for url, title, icon in (
        (m.agenda_url, "Agenda", "chronometer.png"), (m.log_url, "IRC log", "text-plain.png"),
        (m.previous_url, "Previous meeting", "left.png"), (m.next_url, "Next meeting", "right.png"),
        (m.recording_url, "Recording", "video.png")) if _web_url(url)]
    summaries = [(n, t, i) for n, t, i in (("ActionSummary", "Summary of action items", m.actions),
                                           ("ResolutionSummary", "Summary of resolutions",
                                            m.resolutions), ("IssueSummary", "Summary of issues",
                                                             m.issues)) if i]
    logo = (LOGO if opts.logo is None else opts.logo) if not opts.fancy or opts.logo else ""
    return _ENV.get_template("scribe.html.j2").generate(
        m=m, has_math=opts.emphasis and _has_math(m), draft=opts.draft,
        collapse=opts.collapse_limit, styles=styles(opts), links=links,
        summaries=summaries,
        logo=Markup(logo), mathjax=_web_url(opts.mathjax) or MATHJAX,
        islide=_web_url(opts.islide) or ISLIDE,
        diagnostics=m.diagnostics if opts.embed_diagnostics else (), version=version(),
        heading=lambda s, links: _heading(s, links, m.recording_url),
        paragraphs=paragraphs,
        summary=lambda item: Markup(to_html(item.text, item.ctx, links=False)),
    )
