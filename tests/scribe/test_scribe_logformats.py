"""bot.scribe.logformats: every input format read exactly as scribe.perl reads it.

- The minutes of small made-up logs in each format (messages, the lines each format skips,
  blank lines, mIRC continuations, CRLF, lone CR, tabs, byte order marks, mixed formats, empty
  input) and in each encoding scribe.perl guesses are compared whole with scribe.perl's
  (tests/support/scribe_oracle.py), and so are the examples of the manual's "Input Formats"
  section. The paragraph ids show the seed of each line (its time of day) and the speakers its
  nick. ``-minutes URL`` gives both programs the date, so that logs no format reads still have
  one.
- Single lines pin what each rule makes of them (seed, nick, text, time) from the rules
  themselves: seconds since midnight, Bert's theme and qwebirc without seconds, Quassel's "pm"
  adding 12 minutes.
- Properties (hypothesis): the linear rewrites of Bert's and Quassel's patterns take every line
  as the plain transcriptions of scribe.perl's patterns do; tabs, CRLF and a BOM change
  nothing; the bot's own log reads back line for line; decoding never fails and gives text
  that can be written; random logs in each format make the same minutes as scribe.perl.

Deliberate difference (pinned below): RRSAgent text with ``HH:MM:SS * nick text`` action lines,
as agendum stores its logs, is read when no scribe.perl format reads the log; scribe.perl
stops at the first such line ("Unrecognized input") with empty minutes.
"""

from __future__ import annotations

import html
import re
import string
import tempfile
import time
import unicodedata
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bot.scribe.logformats import (
    _FORMATS,
    FORMATS,
    Record,
    _bert_message,
    _lines,
    _perl,
    _quassel_untimed,
    _read,
    decode,
    read_as,
    read_log,
)
from bot.scribe.perlchars import is_word
from tests.support.scribe_oracle import (
    compare_minutes,
    run_agendum,
    run_scribe_perl,
    without_version,
)
from tests.support.seed import REFERENCE

MANUAL = REFERENCE / "scribe-conventions.html"
RRSAGENT_LOGS = [
    *sorted((REFERENCE / "scribe2-samples").glob("*.txt")),
    REFERENCE / "seed-2024-03-07-webmachinelearning-irc.txt",
]
# The date from a minutes URL, as RRSAgent passes it; both programs then agree on the date
# even of a log no format reads.
OPTIONS = ("-embedDiagnostics", "-minutes", "https://www.w3.org/2024/05/07-test-minutes.html")


def hms(h: int, m: int, s: int) -> int:
    return h * 3600 + m * 60 + s


def hm(h: int, m: int) -> int:
    return h * 3600 + m * 60


# --- Logs in every format, against scribe.perl --------------------------------------------

# (nick, text) of a short meeting: speakers, a continuation, two topics, a plain IRC line.
MEETING = [
    ("a", "Meeting: Formats"), ("a", "Scribe: a"), ("a", "Topic: First"),
    ("a", "bob: we said it"), ("a", "... and more"), ("b", "I agree"), ("a", "Topic: Second"),
    ("a", "carol: other things"), ("c", "ACTION: bob to check"),
]


def meeting(template: str, extra: dict[int, str] | None = None,
            rows: list[tuple[str, str]] | None = None) -> str:
    """The meeting in one format: ``template`` formatted with h, m, s (distinct times, so that
    the ids show the seeds), n (nick) and t (text); ``extra`` lines go before the given row."""
    out = []
    for i, (nick, text) in enumerate(rows or MEETING):
        out += [(extra or {}).get(i, "")] if i in (extra or {}) else []
        out.append(template.format(h=9 + i, m=(7 * i + 3) % 60, s=(13 * i + 5) % 60,
                                   n=nick, t=text))
    return "\n".join(out) + "\n"


RRS = "{h:02}:{m:02}:{s:02} <{n}> {t}"
BIP = "07-05-2024 {h:02}:{m:02}:{s:02} < {n}!~{n}@team.cloak: {t}"
BERT = "{h:02}:{m:02}        {n} | {t}"
IRSSI = "2024-05-07T{h:02}:{m:02}:{s:02}Z <{n}> {t}"
QWEBIRC = "[{h:02}:{m:02}] <{n}> {t}"
IRCCLOUD = "[2024-05-07 {h:02}:{m:02}:{s:02}] <{n}> {t}"
QUASSEL = "[07.05.2024 {h:02}:{m:02}:{s:02}] <{n}> {t}"
CCG = "[2024-05-07T{h:02}:{m:02}:{s:02}.379Z]\t<{n}>\t{t}"

