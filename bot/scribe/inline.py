"""Text inside a paragraph: links, ``->`` anchors, GitHub references, emphasis and formulas.

The HTML of a text is scribe.perl's, character for character, because W3C's tools and readers
compare minutes with what scribe.perl makes:

- Links are found one URL at a time, left to right. What stands around each URL says what it
  is: ``-> URL anchor`` (Ralph), ``anchor -> URL`` (Xueyuan), ``-> anchor URL`` (Ivan),
  ``URL -> anchor`` (inverted Xueyuan), ``[anchor](URL)`` and ``![alt](URL)`` (Markdown), or a
  bare URL. ``-->`` instead of ``->`` embeds an image. A URL is anything with a scheme
  (``ftp://``, ``mailto:x@y``, ``urn:…``, ``geo:…``), except ``javascript:``, ``vbscript:`` and
  ``data:``, which stay text (scribe.perl links them: a deliberate difference).
- The text between the links gets its GitHub references linked (``#12``, ``repo#12``,
  ``owner/repo#12``, resolved against the repositories defined so far), then is escaped
  (``&<>"``) and, with -emphasis, gets arrows, smileys, ``*strong*``, ``/em/``, ``_u_``,
  ```code``` and ``$math$`` (MathML from latexmlmath).
- A displayed URL is shortened or made breakable (``<wbr>``) as -urlDisplay says; GitHub
  repositories, issues and pull requests are shown as ``owner/<wbr>repo#12``.

Character classes are Perl's (``\\s``, ``\\w``, ``\\p{P}`` under Unicode rules), which differ
from Python's for a few invisible and numeric characters.

``tokenize`` exposes the same analysis as tokens for the Markdown and JSON renderers.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from bot.scribe.lazyre import lazy
from bot.scribe.perlchars import SPACE as _SPACE
from bot.scribe.perlchars import SPACES as _SPACES
from bot.scribe.perlchars import is_word

# What the engine and the other renderers call a URL: only these may become links there.
URL = r"(?:https?://|mailto:)[^\s<>\"]+"
_URL = lazy(URL, re.I)

# ---- Perl's character classes: bot/scribe/perlchars.py ------------------------------


@lru_cache(maxsize=4096)
def _is_edge(ch: str) -> bool:
    """What may stand next to an emphasis mark: Perl's ``\\s`` or ``\\p{P}``."""
    return ch in _SPACES or unicodedata.category(ch)[0] == "P"


def _ci(word: str) -> str:
    """A literal matched as Perl's ``/i`` does (which, unlike Python's, folds no dotless i)."""
    return "".join(f"[{c}{c.upper()}]" if c.isalpha() else re.escape(c) for c in word)


# ---- URLs ------------------------------------------------------------------------------------

_LETTER = "A-Za-z\u017f\u212a"  # [a-z] under Perl's /i: also the long s and the Kelvin sign
_SCHEME = (rf"(?:[{_LETTER}]+://|{_ci('mailto')}:[^{_SPACE}<@]+@|{_ci('geo')}:[0-9.]|"
           rf"{_ci('urn')}:[{_LETTER}0-9-]+:)")
_URL_END = f"{_SPACE}<>\"‘’“”«»‹›"
# After "(" a URL stops before ")", so that "[text](URL)" works; elsewhere ")" belongs to it.
PERL_URL = rf"(?:(?<!\(){_SCHEME}[^{_URL_END}]+|{_SCHEME}[^{_URL_END})]+)"
_PERL_URL = lazy(PERL_URL)
UNSAFE_SCHEMES = frozenset(("javascript", "vbscript", "data"))
# What every URL has: a quick test that spares most texts the search for URLs
_URL_HINT = lazy(r"://|(?:mailto|geo|urn):", re.I)


# ---- escaping, symbols, emphasis, formulas ---------------------------------------------------


def escape(text: str) -> str:
    """scribe.perl's escaping: ``&``, ``<``, ``>`` and ``"`` (an apostrophe stays)."""
    if "&" not in text and "<" not in text and ">" not in text and '"' not in text:
        return text
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


# Arrows and smileys as typed, for the Markdown renderer.
SYMBOLS = (("<==", "⟸"), ("==>", "⟹"), ("<--", "⟵"), ("-->", "⟶"), ("<-", "←"),
           ("<=", "⇐"), ("=>", "⇒"), ("->", "→"), (":-)", "☺"), (";-)", "😉︎"),
           (":-(", "☹"), (":-/", "😕︎"), (",-)", "😜︎"), ("\\o/", "🙌︎"))
