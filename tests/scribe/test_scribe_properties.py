"""Properties of the minutes engine on generated and hostile logs.

(a) make_minutes + render_html never raise, on arbitrary text and on generated logs that mix the
conventions with hostile strings; (b) the page is made only of the elements the scribe.perl
samples use, without event handlers, with only http(s)/mailto/#fragment links and only the known
scripts (MathJax, i-slide, and the recording's player), and it is well-formed unless it is, byte
for byte, what scribe.perl makes of the same log (whose markup is mis-nested in a few cases, such
as the span it leaves open in a heading continued by a "..." line: equality with scribe.perl wins
over well-formedness); (c) no message containing ``<`` reaches the page unescaped; (d)
paragraph ids are unique; (e) the output is deterministic; (f) ``s/a/b/`` changes exactly the
most recent line containing ``a``, and ``s/a/b/g`` the first ``a`` of every earlier line
(as scribe.perl: "g" is for every line, not every occurrence).

Math (``$…$`` with -emphasis) runs the external ``latexmlmath`` (over a second a formula), so the
generated logs contain no ``$``; ``test_math_is_safe`` covers math once.
"""

from __future__ import annotations

import codecs
import re
import tempfile
from collections.abc import Sequence
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from bot.scribe.html import ISLIDE, MATHJAX, YOUTUBE_API, render_html
from bot.scribe.logformats import decode
from bot.scribe.options import parse_args
from bot.scribe.pipeline import make_minutes
from bot.scribe.record import Minutes
from tests.support.scribe_oracle import normalise, run_scribe_perl
from tests.support.seed import REFERENCE

# ---- the HTML checker ---------------------------------------------------------------------------

# The elements of scribe2-samples/*.html, plus details/summary (-collapseLimit), pre (verbatim),
# em/u/code (-emphasis), iframe (the recording's player) and MathML (latexmlmath's output).
HTML_ELEMENTS = frozenset({
    "html", "head", "meta", "title", "link", "script", "body", "header", "p", "a", "img", "h1",
    "h2", "h3", "h4", "nav", "div", "dl", "dt", "dd", "ol", "li", "main", "section", "cite",
    "span", "strong", "br", "wbr", "address", "pre", "em", "u", "code", "details", "summary",
    "iframe"})
MATHML_ELEMENTS = frozenset({
    "math", "mrow", "mi", "mo", "mn", "ms", "mtext", "mspace", "msqrt", "mroot", "mfrac", "msub",
    "msup", "msubsup", "munder", "mover", "munderover", "mtable", "mtr", "mtd", "mstyle",
    "merror", "mpadded", "mphantom", "menclose", "semantics", "annotation", "annotation-xml",
    "mmultiscripts", "mprescripts", "none"})
ALLOWED = HTML_ELEMENTS | MATHML_ELEMENTS
VOID = frozenset({"meta", "link", "img", "br", "wbr"})
SAFE_URL = re.compile(r"(?:https?://|mailto:|#)", re.I)
SCRIPTS = {MATHJAX, ISLIDE, YOUTUBE_API}
# The start tags before which HTML leaves out a paragraph's end tag (scribe.perl's recording
# paragraph has none: the player's <div> ends it).
CLOSES_P = frozenset({"address", "details", "div", "dl", "h1", "h2", "h3", "h4", "header",
                      "main", "nav", "ol", "p", "pre", "section"})
# ids the template itself uses
FIXED_IDS = {"links", "prelims", "attendees", "toc", "meeting", "ActionSummary",
             "ResolutionSummary", "IssueSummary", "MathJax-script", "recording"}