FORMAT_LOGS = [
    # RRSAgent text: seconds since midnight; joins, parts and topic changes of the speaker
    # are skipped (with or without a time), blank lines too.
    ("rrsagent", meeting(RRS), "rrsagent"),
    ("rrsagent-untimed", meeting("<{n}> {t}"), "rrsagent"),
    ("rrsagent-mixed-times", meeting(RRS, {2: "<b> untimed", 5: "<c> also untimed"}),
     "rrsagent"),
    ("rrsagent-events", meeting(RRS, {1: "10:00:00 <z> z has joined #c",
                                      3: "<z> z has left #c",
                                      4: "10:00:02 <z> z has changed the topic to: x",
                                      6: "10:00:03 <z> y has joined #c",
                                      7: "10:00:04 <z> z has joined"}), "rrsagent"),
    ("rrsagent-blank-lines", meeting(RRS, {1: "", 3: "   ", 5: "\t"}), "rrsagent"),
    ("rrsagent-crlf", meeting(RRS).replace("\n", "\r\n"), "rrsagent"),
    ("rrsagent-mixed-line-ends", meeting(RRS).replace("\n", "\r\n", 3), "rrsagent"),
    ("rrsagent-lone-cr", meeting(RRS, {3: "10:00:00 <a> one\rline"}), "rrsagent"),
    ("rrsagent-bom", "\ufeff" + meeting(RRS), "rrsagent"),
    ("rrsagent-tabs", meeting("{h:02}:{m:02}:{s:02}\t<{n}>\t{t}"), "rrsagent"),
    ("rrsagent-no-final-newline", meeting(RRS).rstrip("\n"), "rrsagent"),
    ("rrsagent-nicks", meeting(RRS, rows=[("Joe__", "Meeting: M"), ("Joe__", "Scribe: Joe__"),
                                          ("[x]", "hi"), ("a|b", "yes"), ("@op", "ok")]),
     "rrsagent"),
    # Bip: the !user@host part goes; ">" lines are the user's own; -!- and /me lines skipped.
    ("bip", meeting(BIP), "bip"),
    ("bip-own-lines", meeting("07-05-2024 {h:02}:{m:02}:{s:02} > {n}: {t}"), "bip"),
    ("bip-events", meeting(BIP, {1: "07-05-2024 10:00:00 -!- z!~z@x has joined #c",
                                 3: "07-05-2024 10:00:01 < * z!z@x waves",
                                 5: "07-05-2024 10:00:02 > * a waves", 6: ""}), "bip"),
    # a colon in the host: not Bip's form
    ("bip-colon-in-host", meeting(BIP, {3: "07-05-2024 10:00:03 < me!u@2001:db8::1: x"}), ""),
    # mIRC text: continuation lines (a leading space) are appended as they are.
    ("mirc", meeting("<{n}> {t}", {0: "Start of #c buffer: Tue May 07 10:00:00 2024",
                                   4: " continued here", 5: "  and here", 6: "* z waves",
                                   7: "   * z waves", 8: ""}) + "End of #c buffer\n",
     "mirc_text"),
    ("mirc-crlf", meeting("<{n}> {t}", {4: " continued", 6: "* z waves"}).replace("\n", "\r\n"),
     "mirc_text"),
    ("mirc-continuation-first", " orphan\n" + meeting("<{n}> {t}"), ""),
    # Yahoo IM.
    ("yahoo", meeting("{n}: {t}", {2: "", 4: "  "}), "yahoo"),
    # Bert's Irssi theme: hours and minutes; the nick column with modes and padding.
    ("bert", meeting(BERT, {0: "--- Log opened Tue May 07 09:00:00 2024",
                            1: "09:00           --> | z (z@x) has joined #c",
                            2: "09:00        «Quit» | y (y@x) has signed off (Ping timeout)",
                            3: "09:00       «Users» | 23 nicks", 4: "09:01             * | z hi",
                            5: ""}), "bert"),
    ("bert-prefixes", meeting("Tue07 [{h:02}:{m:02}] @{n} | {t}", {
        3: "11:02 +%b | plain", 5: "[11:03]   c | bracketed",
        6: "11:04 @ @ | a lone mode"}), "bert"),
    ("bert-crlf", meeting(BERT).replace("\n", "\r\n"), "bert"),
    # Irssi: ISO 8601 times.
    ("irssi", meeting(IRSSI, {0: "--- Log opened", 1: "2024-05-07T09:00:00Z -!- z has joined",
                              2: "2024-05-07T09:00:01Z  * z waves", 3: "",
                              4: "2024-05-07T09:00:02Z     <@z> spaced"}), "irssi"),
    ("irssi-short-form", meeting("{h:02}:{m:02} <{n}> {t}"), ""),
    # qwebirc: hours and minutes.
    ("qwebirc", meeting(QWEBIRC, {1: "[09:00] == z [~z@x] has joined #c",
                                  2: "[09:00] * z waves", 3: ""}), "qwebirc"),
    # IRCCloud: the channel line and the events; a blank line is not IRCCloud.
    ("irccloud", "#c\n" + meeting(IRCCLOUD, {
        0: "[2024-05-07 09:00:00] → Joined channel #c",
        1: "[2024-05-07 09:00:01] → z joined (z@x)",
        2: "[2024-05-07 09:00:02] ⇐ z quit (z@x): bye",
        3: "[2024-05-07 09:00:03] ⇐ You disconnected",
        4: "[2024-05-07 09:00:04] ← z left (z@x)", 5: "[2024-05-07 09:00:05] — z waves",
        6: "[2024-05-07 09:00:06] * z_ → z"}), "irccloud"),
    ("irccloud-blank-line", "#c\n" + meeting(IRCCLOUD, {3: ""}), "plain"),
    ("irccloud-blank-line-no-channel", meeting(IRCCLOUD, {3: ""}), "quassel"),
    # Quassel: the time is the last h:mm(:ss) in the brackets (greedy: "10:05" is 0:05),
    # "pm" adds 12 to the minutes; no time at all is allowed.
    ("quassel", meeting(QUASSEL, {1: "[09:00] --> z (z@x) has joined #c", 2: "[09:00] <-- z quit",
                                  3: "[09:00] <-> z is now z_", 4: "[09:00] * topic",
                                  5: "[09:00] -*- z waves", 6: "[09:00] *** mode",
                                  7: "[09:00] - {Day changed to x}", 8: ""}), "quassel"),
    ("quassel-greedy-time", meeting("[2024-05-07 {h:02}:{m:02}] <{n}> {t}"), "quassel"),
    ("quassel-pm", meeting("[Tue {h}:{m:02}:{s:02}PM] <{n}> {t}"), "quassel"),
    ("quassel-pm-spaced", meeting("[{h}:{m:02} pm] <{n}> {t}"), "quassel"),
    ("quassel-am", meeting("[{h}:{m:02} am] <{n}> {t}"), "quassel"),
    ("quassel-no-time", meeting("[yesterday] <{n}> {t}", {3: "[a] b] <c> brackets"}),
     "quassel"),
    ("quassel-some-times", meeting("[no time] <{n}> {t}", {2: "[1:05 am] <b> timed",
                                                            4: "[1:06 pm] <b> pm"}), "quassel"),
    ("ccg", meeting(CCG), "quassel"),
    ("ccg-crlf", meeting(CCG).replace("\n", "\r\n"), "quassel"),
    # Plain text: the notes of an anonymous scribe.
    ("plain", meeting("{t}"), "plain"),
    ("plain-indented", meeting("\t{t}", {3: ""}), "plain"),
    ("plain-with-a-time", meeting("{t}", {3: "10:00 something"}), ""),
    ("plain-with-a-nick", meeting("{t}", {3: "<x> something"}), ""),
    # No format reads every line: the furthest one says where it stopped.
    ("mixed-formats", meeting(RRS, {3: "[10:00] <b> qwebirc"}), ""),
    ("mixed-late", meeting(QWEBIRC, {7: "10:00:00 <b> rrsagent"}), ""),
    # RRSAgent text "reads" an empty log
    ("empty", "", "rrsagent"),
    ("blank-lines-only", "\n\n  \n", "rrsagent"),
    ("bom-only", "\ufeff", "rrsagent"),
    ("channel-line-only", "#c\n", "irccloud"),
]


