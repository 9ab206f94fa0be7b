"""Text inside a paragraph: links, ``->`` anchors, GitHub references and ASCII emphasis.

``tokenize`` turns a line into tokens once; the HTML and Markdown renderers print them. Only
http(s) and mailto URLs ever become links, so ``javascript:`` and friends stay text. Escaping
follows scribe.perl (``&``, ``<``, ``>`` and ``"``; an apostrophe stays as it is) because the
paragraph ids of continuation lines hash the escaped text.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

URL = r"(?:https?://|mailto:)[^\s<>\"]+"
_URL = re.compile(URL, re.I)
_WBR = re.compile(r"(?<=/)(?=[A-Za-z0-9])")
_QUOTED = r"(?:\"(?P<dq>[^\"]+)\"|'(?P<sq>[^']+)')"
# Ralph: "-> URL anchor", inverted Xueyuan: "URL -> anchor", Ivan: "-> anchor URL",
# Xueyuan: "anchor -> URL", Markdown: "[anchor](URL)". "-->" makes an image instead.
_RALPH = re.compile(rf"(?P<pre>(?:^|.*?\s))(?P<arrow>--?>)\s+(?P<url>{URL})\s+"
                    rf"(?:{_QUOTED}(?P<post>.*)|(?P<rest>\S.*))", re.I)
_INVERTED = re.compile(rf"(?P<pre>(?:^|.*?\s))(?P<url>{URL})\s+(?P<arrow>--?>)\s+"
                       rf"(?:{_QUOTED}(?P<post>.*)|(?P<rest>\S.*))", re.I)
_IVAN = re.compile(rf"(?P<pre>(?:^|.*?\s))(?P<arrow>--?>)\s+(?P<rest>\S.*?)\s+(?P<url>{URL})"
                   rf"(?P<post>(?:\s.*)?)", re.I)
_XUEYUAN = re.compile(rf"(?P<rest>\S.*?)\s+(?P<arrow>--?>)\s+(?P<url>{URL})\s*", re.I)
_MARKDOWN = re.compile(rf"(?P<bang>!?)\[(?P<label>[^\]\n]+)\]\((?P<url>{URL})\)", re.I)
_ISSUE = re.compile(r"(?<![\w/#.-])(?:(?P<owner>[A-Za-z0-9][\w.-]*)/)?(?P<repo>[A-Za-z][\w.-]*)?"
                    r"#(?P<num>\d+)\b")
# the body is bounded so a long line costs linear time, never quadratic backtracking
EMPHASIS = re.compile(r"(?<!\S)(?P<m>[_/*`])(?P<body>[^\s`](?:[^`]{0,300}?[^\s`])??)(?P=m)(?!\S)")
SYMBOLS = (("<==", "⟸"), ("==>", "⟹"), ("<--", "⟵"), ("-->", "⟶"), ("<-", "←"),
            ("<=", "⇐"), ("=>", "⇒"), ("->", "→"), (":-)", "☺"), (";-)", "😉︎"),
            (":-(", "☹"), (":-/", "😕︎"), (",-)", "😜︎"), ("\\o/", "🙌︎"))
SYMBOL = re.compile("|".join(re.escape(a) for a, _ in SYMBOLS))
SYMBOL_TABLE = dict(SYMBOLS)
_TAGS = {"_": "u", "/": "em", "*": "strong", "`": "code"}
_MATH = re.compile(r"(?<!\\)\$\$(?P<display>[^$]+)\$\$|(?<!\\)\$(?P<inline>[^$]+)\$")


def escape(text: str) -> str:
    """scribe.perl's escaping."""
    if "&" not in text and "<" not in text and ">" not in text and '"' not in text:
        return text
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


@dataclass(frozen=True)
class Token:
    """``kind``: text, url (bare link), link (with anchor text), image, or issue."""

    kind: str
    text: str
    url: str = ""