class Checker(HTMLParser):
    """Collects every violation of (b) and every id attribute."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.nesting: list[str] = []  # the errors of (b) that are mis-nested markup only
        self.ids: list[tuple[str, str]] = []  # (element, id)
        self.scripts: list[str] = []

    def _misnested(self, error: str) -> None:
        self.errors.append(error)
        self.nesting.append(error)

    def _tag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED:
            self.errors.append(f"element <{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.errors.append(f"event handler {name}={value!r} on <{tag}>")
            if name in ("href", "src", "action", "formaction", "xlink:href") and (
                    value is None or not SAFE_URL.match(value)):
                self.errors.append(f"{name}={value!r} on <{tag}>")
            if name == "id":
                self.ids.append((tag, value or ""))
        if tag == "script":
            src = dict(attrs).get("src") or ""
            self.scripts.append(src)
            if src not in SCRIPTS and not (src == "" and self.stack == ["html", "head"]):
                self.errors.append(f"script src={src!r}")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._tag(tag, attrs)
        if tag in CLOSES_P and self.stack[-1:] == ["p"]:
            self.stack.pop()
        if tag in ("a", "p") and tag in self.stack:  # a parser would close the outer one
            self._misnested(f"<{tag}> inside <{tag}>")
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._tag(tag, attrs)
        if tag not in VOID and tag not in MATHML_ELEMENTS:
            self.errors.append(f"self-closed <{tag}/>")

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            self.errors.append(f"end tag of void <{tag}>")
        elif not self.stack or self.stack[-1] != tag:
            self._misnested(f"</{tag}> closes {self.stack[-1:]}")
        else:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1] == "script" and data.strip():
            if data != player_script():  # the recording's player, the same on every page
                self.errors.append(f"inline script {data[:40]!r}")
        elif "<" in data:
            self.errors.append(f"stray '<' in {data[:40]!r}")

    def handle_comment(self, data: str) -> None:
        self.errors.append(f"comment {data[:40]!r}")

    def handle_pi(self, data: str) -> None:
        self.errors.append(f"processing instruction {data[:40]!r}")

    def unknown_decl(self, data: str) -> None:
        self.errors.append(f"declaration {data[:40]!r}")


def html_errors(page: str) -> tuple[Checker, list[str]]:
    checker = Checker()
    checker.feed(page)
    checker.close()
    if checker.stack:
        checker._misnested(f"unclosed {checker.stack}")
    return checker, checker.errors


@cache
def player_script() -> str:
    """The inline script of the recording's player (the template's own text, no user data)."""
    page = render_html(*make_minutes("10:00:00 <al> Recording: https://youtu.be/abc\n"))
    head = page[:page.index("</head>")]
    return head[head.index("<script type=module>\n") + len("<script type=module>"):
                head.rindex("</script>")]


def check_html(page: str, text: str | None = None, argv: Sequence[str] = ()) -> Checker:
    """(b) for ``page``, made of the log ``text`` with ``argv``; mis-nested markup passes when
    scribe.perl makes the very same page of that log (every other violation fails)."""
    assert page.startswith("<!DOCTYPE html>\n")
    checker, errors = html_errors(page)
    unsafe = [e for e in errors if e not in checker.nesting]
    assert not unsafe, unsafe[:5]
    if checker.nesting and text is not None:
        data = text.encode("utf-8")
        if decode(data) != text:  # (a NUL makes scribe.perl guess UTF-16): say it is UTF-8
            data = codecs.BOM_UTF8 + data
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "log.txt"
            path.write_bytes(data)
            perl = run_scribe_perl(path, argv)
        assert normalise(perl.html) == normalise(page), \
            ("mis-nested, and not as scribe.perl's", checker.nesting[:5])
    else:
        assert not errors, errors[:5]
    return checker


@pytest.mark.parametrize("bad", [
    "<p>x", "<p>x</div>", "<b>x</b>", "<p onclick=x>x</p>", '<a href="javascript:x">x</a>',
    '<img src="data:x">', '<a href=" javascript:x">x</a>', "<script>alert(1)</script>",
    '<script src="https://evil.example/x.js"></script>', "<p>a < b</p>", "<br></br>",
    "<p/>", "<!-- x -->", "<svg><script>x</script></svg>",
    '<a href="#x">a <a href="#y">b</a></a>', "<p>a <p>b</p></p>"])
def test_the_checker_catches(bad: str) -> None:
    """The checker itself: each of these breaks (b)."""
    assert html_errors(f"<html><body>{bad}</body></html>")[1]


def test_the_checker_accepts_the_samples() -> None:
    for page in sorted((REFERENCE / "scribe2-samples").glob("*.html")):
        html_errors_found = html_errors(page.read_text(encoding="utf-8"))[1]
        assert not html_errors_found, (page.name, html_errors_found[:3])


def run(text: str, argv: Sequence[str] = ()) -> tuple[Minutes, str]:
    opts, _ = parse_args(list(argv))
    m, opts = make_minutes(text, opts)
    return m, render_html(m, opts)


def log(lines: Sequence[tuple[str, str]]) -> str:
    return "".join(f"10:{i // 60 % 60:02d}:{i % 60:02d} <{nick}> {text}\n"
                   for i, (nick, text) in enumerate(lines))


# ---- strategies ---------------------------------------------------------------------------------

HOSTILE = [
    "<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "javascript:alert(1)",
    "-> javascript:alert(1) click", "[x](javascript:alert(1))", "![x](javascript:alert(1))",
    "&amp;", "&lt;b&gt;", "&#60;script&#62;", "\x00", "a\x00b", "\x07\x08\x0b\x0c\x1b[31m",
    "\x7f\x85\u2028\u2029", "\u202eRTL override\u202c", "\u200f\u200emarks", "\ufeff",
    "<!-- comment -->", "<![CDATA[x]]>", "</p></main><p>", "<a href=x>", "'single'", '"double"',
    "-> https://example.org/\"onmouseover=alert(1)// x", "https://example.org/<script>",
    "--> https://example.org/x.png \"><script>", "[a](https://e.org/\"onclick=\"x)",
    "mailto:\"><svg/onload=alert(1)>", "Repo: \"><script>", "#1 a#2 b/c#3 <x>#4",
    "*<b>* _<i>_ /<u>/ `<c>`", "<- <-- <= <== ==> => --> -> :-) \\o/", "…", "...", "..",
    "x" * 5000, "<" * 2000, "& " * 1000, "é" * 3000, "会議" * 500,
]
WORDS = ["Mary", "Marie", "topic", "scribe", "x", "y", "42", "http://example.org/a/b",
         "https://github.com/w3c/scribe2", "w3c/scribe#3", "#7", "slide", "[slide 2]", "q+"]
NICKS = ["al", "al_", "bo", "cy", "Zakim", "RRSAgent", "trackbot", "gb", "ghurlbot",
         "agendabot", "<script", "a&b", 'q"q', "x'y", "é", "会"]
TEMPLATES = [
    "{a}", "{a}", "{a}", "Scribe: {n}", "scribe+ {n}", "scribe-", "scribenick: {n} = {a}",
    "Scribe: *", "Meeting: {a}", "Chair: {a}", "chair+ {a}", "Date: {a}", "Date: 09 April 2014",
    "Agenda: {a}", "Agenda: https://example.org/{a}", "Previous meeting: http://e.org/{a}",
    "Present: {a}, {b}", "present+ {a}", "present-", "regrets+ {a}", "Topic: {a}",
    "Subtopic: {a}", "sub-topic: {a}", "---", "{n}: {a}", "{a}: {b}",
    "Bob: {a}", "Mary: {a}", "Mary: {a}", "... {a}", "... {a}", "… {a}",
    " {a}", "\\{a}", "<{n}> {a}", "ACTION: {a}", "action {n}: {a}", "action {n} to {a}",
    "RESOLUTION: {a}", "RESOLVED: {a}", "Issue: {a}", "PROPOSED: {a}", "straw poll: {a}",
    "s/{a}/{b}/", "s/{a}/{b}/g", "s/{a}/{b}/G", "s|{a}|{b}|", "s/{a}/{b}", "i/{a}/Topic: {b}",
    "i/{a}/{b}", "-> https://example.org/{a} {b}", "{a} -> https://example.org/{b}",
    "https://example.org/{a} -> '{b}'", "-> {a} https://example.org/{b}", "[{a}](https://e.org/{b})",
    "--> https://example.org/{a}.png {b}", "![{a}](https://e.org/{b})", "Slideset: {a}",
    "Slideset: https://example.org/{a}.pdf", "[slide {i}]", "[Slide {a}]", "```", "[[", "]]",
    "NamedAnchorHere: {a}", "Repo: {a}", "Repo: {a}, {b}", "repo- {a}", "repos+ {a}",
    "{a}#{i}", "#{i}", "ghurlbot, this is {a}", "zakim, {a}", "q+ to {a}", "ack {n}",
    "agendum {i} -- {a} -- taken up [from {n}]", 'agendum {i}. "{a}" taken up',
    "As of this point the attendees have been {a}, {b}", "{n}, you wanted to {a}",
    "logging to https://www.w3.org/2014/04/09-{a}-irc", "ScribeOptions: -dashTopics",
    "ScribeOptions: -implicitContinuations -nokeeplines", "ScribeOptions: {o}",
    "ScribeOptions: -urlDisplay shorten", "+1", "-1 {a}", "Recording: {a}",
    "Recording: https://youtu.be/{a}", "Recording: -> https://youtu.be/x {a}",
    "Recording is starting", "Recording started at :{i}", "Recording ends",
    "Recording ended at :{i}",
]
OPTIONS = [["-emphasis"], ["-nokeeplines"], ["-implicitContinuations"], ["-dashTopics"],
           ["-allowSpaceContinuation"], ["-noUseZakimTopics"], ["-scribeOnly"],
           ["-urlDisplay", "shorten"], ["-urlDisplay", "full"], ["-nogithubIssues"],
           ["-noghurlbot"], ["-final"], ["-embedDiagnostics"], ["-fancy"], ["-team"],
           ["-scribeNick", "al"], ["-collapseLimit", "1"], ["-oldStyle"]]


def no_math(text: str) -> str:
    return text.replace("$", "¤")


fragments = st.one_of(st.sampled_from(HOSTILE), st.sampled_from(WORDS),
                      st.text(max_size=30)).map(no_math)
nicks = st.sampled_from(NICKS)
writers = st.one_of(st.just("al"), nicks)  # mostly the scribe, so most lines are minutes


@st.composite
def lines(draw: st.DrawFn) -> tuple[str, str]:
    template = draw(st.sampled_from(TEMPLATES))
    # (random option text could spell -logo or -mathjax: see test_scribeoptions_inject_nothing)
    text = template.format(a=draw(fragments), b=draw(fragments), n=draw(nicks),
                           i=draw(st.integers(0, 99)),
                           o=draw(st.sampled_from(HOSTILE + WORDS)).replace("$", "¤"))
    # one line each: the log format would split a message at a newline
    return draw(writers), re.sub(r"[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]", " ", text)


logs = st.tuples(st.booleans(), st.lists(lines(), max_size=25)).map(
    lambda t: [("al", "Scribe: al"), *t[1]] if t[0] else t[1])
argvs = st.lists(st.sampled_from(OPTIONS), max_size=4).map(lambda o: [w for x in o for w in x])
FAST = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


# ---- (a) never raises ---------------------------------------------------------------------------

@FAST
@given(st.text(max_size=400))
def test_arbitrary_text_never_raises(text: str) -> None:
    _, page = run(text)
    assert page.endswith("</html>\n")


@FAST
@given(st.lists(st.one_of(st.text(max_size=40), st.sampled_from(HOSTILE)), max_size=20))
def test_arbitrary_lines_with_timestamps_never_raise(texts: list[str]) -> None:
    run("".join(f"12:00:{i % 60:02d} {t}\n" for i, t in enumerate(texts)))


@FAST
@given(logs, argvs)
def test_generated_logs_never_raise(lines: list[tuple[str, str]], argv: list[str]) -> None:
    run(log(lines), argv)


# ---- (b) well-formed, whitelisted HTML ----------------------------------------------------------

@FAST
@given(logs, argvs)
def test_output_is_well_formed_and_safe(lines: list[tuple[str, str]], argv: list[str]) -> None:
    m, page = run(log(lines), argv)
    checker = check_html(page, log(lines), argv)
    assert set(checker.scripts) <= SCRIPTS | {""}
    assert (ISLIDE in checker.scripts) == m.has_slides


@FAST
@given(st.text(max_size=300).map(no_math), argvs)
def test_arbitrary_text_output_is_well_formed(text: str, argv: list[str]) -> None:
    check_html(run(text, argv)[1], text, argv)


@pytest.mark.parametrize("hostile", HOSTILE)
def test_each_hostile_string_everywhere(hostile: str) -> None:
    """The string in every place a message can put text on the page."""
    text = hostile.replace("\n", " ")
    lines = [("al", "Scribe: al"), ("al", f"Meeting: {text}"), ("al", f"Chair: {text}"),
             ("al", f"Present: {text}"), ("al", f"Regrets: {text}"), ("al", f"Topic: {text}"),
             ("al", f"Subtopic: {text}"), ("al", f"{text}"), ("al", f"Bob: {text}"),
             ("al", f"... {text}"), ("jo", text), ("al", f"ACTION: {text}"),
             ("al", f"RESOLUTION: {text}"), ("al", f"Issue: {text}"), ("al", f"s/{text}/x/"),
             ("al", f"NamedAnchorHere: {text}"), ("al", f"Slideset: {text}"), ("al", "```"),
             ("al", text), ("al", "```"), ("trackbot", text), ("al", f"<al> {text}")]
    for argv in ([], ["-emphasis", "-embedDiagnostics", "-nokeeplines"]):
        check_html(run(log(lines), argv)[1], log(lines), argv)


def test_math_is_safe() -> None:
    """latexmlmath's MathML (or the TeX as text if it fails) stays inside the whitelist."""
    lines = [("al", "Scribe: al"), ("al", "Bob: $</math><script>alert(1)</script>$ and $x^2$")]
    _, page = run(log(lines), ["-emphasis"])
    checker = check_html(page)
    assert "<script>alert(1)" not in page
    assert set(checker.scripts) <= {MATHJAX}