@pytest.mark.parametrize(("log", "fmt"), [pytest.param(log, fmt, id=name)
                                          for name, log, fmt in FORMAT_LOGS])
def test_format_reads_as_scribe_perl(log: str, fmt: str) -> None:
    compare_minutes(log, OPTIONS)
    assert read_log(log)[1] == fmt


def manual_examples() -> list[str]:
    """The example blocks of the manual's "Input Formats" section, in order."""
    page = MANUAL.read_text(encoding="utf-8")
    section = page[page.index('id="input_formats"'):page.index('id="Environment_Variables"')]
    blocks = re.findall(r"<pre class=command\s*>(.*?)</pre", section, re.DOTALL)
    return [html.unescape(block).removeprefix("\n") for block in blocks]


MANUAL_FORMATS = ["rrsagent", "qwebirc", "mirc_text", "", "", "bip", "yahoo", "plain", "qwebirc",
                  "quassel", "bert", "irccloud"]


@pytest.mark.parametrize(("index", "fmt"), list(enumerate(MANUAL_FORMATS)))
def test_manual_examples_read_as_scribe_perl(index: int, fmt: str) -> None:
    """The manual's mIRC example ("[19:35] <Zakim> ...") is qwebirc's form, and its Irssi ones
    (with "-0500Z", or only hours and minutes) are not what scribe.perl reads."""
    example = manual_examples()[index]
    compare_minutes(example, OPTIONS)
    assert read_log(example)[1] == fmt


def test_every_format_is_in_the_oracle_cases() -> None:
    assert {fmt for _, _, fmt in FORMAT_LOGS} == {*FORMATS, ""}


# --- Encodings, against scribe.perl ---------------------------------------------------------

def codecs_bom(codec: str) -> bytes:
    return "\ufeff".encode(codec)


BODY = meeting(RRS, rows=[*MEETING, ("b", "café naïve ✓ {x}")])
ENCODED_LOGS = [
    ("utf-8", BODY.format(x="😀").encode()),
    ("latin-1", BODY.replace("✓ ", "").format(x="\xa0\xff").encode("latin-1")),
    # scribe.perl decides at the first line that is not UTF-8: the whole file is Latin-1
    ("utf-8-then-latin-1", BODY.format(x="").encode() + "10:59:00 <b> caf\xe9\n".encode("latin-1")),
    ("latin-1-then-utf-8", "09:00:00 <b> caf\xe9\n".encode("latin-1") + BODY.format(x="").encode()),
    ("c1-bytes", BODY.format(x="").encode() + b"10:59:00 <b> \x80\x93x\x85y\n"),
    ("utf-8-bom", codecs_bom("utf-8") + BODY.format(x="").encode()),
    ("utf-8-bom-twice", codecs_bom("utf-8") * 2 + BODY.format(x="").encode()),
    ("utf-8-bom-malformed", codecs_bom("utf-8") + BODY.format(x="").encode()
     + b"10:59:00 <b> caf\xe9x \xe2\x82y\n"),
    ("utf-16-le", codecs_bom("utf-16-le") + BODY.format(x="😀").encode("utf-16-le")),
    ("utf-16-be", codecs_bom("utf-16-be") + BODY.format(x="😀").encode("utf-16-be")),
    ("utf-16-crlf", codecs_bom("utf-16-le") + BODY.format(x="").replace("\n", "\r\n")
     .encode("utf-16-le")),
    ("utf-16-odd-length", codecs_bom("utf-16-le") + BODY.format(x="").encode("utf-16-le") + b"x"),
    ("utf-16-lone-surrogate", codecs_bom("utf-16-le") + BODY.format(x="").encode("utf-16-le")
     + b"1\x000\x00:\x000\x000\x00:\x000\x000\x00 \x00<\x00b\x00>\x00 \x00\x00\xd8x\x00\n\x00"),
    ("utf-32-le", codecs_bom("utf-32-le") + BODY.format(x="😀").encode("utf-32-le")),
    ("utf-32-be", codecs_bom("utf-32-be") + BODY.format(x="😀").encode("utf-32-be")),
    # a NUL byte: UTF-16 (or UTF-32) without a byte order mark, the byte order guessed
    ("utf-16-le-no-bom", BODY.format(x="").encode("utf-16-le")),
    ("utf-16-be-no-bom", BODY.format(x="").encode("utf-16-be")),
    ("utf-32-le-no-bom", BODY.format(x="").encode("utf-32-le")),
    ("nul-in-utf-8", BODY.format(x="a\x00b").encode()),
    # an ESC before the first line that is not UTF-8 makes it UTF-8 after all
    ("esc-then-malformed", BODY.format(x="\x1b[1m").encode() + b"10:59:00 <b> caf\xe9x\n"),
    ("malformed-then-esc", BODY.format(x="").encode() + b"10:59:00 <b> caf\xe9\n"
     + b"10:59:01 <b> \x1b[1m\n"),
    # strict UTF-8 refuses surrogates and noncharacters: U+FFFD
    ("encoded-surrogate", BODY.format(x="").encode() + b"10:59:00 <b> caf\xed\xa0\x80x\n"),
    ("noncharacters", BODY.format(x="\ufffe\ufdd0\U0001ffff").encode()),
]


