"""bot.scribe.logformats: every input format of scribe.perl's manual, detection and decoding.

Line cases come from the examples in the "Input Formats" section of scribe.perl's manual
(``scribe-conventions.html`` in the reference directory); the detection test reads the example
blocks from the manual itself, and the RRSAgent logs of the reference directory must come out
line for line.
"""

from __future__ import annotations

import html
import re
import string
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.scribe.logformats import FORMATS, Record, decode, read_as, read_log
from tests.support.seed import REFERENCE

MANUAL = REFERENCE / "scribe-conventions.html"
RRSAGENT_LOGS = [
    *sorted((REFERENCE / "scribe2-samples").glob("*.txt")),
    REFERENCE / "seed-2024-03-07-webmachinelearning-irc.txt",
]


def one(line: str, fmt: str) -> Record:
    records = read_as(line, fmt)
    assert len(records) == 1, records
    return records[0]


def hms(h: int, m: int, s: int) -> int:
    return h * 3600 + m * 60 + s


def hm(h: int, m: int) -> int:
    return h * 60 + m


# --- One line of each kind, per format -----------------------------------------------------

LINES = [
    # RRSAgent: seconds since midnight; untimed lines seed 0.
    (
        "rrsagent",
        "20:41:27 <dbooth> Mike: Feature X would benefit users.",
        Record(hms(20, 41, 27), "dbooth", "Mike: Feature X would benefit users.", time="20:41:27"),
    ),
    ("rrsagent", "<tw> Topic: Fire Alarms", Record(0, "tw", "Topic: Fire Alarms")),
    (
        "rrsagent",
        "19:36:05 * Zakim hears Steven's hand up",
        Record(hms(19, 36, 5), "Zakim", "hears Steven's hand up", action=True, time="19:36:05"),
    ),
    # Joins in an RRSAgent log are ordinary lines: the engine decides.
    (
        "rrsagent",
        "14:59:27 <alain> alain has joined #forms",
        Record(hms(14, 59, 27), "alain", "alain has joined #forms", time="14:59:27"),
    ),
    # Only the one separating space is removed; trailing spaces stay; an empty text is "".
    ("rrsagent", "00:00:01 <a>   indented ", Record(1, "a", "  indented ", time="00:00:01")),
    ("rrsagent", "00:00:02 <a>", Record(2, "a", "", time="00:00:02")),
    ("rrsagent", "00:00:03 <a> ", Record(3, "a", "", time="00:00:03")),
    # Nicks exactly as written.
    ("rrsagent", "10:00:00 <Joe__> hi", Record(hms(10, 0, 0), "Joe__", "hi", time="10:00:00")),
    # A bad time: seed 0, the line is still read.
    ("rrsagent", "25:99:00 <a> late", Record(0, "a", "late", time="25:99:00")),
    # mIRC timestamped: minutes only.
    (
        "mirc",
        "[19:35] <Zakim> Steven should now be muted",
        Record(hm(19, 35), "Zakim", "Steven should now be muted", time="19:35"),
    ),
    (
        "mirc",
        "[19:36] * Zakim sees Steven on the speaker queue",
        Record(hm(19, 36), "Zakim", "sees Steven on the speaker queue", action=True, time="19:36"),
    ),
    (
        "mirc",
        "[19:37] * Joins: ralph (ralph@w3.org)",
        Record(hm(19, 37), "ralph", "Joins: ralph (ralph@w3.org)", event=True, time="19:37"),
    ),
    (
        "mirc",
        "[19:38] * ralph is now known as ralph_away",
        Record(hm(19, 38), "ralph", "ralph is now known as ralph_away", event=True, time="19:38"),
    ),
    ("mirc", "[19:39] <@chair> q?", Record(hm(19, 39), "chair", "q?", time="19:39")),
    ("mirc", "[99:00] <a> b", Record(0, "a", "b", time="99:00")),
    # mIRC text.
    ("mirc_text", "<ericn> I agree.", Record(0, "ericn", "I agree.")),
    ("mirc_text", "* ericn agrees", Record(0, "ericn", "agrees", action=True)),
    # Irssi: full ISO 8601, or just HH:MM; seconds when given.
    (
        "irssi",
        "2003-12-18T15:27:21-0500Z <dbooth> Mike: Feature X would benefit users.",
        Record(
            hms(15, 27, 21),
            "dbooth",
            "Mike: Feature X would benefit users.",
            time="2003-12-18T15:27:21-0500Z",
        ),
    ),
    (
        "irssi",
        "2003-12-18T16:02:59Z -!- koalie [coralie@team.cloak] has joined &weum",
        Record(
            hms(16, 2, 59),
            "koalie",
            "koalie [coralie@team.cloak] has joined &weum",
            event=True,
            time="2003-12-18T16:02:59Z",
        ),
    ),
    (
        "irssi",
        "2003-12-18T16:38:58Z  * koalie hears Steve",
        Record(hms(16, 38, 58), "koalie", "hears Steve", action=True, time="2003-12-18T16:38:58Z"),
    ),
    ("irssi", "15:27 <ericn> I agree.", Record(hm(15, 27), "ericn", "I agree.", time="15:27")),
    ("irssi", "15:27 <@ericn> I agree.", Record(hm(15, 27), "ericn", "I agree.", time="15:27")),
    ("irssi", "15:27 < ericn> I agree.", Record(hm(15, 27), "ericn", "I agree.", time="15:27")),
    (
        "irssi",
        "15:28 -!- mode/#wai [+o AWK] by ChanServ",
        Record(hm(15, 28), "", "mode/#wai [+o AWK] by ChanServ", event=True, time="15:28"),
    ),
    (
        "irssi",
        "--- Log opened Thu Dec 18 15:00:00 2003",
        Record(0, "", "Log opened Thu Dec 18 15:00:00 2003", event=True),
    ),
    # Bip: the !user@host part is dropped.
    (
        "bip",
        "27-02-2020 15:04:33 < addison!~addison@team.cloak: zakim, take up agendum 1",
        Record(hms(15, 4, 33), "addison", "zakim, take up agendum 1", time="27-02-2020 15:04:33"),
    ),
    (
        "bip",
        "27-02-2020 15:04:54 -!- JcK!~JcK@team.cloak has joined #i18n",
        Record(
            hms(15, 4, 54),
            "JcK",
            "JcK!~JcK@team.cloak has joined #i18n",
            event=True,
            time="27-02-2020 15:04:54",
        ),
    ),
    (
        "bip",
        "27-02-2020 15:05:22 < * trackbot!trackbot@team.cloak is looking up action-856.",
        Record(
            hms(15, 5, 22),
            "trackbot",
            "is looking up action-856.",
            action=True,
            time="27-02-2020 15:05:22",
        ),
    ),
    (
        "bip",
        "27-02-2020 15:05:23 < me!u@2001:db8::1: colons in the host",
        Record(hms(15, 5, 23), "me", "colons in the host", time="27-02-2020 15:05:23"),
    ),
    # Yahoo IM.
    (
        "yahoo",
        "dbooth: Mike: Feature X would benefit users.",
        Record(0, "dbooth", "Mike: Feature X would benefit users."),
    ),
    # Plain text: an anonymous scribe; the line as it is.
    (
        "plain",
        "\tMike: Feature X would benefit users.",
        Record(0, "scribe", "\tMike: Feature X would benefit users."),
    ),
    ("plain", "Eric agrees.", Record(0, "scribe", "Eric agrees.")),
    # qwebirc paste.
    (
        "qwebirc",
        "[09:59] == Wilco [~Wilco@4a714a7c.public.cloak] has joined #act-r",
        Record(
            hm(9, 59),
            "Wilco",
            "Wilco [~Wilco@4a714a7c.public.cloak] has joined #act-r",
            event=True,
            time="09:59",
        ),
    ),
    (
        "qwebirc",
        "[10:00] <Wilco> agenda+ Update from the ACT Task Force",
        Record(hm(10, 0), "Wilco", "agenda+ Update from the ACT Task Force", time="10:00"),
    ),
    (
        "qwebirc",
        "[10:00] * Zakim notes agendum 1 added",
        Record(hm(10, 0), "Zakim", "notes agendum 1 added", action=True, time="10:00"),
    ),
    # Quassel paste: free date & time, am/pm adding 12 (minutes) to the seed.
    (
        "quassel",
        "[01:09] <-- borisjohn (borisjohn@899c7108.team.cloak) has quit (Ping timeout)",
        Record(
            hm(1, 9),
            "borisjohn",
            "borisjohn (borisjohn@899c7108.team.cloak) has quit (Ping timeout)",
            event=True,
            time="01:09",
        ),
    ),
    (
        "quassel",
        "[08:50] --> raul (raul@899c7108.team.cloak) has joined &fleague",
        Record(
            hm(8, 50),
            "raul",
            "raul (raul@899c7108.team.cloak) has joined &fleague",
            event=True,
            time="08:50",
        ),
    ),
    (
        "quassel",
        "[11:00] -*- kolec still on another call; it may spill a lot",
        Record(
            hm(11, 0),
            "kolec",
            "still on another call; it may spill a lot",
            action=True,
            time="11:00",
        ),
    ),
    (
        "quassel",
        "[11:02] * zakim has been invited to &fleague",
        Record(hm(11, 2), "zakim", "zakim has been invited to &fleague", event=True, time="11:02"),
    ),
    (
        "quassel",
        "[11:02] <Gert> zakim, start meeting",
        Record(hm(11, 2), "Gert", "zakim, start meeting", time="11:02"),
    ),
    (
        "quassel",
        "[20.04.2021 11:02] <Gert> hi",
        Record(hm(11, 2), "Gert", "hi", time="20.04.2021 11:02"),
    ),
    ("quassel", "[1:09 pm] <Gert> hi", Record(hm(1, 9) + 12, "Gert", "hi", time="1:09 pm")),
    ("quassel", "[1:09 PM] <Gert> hi", Record(hm(1, 9) + 12, "Gert", "hi", time="1:09 PM")),
    ("quassel", "[1:09am] <Gert> hi", Record(hm(1, 9), "Gert", "hi", time="1:09am")),
    ("quassel", "[25:99 pm] <Gert> hi", Record(0, "Gert", "hi", time="25:99 pm")),
    # Bert's Irssi theme.
    (
        "bert",
        "13:11        scribe | Angel: Short meeting.",
        Record(hm(13, 11), "scribe", "Angel: Short meeting.", time="13:11"),
    ),
    (
        "bert",
        "13:08             * | koalie veronica :D",
        Record(hm(13, 8), "koalie", "veronica :D", action=True, time="13:08"),
    ),
    (
        "bert",
        "13:08           --> | naomi_ (naomi@team.cloak) has joined &global",
        Record(
            hm(13, 8),
            "naomi_",
            "naomi_ (naomi@team.cloak) has joined &global",
            event=True,
            time="13:08",
        ),
    ),
    (
        "bert",
        "13:13        «Quit» | naomi (naomi@team.cloak) has signed off (Ping timeout: 180 seconds)",
        Record(
            hm(13, 13),
            "naomi",
            "naomi (naomi@team.cloak) has signed off (Ping timeout: 180 seconds)",
            event=True,
            time="13:13",
        ),
    ),
    (
        "bert",
        "12:57       «Users» | 23 nicks (0 ops, 0 halfops, 0 voices, 23 normal",
        Record(
            hm(12, 57),
            "",
            "23 nicks (0 ops, 0 halfops, 0 voices, 23 normal",
            event=True,
            time="12:57",
        ),
    ),
    (
        "bert",
        "--- Log opened Thu Mar 19 12:57:23 2015",
        Record(0, "", "Log opened Thu Mar 19 12:57:23 2015", event=True),
    ),
    # IRCCloud: "—" marks a /me (the manual's "Zakim notes agendum 1 added", an action in
    # the qwebirc example too); →, ⇐, * ... are events.
    ("irccloud", "#wcag-act", Record(0, "", "#wcag-act", event=True)),
    (
        "irccloud",
        "[2020-07-23 14:57:56] <Wilco> zakim, start meeting",
        Record(hms(14, 57, 56), "Wilco", "zakim, start meeting", time="2020-07-23 14:57:56"),
    ),
    (
        "irccloud",
        "[2020-07-23 14:58:28] — Zakim notes agendum 1 added",
        Record(
            hms(14, 58, 28),
            "Zakim",
            "notes agendum 1 added",
            action=True,
            time="2020-07-23 14:58:28",
        ),
    ),
    (
        "irccloud",
        '[2020-07-21 18:21:09] ⇐ shadi quit (shadi@815ad96c.team.cloak): "Leaving"',
        Record(
            hms(18, 21, 9),
            "shadi",
            'shadi quit (shadi@815ad96c.team.cloak): "Leaving"',
            event=True,
            time="2020-07-21 18:21:09",
        ),
    ),
    (
        "irccloud",
        "[2020-07-23 14:57:43] → Wilco joined (~Wilco@ef89345d.public.cloak)",
        Record(
            hms(14, 57, 43),
            "Wilco",
            "Wilco joined (~Wilco@ef89345d.public.cloak)",
            event=True,
            time="2020-07-23 14:57:43",
        ),
    ),
    (
        "irccloud",
        "[2020-07-21 17:28:44] → Joined channel #wcag-act",
        Record(
            hms(17, 28, 44), "", "Joined channel #wcag-act", event=True, time="2020-07-21 17:28:44"
        ),
    ),
    (
        "irccloud",
        "[2020-07-27 16:55:24] * shadi_ → shadi",
        Record(hms(16, 55, 24), "shadi_", "shadi_ → shadi", event=True, time="2020-07-27 16:55:24"),
    ),
]