@pytest.mark.parametrize("option", [
    '-logo "<script>alert(1)</script>"', "-l x<img/onerror=alert(1)>",
    "-emphasis -mathjax javascript:alert(1)", "-islide javascript:alert(1)",
    "-style javascript:alert(1)"], ids=["logo", "logo-abbreviated", "mathjax", "islide", "style"])
def test_scribeoptions_inject_nothing(option: str) -> None:
    lines = [("al", "Scribe: al"), ("jo", f"ScribeOptions: {option}"),
             ("al", "Slideset: https://example.org/s.pdf"), ("al", "[slide 1]"),
             ("al", "Bob: $x$")]
    m, page = run(log(lines))
    check_html(page)
    assert any("only on the command line; ignored" in d for d in m.diagnostics)


# ---- (c) nothing unescaped ----------------------------------------------------------------------

# A mark no template or renderer ever writes, so a message containing it can only show up in the
# page raw if it was not escaped.
MARK = "\u2603"
angled = st.tuples(st.sampled_from(["", "Bob: ", "Topic: ", "ACTION: ", "... ", "-> ",
                                    "Meeting: ", "\\", "Present: ", "Issue: "]),
                   st.text(max_size=15), st.sampled_from([*HOSTILE, "<", "<b>", "</p>", "<br>"]),
                   st.text(max_size=15)).map(lambda t: no_math(f"{t[0]}{t[1]}{MARK}{t[2]}<{t[3]}"))