def compare_bytes(data: bytes, options: tuple[str, ...] = OPTIONS) -> str:
    """``compare_minutes`` for a log given as bytes."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "log.txt"
        path.write_bytes(data)
        perl, ours = run_scribe_perl(path, options), run_agendum(path, options)
    assert (perl.status, ours.status) == (0, 0), f"exit status {perl.status}/{ours.status}"
    assert without_version(ours.html) == without_version(perl.html), f"the minutes of {data!r}"
    assert ours.stderr == perl.stderr
    return ours.html


@pytest.mark.parametrize("data", [pytest.param(d, id=name) for name, d in ENCODED_LOGS])
def test_encoding_reads_as_scribe_perl(data: bytes) -> None:
    compare_bytes(data)


# --- Deliberate difference: agendum's own logs with /me lines ----------------------------------

BOT_LOG = meeting(RRS, {4: "10:00:00 * b waves", 6: "10:00:01 * c"})


def test_rrsagent_with_actions_is_read_where_scribe_perl_stops() -> None:
    """agendum stores /me lines as ``HH:MM:SS * nick text``; scribe.perl reads no format of
    such a log and makes empty minutes, agendum reads it as RRSAgent text with actions."""
    records, fmt, notes = read_log(BOT_LOG)
    assert (fmt, notes) == ("rrsagent", [])
    assert [(r.nick, r.text) for r in records if r.action] == [("b", "waves"), ("c", "")]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "log.txt"
        path.write_text(BOT_LOG, encoding="utf-8")
        perl, ours = run_scribe_perl(path, OPTIONS), run_agendum(path, OPTIONS)
    assert "Unrecognized input at line 5: 10:00:00 * b waves" in perl.html
    assert "Unrecognized input" not in ours.html
    assert "&lt;* b&gt;</cite> waves" in ours.html


def test_actions_are_only_a_last_resort() -> None:
    """A log another format reads is read by it, /me-looking lines and all."""
    log = "<a> x\n* b waves\n"
    assert read_log(log)[1] == "mirc_text"
    compare_minutes(log, OPTIONS)


# --- One line at a time --------------------------------------------------------------------

LINES = [
    # RRSAgent: seconds since midnight; untimed lines seed 0 and have no time.
    ("rrsagent", "20:41:27 <dbooth> Mike: Feature X.",
     Record(hms(20, 41, 27), "dbooth", "Mike: Feature X.", time="20:41:27")),
    ("rrsagent", "<tw> Topic: Fire Alarms", Record(0, "tw", "Topic: Fire Alarms")),
    ("rrsagent", "00:00:01 <a>   indented ", Record(1, "a", "  indented ", time="00:00:01")),
    ("rrsagent", "00:00:03 <a> ", Record(3, "a", "", time="00:00:03")),
    ("rrsagent", "25:99:00 <a> late", Record(hms(25, 99, 0), "a", "late", time="25:99:00")),
    # a joined line of somebody else is a message
    ("rrsagent", "14:59:27 <alain> bob has joined #forms",
     Record(hms(14, 59, 27), "alain", "bob has joined #forms", time="14:59:27")),
    # Bip
    ("bip", "27-02-2020 15:04:33 < addison!~addison@team.cloak: zakim, take up agendum 1",
     Record(hms(15, 4, 33), "addison", "zakim, take up agendum 1", time="27-02-2020 15:04:33")),
    ("bip", "27-02-2020 15:05:24 > me: my own line",
     Record(hms(15, 5, 24), "me", "my own line", time="27-02-2020 15:05:24")),
    # mIRC text, Yahoo, plain: no times
    ("mirc_text", "<ericn> I agree.", Record(0, "ericn", "I agree.")),
    ("yahoo", "dbooth: Mike: x", Record(0, "dbooth", "Mike: x")),
    ("plain", "  Eric agrees.", Record(0, "scribe", "  Eric agrees.")),
    # Bert's theme: 3600 h + 60 m
    ("bert", "13:11        scribe | Angel: Short meeting.",
     Record(hm(13, 11), "scribe", "Angel: Short meeting.", time="13:11")),
    ("bert", "Thu19 [13:12] @+koalie | hi", Record(hm(13, 12), "koalie", "hi", time="13:12")),
    ("bert", "13:13 @ @ | lone", Record(hm(13, 13), "@", "lone", time="13:13")),
    ("bert", "13:14] | x", Record(hm(13, 14), "]", "x", time="13:14")),
    # Irssi
    ("irssi", "2003-12-18T15:27:21Z   <@dbooth> Mike: x",
     Record(hms(15, 27, 21), "@dbooth", "Mike: x", time="2003-12-18T15:27:21Z")),
    # qwebirc: 3600 h + 60 m
    ("qwebirc", "[10:00] <Wilco> agenda+ Update",
     Record(hm(10, 0), "Wilco", "agenda+ Update", time="10:00")),
    # IRCCloud
    ("irccloud", "[2020-07-23 14:57:56] <Wilco> zakim, start meeting",
     Record(hms(14, 57, 56), "Wilco", "zakim, start meeting", time="2020-07-23 14:57:56")),
    # Quassel: the last time in the brackets; pm adds 12 minutes
    ("quassel", "[11:02] <Gert> hi", Record(hm(1, 2), "Gert", "hi", time="11:02")),
    ("quassel", "[1:02] <Gert> hi", Record(hm(1, 2), "Gert", "hi", time="1:02")),
    # ... so the seconds never count: "11:02:03" is 2:03
    ("quassel", "[20.04.2021 11:02:03] <Gert> hi",
     Record(hm(2, 3), "Gert", "hi", time="20.04.2021 11:02:03")),
    ("quassel", "[1:09 pm] <Gert> hi", Record(hm(1, 9) + 12 * 60, "Gert", "hi", time="1:09 pm")),
    ("quassel", "[Tue 1:09:10PM] <Gert> hi",
     Record(hm(9, 10) + 12 * 60, "Gert", "hi", time="Tue 1:09:10PM")),
    ("quassel", "[1:09am] <Gert> hi", Record(hm(1, 9), "Gert", "hi", time="1:09am")),
    ("quassel", "[2024-05-07T15:56:18.379Z] <x> ccg",
     Record(hm(6, 18), "x", "ccg", time="2024-05-07T15:56:18.379Z")),
    ("quassel", "[today] <Gert> hi", Record(0, "Gert", "hi")),
    ("quassel", "[a] b] <c> d", Record(0, "c", "d")),
    # agendum's extension: RRSAgent text with actions
    ("rrsagent_actions", "19:36:05 * Zakim hears Steven's hand up",
     Record(hms(19, 36, 5), "Zakim", "hears Steven's hand up", action=True, time="19:36:05")),
]


def read_line(line: str, fmt: str) -> list[Record]:
    if fmt == "rrsagent_actions":  # alone, the line would be an Irssi /me line: skipped
        return read_log(f"00:00:00 <a> x\n{line}")[0][1:]
    return read_as(line, fmt)


@pytest.mark.parametrize(("fmt", "line", "expected"), LINES)
def test_line(fmt: str, line: str, expected: Record) -> None:
    assert read_line(line, fmt) == [expected]


def understood(line: str, fmt: str) -> str:
    """What format ``fmt`` does with ``line`` alone: message, skip or fail."""
    records, failed = _read([line.replace("\t", " ")], _FORMATS[fmt])
    return "fail" if failed else "message" if records else "skip"


# Lines each format skips, and lines that are none of it (the whole format then fails).
@pytest.mark.parametrize(("fmt", "line", "does"), [
    ("rrsagent", "20:41:27 <jfm> jfm has joined #foo", "skip"),
    ("rrsagent", "<jfm> jfm has changed the topic to: x", "skip"),
    ("rrsagent", "<jfm> jfm has joined", "message"),  # the pattern wants a space after
    ("rrsagent", "20:41:27 * ericn agrees", "fail"),
    ("rrsagent", "20:41 <dbooth> no seconds", "fail"),
    ("rrsagent", "<dbooth>no space", "fail"),
    ("rrsagent", "\x1c", "fail"),  # not Perl whitespace (Python's \s has it)
    ("rrsagent", "\xa0\u2003\x85", "skip"),
    ("bip", "27-02-2020 15:04:54 -!- JcK!~JcK@team.cloak has joined #i18n", "skip"),
    ("bip", "27-02-2020 15:05:22 < * trackbot!trackbot@team.cloak is looking up x", "skip"),
    ("bip", "27-02-2020 15:05:22 < nohost: x", "fail"),
    ("bip", "27-02-2020 15:05:23 < me!u@2001:db8::1: colons in the host", "fail"),
    ("mirc_text", "* ericn agrees", "skip"),
    ("mirc_text", "   * ericn agrees", "skip"),
    ("mirc_text", " orphan continuation", "fail"),
    ("yahoo", "\tMike: indented", "fail"),
    ("yahoo", "http://example.org/", "fail"),
    ("bert", "13:08           --> | naomi_ (naomi@team.cloak) has joined &global", "skip"),
    ("bert", "13:13        «Quit» | naomi (naomi@team.cloak) has signed off (Ping timeout)",
     "skip"),
    ("bert", "12:57       «Users» | 23 nicks", "skip"),
    ("bert", "13:08             * | koalie veronica :D", "skip"),
    ("bert", "--- Log opened Thu Mar 19 12:57:23 2015", "skip"),
    ("bert", "15:27 <ericn> I agree.", "fail"),
    ("bert", "a²b07 13:11 x | y", "fail"),  # ² is not one of Perl's word characters
    ("bert", "e\u0301x07 13:11 x | y", "message"),  # a combining mark is
    ("irssi", "2003-12-18T16:02:59Z -!- koalie [coralie@team.cloak] has joined &weum", "skip"),
    ("irssi", "2003-12-18T16:38:58Z  * koalie hears Steve", "skip"),
    ("irssi", "2003-12-18T15:27:21-0500Z <dbooth> x", "fail"),
    ("irssi", "15:27 <ericn> I agree.", "fail"),
    ("qwebirc", "[09:59] == Wilco [~Wilco@4a714a7c.public.cloak] has joined #act-r", "skip"),
    ("qwebirc", "[10:00] * Zakim notes agendum 1 added", "skip"),
    ("qwebirc", "[2020-07-23 14:57:56] <Wilco> x", "fail"),
    ("irccloud", "#wcag-act", "skip"),
    ("irccloud", "[2020-07-23 14:58:28] — Zakim notes agendum 1 added", "skip"),
    ("irccloud", '[2020-07-21 18:21:09] ⇐ shadi quit (shadi@x.team.cloak): "Leaving"', "skip"),
    ("irccloud", "", "fail"),
    ("irccloud", "[19:35] <Zakim> x", "fail"),
    ("quassel", "[01:09] <-- borisjohn (b@899c7108.team.cloak) has quit (Ping timeout)", "skip"),
    ("quassel", "[11:00] -*- kolec still on another call", "skip"),
    ("quassel", "[x] - {Day changed to Tuesday}", "skip"),
    ("quassel", "[11:02] <> empty nick", "fail"),
    ("plain", "2007-04-04 10:50 Jim: +1", "fail"),
    ("plain", "<Aude> Not now.", "fail"),
    ("plain", "", "skip"),
])
def test_what_a_format_does_with_a_line(fmt: str, line: str, does: str) -> None:
    assert understood(line, fmt) == does


def test_unknown_format() -> None:
    with pytest.raises(KeyError):
        read_as("<a> b", "xchat")


def test_formats_in_scribe_perl_order() -> None:
    assert FORMATS == ("rrsagent", "bip", "mirc_text", "yahoo", "bert", "irssi", "qwebirc",
                       "irccloud", "quassel", "plain")


MIRC_TEXT = """\
<dbooth> This is pretending to be a long
 line that mIRC breaks in order to display,
 but scribe.perl will re-join into a single line.