@pytest.mark.parametrize(("fmt", "line", "expected"), LINES)
def test_line(fmt: str, line: str, expected: Record) -> None:
    assert one(line, fmt) == expected


def test_every_format_has_line_cases() -> None:
    assert {fmt for fmt, _, _ in LINES} == set(FORMATS)


# Lines each format must not take (they belong to another format, or to none).
@pytest.mark.parametrize(
    ("fmt", "line"),
    [
        ("rrsagent", "* bullet point in plain notes"),  # an action needs its timestamp
        ("rrsagent", "20:41 <dbooth> no seconds"),
        ("rrsagent", "<dbooth>no space"),
        ("mirc", "[19:35] <-- x has quit"),
        ("irssi", "27-02-2020 15:04:33 < a!b@c: x"),
        ("yahoo", "\tMike: indented"),
        ("yahoo", "12:00:00 <a> b"),
        ("yahoo", "http://example.org/"),
        ("qwebirc", "[2020-07-23 14:57:56] <Wilco> x"),
        ("bert", "15:27 <ericn> I agree."),
        ("irccloud", "[19:35] <Zakim> x"),
    ],
)
def test_line_not_taken(fmt: str, line: str) -> None:
    assert read_as(line, fmt) == []


def test_unknown_format() -> None:
    with pytest.raises(KeyError):
        read_as("<a> b", "xchat")


