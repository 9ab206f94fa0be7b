"""The document around the paragraphs: ``agendum minutes`` against scribe.perl, option by option.

Each case runs both programs on a small log (tests/support/scribe_oracle.py) and compares the
whole HTML but the footer's version line, and stderr: the head (style sheets for -member,
-team, -fancy, -oldStyle and -style; the MathJax, i-slide and video player scripts), the header
(-logo, -nologo, -final, -draft, the date, the links to the previous meeting, the agenda, the
IRC log and the next meeting, in that order and printed even when there are none), the
attendees (Present and Regrets folded past -collapseLimit, the Chair list sorted, the Scribe
list in order), the contents (subtopics nested, also one before any topic), the video player,
every kind of paragraph, the summaries with -keepLines and -nokeepLines, the footer and the
diagnostics, embedded or on stderr.

The logs give a Meeting: and a Date: line unless the case is about them, so that what they
test is the document, not how a missing title or date is reported. Deliberate differences
(escaped attribute values, only http(s) or relative style sheets and scripts) are pinned in
``test_deliberate_differences``.
"""

from __future__ import annotations

import json
import re
from html import unescape
from typing import Any

import pytest

from bot.scribe.html import headings, render_html
from bot.scribe.jsonout import render_json
from bot.scribe.markdown import destination, heading_text, render_markdown
from bot.scribe.options import parse_args
from bot.scribe.pipeline import make_minutes
from tests.support.scribe_oracle import compare_minutes, headed_log

EMBED = "-embedDiagnostics"


log = headed_log


BASIC = log(
    "alice: chair: Zed, bob, Carol", "alice: present: dan, Eve, bob", "alice: regrets: Zoe, amy",
    "alice: topic: Budget & plans", "alice: ACTION: carol to draft the budget",
    "alice: ... by Friday", "alice: RESOLVED: adopt https://example.org/plan",
    "alice: ... as amended", "alice: ... twice", "alice: issue: the plan has no date",
    "alice: bob: we need <more> money", "alice: ... a lot more", "alice: subtopic: Details",
    "alice: Eve: fine",
    "alice: topic: Next", "bob: +1",
)

# the style sets, the logo and the draft banner, on one log
STYLE_OPTIONS = [
    (), ("-member",), ("-team",), ("-fancy",), ("-oldStyle",), ("-member", "-oldStyle"),
    ("-team", "-oldStyle"), ("-fancy", "-oldStyle"), ("-fancy", "-member"),
    ("-member", "-fancy"), ("-style", "https://example.org/minutes.css"),
    ("-style", "minutes.css", "-fancy"), ("-style", "minutes.css", "-team", "-oldStyle"),
    ("-logo", "<b>Our logo</b>"), ("-nologo",), ("-fancy", "-logo", "<i>x</i>"),
    ("-final",), ("-draft",), ("-final", "-draft"), ("-draft", "-final"),
    ("-keepLines",), ("-nokeepLines",), ("-emphasis",),
]


@pytest.mark.parametrize("options", STYLE_OPTIONS, ids=lambda o: " ".join(o) or "defaults")
def test_head_header_and_summaries_under_each_option(options: tuple[str, ...]) -> None:
    compare_minutes(BASIC, (EMBED, *options))