<ericn> I agree.
"""


def test_mirc_text_continuations_are_appended_as_they_are() -> None:
    assert read_log(MIRC_TEXT) == ([
        Record(0, "dbooth", "This is pretending to be a long line that mIRC breaks in order to"
                            " display, but scribe.perl will re-join into a single line."),
        Record(0, "ericn", "I agree.")], "mirc_text", [])


@pytest.mark.parametrize(("log", "notes"), [
    ("", ["Input is empty."]),
    ("\n \n", ["Input is empty."]),
    ("#c\n", ["Unrecognized input at line 1: #c"]),  # IRCCloud reads it, with no records
    ("<a> x\n[10:00] <b> y\n<c> z\n", ["Unrecognized input at line 2: [10:00] <b> y"]),
    # the furthest line any format got to, the first format on a tie; tabs already spaces
    ("a: x\nb: y\n<c>\tz\n", ["Unrecognized input at line 3: <c> z"]),  # Yahoo's
])
def test_diagnostics_when_no_format_reads_every_line(log: str, notes: list[str]) -> None:
    assert read_log(log)[0] == []
    assert read_log(log)[2] == notes


# --- decode() ------------------------------------------------------------------------------


@pytest.mark.parametrize(("data", "text"), [
    ("naïve € 😀\n".encode(), "naïve € 😀\n"),
    (b"\xef\xbb\xbf<a> b\n", "\ufeff<a> b\n"),  # read_log drops it
    (b"<b> caf\xe9 \x80\x93\r\n", "<b> café \x80\x93\r\n"),  # Latin-1, not Windows-1252
    ("<a> ü\n".encode() + b"<b> caf\xe9\n", "<a> Ã¼\n<b> café\n"),  # the whole file
    (b"\xff\xfea\x00", "a"),
    (b"\xff\xfea\x00b", "a"),  # a partial code unit goes
    (b"a\x00b\x00", "ab"),  # NUL: UTF-16, little-endian by the count of non-zero bytes
    (b"\x00a\x00b", "ab"),
    (b"a\x00\x00\x00", "a"),  # two NULs in a row: UTF-32
    (b"a\x00b\x00\x00", "a\x00b\x00\x00"),  # a tie: UTF-8 after all
    (b"\x1b caf\xe9 x", "\x1b caf\ufffd x"),  # ESC first: UTF-8 with U+FFFD
    (b"caf\xe9\n\x1b", "caf\xe9\n\x1b"),
    (b"a\xed\xa0\x80b", "a\ufffdb"),  # a surrogate: one U+FFFD for the sequence
    (b"a\xef\xbf\xbeb", "a\ufffdb"),  # a noncharacter
    (b"\x1ba\xc0\x80b\xe2\x82c\x80\x80", "\x1ba\ufffdb\ufffdc\ufffd\ufffd"),
    (b"", ""),
])
def test_decode(data: bytes, text: str) -> None:
    assert decode(data) == text


@given(st.binary(max_size=300))
def test_decode_never_fails_and_gives_text_that_can_be_written(data: bytes) -> None:
    decode(data).encode("utf-8")  # no lone surrogate: scribe.perl writes them, invalid


UTF8_TEXT = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"),
                    max_size=200)


@given(UTF8_TEXT)
def test_decode_utf8_round_trip_but_noncharacters(text: str) -> None:
    assume(not text.startswith("\ufeff"))
    expected = "".join("\ufffd" if ord(c) & 0xFFFE == 0xFFFE or 0xFDD0 <= ord(c) <= 0xFDEF
                       else c for c in text)
    assert decode(text.encode()) == expected


@given(st.binary(min_size=1, max_size=200))
def test_decode_latin1_when_not_utf8(data: bytes) -> None:
    assume(b"\x00" not in data and b"\x1b" not in data)
    assume(data[:3] != b"\xef\xbb\xbf" and data[:2] not in (b"\xff\xfe", b"\xfe\xff"))
    assume(not re.search(rb"[\xed\xf4-\xfd]", data))  # no form that only lax UTF-8 takes
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        assert decode(data) == data.decode("latin-1")


# --- Properties of the readers -------------------------------------------------------------

PERL_SPACES = "\t\x0b\x0c \x85\xa0\u1680\u2000\u200a\u2028\u2029\u202f\u205f\u3000"
IRC_TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("<>[]*:-!| \t#&@%+()«»→⇐←—=0123456789apmAPMZT\ufeff\n\r\x1c")),
        st.sampled_from(list(PERL_SPACES)), st.characters(codec="utf-8")),
    max_size=400)


@given(IRC_TEXT)
def test_read_log_never_fails(text: str) -> None:
    records, fmt, notes = read_log(text)
    assert fmt in (*FORMATS, "")
    assert bool(notes) == (not records)


@given(IRC_TEXT, st.sampled_from(FORMATS))
def test_read_as_never_fails(text: str, fmt: str) -> None:
    read_as(text, fmt)


@given(IRC_TEXT)
def test_tabs_are_spaces(text: str) -> None:
    assert read_log(text) == read_log(text.replace("\t", " "))


@pytest.mark.parametrize(("log", "texts"), [
    ("<a> x\r", ["x\r"]),  # a CR stays unless a LF follows it
    ("<a> x\r\n<a> y\r", ["x", "y\r"]),
    ("<a> x\r\r\n", ["x\r"]),
    ("<a> x\ry\n", ["x\ry"]),
    ("<a> x\n\n\r\n", ["x"]),
])
def test_line_ends(log: str, texts: list[str]) -> None:
    assert [r.text for r in read_log(log)[0]] == texts


@given(IRC_TEXT)
def test_lines_split_at_lf_and_crlf_only(text: str) -> None:
    """The lines are Perl's split(/\\r?\\n/): trailing empty ones dropped, tabs spaces."""
    expected = re.split(r"\r?\n", text.replace("\t", " "))
    while expected and not expected[-1]:
        expected.pop()
    if expected:
        expected[0] = expected[0].removeprefix("\ufeff")
    assert _lines(text) == expected