@FAST
@given(st.lists(st.tuples(nicks, angled), min_size=1, max_size=10), logs, argvs)
def test_no_message_appears_unescaped(messages: list[tuple[str, str]],
                                      others: list[tuple[str, str]], argv: list[str]) -> None:
    messages = [(n, re.sub(r"[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]", " ", t))
                for n, t in messages]
    _, page = run(log([("al", "Scribe: al"), *others, *messages]), [*argv, "-embedDiagnostics"])
    for _nick, text in messages:
        assert "<" in text
        assert text not in page
        assert text.strip() not in page


# ---- (d) unique ids -----------------------------------------------------------------------------

def paragraph_ids(m: Minutes) -> list[str]:
    out = []
    for item in m.items():
        if item.kind != "anchor":
            out.append(item.id)
            out += [s.id for s in item.segments if s.id]
    for t in m.topics:
        for section in (t, *t.subsections):
            out.append(section.id)
            out += [c.id for c in section.continuations if c.id]  # spans of "..." lines
    return out


@FAST
@given(logs, argvs, st.lists(st.from_regex(r"[0-9a-f]{4}", fullmatch=True), max_size=3))
def test_paragraph_ids_are_unique(lines: list[tuple[str, str]], argv: list[str],
                                  anchors: list[str]) -> None:
    lines = [*lines, *(("al", f"NamedAnchorHere: {a}") for a in anchors)]
    m, page = run(log(lines), argv)
    ids = paragraph_ids(m)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    assert all(re.fullmatch(r"[0-9a-f]{4,}", i) for i in ids)
    assert not set(ids) & (FIXED_IDS | set(anchors))
    named = {i.id for i in m.items() if i.kind == "anchor"}
    in_page = [i for _, i in check_html(page, log(lines), argv).ids
               if i not in named and i not in FIXED_IDS]
    assert sorted(in_page) == sorted(ids)