SYMBOL = lazy("|".join(re.escape(a) for a, _ in SYMBOLS))
SYMBOL_TABLE = dict(SYMBOLS)
# The ASCII emphasis the Markdown renderer recognises (bounded: linear on long lines).
EMPHASIS = lazy(r"(?<!\S)(?P<m>[_/*`])(?P<body>[^\s`](?:[^`]{0,300}?[^\s`])??)(?P=m)(?!\S)")

# The same symbols in escaped HTML, replaced in this order (a longer arrow first, and an
# arrow that continues a longer run of "-" or "=" stays).
_SMILEYS = ((":-)", "☺"), (";-)", "😉\ufe0e"), (":-(", "☹"), (":-/", "😕\ufe0e"),
            (",-)", "😜\ufe0e"), ("\\o/", "🙌\ufe0e"))
_ARROWS = ((lazy(r"(^|[^-])--&gt;"), r"\1⟶"), (lazy(r"(^|[^-])-&gt;"), r"\1→"),
           (lazy(r"(^|[^=])==&gt;"), r"\1⟹"), (lazy(r"(^|[^=])=&gt;"), r"\1⇒"),
           (lazy(r"&lt;--(?!-)"), "⟵"), (lazy(r"&lt;-(?!-)"), "←"),
           (lazy(r"&lt;==(?!=)"), "⟸"), (lazy(r"&lt;=(?!=)"), "⇐"))
_TAGS = {"_": "u", "/": "em", "*": "strong", "`": "code"}
_MARK = lazy(r"[_/*`]")
_EMPHASIS_HINT = lazy(r"[-=_/*`$\\]")  # no symbol, mark or formula without one of these
_XML_DECLARATION = lazy(r"<\?xml[^>]*\?>\n?")


def _symbols(s: str) -> str:
    for typed, shown in _SMILEYS:
        if typed in s:
            s = s.replace(typed, shown)
    if "&gt;" in s or "&lt;" in s:
        for pattern, shown in _ARROWS:
            s = pattern.sub(shown, s)
    return s


class _Marks:
    r"""Where emphasis and formulas may be in one escaped text, found once so that splitting
    the text again and again (as the rules do) stays linear.

    The rules, applied to a piece of the text: its first emphasis (an opening mark at the start
    or after a blank or punctuation, then the nearest same mark at least one character later
    that is followed by a blank, punctuation or the piece's end) splits it, and the parts
    before, inside and after are pieces too. A piece without emphasis is split at its first
    ``$$…$$`` (not after a backslash, unless at the piece's start), else at its first ``$…$``,
    else at its first ``\$``, which shows as "$"."""

    def __init__(self, s: str) -> None:
        self.s = s
        n = len(s)
        # per mark: the positions where it could close a piece that goes on after it
        self.closers: dict[str, list[int]] = {c: [] for c in _TAGS}
        self.openers: list[int] = []
        for m in _MARK.finditer(s):
            i = m.start()
            if i + 1 < n and _is_edge(s[i + 1]):
                self.closers[s[i]].append(i)
            if i == 0 or _is_edge(s[i - 1]):
                self.openers.append(i)
        self.dollars = "$" in s
        if self.dollars:
            self.display = self._formulas(2)
            self.inline = self._formulas(1)

    def _formulas(self, width: int) -> tuple[list[tuple[int, int]], dict[int, int]]:
        """The ``$…$`` (width 1) or ``$$…$$`` (2) not after a backslash, as (start, end), and
        the ends of all by their starts. Ends grow with starts."""
        s, good, every = self.s, [], {}
        fence = "$" * width
        d = s.find("$")
        while d >= 0:
            if s.startswith(fence, d) and d + width < len(s) and s[d + width] != "$":
                e = s.find("$", d + width)
                if e >= 0 and s.startswith(fence, e):
                    every[d] = e + width
                    if d == 0 or s[d - 1] != "\\":
                        good.append((d, e + width))
            d = s.find("$", d + 1)
        return good, every

    def _openers(self, lo: int) -> Iterator[int]:
        """The marks that may open emphasis in a piece starting at ``lo``, in order."""
        at = bisect_left(self.openers, lo)
        if self.s[lo] in _TAGS and (at == len(self.openers) or self.openers[at] != lo):
            yield lo  # the piece's start has nothing before it
        for k in range(at, len(self.openers)):
            yield self.openers[k]

    def emphasis(self, lo: int, hi: int) -> tuple[int, int] | None:
        """The first emphasis of the piece ``s[lo:hi]``: (opening, closing). Linear: a mark
        that finds no partner rules out every later opening with that mark."""
        s = self.s
        hopeless: set[str] = set()
        for i in self._openers(lo):
            if i >= hi:
                break
            c = s[i]
            if c in hopeless:
                continue
            closers = self.closers[c]
            k = bisect_left(closers, i + 2)
            if k < len(closers) and closers[k] < hi - 1:
                return i, closers[k]
            if hi - 1 >= i + 2 and s[hi - 1] == c:
                return i, hi - 1
            hopeless.add(c)
            if len(hopeless) == len(_TAGS):
                break
        return None

    def formula(self, lo: int, hi: int) -> tuple[int, int] | None:
        """The first ``$$…$$``, else ``$…$``, of a piece without emphasis."""
        for good, every in (self.display, self.inline):
            if lo in every:
                end = every[lo]
                if end <= hi:
                    return lo, end
                continue  # later ones end later still
            k = bisect_left(good, (lo, -1))
            if k < len(good) and good[k][1] <= hi:
                return good[k]
        return None