@dataclass(frozen=True)
class Context:
    """What inline rendering depends on besides the text."""

    url_display: str = "break"
    emphasis: bool = False
    github_issues: bool = True
    repos: tuple[str, ...] = ()  # defined repositories, as full URLs, the latest last


_PLAIN = Context()


def _anchor(m: re.Match[str]) -> list[Token] | None:
    groups = m.groupdict()
    label = groups.get("dq") or groups.get("sq") or groups.get("rest") or ""
    kind = "image" if m["arrow"] == "-->" else "link"
    pre, post = groups.get("pre") or "", groups.get("post") or ""
    if not label.strip():
        return None
    return [*([Token("text", pre)] if pre else []), Token(kind, label.strip(), m["url"]),
            *([Token("text", post)] if post else [])]


def _links(text: str) -> list[Token]:
    """The one ``->`` form a line may have, else Markdown links, else bare URLs."""
    if ":" not in text:  # every URL form has a scheme
        return [Token("text", text)]
    if "->" in text:
        for pattern in (_RALPH, _INVERTED, _IVAN, _XUEYUAN):
            if (m := pattern.fullmatch(text)) and (found := _anchor(m)):
                return found
    out: list[Token] = []
    pos = 0
    for m in _MARKDOWN.finditer(text):
        out += _bare(text[pos:m.start()])
        out.append(Token("image" if m["bang"] else "link", m["label"], m["url"]))
        pos = m.end()
    return out + _bare(text[pos:])


def _bare(text: str) -> list[Token]:
    out, pos = [], 0
    for m in _URL.finditer(text):
        if m.start() > pos:
            out.append(Token("text", text[pos:m.start()]))
        out.append(Token("url", m[0], m[0]))
        pos = m.end()
    if pos < len(text):
        out.append(Token("text", text[pos:]))
    return out


def issue_url(m: re.Match[str], repos: Sequence[str]) -> str | None:
    """scribe.perl's rule: ``#N`` is in the latest repo, ``name#N`` in the latest repo of that
    name or else under the latest owner, ``owner/name#N`` on GitHub."""
    owner, repo, num = m["owner"], m["repo"], m["num"]
    if owner and repo:
        return f"https://github.com/{owner}/{repo}/issues/{num}"
    if repo is None:
        return f"{repos[-1]}/issues/{num}" if repos else None
    for url in reversed(repos):
        if url.rsplit("/", 1)[-1].lower() == repo.lower():
            return f"{url}/issues/{num}"
    base = repos[-1].rsplit("/", 1)[0] if repos else "https://github.com/w3c"
    return f"{base}/{repo}/issues/{num}"


def _split(tokens: list[Token], needle: str, pattern: re.Pattern[str],
           make: Callable[[re.Match[str]], Token | None]) -> list[Token]:
    """Cut the text tokens that contain ``needle`` at ``pattern``'s matches, each turned into
    the token ``make`` returns (None leaves the match as text)."""
    out: list[Token] = []
    for t in tokens:
        if t.kind != "text" or needle not in t.text:
            out.append(t)
            continue
        pos = 0
        for m in pattern.finditer(t.text):
            if (made := make(m)) is None:
                continue
            if m.start() > pos:
                out.append(Token("text", t.text[pos:m.start()]))
            out.append(made)
            pos = m.end()
        if pos < len(t.text):
            out.append(Token("text", t.text[pos:]))
    return out


def _issue_token(m: re.Match[str], repos: Sequence[str]) -> Token | None:
    url = issue_url(m, repos)
    return Token("issue", m[0], url) if url else None


def _math_token(m: re.Match[str]) -> Token:
    return Token("math", m["display"] or m["inline"], "block" if m["display"] else "")


def tokenize(text: str, ctx: Context = _PLAIN) -> list[Token]:
    tokens = _links(text)
    if ctx.github_issues and "#" in text:
        tokens = _split(tokens, "#", _ISSUE, lambda m: _issue_token(m, ctx.repos))
    if ctx.emphasis and "$" in text:
        tokens = _split(tokens, "$", _MATH, _math_token)
    return tokens


