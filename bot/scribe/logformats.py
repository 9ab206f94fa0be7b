"""Input stage of the minutes engine: a meeting log in any format scribe.perl accepts -> records.

The formats, and the way one is chosen, are scribe.perl's (found by running it on each form):
the bytes are decoded as scribe.perl guesses their encoding (``decode``), the lines are read
with tabs made spaces, then each format is tried in turn — RRSAgent text, Bip, mIRC text,
Yahoo IM, Bert's Irssi theme, Irssi, qwebirc, IRCCloud, Quassel, plain text — and the first
that understands *every* line wins. A format understands a line by taking it as a message, by
skipping it (joins, parts, ``/me`` lines, status lines...) or, in mIRC text, as the
continuation of the previous message. When no format understands every line there are no
records, and the minutes say at which line the format that got furthest stopped.

One extension of ours: when nothing understands the log, RRSAgent text with ``HH:MM:SS * nick
text`` action lines (agendum's own logs have them) is tried last; scribe.perl stops there with
empty minutes.

Each rule is one regular expression matched at the start of the line, meaning what scribe.perl's
means: ``\\s`` is Perl's whitespace (not Python's, which adds \\x1c-\\x1f) and ``\\w`` Perl's word
characters. Every pattern runs in linear time: where the plain transcription would backtrack
quadratically on a long line (Bert's nick column, Quassel's greedy time, its lazy brackets),
the rule is written another way that takes the same lines the same way.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

from bot.scribe.lazyre import lazy
from bot.scribe.perlchars import SPACE, is_word

__all__ = ["FORMATS", "PLAIN_NICK", "Record", "decode", "read_as", "read_log"]


class Record(NamedTuple):
    """One message of the log (in mIRC text format, one line and its continuations).

    A tuple, not a frozen dataclass: a long log has a record per line, and a tuple is made
    several times faster."""

    seed: int  # scribe.perl's paragraph-id starting value: the time of day, see _Rule.record
    nick: str
    text: str  # as written, minus the one space that separates it from the nick
    action: bool = False  # a /me line (only in agendum's own RRSAgent logs)
    event: bool = False  # kept for callers that filter; the formats skip events instead
    time: str | None = None  # the timestamp as written, without brackets; None if none


# --- Decoding ------------------------------------------------------------------------------
#
# scribe.perl guesses with Perl's Encode::Guess (suspects ASCII, UTF-8 and Latin-1), in this
# order: a UTF-8 byte order mark means (lax) UTF-8; a UTF-32 or UTF-16 one that encoding; any
# NUL byte UTF-16 or UTF-32 without a mark (see _nul_guess); otherwise, line by line, Latin-1
# as soon as a line is not even lax UTF-8 — unless a line with an ESC came first, which rules
# every suspect out and falls back to UTF-8. Strict UTF-8 decoding (and UTF-16/32 decoding)
# makes U+FFFD of each malformed sequence, surrogate, code point beyond U+10FFFF and
# noncharacter.

_NONCHARACTERS = lazy("[\ufdd0-\ufdef" + "".join(
    f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}" for plane in range(17)) + "]")
_MINIMUM = {2: 0x80, 3: 0x800, 4: 0x10000, 5: 0x200000, 6: 0x4000000}  # below: overlong


def _lead_size(lead: int) -> int:
    """How many bytes Perl takes a sequence starting with ``lead`` to have."""
    return (1 if lead < 0xC0 else 2 if lead < 0xE0 else 3 if lead < 0xF0 else 4 if lead < 0xF8
            else 5 if lead < 0xFC else 6 if lead < 0xFE else 1)


def _replace_malformed(err: UnicodeError) -> tuple[str, int]:
    """Perl's replacement: one U+FFFD for the lead byte and the continuation bytes it takes
    (Python's "replace" makes one per maximal valid prefix instead)."""
    if not isinstance(err, UnicodeDecodeError):
        raise err
    data, start = err.object, err.start
    end, limit = start + 1, min(start + _lead_size(data[start]), len(data))
    while end < limit and 0x80 <= data[end] <= 0xBF:
        end += 1
    return "\ufffd", end


class _NotLaxUTF8(Exception):
    """Raised at the first byte that not even Perl's lax UTF-8 accepts."""

    def __init__(self, position: int) -> None:
        super().__init__(position)
        self.position = position


def _lax_sequence(err: UnicodeError) -> tuple[str, int]:
    """Skip what Perl's lax UTF-8 accepts but Python's does not (surrogates, code points beyond
    U+10FFFF, 5- and 6-byte forms); stop at anything else."""
    if not isinstance(err, UnicodeDecodeError):
        raise err
    data, start = err.object, err.start
    size = _lead_size(data[start])
    tail = data[start + 1:start + size]
    if size > 1 and len(tail) == size - 1 and all(0x80 <= b <= 0xBF for b in tail):
        value = data[start] & (0x7F >> size)
        for b in tail:
            value = value << 6 | b & 0x3F
        if value >= _MINIMUM[size]:
            return "", start + size
    raise _NotLaxUTF8(start)


codecs.register_error("agendum-perl-utf8", _replace_malformed)
codecs.register_error("agendum-perl-lax-utf8", _lax_sequence)


def _strict(text: str) -> str:
    """Perl's strict decoders also refuse noncharacters."""
    return _NONCHARACTERS.sub("\ufffd", text) if _NONCHARACTERS.search(text) else text


def _strict_utf8(data: bytes, text: str) -> str:
    """``_strict``, skipped (it is a slow scan of a long text) when the UTF-8 bytes hold none
    of the sequences a noncharacter ends with (EF B7 for U+FDD0-FDEF, BF BE, BF BF)."""
    if b"\xbf\xbe" in data or b"\xbf\xbf" in data or b"\xef\xb7" in data:
        return _strict(text)
    return text


def _utf8(data: bytes) -> str:
    return _strict_utf8(data, data.decode("utf-8", "agendum-perl-utf8"))


def _wide(data: bytes, codec: str, unit: int) -> str:
    """UTF-16/32: a trailing partial code unit is dropped, as Perl does."""
    return _strict(data[:len(data) - len(data) % unit].decode(codec, "replace"))


def _nonzero(*columns: bytes) -> int:
    """How many positions have a non-zero byte in any of the equally long ``columns``."""
    merged = 0
    for column in columns:
        merged |= int.from_bytes(column, "big")
    size = len(columns[0])
    return size - merged.to_bytes(size, "big").count(0)


def _nul_guess(data: bytes) -> str:
    """A NUL byte: UTF-32 if there are two in a row, else UTF-16; big-endian when more code
    units have a non-zero low half than a non-zero high half, little-endian when fewer, and
    UTF-8 after all on a tie."""
    unit = 4 if b"\x00\x00" in data else 2
    whole = data[:len(data) - len(data) % unit]
    half = unit // 2
    columns = [whole[i::unit] for i in range(unit)]
    be, le = _nonzero(*columns[half:]), _nonzero(*columns[:half])
    if be == le:
        return _utf8(data)
    return _wide(data, f"utf-{8 * unit}-{'be' if be > le else 'le'}", unit)


def decode(data: bytes) -> str:
    """The text of a log file, in the encoding scribe.perl guesses for it. A byte order mark
    stays (``read_log`` drops it as scribe.perl does).

    Deliberate difference: after a UTF-8 byte order mark, scribe.perl's lax UTF-8 keeps
    surrogates and code points beyond U+10FFFF, which it then writes as invalid UTF-8; here they
    become U+FFFD."""
    if data.startswith(codecs.BOM_UTF8):
        return data.decode("utf-8", "agendum-perl-utf8")  # lax: noncharacters stay
    if data[:4] in (codecs.BOM_UTF32_BE, codecs.BOM_UTF32_LE):
        return _wide(data, "utf-32", 4)
    if data[:2] in (codecs.BOM_UTF16_BE, codecs.BOM_UTF16_LE):
        return _wide(data, "utf-16", 2)
    if b"\x00" in data:
        return _nul_guess(data)
    try:
        return _strict_utf8(data, data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    try:
        data.decode("utf-8", "agendum-perl-lax-utf8")
    except _NotLaxUTF8 as bad:
        ends = [end for end in (data.find(b"\n", bad.position), data.find(b"\r", bad.position))
                if end >= 0]
        if data.find(b"\x1b", 0, min(ends, default=len(data))) < 0:
            return data.decode("latin-1")
    return _utf8(data)


# --- The formats -----------------------------------------------------------------------------

_ASCII_DIGITS = lazy(r"[0-9]*")


def _number(digits: str | None) -> int:
    """Perl's numeric value of a run of ``\\d``: its leading ASCII digits (``\\d`` also
    matches other scripts' digits, which Perl counts as 0, and Python's int() does not)."""
    if not digits:
        return 0
    if digits.isascii():
        return int(digits)
    head = _ASCII_DIGITS.match(digits)
    return int(head[0]) if head and head[0] else 0


_SPACE_CLASS = lazy(r"\[(\^?)\\s|\\([sS])")


def _perl(pattern: str) -> str:
    """``pattern`` with Perl's ``\\s`` and ``\\S``: ``\\s`` alone, ``\\S`` alone, or ``\\s``
    first in a character class."""
    def spaces(m: re.Match[str]) -> str:
        if m[2] is None:
            return f"[{m[1]}{SPACE}"
        return f"[{'^' if m[2] == 'S' else ''}{SPACE}]"
    return _SPACE_CLASS.sub(spaces, pattern)


Does = Literal["skip", "message", "continue", "fail"]
Groups = re.Match[str] | tuple[str, ...]


@dataclass(frozen=True)
class _Rule:
    """``does`` to a line that ``pattern`` matches at its start (or, when given, that ``find``
    returns the groups of: index 0 the whole match, as in a match object).

    For a message: the groups of the nick and the text, and of the hours, minutes, seconds
    (0 for none); ``pm`` adds scribe.perl's 12 (minutes, not hours) of Quassel's "pm".
    """

    pattern: re.Pattern[str]
    does: Does
    nick: int = 0
    text: int = 0
    clock: tuple[int, int, int] = (0, 0, 0)
    time: int = 0  # the group of the timestamp as written
    pm: bool = False
    action: bool = False
    find: Callable[[str], Groups | None] | None = field(default=None, compare=False)
    match: Callable[[str], Groups | None] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "match", self.find or self._compile_and_match)

    def _compile_and_match(self, line: str) -> Groups | None:
        """The first match: the (lazy) pattern is compiled now, for a format this log tries."""
        object.__setattr__(self, "match", self.pattern.match)
        return self.match(line)

    def record(self, m: Groups) -> Record:
        """The seed is scribe.perl's time of the line: 3600 h + 60 m + s (a record per line of
        a long log: the common all-ASCII case is the fast path)."""
        h, mi, s = self.clock
        time = m[self.time] if self.time else None
        if not h:
            return Record(0, m[self.nick], m[self.text], self.action, False, time)
        hours, minutes, seconds = m[h], m[mi], m[s] if s else "0"
        if (hours + minutes + (seconds or "")).isascii():
            seed = 3600 * int(hours) + 60 * int(minutes) + int(seconds or 0)
        else:
            seed = 3600 * _number(hours) + 60 * _number(minutes) + _number(seconds)
        if self.pm:
            seed += 12 * 60
        return Record(seed, m[self.nick], m[self.text], self.action, False, time)


def _skip(pattern: str, needs: str = "") -> _Rule:
    """A rule for lines to skip; ``needs``, text every such line has, spares the pattern on
    the others (RRSAgent's rule for joins is tried on every line of its logs)."""
    compiled = lazy(_perl(pattern))
    if not needs:
        return _Rule(compiled, "skip")
    return _Rule(compiled, "skip", find=lambda line: compiled.match(line) if needs in line
                 else None)


def _fail(pattern: str) -> _Rule:
    return _Rule(lazy(_perl(pattern)), "fail")


def _message(pattern: str, nick: int, text: int, clock: tuple[int, int, int] = (0, 0, 0),
             time: int = 0, *, pm: bool = False, flags: int = 0, action: bool = False,
             find: Callable[[str], Groups | None] | None = None) -> _Rule:
    return _Rule(lazy(_perl(pattern), flags), "message", nick, text, clock, time, pm,
                 action, find)


# Bert's theme: "[Wed07 ][[]hh:mm[]] [@+% ]nick | text". Perl's greedy "[\s@+%]*(\S+) \|"
# takes the nick that starts where the run of spaces and @+% ends, or failing that the last
# single @, + or % just before " |"; said so, it is linear.
_BERT_NICK = r"(?:(?=[\s@+%]*+\S+ \|)[\s@+%]*+|[\s@+%]*(?=[@+%] \|))(\S+) \| (.*)"
_BERT_BARE = lazy(_perl(r"\[?((\d\d):(\d\d))\]?" + _BERT_NICK))
_BERT_DAY = lazy(_perl(r"...\d\d \[?((\d\d):(\d\d))\]?" + _BERT_NICK))


def _bert_message(line: str) -> Groups | None:
    """The optional "Wed07 " prefix is three of Perl's word characters and two digits."""
    m = _BERT_DAY.match(line)
    if m and all(is_word(c) for c in line[:3]):
        return m
    return _BERT_BARE.match(line)


def _quassel_untimed(line: str) -> Groups | None:
    """``[anything] <nick> text`` with no time in the brackets: the first "] <" after which a
    nick and "> " follow (the lazy bracket of the pattern, found without rescanning the line
    for every "] <")."""
    if not line.startswith("["):
        return None
    close = line.find("] <", 1)
    while close >= 0:
        end = line.find(">", close + 3)
        if end < 0:
            return None
        if end > close + 3 and line.startswith(" ", end + 1):
            return (line, line[1:close], line[close + 3:end], line[end + 2:])
        # every "] <" before this ">" would end its nick here too
        close = line.find("] <", max(close + 1, end - 2))
    return None


_BLANK = _skip(r"\s*$")
_STAMP = r"\[(?:[0-9 :-]+)\] "  # IRCCloud's [2020-07-23 14:57:56]
# Quassel: the first "]" ends the brackets; checking what follows it first keeps the greedy
# search for the last time in them linear.
_QUASSEL_TAIL = r"(?=[^]]*\] <[^>]+> )"

# Each format: its rules, tried in order on every line; a line no rule matches fails the format.
_FORMATS: dict[str, tuple[_Rule, ...]] = {
    # 20:41:27 <dbooth> Mike: Feature X would benefit users.   /   <dbooth> no timestamp
    "rrsagent": (
        _skip(r"(?:\d\d:\d\d:\d\d )?<([^ >]+)> \1 has (?:joined|left|changed the topic to:) ",
              needs=" has "),
        _message(r"((\d\d):(\d\d):(\d\d)) <([^ >]+)> (.*)", 5, 6, (2, 3, 4), 1),
        _message(r"<([^ >]+)> (.*)", 1, 2),
        _BLANK,
    ),
    # 27-02-2020 15:04:33 < addison!~addison@team.cloak: zakim, take up agendum 1
    # 27-02-2020 15:04:54 -!- JcK!~JcK@team.cloak has joined #i18n     (">": our own lines)
    "bip": (
        _skip(r"\d\d-\d\d-\d{4} \d\d:\d\d:\d\d -!- "),
        _skip(r"\d\d-\d\d-\d{4} \d\d:\d\d:\d\d [<>] \* "),
        _message(r"(\d\d-\d\d-\d{4} (\d\d):(\d\d):(\d\d)) < ([^ !:]+)![^ :]+: (.*)$",
                 5, 6, (2, 3, 4), 1),
        _message(r"(\d\d-\d\d-\d{4} (\d\d):(\d\d):(\d\d)) > ([^ :]+): (.*)$", 5, 6, (2, 3, 4), 1),
        _BLANK,
    ),
    # <dbooth> This is pretending to be a long
    #  line that mIRC breaks in order to display,   <- continuation, appended as it is
    "mirc_text": (
        _BLANK,
        _skip(r"Start of \S+ buffer"),
        _skip(r"End of \S+ buffer"),
        _skip(r"\s*\*"),
        _message(r"<([^ >]+)> (.*)$", 1, 2),
        _Rule(lazy(r"( .*)$"), "continue", text=1),
    ),
    # dbooth: Mike: Feature X would benefit users.
    "yahoo": (_message(r"([^ :]+): (.*)$", 1, 2), _BLANK),
    # 13:11        scribe | Angel: Short meeting.   /   13:08             * | koalie veronica :D
    # ("\S+.* has" is "\S.* has", which does not backtrack quadratically)
    "bert": (
        _skip(r"---"),
        _skip(r"[0-9:]+\s*[<>-]+ \| \S.* has (?:joined|left)"),
        _skip(r"[0-9:]+\s*«Quit» \| \S.* has signed off"),
        _skip(r"[0-9:]+\s*«[^»]+» \|"),
        _skip(r"[0-9:]+\s*\* \|"),
        _BLANK,
        _message("", 4, 5, (2, 3, 0), 1, find=_bert_message),
    ),
    # 2003-12-18T15:27:21Z <dbooth> Mike: ...   /   2003-12-18T16:02:59Z -!- koalie has joined
    "irssi": (
        _skip(r"---"),
        _skip(r"[0-9:TZ-]+\s+-!-"),
        _skip(r"[0-9:TZ-]+\s+\*"),
        _BLANK,
        _message(r"([0-9-]+T(\d\d):(\d\d):(\d\d)Z)\s+<([^>]+)> (.*)", 5, 6, (2, 3, 4), 1),
    ),
    # [09:59] == Wilco [~Wilco@4a714a7c.public.cloak] has joined #act-r   /   [10:00] <Wilco> hi
    "qwebirc": (
        _skip(r"\[[0-9:]+\] =="),
        _skip(r"\[[0-9:]+\] \*"),
        _BLANK,
        _message(r"\[((\d\d):(\d\d))\] <([^>]+)> (.*)$", 4, 5, (2, 3, 0), 1),
    ),
    # #wcag-act   /   [2020-07-23 14:57:56] <Wilco> zakim, start meeting   (no blank lines)
    "irccloud": (
        _skip(r"#[^ ]+$"),
        _skip(_STAMP + r"→ Joined "),
        _skip(_STAMP + r"→ [^ ]+ joined "),
        _skip(_STAMP + r"⇐ [^ ]+ quit "),
        _skip(_STAMP + r"⇐ You disconnected"),
        _skip(_STAMP + r"← [^ ]+ left "),
        _skip(_STAMP + r"— [^ ]+ "),
        _skip(_STAMP + r"\* [^ ]+ "),
        _message(r"\[([0-9-]+ (\d\d):(\d\d):(\d\d))\] <([^>]+)> (.*)$", 5, 6, (2, 3, 4), 1),
    ),
    # [11:02] <Gert> zakim, start meeting   /   [08:50] --> raul has joined &fleague
    # The brackets may hold anything; the time is the last h:mm(:ss) in them (scribe.perl's
    # pattern is greedy, so "[10:05]" is 0:05 and a CCG "[2024-05-07T15:56:18.379Z]" 6:18).
    "quassel": (
        _skip(r"\[.*?\] -->"),
        _skip(r"\[.*?\] <--"),
        _skip(r"\[.*?\] <->"),
        _skip(r"\[.*?\] \* "),
        _skip(r"\[.*?\] -\*-"),
        _skip(r"\[.*?\] \*\*\*"),
        _skip(r"\[.*?\] - \{"),
        _BLANK,
        _message(r"\[" + _QUASSEL_TAIL
                 + r"([^]]*(\d\d?):(\d\d)(?::(\d\d))?\s*pm[^]]*)\] <([^>]+)> (.*)$",
                 5, 6, (2, 3, 4), 1, pm=True, flags=re.I),
        _message(r"\[" + _QUASSEL_TAIL
                 + r"([^]]*(\d\d?):(\d\d)(?::(\d\d))?[^]]*)\] <([^>]+)> (.*)$",
                 5, 6, (2, 3, 4), 1),
        _message("", 2, 3, find=_quassel_untimed),  # no time: time None
    ),
    # Anything else: the notes of a scribe who was not on IRC (but not a log with times or
    # <nicks> that another format should have read).
    "plain": (
        _fail(r"[0-9:-]+[:-][0-9:-]"),
        _fail(r"<[^ >]+> "),
        _message(r"((.+))$", 0, 1),
        _skip(r""),
    ),
}
# agendum's extension, tried when no format understands the log: its own logs' /me lines.
_RRSAGENT_ACTIONS = (
    *_FORMATS["rrsagent"][:2],
    _message(r"((\d\d):(\d\d):(\d\d)) \* ([^ ]+) ?(.*)", 5, 6, (2, 3, 4), 1, action=True),
    *_FORMATS["rrsagent"][2:],
)
FORMATS: tuple[str, ...] = tuple(_FORMATS)
PLAIN_NICK = "scribe"


# --- Reading -------------------------------------------------------------------------------


def _lines(text: str) -> list[str]:
    """scribe.perl's lines: split at LF or CRLF (a lone CR stays), trailing empty lines
    dropped, tabs made spaces, a leading BOM removed."""
    text = text.replace("\t", " ")
    lines = text.split("\n")
    if "\r" in text:  # a CR before a LF goes; the last line has none after it
        lines = [*(line[:-1] if line.endswith("\r") else line for line in lines[:-1]),
                 lines[-1]]
    while lines and not lines[-1]:
        lines.pop()
    if lines:
        lines[0] = lines[0].removeprefix("\ufeff")
    return lines


def _read(lines: Sequence[str], rules: Sequence[_Rule], lenient: bool = False,
          ) -> tuple[list[Record], int]:
    """The records, and 0 if every line was understood, else the number of the line that
    was not (1-based). ``lenient`` skips such lines instead."""
    records: list[Record] = []
    for number, line in enumerate(lines, 1):
        for rule in rules:
            m = rule.match(line)
            if m is None:
                continue
            if rule.does == "message":
                if rule.nick:
                    records.append(rule.record(m))
                else:
                    records.append(Record(0, PLAIN_NICK, m[rule.text]))
            elif rule.does == "continue":
                if not records:
                    continue
                last = records[-1]
                records[-1] = last._replace(text=last.text + m[rule.text])
            elif rule.does == "fail":
                if lenient:
                    break
                return records, number
            break
        else:
            if not lenient:
                return records, number
    return records, 0


def read_as(text: str, fmt: str) -> list[Record]:
    """Read ``text`` as format ``fmt`` (one of ``FORMATS``; KeyError otherwise), skipping the
    lines it does not understand."""
    return _read(_lines(text), _FORMATS[fmt], lenient=True)[0]


def read_log(text: str) -> tuple[list[Record], str, list[str]]:
    """Detect the format of ``text`` and read it: (records, format name, diagnostics).

    The name is "" and the records are empty when no format understands every line.
    """
    lines = _lines(text)
    furthest, stopped = 0, ""
    for name, rules in _FORMATS.items():
        records, failed = _read(lines, rules)
        if not failed:
            notes = [] if records else _empty(furthest, stopped)
            return records, name, notes
        if failed > furthest:
            furthest, stopped = failed, lines[failed - 1]
    records, failed = _read(lines, _RRSAGENT_ACTIONS)
    if not failed and records:
        return records, "rrsagent", []
    return [], "", _empty(furthest, stopped)


def _empty(furthest: int, line: str) -> list[str]:
    if not furthest:
        return ["Input is empty."]
    return [f"Unrecognized input at line {furthest}: {line}"]