def _emphasised(s: str, formulas: list[tuple[str, bool]] | None) -> str:
    """Emphasis and formulas in escaped text, by the rules of ``_Marks``."""
    marks = _Marks(s)
    out: list[str] = []
    work: list[tuple[int, int] | str] = [(0, len(s))]
    while work:
        item = work.pop()
        if isinstance(item, str):
            out.append(item)
            continue
        lo, hi = item
        if lo >= hi:
            continue
        if found := marks.emphasis(lo, hi):
            i, j = found
            tag = _TAGS[s[i]]
            work += [(j + 1, hi), f"</{tag}>", (i + 1, j), f"<{tag}>", (lo, i)]
        elif not marks.dollars or s.find("$", lo, hi) < 0:
            out.append(s[lo:hi])
        elif math := marks.formula(lo, hi):
            work += [(math[1], hi), _formula(s[math[0]:math[1]], formulas), (lo, math[0])]
        elif (k := s.find("\\$", lo, hi)) >= 0:
            work += [(k + 2, hi), "$", (lo, k)]
        else:
            out.append(s[lo:hi])
    return "".join(out)


def _text_html(text: str, emphasis: bool, formulas: list[tuple[str, bool]] | None = None) -> str:
    """Escaped text, with -emphasis's symbols, highlighting and formulas when asked."""
    s = escape(text)
    if not emphasis or not _EMPHASIS_HINT.search(s):
        return s
    return _emphasised(_symbols(s), formulas)


# Formulas that would make latexmlmath read or write files, or build a command that does
# (by character codes, \csname or re-reading text): never run. scribe.perl runs them, so
# "$\input{/etc/passwd}$" puts that file in the minutes.
_UNSAFE_TEX = lazy(r"\^\^|\\[A-Za-z@]*(?:input|include|open|read|write|csname|catcode|"
                   r"scantokens|package|documentclass|loadclass|exists|special|"
                   r"bibliography|jobname|endlinechar|escapechar|immediate|shipout)", re.I)
_MATHML_TAGS = frozenset((
    "math", "mrow", "mi", "mo", "mn", "ms", "mtext", "mspace", "msqrt", "mroot", "mfrac", "msub",
    "msup", "msubsup", "munder", "mover", "munderover", "mtable", "mtr", "mtd", "mstyle",
    "merror", "mpadded", "mphantom", "menclose", "semantics", "annotation", "annotation-xml",
    "mmultiscripts", "mprescripts", "none", "mlabeledtr", "maligngroup", "malignmark"))


def _safe_mathml(markup: str) -> bool:
    """Only MathML elements, and no attribute that links or runs anything."""
    tags = {t.lower() for t in re.findall(r"</?([A-Za-z][\w:-]*)", markup)}
    return tags <= _MATHML_TAGS and not re.search(r"\s(?:on\w+|href|src|xlink:\w+)\s*=", markup,
                                                   re.I)


