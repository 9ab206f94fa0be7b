"""bot.publish.minutes: the bot's lines as RRSAgent's text log, and its minutes via bot.scribe."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.publish.minutes import LogLine, Look, format_irc_log, parse_log, render_minutes
from bot.scribe.html import render_html
from bot.scribe.logformats import read_log
from bot.scribe.options import Options
from bot.scribe.pipeline import make_minutes
from tests.support.seed import SEED

DAY = date(2014, 4, 9)


# ---- the plain-text log --------------------------------------------------------------------------


def test_format_irc_log() -> None:
    t = datetime(2024, 3, 7, 14, 47, 17, tzinfo=UTC)
    lines = [LogLine(t, "anssik", "Meeting: WebML"), LogLine(t, "bob", "waves", action=True),
             LogLine(t, "x", "two\r\nlines")]
    assert format_irc_log(lines) == (
        "14:47:17 <anssik> Meeting: WebML\n14:47:17 * bob waves\n14:47:17 <x> two lines\n"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("14:47:17 <anssik> Chair: Anssi", [("anssik", "Chair: Anssi", 14, 47, 17, False)]),
        ("<tw> Topic: Fire Alarms", [("tw", "Topic: Fire Alarms", 0, 0, 0, False)]),
        ("[19:36] <ph> hi", [("ph", "hi", 19, 36, 0, False)]),
        ("[19:36:05] * Zakim hears Steven", [("Zakim", "hears Steven", 19, 36, 5, True)]),
        ("\ufeff14:00:00 <a> x\r\n14:00:01 <b> y\r\n", [("a", "x", 14, 0, 0, False),
                                                       ("b", "y", 14, 0, 1, False)]),
        ("garbage\n25:00:00 <a> bad hour\n<a>\n<> empty nick\n14:00:00 <ok> fine",
         [("a", "", 0, 0, 0, False), ("ok", "fine", 14, 0, 0, False)]),
    ],
)
def test_parse_log(text: str, expected: list[tuple[str, str, int, int, int, bool]]) -> None:
    got = [(ln.nick, ln.text, ln.time.hour, ln.time.minute, ln.time.second, ln.action)
           for ln in parse_log(text, DAY)]
    assert got == expected
    assert all(ln.time.tzinfo is UTC and ln.time.date() == DAY for ln in parse_log(text, DAY))


NICKS = st.text(alphabet="abcXYZ019_-[]\\`^{}|", min_size=1, max_size=9)
TEXTS = st.text(st.characters(exclude_characters="\r\n", exclude_categories=["Cs"]))


@given(st.lists(st.tuples(st.integers(0, 86399), NICKS, TEXTS, st.booleans()), max_size=20))
def test_log_round_trip(raw: list[tuple[int, str, str, bool]]) -> None:
    midnight = datetime(DAY.year, DAY.month, DAY.day, tzinfo=UTC)
    lines = [LogLine(midnight + timedelta(seconds=s), n, t, a) for s, n, t, a in raw]
    assert parse_log(format_irc_log(lines), DAY) == lines



@given(st.lists(st.tuples(st.integers(0, 86399), NICKS, TEXTS, st.booleans()), max_size=20))
def test_the_engine_reads_the_bots_log_line_for_line(
    raw: list[tuple[int, str, str, bool]],
) -> None:
    midnight = datetime(DAY.year, DAY.month, DAY.day, tzinfo=UTC)
    lines = [LogLine(midnight + timedelta(seconds=s), n, t, a) for s, n, t, a in raw]
    records, fmt, notes = read_log(format_irc_log(lines))
    if raw and all(a for *_, a in raw):  # only /me lines: skipped, as in scribe.perl
        # "00:00:00 * nick" is Irssi's; with a nick starting with "|" ("* |x") Bert's theme
        # reads every line first (its "* |" lines are skipped), as scribe.perl's does.
        bert = all(n.startswith("|") for _, n, *_ in raw)
        assert (records, fmt) == ([], "bert" if bert else "irssi")
        return
    assert fmt == "rrsagent" and notes == ([] if records else ["Input is empty."])
    # RRSAgent text skips a line where the nick says it joined or left, as scribe.perl does
    kept = [(s, n, a) for s, n, t, a in raw
            if a or not re.match(rf"{re.escape(n)} has (?:joined|left|changed the topic to:) ",
                                 re.sub(r"[\r\n]+", " ", t).replace("\t", " "))]
    assert [(r.seed, r.nick, r.action) for r in records] == kept


# ---- minutes as the bot publishes them -----------------------------------------------------------

T0 = datetime(2014, 4, 9, 15, 0, tzinfo=UTC)


def said(*pairs: tuple[str, str]) -> list[LogLine]:
    return [LogLine(T0 + timedelta(seconds=i), nick, text) for i, (nick, text) in enumerate(pairs)]


@pytest.mark.parametrize(
    ("pairs", "expected", "absent"),
    [
        ([("s", "Topic: Budget")], ["<title>#forms meeting &ndash; 09 April 2014</title>",
                                   "<h1>&ndash; DRAFT &ndash;<br>\n#forms meeting</h1>"], []),
        ([("s", "Meeting: Forms WG"), ("s", "Date: 10 April 2014")],
         ["<h1>&ndash; DRAFT &ndash;<br>\nForms WG</h1>", "<h2>10 April 2014</h2>"], []),
        ([("s", "Scribe: s"), ("s", "Topic: T"), ("s", "Bob: <b>hi</b>")],
         ["<cite>Bob:</cite> &lt;b&gt;hi&lt;/b&gt;"], ["<b>hi"]),
    ],
    ids=["title falls back to the channel", "meeting and date lines", "user text escaped"],
)
def test_render_minutes(
    pairs: list[tuple[str, str]], expected: list[str], absent: list[str],
) -> None:
    html = render_minutes(said(*pairs), day=DAY, channel="#forms",
                          log_url="https://example.org/2014/04/09-forms-irc.txt")
    for snippet in expected:
        assert snippet in html
    for snippet in absent:
        assert snippet not in html
    assert '<a href="https://example.org/2014/04/09-forms-irc.txt"><img alt="IRC log."' in html


def test_final_minutes_drop_the_draft_banner() -> None:
    html = render_minutes(said(("s", "Meeting: M")), day=DAY, channel="#c", draft=False)
    assert "<h1>M</h1>" in html and "DRAFT" not in html


def test_the_seed_meeting_through_the_bots_log_format() -> None:
    """The bot writes the log, then reads it back: the minutes match those of the raw file."""
    text = SEED.read_text(encoding="utf-8")
    day = date(2024, 3, 7)
    via_bot = render_minutes(parse_log(text, day), day=day, channel="#webmachinelearning")
    m, _ = make_minutes(text)
    assert m.title == "WebML WG Teleconference – 7 March 2024"
    assert m.chairs == ("Anssi",)
    assert "Call for Consensus: WebNN API CR Snapshot" in [t.title for t in m.topics]
    assert "Anssi_Kostiainen" in m.present
    for t in m.topics:
        assert f"<h3 id={t.id}>" in via_bot


# ---- how the bot's minutes look ([publish] style and logo) --------------------------------------


def test_bundled_minutes_load_nothing_from_another_host() -> None:
    html = render_minutes(said(("s", "Meeting: M"), ("s", "Topic: T")), day=DAY, channel="#c",
                          log_url="https://example.org/2014/04/09-c-irc.txt")
    head = html.split("</head>")[0]
    assert '<link rel="stylesheet" type="text/css" title="Default" ' \
           'href="../../static/agendum.css">' in head
    assert head.count("<link") == 1 and "w3.org" not in head
    assert 'src="../../static/icons/text-plain.svg"' in html
    assert "w3c-white.svg" not in html and "<p><a href=\"https://www.w3.org/\">" not in html


def test_the_w3c_style_is_the_engines_own_default() -> None:
    """style = "w3c": exactly what ``agendum minutes`` (and scribe.perl) would give."""
    lines = said(("s", "Meeting: M"), ("s", "Topic: T"), ("s", "RESOLUTION: yes"))
    html = render_minutes(lines, day=DAY, channel="#c", look=Look("w3c"))
    opts = Options(draft=True, embed_diagnostics=True)
    m, opts = make_minutes(format_irc_log(lines), opts, default_date=DAY)
    assert html == render_html(m, opts)
    assert "https://www.w3.org/StyleSheets/scribe2/public.css" in html


@pytest.mark.parametrize(("look", "present", "absent"), [
    (Look("bundled", "none"), [], ["<img src", "w3c-white"]),
    (Look("w3c", "none"), ["scribe2/public.css"], ["w3c-white"]),
    (Look("https://css.example/m.css", "https://img.example/l.png?a=1&b=2"),
     ['title="Default" href="https://css.example/m.css"',
      '<img src="https://img.example/l.png?a=1&amp;b=2" alt="Logo" height=60>'],
     ["agendum.css", "w3.org/StyleSheets"]),
])
def test_style_and_logo_settings(look: Look, present: list[str], absent: list[str]) -> None:
    html = render_minutes(said(("s", "Meeting: M")), day=DAY, channel="#c", look=look)
    for snippet in present:
        assert snippet in html
    for snippet in absent:
        assert snippet not in html
