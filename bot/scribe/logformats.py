"""Input stage of the minutes engine: a meeting log in any format scribe.perl accepts -> records.

The formats are those of the "Input Formats" section of scribe.perl's manual, in its order:
RRSAgent text, mIRC timestamped, mIRC text, Irssi, Bip, Yahoo IM, plain text, qwebirc paste,
Quassel paste, Bert's Irssi theme and IRCCloud.  Each has one compiled regular expression,
matched against a whole line, and a small function that turns the match into a ``Record``.

Detection (``read_log``) reads the log with every format and keeps the one that understands
the most non-blank lines; ties go to the earlier format, and plain text is the fallback when
no other format understands a single line.  Lines a format does not understand are skipped.

All patterns are linear: no nested quantifiers, and every ``.*`` is the last thing on a line.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

__all__ = ["FORMATS", "PLAIN_NICK", "Record", "decode", "read_as", "read_log"]


class Record(NamedTuple):
    """One line of the log (or, in mIRC text format, one line and its continuations).

    A tuple, not a frozen dataclass: a long log has a record per line, and a tuple is made
    several times faster."""

    seed: int  # scribe.perl's paragraph-id starting value: the time of day, see _clock()
    nick: str
    text: str  # as written, minus the one space that separates it from the nick
    action: bool = False  # a /me line ("* nick text")
    event: bool = False  # join/part/quit/nick/topic/mode or a client status line: not speech
    time: str | None = None  # the timestamp as written, without brackets; None if none


# --- Decoding ------------------------------------------------------------------------------

_BOM = b"\xef\xbb\xbf"
# Latin-1 -> Windows-1252 for 0x80..0x9F; the five bytes 1252 leaves undefined stay C1 controls.
_WIN1252 = str.maketrans(
    {chr(b): bytes([b]).decode("cp1252", "ignore") or chr(b) for b in range(0x80, 0xA0)}
)


def decode(data: bytes) -> str:
    """UTF-8; a line that is not valid UTF-8 is decoded as Windows-1252 instead (only that line).

    A leading byte order mark is dropped.
    """
    data = data.removeprefix(_BOM)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return "".join(_decode_line(line) for line in data.splitlines(keepends=True))


def _decode_line(line: bytes) -> str:
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        return line.decode("latin-1").translate(_WIN1252)


# --- Shared helpers ------------------------------------------------------------------------


def _clock(h: str | None, mi: str | None, s: str | None) -> int:
    """The id seed: seconds since midnight, or minutes if the log has no seconds; 0 if bad."""
    if h is None or mi is None:
        return 0
    hours, minutes = int(h), int(mi)
    if hours > 23 or minutes > 59:
        return 0
    if s is None:
        return hours * 60 + minutes
    seconds = int(s)
    return 0 if seconds > 59 else hours * 3600 + minutes * 60 + seconds


# "alice [~a@host] has joined", "bob!~b@host has quit", "carol (c@host) has signed off",
# "dave quit (...)", "erin is now known as ...", "frank_ → frank": the first word is the subject.
_SUBJECT = re.compile(
    r"([^\s!@()\[\]:/#&«»]+)(?:!\S*)? "
    r"(?:[(\[]|(?:has|is|was|quit|joined|left|parted|changed|sets|→)(?: |$))"
)


def _subject(event: str) -> str:
    """The nick an event line is about, or "" when it is not about anyone recognisable."""
    m = _SUBJECT.match(event)
    return m[1] if m else ""


def _chat(m: re.Match[str]) -> Record:
    """A record from the named groups most patterns share.

    ``time``/``h``/``mi``/``s``: the timestamp; ``nick`` + ``text``: a message; ``anick`` +
    ``text``: an action; ``event``: an event line; ``status``: an untimed client status line.
    """
    g = m.groupdict()
    time = g.get("time")
    seed = _clock(g.get("h"), g.get("mi"), g.get("s"))
    text = g.get("text") or ""
    if (nick := g.get("nick")) is not None:
        return Record(seed, nick, text, time=time)
    if (nick := g.get("anick")) is not None:
        return Record(seed, nick, text, action=True, time=time)
    if (status := g.get("status")) is not None:
        return Record(0, "", status, event=True)
    event = g.get("event") or ""
    return Record(seed, _subject(event), event, event=True, time=time)


def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.ASCII)


# Fragments.  A "<nick>" in a client's display may carry a channel-mode prefix ("<@chair>");
# nicks never start with those characters, so the prefix is dropped.  RRSAgent keeps it as is.
_HMS = r"(?P<h>\d\d):(?P<mi>\d\d):(?P<s>\d\d)"
_HM_S = r"(?P<h>\d\d):(?P<mi>\d\d)(?::(?P<s>\d\d))?"
_TAG = r"<[@+%&~]?(?P<nick>[^\s>]+)>"
_TEXT = r"(?: (?P<text>.*))?"


# --- The formats, in the manual's order ------------------------------------------------------

# 20:41:27 <dbooth> Mike: Feature X would benefit users.   /   <dbooth> no timestamp
# 20:41:47 * Zakim hears Steven's hand up
_RRSAGENT = _compile(
    r"(?:(?P<time>\d\d:\d\d:\d\d) (?:<(?P<nick>[^\s>]+)>|\* (?P<anick>\S+))"
    rf"|<(?P<bare>[^\s>]+)>){_TEXT}"
)


def _rrsagent(m: re.Match[str]) -> Record:
    # The hot path (RRSAgent logs are the common case and can be long): no groupdict().
    time, nick, anick, bare, text = m.groups()
    if bare is not None:
        return Record(0, bare, text or "")
    if nick is not None:
        return Record(_hms(time), nick, text or "", False, False, time)
    return Record(_hms(time), anick, text or "", True, False, time)


def _hms(time: str) -> int:
    """The seed of an "HH:MM:SS" timestamp; 0 if it is not a time of day."""
    h, m, s = int(time[0:2]), int(time[3:5]), int(time[6:8])
    return h * 3600 + m * 60 + s if h < 24 and m < 60 and s < 60 else 0


# [19:36] <ph> http://lists.w3.org/...   /   [19:36] * Zakim hears Steven's hand up
_MIRC = _compile(rf"\[(?P<time>{_HM_S})\] (?:{_TAG}|\* (?P<anick>\S+)){_TEXT}")

# mIRC shows joins, parts and the like as "actions" of the client.
_MIRC_EVENT = re.compile(r"(?:is now known as|sets mode:|changes topic to|was kicked by) ")


def _mirc(m: re.Match[str]) -> Record:
    record = _chat(m)
    if not record.action:
        return record
    if record.nick.endswith(":"):  # "* Joins: alice (a@host)", "* Quits: ..."
        subject = record.text.split(" ", 1)[0]
        text = f"{record.nick} {record.text}"
        return record._replace(nick=subject, text=text, action=False, event=True)
    if _MIRC_EVENT.match(record.text):  # "* alice is now known as bob"
        text = f"{record.nick} {record.text}"
        return record._replace(text=text, action=False, event=True)
    return record


# <dbooth> This is pretending to be a long
#  line that mIRC breaks in order to display,   <- continuation: re-joined with a space
_MIRC_TEXT = _compile(rf"(?:{_TAG}|\* (?P<anick>\S+)){_TEXT}")

# 2003-12-18T15:27:21-0500Z <dbooth> Mike: ...   /   15:27 <dbooth> ...   /   15:27 < dbooth> ...
# 2003-12-18T16:02:59Z -!- koalie [coralie@team.cloak] has joined &weum
# 2003-12-18T16:38:58Z  * koalie hears Steve   /   --- Log opened Thu Dec 18 15:27:00 2003
_IRSSI = _compile(
    rf"(?P<time>(?:\d{{4}}-\d\d-\d\dT)?{_HM_S}(?:[+-]\d\d:?\d\d)?Z?) +"
    rf"(?:-!- (?P<event>.*)|(?:<[ @+%&~]?(?P<nick>[^\s>]+)>|\* (?P<anick>\S+)){_TEXT})"
    r"|--- (?P<status>.*)"
)

# 27-02-2020 15:04:33 < addison!~addison@team.cloak: zakim, take up agendum 1
# 27-02-2020 15:04:33 < * trackbot!trackbot@team.cloak is looking up action-856.
# 27-02-2020 15:04:54 -!- JcK!~JcK@team.cloak has joined #i18n     (">": our own lines)
_BIP = _compile(
    rf"(?P<time>\d\d-\d\d-\d{{4}} {_HMS}) "
    rf"(?:-!- (?P<event>.*)"
    rf"|[<>] (?:\* (?P<anick>[^\s!]+)(?:!\S*)?|(?P<nick>[^\s!:]+)(?:!\S*?)?:){_TEXT})"
)

# dbooth: Mike: Feature X would benefit users.
_YAHOO = _compile(r"(?P<nick>[^\s:<>\[\]]+): (?P<text>.*)")

# Anything: the notes of a scribe who was not on IRC.
_PLAIN = _compile(r".+")
PLAIN_NICK = "scribe"


def _plain(m: re.Match[str]) -> Record:
    return Record(0, PLAIN_NICK, m[0])


# [09:59] == Wilco [~Wilco@4a714a7c.public.cloak] has joined #act-r
# [10:00] <Wilco> agenda+ Update from the ACT Task Force   /   [10:00] * Zakim notes agendum 1 added
_QWEBIRC = _compile(
    rf"\[(?P<time>{_HM_S})\] (?:== (?P<event>.*)|(?:{_TAG}|\* (?P<anick>\S+)){_TEXT})"
)

# [11:02] <Gert> zakim, start meeting   /   [11:00] -*- kolec still on another call
# [08:50] --> raul (raul@899c7108.team.cloak) has joined &fleague   (also <--, *, *** ...)
# The date & time: digits, dots, dashes, colons and spaces, optionally am/pm.
_QUASSEL = _compile(
    r"\[(?P<time>[\d.:\- ]+(?:[AaPp][Mm])?)\] "
    r"(?:(?:-->|<--|<->|<-\*|<-x|\*\*\*|\*|=>|<=|->|-) (?P<event>.*)"
    rf"|(?:-\*- (?P<anick>\S+)|{_TAG}){_TEXT})"
)
_QUASSEL_CLOCK = re.compile(r"(\d{1,2}):(\d\d)(?::(\d\d))?", re.ASCII)


def _quassel(m: re.Match[str]) -> Record:
    time = m["time"]
    clock = _QUASSEL_CLOCK.search(time)
    seed = _clock(*clock.groups()) if clock else 0
    if seed and time[-2:].lower() == "pm":
        seed += 12  # sic: scribe.perl adds 12 to the minutes, not 12 hours
    return _chat(m)._replace(seed=seed)


# 13:11        scribe | Angel: Short meeting.   /   13:08             * | koalie veronica :D
# 13:13        «Quit» | naomi (naomi@team.cloak) has signed off ...   /   13:08   --> | ...
# --- Log opened Thu Mar 19 12:57:23 2015
_BERT = _compile(
    rf"(?P<time>{_HM_S}) +"
    r"(?:(?:«[^»\s]*»|[-<>=!*]{2,}) \|(?: (?P<event>.*))?"
    rf"|(?:\* \| (?P<anick>\S+)|(?P<nick>\S+) \|){_TEXT})"
    r"|--- (?P<status>.*)"
)

# #wcag-act                                              <- the channel, on the first line
# [2020-07-23 14:57:56] <Wilco> zakim, start meeting
# [2020-07-23 14:58:28] — Zakim notes agendum 1 added   <- a /me
# [2020-07-23 14:57:43] → Wilco joined (~Wilco@ef89345d.public.cloak)   (also ⇐, ←, * ...)
_IRCCLOUD = _compile(
    rf"\[(?P<time>\d{{4}}-\d\d-\d\d {_HMS})\] "
    rf"(?:(?:{_TAG}|— (?P<anick>\S+)){_TEXT}|\S+ (?P<event>.*))"
    r"|(?P<status>[#&]\S*)"
)


@dataclass(frozen=True)
class _Format:
    pattern: re.Pattern[str]  # matched against a whole line
    build: Callable[[re.Match[str]], Record]
    continued: bool = False  # a line starting with a space continues the previous record


_FORMATS: dict[str, _Format] = {
    "rrsagent": _Format(_RRSAGENT, _rrsagent),
    "mirc": _Format(_MIRC, _mirc),
    "mirc_text": _Format(_MIRC_TEXT, _mirc, continued=True),
    "irssi": _Format(_IRSSI, _chat),
    "bip": _Format(_BIP, _chat),
    "yahoo": _Format(_YAHOO, _chat),
    "plain": _Format(_PLAIN, _plain),
    "qwebirc": _Format(_QWEBIRC, _chat),
    "quassel": _Format(_QUASSEL, _quassel),
    "bert": _Format(_BERT, _chat),
    "irccloud": _Format(_IRCCLOUD, _chat),
}
FORMATS: tuple[str, ...] = tuple(_FORMATS)


# --- Reading -------------------------------------------------------------------------------


def _lines(text: str) -> list[str]:
    """The non-blank lines; a leading BOM dropped, any of CRLF, CR and LF ending a line."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return [line for line in text.split("\n") if line and not line.isspace()]