@lru_cache(maxsize=512)
def latexmlmath(formula: str) -> str | None:
    """MathML for ``formula`` (escaped text with its dollars, as scribe.perl passes it), or
    None when latexmlmath is missing, fails, takes over 30 s, or the formula or its result is
    unsafe."""
    program = shutil.which("latexmlmath")
    if program is None or _UNSAFE_TEX.search(formula):
        return None
    try:
        done = subprocess.run([program, formula], capture_output=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    out = _XML_DECLARATION.sub("", done.stdout.decode("utf-8", "replace"), count=1)
    if done.returncode != 0 or not _safe_mathml(out):
        return None
    return out


def _formula(source: str, formulas: list[tuple[str, bool]] | None) -> str:
    converted = latexmlmath(source)
    if formulas is not None:
        formulas.append((source, converted is not None))
    return source if converted is None else converted


def mathml(tex: str, display: bool) -> str | None:
    """The MathML of a formula as typed (without its dollars), or None."""
    dollars = "$$" if display else "$"
    return latexmlmath(f"{dollars}{escape(tex)}{dollars}")


# ---- how a URL is shown ----------------------------------------------------------------------

_GITHUB_REPO = lazy(r"https://github.com/([^/]+)/([^/]+)/?\Z")
_GITHUB_ISSUE = lazy(r"https://github.com/([^/]+)/([^/]+)/(?:issues|pull)/([0-9]+)\Z")
_GITHUB_COMMENT = lazy(r"https://github.com/([^/]+)/([^/]+)/(?:issues|pull)/([0-9]+)"
                       r"#issuecomment-")
_SLASH = lazy(r"/(?=(.))")
_UNIT = lazy(r"&[^;]+;|[^&]")


def _display(url: str, how: str) -> str:
    """An escaped URL as shown: GitHub's as ``owner/<wbr>repo#N``; others made breakable after
    each "/" that precedes a word character (-urlDisplay break), cut to their first 5 and last
    6 characters (shorten), or whole (full, and any other value)."""
    if url.startswith("https://github"):
        if m := _GITHUB_REPO.match(url):
            return f"{m[1]}/<wbr>{m[2]}"
        if m := _GITHUB_ISSUE.match(url):
            return f"{m[1]}/<wbr>{m[2]}#{m[3]}"
        if m := _GITHUB_COMMENT.match(url):
            return f"{m[1]}/<wbr>{m[2]}#{m[3]} (comment)"
    if how == "break":
        return _SLASH.sub(lambda m: "/<wbr>" if is_word(m[1]) else "/", url)
    if how == "shorten":
        units = _UNIT.findall(url)
        if len(units) >= 11 and len("".join(units)) == len(url):
            return "".join(units[:5]) + "…" + "".join(units[-6:])
    return url


# ---- the analysis --------------------------------------------------------------------------


@dataclass(frozen=True)
class Token:
    """``kind``: text, url (bare link), link (with anchor text), image, issue, or math (only
    from ``tokenize``). ``plain`` text gets no emphasis; ``issues`` text may hold references."""

    kind: str
    text: str
    url: str = ""
    plain: bool = False
    issues: bool = False


@dataclass(frozen=True)
class Context:
    """What inline rendering depends on besides the text. ``emphasis`` is whether this text is
    highlighted; anchor texts follow the -emphasis option itself (``anchor_emphasis``, by
    default the same), even in the kinds of paragraph scribe.perl does not highlight."""

    url_display: str = "break"
    emphasis: bool = False
    github_issues: bool = True
    repos: tuple[str, ...] = ()  # defined repositories, as full URLs, the latest last
    anchor_emphasis: bool | None = None  # None: the same as ``emphasis``

    def __post_init__(self) -> None:
        # fixed now, so that replace(ctx, emphasis=False) keeps the anchors' highlighting
        if self.anchor_emphasis is None:
            object.__setattr__(self, "anchor_emphasis", self.emphasis)

    def plain(self) -> Context:
        """The context of a paragraph kind without highlighting (bot lines, commands…)."""
        return replace(self, emphasis=False) if self.emphasis else self

    @property
    def anchors_emphasised(self) -> bool:
        return bool(self.anchor_emphasis)


_PLAIN = Context()


def _text(s: str, issues: bool = True, plain: bool = False) -> list[Token]:
    return [Token("text", s, plain=plain, issues=issues)] if s else []


def _target(arrow: str, url: str, anchor: str) -> Token:
    if arrow == "-->":
        return Token("image", anchor, url)
    return Token("link", anchor, url) if anchor else Token("url", url, url)


def _trailing_arrow(pre: str) -> tuple[str, str] | None:
    """``pre`` ends with "->" or "-->" and spaces: (the arrow, what comes before it)."""
    head = pre.rstrip(" ")
    if head.endswith("-->"):
        return "-->", head[:-3]
    if head.endswith("->"):
        return "->", head[:-2]
    return None


_BLANKS = lazy(" *")


def _anchor_after(s: str, p: int, quotes_too: bool) -> tuple[str, int] | None:
    """The anchor text at ``s[p:]`` (after spaces): quoted in "…" or '…' (without a line break
    inside), or the rest of the line less its final spaces (which must not start with a quote
    unless ``quotes_too``). Returns (anchor, where what follows starts)."""
    start = _BLANKS.match(s, p).end()  # type: ignore[union-attr]  # " *" always matches
    if start == len(s):
        return None
    first = s[start]
    if first in "\"'":
        close = s.find(first, start + 1)
        if close >= 0 and s.find("\t", start + 1, close) < 0:
            return s[start + 1:close], close + 1
        if not quotes_too:
            return None
    if first == "\t":
        return None
    tab = s.find("\t", start)
    if tab >= 0:
        return s[start:tab].rstrip(" "), tab
    # the last line: Perl's "$" matches before a final newline (a verbatim line's), which goes
    anchor = (s[start:-1] if s.endswith("\n") else s[start:]).rstrip(" ")
    return (anchor, len(s)) if anchor else None


def _arrow_after(s: str, p: int) -> tuple[str, int] | None:
    """``s[p:]`` starts with spaces and "->" or "-->": (the arrow, where what follows starts)."""
    start = _BLANKS.match(s, p).end()  # type: ignore[union-attr]
    for arrow in ("-->", "->"):
        if s.startswith(arrow, start):
            return arrow, _BLANKS.match(s, start + len(arrow)).end()  # type: ignore[union-attr]
    return None


def _markdown_label(pre: str, image: bool) -> tuple[str, int] | None:
    """``pre`` ends with "[label](" (``image``: "![label]("): (the label, where it starts)."""
    if not pre.endswith("]("):
        return None
    body = pre[:-2]
    opener = "![" if image else "["
    start = body.find(opener, body.rfind("]") + 1)
    if start < 0 or start + len(opener) >= len(body):
        return None
    return body[start + len(opener):], start


def _next_url(s: str, pos: int) -> re.Match[str] | None:
    """The first URL at or after ``pos`` that may become a link: scripts and inline data never
    do (they stay text)."""
    while m := _PERL_URL.search(s, pos):
        if m[0].split(":", 1)[0].lower() not in UNSAFE_SCHEMES:
            return m
        pos = m.end()
    return None


def _link_tokens(s: str) -> list[Token]:
    """The text cut at its URLs, each with the anchor text the conventions give it. Each URL
    is judged by what comes between the previous link and it (``pre``) and after it."""
    if not _URL_HINT.search(s):
        return _text(s)
    out: list[Token] = []
    cur = 0
    while m := _next_url(s, cur):
        pre, url, post = s[cur:m.start()], m[0], m.end()
        if found := _trailing_arrow(pre):  # Ralph, Xueyuan, or no anchor text
            arrow, pre = found
            if after := _anchor_after(s, post, quotes_too=False):
                out += [*_text(pre), _target(arrow, url, after[0])]
                cur = after[1]
                continue
            tab = pre.rfind("\t") + 1
            anchor = pre[tab:].strip(" ")
            if anchor:
                out += [*_text(pre[:tab]), _target(arrow, url, anchor)]
            else:
                out += [*_text(pre), _target(arrow, url, "")]
            cur = post
        elif (at := pre.find("->")) >= 0:  # Ivan: the first arrow, then the anchor text
            start = at - 1 if at and pre[at - 1] == "-" else at
            arrow = pre[start:at + 2]
            out += [*_text(pre[:start]), _target(arrow, url, pre[at + 2:].strip(" "))]
            cur = post
        elif inverted := _arrow_after(s, post):  # inverted Xueyuan
            arrow, end = inverted
            after = _anchor_after(s, end, quotes_too=True)
            anchor, cur = after if after else ("", end)
            out += [*_text(pre), _target(arrow, url, anchor)]
        elif s.startswith(")", post) and (label := _markdown_label(pre, image=True)):
            out += [*_text(pre[:label[1]], issues=False, plain=True),
                    Token("image", label[0], url)]
            cur = post + 1
        elif s.startswith(")", post) and (label := _markdown_label(pre, image=False)):
            out += [*_text(pre[:label[1]], issues=False), _target("->", url, label[0])]
            cur = post + 1
        else:
            out += [*_text(pre), Token("url", url, url)]
            cur = post
    # scribe.perl's "(.*)$" after a URL stops before a final newline (a verbatim line's): it goes
    tail = s[cur:-1] if out and s.endswith("\n") else s[cur:]
    return out + _text(tail)


_REPO_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-"
                        "\u017f\u212a")