def test_ids_unique_in_a_long_meeting() -> None:
    """Thousands of similar lines: many hash collisions and many ffff overflows."""
    lines = [("al", "Scribe: al")] + [
        ("al", f"Speaker{i % 7}: {'word ' * (i % 300)}{i % 13}") for i in range(3000)]
    m, page = run(log(lines))
    ids = paragraph_ids(m)
    assert len(ids) == len(set(ids)) == 3000
    check_html(page)


# ---- (e) deterministic --------------------------------------------------------------------------

@FAST
@given(logs, argvs)
def test_same_input_same_output(lines: list[tuple[str, str]], argv: list[str]) -> None:
    text = log(lines)
    m1, page1 = run(text, argv)
    m2, page2 = run(text, argv)
    assert page1 == page2
    assert paragraph_ids(m1) == paragraph_ids(m2)


# ---- (f) edits ----------------------------------------------------------------------------------

lower_words = st.lists(st.text("abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8),
                       min_size=1, max_size=6).map(" ".join)
speakers = st.sampled_from(["ANN", "BOB", "CARL"])  # `old` is lower case: never in a name


def outline(m: Minutes) -> list[tuple[str, str, str]]:
    return [(i.kind, i.speaker, i.text) for i in m.items()]


@FAST
@given(st.lists(st.tuples(speakers, lower_words), min_size=1, max_size=8), st.data())
def test_s_changes_exactly_the_most_recent_line(said: list[tuple[str, str]],
                                                data: st.DataObject) -> None:
    who, words = said[-1]
    word = data.draw(st.sampled_from(words.split()))
    start = data.draw(st.integers(0, len(word) - 1))
    old = word[start:data.draw(st.integers(start + 1, len(word)))]
    new = data.draw(st.text("abcdefghijklmnopqrstuvwxyzXYZ", max_size=8))
    assume(old != new)
    before = [("al", "Scribe: al"), *(("al", f"{s}: {w}") for s, w in said)]
    after = [*before, ("al", f"s/{old}/{new}/")]
    by_hand = [*before[:-1], ("al", f"{who}: {words.replace(old, new, 1)}")]

    original, edited, expected = (outline(run(log(x))[0]) for x in (before, after, by_hand))
    assert edited == expected
    assert len(edited) == len(original) == len(said)
    assert edited[:-1] == original[:-1]  # every earlier line, even if it contains `old`
    assert edited[-1] != original[-1]
    assert f"Succeeded: s/{old}/{new}/" in run(log(after))[0].diagnostics


@FAST
@given(st.lists(st.tuples(speakers, lower_words), min_size=1, max_size=8),
       st.text("abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=4))
def test_s_g_changes_every_earlier_line(said: list[tuple[str, str]], old: str) -> None:
    before = [("al", "Scribe: al"), *(("al", f"{s}: {w}") for s, w in said)]
    assume(any(old in text for _, text in before))
    after = [*before, ("al", f"s/{old}/Z/g"), ("al", f"Dan: {old}")]
    # the first occurrence on each line (the "Scribe: al" line too), not the later line
    by_hand = [*((n, t.replace(old, "Z", 1)) for n, t in before), ("al", f"Dan: {old}")]
    assert outline(run(log(after))[0]) == outline(run(log(by_hand))[0])