def test_formats_in_manual_order() -> None:
    assert FORMATS == (
        "rrsagent",
        "mirc",
        "mirc_text",
        "irssi",
        "bip",
        "yahoo",
        "plain",
        "qwebirc",
        "quassel",
        "bert",
        "irccloud",
    )


# --- mIRC text continuations -----------------------------------------------------------------

MIRC_TEXT = """\
<dbooth> Mike: Feature X would benefit users.
<dbooth> ... and implementation would be easy.
<dbooth> This is pretending to be a long
 line that mIRC breaks in order to display,
 but scribe.perl will re-join into a single line.
<ericn> I agree.
"""


def test_mirc_text_continuations_are_joined() -> None:
    records, fmt = read_log(MIRC_TEXT)
    assert fmt == "mirc_text"
    assert records == [
        Record(0, "dbooth", "Mike: Feature X would benefit users."),
        Record(0, "dbooth", "... and implementation would be easy."),
        Record(
            0,
            "dbooth",
            "This is pretending to be a long line that mIRC breaks in order to display,"
            " but scribe.perl will re-join into a single line.",
        ),
        Record(0, "ericn", "I agree."),
    ]


def test_continuation_without_a_line_to_continue_is_skipped() -> None:
    assert read_as(" orphan\n<a> b\n   \n", "mirc_text") == [Record(0, "a", "b")]