_REPO_NAME = lazy(r"(?:([a-z]+://(?:[^/?#]*/)*?)?([^/?#]+/)?([^/?#]+))/?\Z", re.I)


@lru_cache(maxsize=1024)  # a meeting names a few repositories, in every other line
def repository_url(name: str, repos: tuple[str, ...]) -> str | None:
    """A repository name as a full URL, as scribe.perl expands it: a missing base and owner
    come from the latest repository (``repos[-1]``), else https://github.com/ and w3c. An
    empty name, and "0" (false in Perl), is the latest repository, if any."""
    if not name or name == "0":
        return repos[-1] if repos else None
    m = _REPO_NAME.match(name)
    if m is None:
        return None
    base, owner, repo = m[1], m[2] or "", m[3]
    if base:
        return f"{base}{owner}{repo}"
    if owner:
        return (re.sub(r"[^/]+/[^/]+\Z", lambda _: owner + repo, repos[-1], count=1) if repos
                else f"https://github.com/{owner}{repo}")
    if not repos:
        return f"https://github.com/w3c/{repo}"
    return re.sub(r"[^/]+\Z", lambda _: repo, repos[-1], count=1)


def _reference_start(s: str, cur: int, h: int) -> int | None:
    """Where the reference whose "#" is at ``h`` starts: at the earliest of "owner/repo#",
    "repo#" or "#" that follows the start (``cur``) or a non-word character."""
    name = h
    while name > cur and s[name - 1] in _REPO_CHARS:
        name -= 1
    owner = name - 1
    if name < h and owner > cur and s[owner] == "/":
        while owner > cur and s[owner - 1] in _REPO_CHARS:
            owner -= 1
        for q in range(owner, name - 1):
            if q == cur or not is_word(s[q - 1]):
                return q
    for q in range(name, h + 1):
        if q == cur or not is_word(s[q - 1]):
            return q
    return None