def _read(lines: list[str], fmt: _Format) -> tuple[list[Record], int]:
    """The records, and how many lines the format understood (continuations included)."""
    records: list[Record] = []
    understood = 0
    match, build = fmt.pattern.fullmatch, fmt.build
    for line in lines:
        m = match(line)
        if m is not None:
            records.append(build(m))
            understood += 1
        elif fmt.continued and records and line[0] == " ":
            last = records[-1]
            records[-1] = last._replace(text=f"{last.text} {line.lstrip()}")
            understood += 1
    return records, understood


def read_as(text: str, fmt: str) -> list[Record]:
    """Read ``text`` as format ``fmt`` (one of ``FORMATS``; KeyError otherwise)."""
    return _read(_lines(text), _FORMATS[fmt])[0]


def read_log(text: str) -> tuple[list[Record], str]:
    """Detect the format of ``text`` and read it: (records, format name)."""
    lines = _lines(text)
    best: tuple[list[Record], str] | None = None
    most = 0
    for name, fmt in _FORMATS.items():
        if name == "plain":
            continue
        records, understood = _read(lines, fmt)
        if understood > most:
            best, most = (records, name), understood
            if understood == len(lines):  # nothing later can do better, and ties go earlier
                break
    if best is None:
        return _read(lines, _FORMATS["plain"])[0], "plain"
    return best