def test_other_formats_do_not_join_continuations() -> None:
    assert read_as("<a> b\n c\n", "rrsagent") == [Record(0, "a", "b")]


# --- Detection ---------------------------------------------------------------------------------


def manual_examples() -> list[str]:
    """The example blocks of the manual's "Input Formats" section, in order."""
    page = MANUAL.read_text(encoding="utf-8")
    section = page[page.index('id="input_formats"') : page.index('id="Environment_Variables"')]
    blocks = re.findall(r"<pre class=command\s*>(.*?)</pre", section, re.DOTALL)
    return [html.unescape(block).removeprefix("\n") for block in blocks]


def test_manual_examples_are_detected() -> None:
    detected = [read_log(example)[1] for example in manual_examples()]
    assert detected == [
        "rrsagent",
        "mirc",
        "mirc_text",
        "irssi",
        "irssi",  # the short form: "15:27 <dbooth> ..."
        "bip",
        "yahoo",
        "plain",
        "qwebirc",
        "quassel",
        "bert",
        "irccloud",
    ]


def test_manual_examples_are_read_whole() -> None:
    """Every non-blank line of every example is understood (mIRC text: 4 records, 6 lines)."""
    for example in manual_examples():
        records, fmt = read_log(example)
        lines = [line for line in example.splitlines() if line.strip()]
        continuations = sum(line.startswith(" ") for line in lines) if fmt == "mirc_text" else 0
        assert len(records) + continuations == len(lines), (fmt, example)