_MATHML_TAGS = frozenset((
    "math", "mrow", "mi", "mo", "mn", "ms", "mtext", "mspace", "msqrt", "mroot", "mfrac", "msub",
    "msup", "msubsup", "munder", "mover", "munderover", "mtable", "mtr", "mtd", "mstyle",
    "merror", "mpadded", "mphantom", "menclose", "semantics", "annotation", "annotation-xml",
    "mmultiscripts", "mprescripts", "none"))


def _safe_mathml(markup: str) -> bool:
    """Only MathML elements, and no attribute that links or runs anything."""
    tags = {t.lower() for t in re.findall(r"</?([A-Za-z][\w:-]*)", markup)}
    return tags <= _MATHML_TAGS and not re.search(r"\s(?:on\w+|href|src|xlink:\w+)\s*=", markup,
                                                   re.I)


@lru_cache(maxsize=256)
def mathml(tex: str, display: bool) -> str | None:
    """MathML from ``latexmlmath`` (Debian's latexml) as scribe.perl does; None without it."""
    program = shutil.which("latexmlmath")
    if program is None:
        return None
    try:
        done = subprocess.run([program, "--quiet", "--", tex], capture_output=True, text=True,
                              timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0 or "<math" not in done.stdout:
        return None
    out = done.stdout
    if not _safe_mathml(out):
        return None
    return out if display else out.replace('display="block"', 'display="inline"', 1)


def _display(url: str, how: str) -> str:
    if how == "full":
        return escape(url)
    if how == "shorten" and len(url) > 40:
        return escape(url[:20]) + "…" + escape(url[-15:])
    return "<wbr>".join(escape(part) for part in _WBR.split(url))


def _text_html(text: str, ctx: Context) -> str:
    if not ctx.emphasis:
        return escape(text)
    # arrows and smileys are matched before escaping, so "<-" is seen as typed
    pos, out = 0, []
    for m in SYMBOL.finditer(text):
        out.append(_emphasis_escaped(text[pos:m.start()]))
        out.append(SYMBOL_TABLE[m[0]])
        pos = m.end()
    out.append(_emphasis_escaped(text[pos:]))
    return "".join(out)


def _emphasis_escaped(text: str) -> str:
    def tag(m: re.Match[str]) -> str:
        name = _TAGS[m["m"]]
        return f"<{name}>{_emphasis_escaped(m['body'])}</{name}>"
    pos, out = 0, []
    for m in EMPHASIS.finditer(text):
        out.append(escape(text[pos:m.start()]))
        out.append(tag(m))
        pos = m.end()
    out.append(escape(text[pos:]))
    return "".join(out)


def to_html(text: str, ctx: Context = _PLAIN, links: bool = True) -> str:
    """The paragraph markup for ``text``; ``links=False`` for headings in the table of contents
    and summaries, where an ``<a>`` cannot nest."""
    if ":" not in text and "#" not in text and not ctx.emphasis:
        return escape(text)  # the common case: nothing to link or highlight
    out = []
    for t in tokenize(text, ctx):
        if t.kind == "text":
            out.append(_text_html(t.text, ctx))
        elif t.kind == "url":
            shown = _display(t.url, ctx.url_display)
            out.append(f'<a href="{escape(t.url)}">{shown}</a>' if links else shown)
        elif t.kind == "math":
            rendered = mathml(t.text, bool(t.url))
            dollars = "$$" if t.url else "$"
            out.append(rendered if rendered else escape(f"{dollars}{t.text}{dollars}"))
        elif t.kind == "image":
            out.append(f'<img src="{escape(t.url)}" alt="{escape(t.text)}">')
        else:
            label = escape(t.text)
            out.append(f'<a href="{escape(t.url)}">{label}</a>' if links else label)
    return "".join(out)