CASES: dict[str, tuple[str, tuple[str, ...]]] = {
    # the header's links, in scribe.perl's order whatever the order of the lines
    "links-none": (log("alice: topic: One"), ()),
    "links-all": (log(
        "RRSAgent: logging to https://www.w3.org/2014/04/09-test-irc",
        "alice: Next meeting: https://example.org/next?week=2&day=3",
        "alice: agenda: https://example.org/agenda",
        "alice: previous meeting: https://example.org/previous", "alice: topic: One"), ()),
    "links-agenda-only": (log("alice: agenda: https://example.org/agenda"), ()),
    # the recording: the player, YouTube's script, links from the headings into the video
    "recording-youtu.be": (log(
        "alice: recording: https://youtu.be/abc123", "alice: Recording started at :00",
        "alice: topic: One", "alice: bob: hello", "alice: subtopic: Two",
        "alice: topic: Three"), ()),
    "recording-youtube": (log(
        "alice: Recording: see https://www.youtube.com/watch?v=xyz for it",
        "alice: recording is starting", "alice: topic: One", "alice: recording ends",
        "alice: topic: After the end"), ()),
    "recording-videodelivery": (log(
        "alice: recording: https://watch.videodelivery.net/0123abcd",
        "alice: recording starts", "alice: topic: One"), ()),
    "recording-other": (log(
        "alice: recording: https://vimeo.com/12345", "alice: recording starts",
        "alice: topic: One"), ()),
    "recording-no-start": (log("alice: recording: https://youtu.be/abc", "alice: topic: One"),
                           ()),
    "recording-across-midnight": (
        "23:59:00 <alice> Meeting: T\n23:59:00 <alice> Date: 09 April 2014\n"
        "23:59:01 <alice> scribe: alice\n23:59:02 <alice> recording: https://youtu.be/abc\n"
        "23:59:03 <alice> recording starts\n00:00:05 <alice> topic: After midnight\n"
        "00:01:00 <alice> recording ended at :01\n00:01:00 <alice> topic: At the end\n", ()),
    "recording-without-url": (log("alice: recording: to come", "alice: topic: One"), ()),
    "recording-emphasis": (log("alice: recording: *the* video https://youtu.be/abc"),
                           ("-emphasis",)),
    # attendees
    "present-collapsed": (log(
        "alice: present: " + ", ".join(f"p{n:02d}" for n in range(31, 0, -1)),
        "alice: regrets: Zed, amy, Bob"), ()),
    "present-collapse-limit": (log("alice: present: a1, B2, c3", "alice: regrets: Zed, amy"),
                               ("-collapseLimit", "1")),
    "present-collapse-one": (log("alice: present: solo"), ("-collapseLimit", "0")),
    "chair-sorted": (log("alice: chair: zed, Bob, amy, Carol", "alice: chair+ Dan"), ()),
    "scribes-in-order": (log(
        "alice: scribe+ Carol", "alice: scribenick: bob/Bob Real", "alice: scribe: carol/C Real",
        "alice: scribe+ Alice_"), ()),
    # the contents
    "toc-subtopic-first": (log(
        "alice: subtopic: Early", "alice: para", "alice: topic: One", "alice: subtopic: A",
        "alice: subtopic: B", "alice: topic: Two", "alice: topic: Three", "alice: subtopic: C"),
        ()),
    "toc-only-subtopics": (log("alice: subtopic: A", "alice: subtopic: B"), ()),
    "toc-topic-continued": (log("alice: topic: One", "alice: ... and more", "alice: bob: hi"), ()),
    "toc-topic-continued-nokeeplines": (log("alice: topic: One", "alice: ... and more"),
                                        ("-nokeepLines",)),
    "toc-emphasis": (log("alice: topic: Use *bold* and -> https://example.org/x the link",
                         "alice: topic: About #12"), ("-emphasis",)),
    # paragraphs of each kind
    "anchor": (log("alice: topic: One", "alice: NamedAnchorHere: my anchor", "alice: text"), ()),
    "verbatim-one-line": (log("alice: ```", "alice: see https://example.org/x *y*",
                              "alice: ```"), ()),
    "verbatim-lines": (log("alice: repo: w3c/x", "alice: ```",
                           "alice: see https://example.org/x #3 & <b>",
                           "alice:   indented w3c/y#4", "alice: ```"), ()),
    "verbatim-empty": (log("alice: [[", "alice: ]]"), ()),
    "verbatim-others": (log("bob: ```", "bob: bob's *code* https://example.org/y", "bob: ```"),
                        ("-emphasis",)),
    "bot-lines": (log(
        "alice: repo: w3c/baz",
        "gb: https://github.com/w3c/baz/issues/5 -> Issue 5 The title (by someone) [label]",
        "gb: https://github.com/alice -> @alice", "gb: Created https://github.com/w3c/baz/issues/6",
        "trackbot: ACTION-12 -- bob to do it -- due 2014-04-10",
        "trackbot: https://www.w3.org/actions/12", "trackbot: Sorry, *no*"), ("-emphasis",)),
    "repository-lines": (log(
        "alice: repo: w3c/foo", "alice: see #12 and w3c/bar#3", "alice: repo- w3c/foo",
        "alice: repository: https://github.com/w3c/baz qux", "alice: ghurlbot, use w3c/abc",
        "alice: gb, drop w3c/abc"), ()),
    "failed-edits": (log("alice: s/nothing/here/", "bob: s/*not*/there/"), ("-emphasis",)),
    "slides": (log(
        "alice: slideset: https://example.org/slides.pdf", "alice: [slide 3]",
        "alice: slides: https://example.org/deck -> my deck", "alice: [ Slide 4 ]"), ()),
    "slideset-only": (log("alice: Slideset: https://example.org/deck"), ()),
    "scribe-only": (log("alice: topic: One", "bob: not minuted", "alice: bob: minuted"),
                    ("-scribeOnly",)),
    # math: MathJax when latexmlmath converted a formula
    "math": (log("alice: topic: Math $x^2$", "alice: bob: we have $a+b$",
                 "alice: ACTION: carol to compute $y$"), ("-emphasis",)),
    "math-mathjax-url": (log("alice: bob: $x$"),
                         ("-emphasis", "-mathjax", "https://example.org/mathjax.js")),
    "math-without-emphasis": (log("alice: bob: $x$"), ("-mathjax", "https://example.org/m.js")),
    "islide-url": (log("alice: slideset: https://example.org/s", "alice: [slide 1]"),
                   ("-islide", "https://example.org/i-slide.js")),
    # the title and the date
    "no-title": (log("alice: Date: 09 April 2014", "alice: scribe: alice", "alice: hi",
                     head=False), ()),
    "no-date": (log("alice: Meeting: Test", "alice: scribe: alice", "alice: hi", head=False),
                ()),
    "date-as-written": (log("alice: Meeting: Test", "alice: Date: 9 Apr 2014", head=False), ()),
    "date-from-log-url": (log("alice: Meeting: Test",
                              "RRSAgent: logging to https://www.w3.org/2014/04/09-test-irc",
                              head=False), ()),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_document_matches_scribe_perl(name: str) -> None:
    text, options = CASES[name]
    compare_minutes(text, (EMBED, *options))


@pytest.mark.parametrize("options", [(), ("-final",), ("-noembedDiagnostics",)],
                         ids=lambda o: " ".join(o) or "defaults")
def test_diagnostics_on_stderr(options: tuple[str, ...]) -> None:
    """Without -embedDiagnostics the document has no diagnostics (a blank line after the
    footer all the same) and each one goes to stderr as "* TEXT"."""
    compare_minutes(log("alice: topic: One", "bob: hi", "alice: bob: hello"), options)


def test_deliberate_differences() -> None:
    """Where agendum keeps its own behaviour, for the reader's safety: attribute values are
    escaped (scribe.perl prints a -style address with a quote as it is, breaking the page), and
    no style sheet or script is loaded from a ``javascript:`` or ``data:`` address (the
    defaults are used instead)."""
    text = log("alice: topic: One $x$", "alice: slideset: https://example.org/s",
               "alice: [slide 1]")
    opts, _ = parse_args(["-style", 'x.css" onload="alert(1)', "-emphasis",
                          "-mathjax", "javascript:alert(1)", "-islide", "data:text/js,1"])
    html = render_html(*make_minutes(text, opts))
    assert 'title="Default" href="x.css&quot; onload=&quot;alert(1)"' in html
    assert "javascript:" not in html and "data:" not in html
    assert '<script type=module src="https://w3c.github.io/i-slide/' in html
    assert '<script src="https://www.w3.org/scripts/MathJax/' in html
    opts, _ = parse_args(["-style", "javascript:alert(1)"])
    html = render_html(*make_minutes(text, opts))
    assert "javascript:" not in html and 'title="Default"' not in html
    assert '<link rel="stylesheet" type="text/css" title="2018"' in html


# ---- the Markdown and JSON minutes come from the same record --------------------------------

_HREF = re.compile(r'<a href="(https?://[^"]+)"')
_IDS = re.compile(r"<(?:p|h3|h4|pre|span) id=([0-9a-f]{4})\b")


def _json_ids(d: dict[str, Any]) -> set[str]:
    ids: set[str] = set()

    def items(values: list[dict[str, Any]]) -> None:
        for i in values:
            ids.update(line["id"] for line in i["lines"])

    items(d["preamble"])
    for t in d["topics"]:
        for s in (t, *t["subtopics"]):
            ids.add(s["id"])
            items([s])  # the heading's lines: the spans of its "..." lines
            items(s["items"])
    return ids


@pytest.mark.parametrize("name", sorted(CASES))
def test_markdown_and_json_carry_what_the_html_shows(name: str) -> None:
    """Every paragraph and heading id of the HTML is in the JSON, every address the HTML links
    in the meeting is linked in the Markdown (but in verbatim text, which is code there), and
    every heading's text is a Markdown heading."""
    text, options = CASES[name]
    opts, _ = parse_args(list(options))
    m, opts = make_minutes(text, opts)
    html = render_html(m, opts)
    meeting = html[html.index("<main"):html.index("</main>")]
    # the player is the HTML's own; verbatim text is code in Markdown, where nothing links
    meeting = re.sub(r"<section id=recording>.*?</section>|<pre .*?</pre>|<code>.*?</code>", "",
                     meeting, flags=re.S)
    md = render_markdown(m, opts)
    d = json.loads(render_json(m, opts))
    assert set(_IDS.findall(meeting)) <= _json_ids(d)
    for url in _HREF.findall(meeting):
        url = unescape(url)
        if "#t=" not in url:  # the links into the video are the player's
            assert f"]({destination(url)})" in md, url
    for _, section in headings(m.topics):
        assert heading_text(section).split()[0] in md
    assert (m.recording_url is None) == ("[Recording](" not in md)