@pytest.mark.parametrize(
    ("log", "fmt"),
    [
        ("20:41:27 <dbooth> x\n20:41:37 <ericn> y\n", "rrsagent"),
        ("<dbooth> x\n<ericn> y\n", "rrsagent"),  # ties go to the earlier format
        ("[19:35] <Zakim> x\n[19:36] * Zakim y\n", "mirc"),  # mirc, qwebirc, quassel tie
        ("[19:35] <Zakim> x\n[19:36] == Wilco has joined #a\n", "qwebirc"),
        ("[19:35] <Zakim> x\n[19:36] --> Wilco has joined #a\n", "quassel"),
        ("15:27 <dbooth> x\n", "irssi"),
        ("dbooth: x\n", "yahoo"),
        ("Just notes.\nNothing else.\n", "plain"),
        ("", "plain"),
        ("\n  \n", "plain"),
        # Most lines understood wins, even against an earlier format.
        ("20:41:27 <a> x\n15:27 <b> y\n15:28 -!- c has quit\n", "irssi"),
    ],
)
def test_detection(log: str, fmt: str) -> None:
    assert read_log(log)[1] == fmt


def test_lines_of_another_format_are_skipped() -> None:
    records, fmt = read_log("20:41:27 <a> x\n[19:35] <b> y\n20:41:28 <c> z\n")
    assert fmt == "rrsagent"
    assert [r.nick for r in records] == ["a", "c"]


# --- Line ends, BOM ------------------------------------------------------------------------

RRSAGENT = "20:41:27 <dbooth> Mike: x\n20:41:37 <dbooth> ... y\n20:41:47 * ericn agrees\n"


@pytest.mark.parametrize(
    "variant",
    [
        RRSAGENT,
        "\ufeff" + RRSAGENT,
        RRSAGENT.replace("\n", "\r\n"),
        RRSAGENT.replace("\n", "\r"),
        "\ufeff" + RRSAGENT.replace("\n", "\r\n"),
        RRSAGENT.rstrip("\n"),  # no final line end
        RRSAGENT.replace("\n", "\n\n  \n"),  # blank and whitespace-only lines
    ],
)
def test_line_ends_and_bom(variant: str) -> None:
    assert read_log(variant) == read_log(RRSAGENT)
    assert len(read_log(variant)[0]) == 3


def test_only_cr_lf_and_crlf_end_lines() -> None:
    """IRC text may hold \\x1d (italics), \\x1e (strikethrough), \\x0c, \\x85, \\u2028 ..."""
    text = "a\x1db\x1ec\x0cd\x0be\x85f\u2028g\u2029h\x1ci"
    assert read_log(f"20:41:27 <a> {text}\n")[0] == [
        Record(hms(20, 41, 27), "a", text, time="20:41:27")
    ]


def test_mirc_text_continuation_after_crlf() -> None:
    records = read_as(MIRC_TEXT.replace("\n", "\r\n"), "mirc_text")
    assert [r.text for r in records] == [r.text for r in read_as(MIRC_TEXT, "mirc_text")]


# --- decode() --------------------------------------------------------------------------------


def test_decode_utf8() -> None:
    assert decode("naïve € 😀\n".encode()) == "naïve € 😀\n"


def test_decode_drops_bom() -> None:
    assert decode(b"\xef\xbb\xbf<a> b\n") == "<a> b\n"