def _issue_tokens(s: str, ctx: Context, emphasis_ok: bool) -> list[Token]:
    """``#N``, ``repo#N`` and ``owner/repo#N`` (ending before a non-word character) linked to
    the issue in that repository; a reference with no repository to go to stays as typed."""
    out: list[Token] = []
    cur = 0
    h = s.find("#")
    while h >= 0:
        end = h + 1
        while end < len(s) and "0" <= s[end] <= "9":
            end += 1
        q = _reference_start(s, cur, h) if end > h + 1 and (
            end == len(s) or not is_word(s[end])) else None
        if q is None:
            h = s.find("#", h + 1)
            continue
        repo, number = s[q:h], s[h + 1:end]
        out += _text(s[cur:q], plain=not emphasis_ok)
        url = repository_url(repo, ctx.repos)
        out.append(Token("issue", s[q:end], f"{url}/issues/{number}") if url
                   else Token("text", s[q:end], plain=True))
        cur = end
        h = s.find("#", cur)
    return out + _text(s[cur:], plain=not emphasis_ok)


def _analyse(text: str, ctx: Context, links: bool) -> list[Token]:
    """The text's tokens as scribe.perl sees them (issue references only where links are)."""
    out: list[Token] = []
    tokens = _link_tokens(text) if ":" in text else _text(text)
    for t in tokens:
        if t.kind == "text" and t.issues and links and ctx.github_issues and "#" in t.text:
            out += _issue_tokens(t.text, ctx, not t.plain)
        else:
            out.append(t)
    return out