@given(IRC_TEXT)
def test_crlf_is_a_line_end_and_a_bom_is_dropped(text: str) -> None:
    assume("\r" not in text and not text.startswith("\ufeff"))
    assert read_log(text.replace("\n", "\r\n")) == read_log(text)
    assert read_log("\ufeff" + text) == read_log(text)


# The rules written for linear time take every line as scribe.perl's patterns, transcribed
# plainly (quadratic on some long lines), do.
BERT_PLAIN = re.compile(_perl(r"(?:\w\w\w\d\d )?\[?(\d\d):(\d\d)\]?[\s@+%]*(\S+) \| (.*)"))
QUASSEL_PLAIN = [
    re.compile(_perl(r"\[[^]]*(\d\d?):(\d\d)(?::(\d\d))?\s*pm[^]]*\] <([^>]+)> (.*)$"), re.I),
    re.compile(_perl(r"\[[^]]*(\d\d?):(\d\d)(?::(\d\d))?[^]]*\] <([^>]+)> (.*)$")),
    re.compile(r"\[(.*?)\] <([^>]+)> (.*)$"),
]
BERT_SKIPS_PLAIN = [re.compile(_perl(r"[0-9:]+\s*[<>-]+ \| (\S+).*( has (?:joined|left).*)")),
                    re.compile(_perl(r"[0-9:]+\s*«Quit» \| (\S+).* has signed off"))]