def test_decode_falls_back_to_windows_1252_per_line() -> None:
    data = "<a> naïve\n".encode() + b"<b> caf\xe9 \x80 \x93quoted\x94\r\n" + "<c> ü\n".encode()
    assert decode(data) == "<a> naïve\n<b> café € “quoted”\r\n<c> ü\n"


def test_decode_cr_only_lines_fall_back_separately() -> None:
    data = b"<a> caf\xe9\r" + "<b> café\r".encode()
    assert decode(data) == "<a> café\r<b> café\r"


def test_decode_undefined_windows_1252_bytes() -> None:
    # 0x81, 0x8D, 0x8F, 0x90, 0x9D have no Windows-1252 character: they stay C1 controls.
    assert decode(b"\x81\x8d\x8f\x90\x9d\xff") == "\x81\x8d\x8f\x90\x9d\xff"


@given(st.binary(max_size=300))
def test_decode_never_raises(data: bytes) -> None:
    assert isinstance(decode(data), str)


@given(st.text(max_size=200))
def test_decode_utf8_round_trip(text: str) -> None:
    assert decode(text.encode()) == text.removeprefix("\ufeff")


# --- The reference logs ----------------------------------------------------------------------

REF_LINE = re.compile(r"(\d\d):(\d\d):(\d\d) <([^ >]+)> ?(.*)")


@pytest.mark.parametrize("path", RRSAGENT_LOGS, ids=lambda p: Path(p).name)
def test_reference_logs(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    lines = [line for line in text.split("\n") if line.strip()]
    records, fmt = read_log(text)
    assert fmt == "rrsagent"
    assert len(records) == len(lines)
    for line, record in zip(lines, records, strict=True):
        m = REF_LINE.fullmatch(line)
        assert m is not None, line
        h, mi, s, nick, said = m.groups()
        assert record == Record(hms(int(h), int(mi), int(s)), nick, said, time=f"{h}:{mi}:{s}"), (
            line
        )


def test_reference_log_from_bytes() -> None:
    path = RRSAGENT_LOGS[-1]
    assert read_log(decode(path.read_bytes())) == read_log(path.read_text(encoding="utf-8"))


# --- Properties --------------------------------------------------------------------------------

IRC_TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("<>[]*:-!| \t#&@()«»→⇐—=0123456789apmAPM\ufeff\n\r")),
        st.characters(codec="utf-8"),
    ),
    max_size=400,
)


@given(IRC_TEXT)
def test_read_log_never_raises(text: str) -> None:
    records, fmt = read_log(text)
    assert fmt in FORMATS
    assert all(isinstance(r, Record) for r in records)


@given(IRC_TEXT, st.sampled_from(FORMATS))
def test_read_as_never_raises(text: str, fmt: str) -> None:
    read_as(text, fmt)


NICKS = st.text(alphabet=string.ascii_letters + string.digits + "_-[]\\`^{}|", min_size=1)
LINE_TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\r\n"))
ROWS = st.lists(
    st.tuples(st.integers(0, 23), st.integers(0, 59), st.integers(0, 59), NICKS, LINE_TEXT),
    min_size=1,
    max_size=30,
)


@given(ROWS)
def test_rrsagent_round_trip(rows: list[tuple[int, int, int, str, str]]) -> None:
    log = "".join(f"{h:02}:{m:02}:{s:02} <{nick}> {text}\n" for h, m, s, nick, text in rows)
    assert read_log(log) == (
        [
            Record(hms(h, m, s), nick, text, time=f"{h:02}:{m:02}:{s:02}")
            for h, m, s, nick, text in rows
        ],
        "rrsagent",
    )


# --- Speed ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "a!" * 50_000,
        ":" * 100_000,
        "<" * 100_000,
        "[" + "1:" * 50_000,
        "[" + "1 " * 50_000 + "] <",
        "27-02-2020 15:04:33 < " + "a!" * 30_000 + ":" * 30_000,
        "12:00 " + " " * 100_000 + "x",
        "12:00 " + "«" * 100_000,
        "[2020-07-23 14:57:56] " + "<a" * 50_000,
        " " + "x " * 50_000,
    ],
    ids=range(10),
)
def test_pathological_lines_are_linear(line: str) -> None:
    log = f"<a> b\n{line}\n" * 3
    start = time.perf_counter()
    read_log(log)
    for fmt in FORMATS:
        read_as(log, fmt)
    assert time.perf_counter() - start < 5  # backtracking would take minutes