def to_html(text: str, ctx: Context = _PLAIN, links: bool = True,
            formulas: list[tuple[str, bool]] | None = None) -> str:
    """The markup of ``text``. ``links=False`` for the contents and summaries, whose entries
    are links already: anchors show their text, URLs their display, and no reference is
    linked. ``formulas`` collects (formula, converted) for each formula met."""
    if ":" not in text and "#" not in text and not ctx.emphasis:
        return escape(text)  # the common case: nothing to link or highlight
    out = []
    for t in _analyse(text, ctx, links):
        if t.kind == "text":
            out.append(_text_html(t.text, ctx.emphasis and not t.plain, formulas))
            continue
        href = escape(t.url)
        if t.kind == "issue":
            out.append(f'<a href="{href}">{t.text}</a>' if links else t.text)
        elif not links:
            out.append(escape(t.text) if t.kind != "url" and t.text else
                       _display(href, ctx.url_display))
        elif t.kind == "url":
            out.append(f'<a href="{href}">{_display(href, ctx.url_display)}</a>')
        elif t.kind == "image":
            out.append(f'<a href="{href}"><img src="{href}" alt="{escape(t.text)}"></a>')
        else:
            out.append(f'<a href="{href}">'
                       f"{_text_html(t.text, ctx.anchors_emphasised, formulas)}</a>")
    return "".join(out)


def issues_html(text: str, ctx: Context = _PLAIN,
                formulas: list[tuple[str, bool]] | None = None) -> str:
    """The markup of ``text`` with its GitHub references linked and URLs not looked for (so a
    reference inside one is linked too, and -emphasis runs over it): scribe.perl's markup of a
    line of a record with verbatim lines appended, where its search for URLs never matches."""
    if not (ctx.github_issues and "#" in text):
        return _text_html(text, ctx.emphasis, formulas)
    out = []
    for t in _issue_tokens(text, ctx, True):
        out.append(f'<a href="{escape(t.url)}">{t.text}</a>' if t.kind == "issue"
                   else _text_html(t.text, ctx.emphasis and not t.plain, formulas))
    return "".join(out)


def to_html_lines(texts: Sequence[str], ctx: Context = _PLAIN, links: bool = True,
                  formulas: list[tuple[str, bool]] | None = None) -> list[str]:
    """The markup of a paragraph's lines, made as scribe.perl makes it: of the whole paragraph
    at once (so a link's anchor or an emphasis may run from one line into the next), then cut
    where the lines meet. A formula spanning lines leaves fewer pieces than lines."""
    if len(texts) == 1:
        return [to_html(texts[0], ctx, links, formulas)]
    return to_html("\t".join(texts), ctx, links, formulas).split("\t")


def formulas(text: str, ctx: Context) -> list[tuple[str, bool]]:
    """Each formula that rendering ``text`` meets, and whether latexmlmath converted it: for
    MathJax (any converted) and the "Failed math formula" diagnostics."""
    found: list[tuple[str, bool]] = []
    if "$" in text and (ctx.emphasis or ctx.anchors_emphasised):
        to_html(text, ctx, True, found)
    return found


# ---- tokens for the Markdown and JSON renderers ----------------------------------------------

_MATH = lazy(r"(?<!\\)\$\$(?P<display>[^$]+)\$\$|(?<!\\)\$(?P<inline>[^$]+)\$")


def _public(t: Token) -> Token:
    """Only http(s) and mailto addresses are links outside HTML: others become their text."""
    if t.kind in ("url", "link", "image", "issue") and not _URL.fullmatch(t.url):
        return Token("text", t.text or t.url, plain=True)
    return t


def _math_split(t: Token) -> list[Token]:
    if t.kind != "text" or "$" not in t.text:
        return [t]
    out, pos = [], 0
    for m in _MATH.finditer(t.text):
        out += _text(t.text[pos:m.start()], plain=t.plain)
        out.append(Token("math", m["display"] or m["inline"], "block" if m["display"] else ""))
        pos = m.end()
    return out + _text(t.text[pos:], plain=t.plain)


def tokenize(text: str, ctx: Context = _PLAIN) -> list[Token]:
    """The links, references and (with -emphasis) formulas of ``text``, the rest as text (in
    one token between two others, as other renderers escape text by what surrounds it)."""
    tokens: list[Token] = []
    for t in map(_public, _analyse(text, ctx, True)):
        if t.kind == "text" and tokens and tokens[-1].kind == "text":
            tokens[-1] = Token("text", tokens[-1].text + t.text)
        else:
            tokens.append(t)
    if ctx.emphasis and "$" in text:
        tokens = [m for t in tokens for m in _math_split(t)]
    return tokens