def pieces(*parts: list[str], size: int = 3) -> st.SearchStrategy[str]:
    """Lines made of one of each ``parts`` in turn, each followed by up to ``size`` noise
    pieces of any of them: near the pattern, and often matching it."""
    noise = sorted({p for part in parts for p in part})
    return st.tuples(*(st.tuples(st.sampled_from(part), st.lists(st.sampled_from(noise),
                                                                 max_size=size))
                       for part in parts)).map(
        lambda chosen: "".join(p + "".join(extra) for p, extra in chosen))


BERT_LINE = pieces(["", "", "Wed07 ", "ab107 ", "W d07 "], ["", "[", " ["], ["12:34", "1:2", "12"],
                   ["", "]", "] "], ["", " ", "  @", " +%", "\xa0", "\x1c", " @ ", "@@"],
                   ["nick", "a|b", "", "-->", "«Quit»", "»", "|"],
                   [" | ", " |", "| ", " | | "], ["x", " has joined", " has signed off", ""],
                   size=1)
QUASSEL_LINE = pieces(["[", "[Tue ", "[x"], ["", "1:05", "12:34", "1:2:03", "10:05:06"],
                      ["", " pm", "PM", "pm", " pm]", " am", "\u3000pm", "\x1cpm", ":", "]"],
                      ["] <", "]  <", "] ", "]] <"], ["nick", "", ">", "a b"],
                      ["> ", ">", " > "], ["text", "] <x> y", ""], size=1)


def quassel_plain(line: str) -> tuple[str | None, ...] | None:
    for pattern in QUASSEL_PLAIN:
        if m := pattern.match(line):
            return m.groups()
    return None


def quassel_ours(line: str) -> tuple[str | None, ...] | None:
    for rule in _FORMATS["quassel"][-3:]:
        if m := rule.match(line):
            if rule.find is _quassel_untimed:
                return (m[1], m[2], m[3])
            return tuple(m[g] for g in (*rule.clock, rule.nick, rule.text))
    return None


@given(BERT_LINE)
def test_bert_message_rule_is_the_pattern(line: str) -> None:
    assume(line[:3].isascii())  # where Python's \w is Perl's
    plain, ours = BERT_PLAIN.match(line), _bert_message(line)
    assert (plain and plain.groups()) == (ours and tuple(ours[g] for g in range(2, 6)))


@given(BERT_LINE)
def test_bert_skip_rules_are_the_patterns(line: str) -> None:
    for plain, rule in zip(BERT_SKIPS_PLAIN, _FORMATS["bert"][1:3], strict=True):
        assert bool(plain.match(line)) == bool(rule.match(line))


@given(QUASSEL_LINE)
def test_quassel_message_rules_are_the_patterns(line: str) -> None:
    assert quassel_ours(line) == quassel_plain(line)


@given(st.characters())
def test_perl_word_characters(char: str) -> None:
    """Perl's \\w is Python's but for marks and connector punctuation (in), other numbers (out)
    and the circled letters and joiners (in)."""
    python = re.match(r"\w", char) is not None
    category = unicodedata.category(char)
    if category[0] == "M" or category == "Pc":
        assert is_word(char)
    elif category == "No":
        assert not is_word(char)
    elif not ("\u24b6" <= char <= "\u24e9" or char in "\u200c\u200d"
              or "\U0001f130" <= char <= "\U0001f189"):
        assert is_word(char) == python


NICKS = st.text(alphabet=string.ascii_letters + string.digits + "_-[]\\`^{}|", min_size=1)
LINE_TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\r\n\t"))
ROWS = st.lists(
    st.tuples(st.integers(0, 23), st.integers(0, 59), st.integers(0, 59), NICKS, LINE_TEXT),
    min_size=1, max_size=30)


@given(ROWS)
def test_rrsagent_round_trip(rows: list[tuple[int, int, int, str, str]]) -> None:
    rows = [row for row in rows
            if not re.match(rf"{re.escape(row[3])} has (?:joined|left|changed the topic to:) ",
                            row[4])]
    assume(rows)
    log = "".join(f"{h:02}:{m:02}:{s:02} <{nick}> {text}\n" for h, m, s, nick, text in rows)
    assert read_log(log) == ([Record(hms(h, m, s), nick, text, time=f"{h:02}:{m:02}:{s:02}")
                              for h, m, s, nick, text in rows], "rrsagent", [])


SKIPPED = re.compile(_perl(r"\s*(?:\*|$)"))  # blank and /me lines come first


@given(st.lists(st.tuples(NICKS, LINE_TEXT, st.lists(LINE_TEXT, max_size=3)), min_size=1,
                max_size=10))
def test_mirc_text_joins_continuations(rows: list[tuple[str, str, list[str]]]) -> None:
    log = "".join(f"<{nick}> {text}\n" + "".join(f" {c}\n" for c in cont)
                  for nick, text, cont in rows)
    records, fmt, _ = read_log(log)
    if fmt == "mirc_text":  # else an earlier format read it (RRSAgent, without continuations)
        assert records == [Record(0, nick, text + "".join(f" {c}" for c in cont
                                                          if not SKIPPED.match(f" {c}")))
                           for nick, text, cont in rows]


# Random meetings in each format, from the lines the format reads, against scribe.perl.
SAY = st.sampled_from(["hi", "bob: yes", "Topic: Later", "ACTION: bob to go", "q+",
                       "x | y", "a: b: c", "[brackets]", "<b>bold</b>", "1:05 pm"])
NICK = st.sampled_from(["a", "bob", "c_", "d-e", "[f]"])
EVENTS: dict[str, list[str]] = {
    "rrsagent": ["", "10:00:00 <{n}> {n} has joined #c", "<{n}> {n} has left #c", "<{n}> {t}"],
    "bip": ["", "07-05-2024 10:00:00 -!- {n}!u@h has joined #c",
            "07-05-2024 10:00:01 < * {n}!u@h waves", "07-05-2024 10:00:02 > {n}: {t}"],
    "mirc_text": ["", " {t}", "* {n} waves", "Start of #c buffer"],
    "yahoo": ["", "  "],
    "bert": ["", "--- Log closed", "10:00 --> | {n} (u@h) has joined #c", "10:01  * | {n} hi",
             "10:02 «Users» | 2 nicks", "Wed07 [10:03] @{n} | {t}", "10:04 +%{n} | {t}"],
    "irssi": ["", "2024-05-07T10:00:00Z -!- {n} has joined", "2024-05-07T10:00:01Z * {n} waves"],
    "qwebirc": ["", "[10:00] == {n} has joined #c", "[10:01] * {n} waves"],
    "irccloud": ["#c", "[2024-05-07 10:00:00] → {n} joined (u@h)",
                 "[2024-05-07 10:00:01] — {n} waves", "[2024-05-07 10:00:02] * {n} → x"],
    "quassel": ["", "[10:00] --> {n} has joined", "[10:01] -*- {n} waves", "[x] <{n}> {t}",
                "[1:05 pm] <{n}> {t}", "[2024-05-07T15:56:18.379Z] <{n}> {t}"],
    "plain": ["", "{t}"],
}
TEMPLATES = {"rrsagent": RRS, "bip": BIP, "mirc_text": "<{n}> {t}", "yahoo": "{n}: {t}",
             "bert": BERT, "irssi": IRSSI, "qwebirc": QWEBIRC, "irccloud": IRCCLOUD,
             "quassel": QUASSEL, "plain": "{t}"}


@st.composite
def format_logs(draw: st.DrawFn) -> str:
    fmt = draw(st.sampled_from(FORMATS))
    rows = [*MEETING[:3], *draw(st.lists(st.tuples(NICK, SAY), max_size=6))]
    extra = draw(st.dictionaries(st.integers(0, len(rows) - 1),
                                 st.sampled_from(EVENTS[fmt]), max_size=4))
    nick, said = draw(NICK), draw(SAY)
    log = meeting(TEMPLATES[fmt], {i: e.format(n=nick, t=said) for i, e in extra.items()}, rows)
    return log.replace("\n", "\r\n") if draw(st.booleans()) else log


@settings(max_examples=25, deadline=None)
@given(format_logs())
def test_random_logs_read_as_scribe_perl(log: str) -> None:
    compare_minutes(log, OPTIONS)


# --- The reference logs ----------------------------------------------------------------------

REF_LINE = re.compile(r"(\d\d):(\d\d):(\d\d) <([^ >]+)> ?(.*)")


@pytest.mark.parametrize("path", RRSAGENT_LOGS, ids=lambda p: Path(p).name)
def test_reference_logs(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    records, fmt, notes = read_log(text)
    assert (fmt, notes) == ("rrsagent", [])
    assert read_log(decode(path.read_bytes())) == (records, fmt, notes)
    lines = [line for line in text.split("\n") if line.strip()]
    assert len(records) <= len(lines)
    for record in records:
        assert REF_LINE.fullmatch(f"{record.time} <{record.nick}> {record.text}")


# --- Speed ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("line", [
    "a!" * 50_000,
    ":" * 100_000,
    "<" * 100_000,
    "[" + "1:" * 50_000,
    "[" + "1 " * 50_000 + "] <",
    "[" + "1:11 " * 20_000 + "] <",
    "[" + "1:11 pm" * 15_000 + "] <",
    "[" + "] <a" * 25_000,
    "27-02-2020 15:04:33 < " + "a!" * 30_000 + ":" * 30_000,
    "12:00 " + " " * 100_000 + "x",
    "12:00 " + "@" * 100_000,
    "12:00 " + "@" * 100_000 + " x",
    "12:00 --> | " + "x" * 100_000,
    "12:00 «Quit» | " + "x" * 100_000,
    "12:00 " + "«" * 100_000,
    "[2020-07-23 14:57:56] " + "<a" * 50_000,
    " " + "x " * 50_000,
], ids=range(17))
def test_pathological_lines_are_linear(line: str) -> None:
    log = f"<a> b\n{line}\n" * 3
    start = time.perf_counter()
    read_log(log)
    for fmt in FORMATS:
        read_as(log, fmt)
    assert time.perf_counter() - start < 5  # quadratic backtracking would take minutes
