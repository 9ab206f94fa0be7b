"""Minutes from a channel log, following scribe.perl's conventions (first slice).

Three pure stages, each replaceable by the full scribe.perl-compatible engine later:
``parse_log`` (text -> LogLine), ``build_minutes`` (LogLine -> Minutes record with scribe.perl's
paragraph ids) and ``render_html`` (Minutes -> HTML via ``templates/minutes.html.j2``).

Not interpreted yet (``SEAM``): s/// and i/// edits (reported in the diagnostics and kept as IRC
lines, as scribe.perl does with failed edits), ``->`` links, slides, verbatim blocks, named
anchors, ScribeOptions. ``[HH:MM]`` lines seed ids with seconds where scribe.perl counts minutes.
"""

from __future__ import annotations

import html
import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from importlib import metadata

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

DEFAULT_BOTS = frozenset({"zakim", "rrsagent", "trackbot", "gb", "ghurlbot"})
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


@dataclass(frozen=True)
class LogLine:
    """One line of the public channel log; ``time`` is UTC-aware."""

    time: datetime
    nick: str
    text: str
    action: bool = False


# ---- plain-text log -----------------------------------------------------------------------------

_NEWLINES = re.compile(r"[\r\n]+")
_LOG_LINE = re.compile(
    r"(?:(\d\d?):(\d\d):(\d\d)[ \t]+|\[(\d\d?):(\d\d)(?::(\d\d))?\][ \t]*)?"
    r"(?:<([^\s<>]+)> ?(.*)|\* ([^\s<>]+) ?(.*))"
)


def _utc(t: datetime) -> datetime:
    return t.astimezone(UTC) if t.tzinfo else t


def format_irc_log(lines: Iterable[LogLine]) -> str:
    """RRSAgent's text log; CR/LF inside a message become spaces so a message stays one line."""
    out = []
    for ln in lines:
        stamp = _utc(ln.time).strftime("%H:%M:%S")
        nick, text = _NEWLINES.sub(" ", ln.nick), _NEWLINES.sub(" ", ln.text)
        out.append(f"{stamp} * {nick} {text}\n" if ln.action else f"{stamp} <{nick}> {text}\n")
    return "".join(out)


def parse_log(text: str, day: date) -> list[LogLine]:
    """Inverse of ``format_irc_log``; also reads untimed and ``[HH:MM(:SS)]`` lines.

    Untimed lines get midnight, which seeds their ids with 0 exactly as in scribe.perl.
    """
    result = []
    for raw in text.removeprefix("\ufeff").split("\n"):
        if not (m := _LOG_LINE.fullmatch(raw.removesuffix("\r"))):
            continue
        h, mi, s = (int(m[i] or m[i + 3] or 0) for i in (1, 2, 3))
        if h > 23 or mi > 59 or s > 59:
            continue
        when = datetime(day.year, day.month, day.day, h, mi, s, tzinfo=UTC)
        result.append(LogLine(when, m[7], m[8]) if m[7] is not None
                      else LogLine(when, m[9], m[10], action=True))
    return result


# ---- the record ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    """One input line of a paragraph; continuation segments carry their own span id."""

    text: str
    id: str | None = None


@dataclass(frozen=True)
class Paragraph:
    """``kind`` is speaker, summary (descriptive), irc, action or resolution."""

    kind: str
    id: str
    segments: tuple[Segment, ...]
    speaker: str = ""  # the speaker's name, or the nick of an irc line
    css: str = ""  # "s01", "s02"… per speaker in order of first appearance

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.segments)


@dataclass(frozen=True)
class Topic:
    title: str
    id: str
    items: tuple[Paragraph, ...]
    subtopics: tuple[Topic, ...] = ()


@dataclass(frozen=True)
class Minutes:
    title: str
    date: date
    channel: str
    chairs: tuple[str, ...]
    scribes: tuple[str, ...]
    present: tuple[str, ...]
    regrets: tuple[str, ...]
    agenda_url: str | None
    log_url: str | None
    preamble: tuple[Paragraph, ...]  # what comes before the first topic
    topics: tuple[Topic, ...]
    actions: tuple[Paragraph, ...]
    resolutions: tuple[Paragraph, ...]
    diagnostics: tuple[str, ...]

    @property
    def date_text(self) -> str:
        return f"{self.date.day:02d} {_MONTHS[self.date.month - 1]} {self.date.year}"


# ---- paragraph ids (links like ...-minutes.html#6c51 must keep working) -------------------------

_2_64 = 1 << 64


def id_hash(text: str, start: int) -> int:
    """scribe.perl's hash; a sum reaching 2**64 turns Perl's integer into a float: id ffff."""
    h = start
    for byte in text.encode("utf-8"):
        if h + byte >= _2_64:
            return 0xFFFF
        h = (((h + byte) << 7) & (_2_64 - 1)) + (h >> 11)
        if h >= _2_64:
            return 0xFFFF
    return h & 0xFFFF


class IdPool:
    """Ids in document order; +1 on collision without wrap-around, so 10000 and up occur."""

    def __init__(self) -> None:
        self.taken: set[int] = set()

    def take(self, text: str, start: int) -> str:
        value = id_hash(text, start)
        while value in self.taken:
            value += 1
        self.taken.add(value)
        return f"{value:04x}"


# ---- inline text: links -------------------------------------------------------------------------

_URL = re.compile(r"https?://[^\s<>\"]+", re.I)  # only these ever become links
_WBR = re.compile(r"(?<=/)(?=[A-Za-z0-9])")


@dataclass(frozen=True)
class Token:
    """Plain text (``url`` None) or a link, whose display ``parts`` break after slashes."""

    text: str
    url: str | None = None
    parts: tuple[str, ...] = ()


def tokens(text: str) -> list[Token]:
    """Split text into plain runs and http(s) links (the template's ``tokens`` filter)."""
    out, pos = [], 0
    for m in _URL.finditer(text):
        if m.start() > pos:
            out.append(Token(text[pos : m.start()]))
        out.append(Token(m[0], m[0], tuple(_WBR.split(m[0]))))
        pos = m.end()
    if pos < len(text) or not out:
        out.append(Token(text[pos:]))
    return out


def inline_html(text: str) -> str:
    """The markup scribe.perl hashes for a span id: its escaping (``'`` kept) and link form."""
    def esc(s: str) -> str:
        return html.escape(s, quote=False).replace('"', "&quot;")
    return "".join(esc(t.text) if t.url is None else
                   f'<a href="{esc(t.url)}">' + "<wbr>".join(map(esc, t.parts)) + "</a>"
                   for t in tokens(text))


# ---- the conventions ----------------------------------------------------------------------------

_LIST = re.compile(
    r"(chair|present|regret|scribe)(?:(?<=scribe)nick|s)?\s*(:\+|\+:?|-:?|:)\s*(.*)", re.I
)
_META = re.compile(r"(meeting|date|agenda)\s*:\s*(.*)", re.I)
_TOPIC = re.compile(r"(topic|subtopic)\s*:\s*(.*)", re.I)
_RESOLUTION = re.compile(r"(?:resolution|resolved)\s*:\s*(.*)", re.I)
_ACTION = re.compile(r"action\s*:\s*(.*)", re.I)
_AGENDUM = re.compile(r"agendum \d+(?:\. \"(.+?)\"| -- (.+?) --) taken up.*", re.I)
_CONTINUATION = re.compile(r"(?:\.\.+|…)\s*(.*)")  # scribe.perl also takes ".."
_SPEAKER = re.compile(r"([^\s:<>\d][^\s:<>]*):(?!/)\s*(.*)")
_NOT_SPEAKERS = frozenset({"slideset", "scribeoptions", "namedanchorhere", "repo", "repos",
                           "recording", "issue"})  # scribe.perl commands not interpreted yet
_OWN_NICK = re.compile(r"<([^\s<>]+)>\s?(.*)")
_EDIT = re.compile(r"[si]/[^/]+/.*|[si]\|[^|]+\|.*")
_QUEUE = re.compile(  # Zakim's queue and agenda commands; "q-and-a" is not one
    r"(?:(?:q|queue|agenda)\s*[-+?=]|[-+]q|ack(?=\s+[^\s,]+\s*$|\s*$))(?:\s.*)?", re.I
)
_NOISE = re.compile(r"(\S+) has (?:joined|left) [#&]\S*|(\S+) has changed the topic to: .*")
_OFF = re.compile(r"\[off\]", re.I)
_DMY = re.compile(r"(\d{1,2})[\s-]+([A-Za-z]{3,9})\.?,?[\s-]+(\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


def _key(nick: str) -> str:
    """scribe.perl ignores the trailing underscores IRC clients add to nicks."""
    return nick.rstrip("_").lower()


def _names(value: str, commas_only: bool = False) -> list[str]:
    """Names split on commas, or on spaces when there is no comma (as scribe.perl does)."""
    parts = value.split(",") if commas_only or "," in value else value.split()
    return [p.strip() for p in parts if p.strip()]


def parse_date(text: str) -> date | None:
    """``09 April 2014``, ``9 Apr 2014`` or ``2014-04-09``; None if not understood."""
    try:
        if m := _ISO.fullmatch(text):
            return date(int(m[1]), int(m[2]), int(m[3]))
        if m := _DMY.fullmatch(text):
            month = next(i for i, n in enumerate(_MONTHS, 1) if n.lower().startswith(m[2].lower()))
            return date(int(m[3]), month, int(m[1]))
    except (ValueError, StopIteration):
        pass
    return None


@dataclass
class _Para:
    kind: str
    start: int  # seconds since midnight: the id seed
    segs: list[str]
    speaker: str = ""


@dataclass
class _Head:
    title: str
    start: int
    level: int  # 0 = preamble, 1 = topic, 2 = subtopic
    items: list[_Para]


class _Builder:
    """Walks the log once; ``scribe_only`` mirrors scribe.perl's -scribeOnly option."""

    def __init__(self, day: date, bots: Collection[str], scribe_only: bool) -> None:
        self.title, self.date, self.scribe_only = "", day, scribe_only
        self.bots = frozenset(_key(b) for b in bots)
        names = "|".join(map(re.escape, sorted(self.bots))) or "(?!)"
        self.to_bot = re.compile(rf"(?:{names})_*\s*[,:].*", re.I)
        self.lists: dict[str, dict[str, str]] = {"chair": {}, "present": {}, "regret": {}}
        self.scribe_names: dict[str, str] = {}  # key -> name shown, in order of appearance
        self.scribes: set[str] = set()
        self.all_scribe = False
        self.agenda_url: str | None = None
        self.heads = [_Head("", 0, 0, [])]
        self.last: dict[str, _Para] = {}  # per scribe: their latest record, for "..." lines
        self.speakers: dict[str, str] = {}
        self.diagnostics: list[str] = []

    def is_command(self, text: str) -> bool:
        rules = (_LIST, _META, _TOPIC, _RESOLUTION, _ACTION, _QUEUE, self.to_bot)
        return any(r.fullmatch(text) for r in rules)

    def set_list(self, name: str, op: str, value: str, nick: str) -> None:
        """Chair/Scribe/Present/Regrets with ``:`` (replace), ``+`` or ``-``; no names = me."""
        op = "-" if "-" in op else "+" if "+" in op else ":"
        entries = _names(value, commas_only=name in ("chair", "scribe"))
        entries = entries or ([nick] if op != ":" else [])
        if name == "scribe":
            self.set_scribes(op, entries)
            return
        target = self.lists[name]
        if op == ":" and entries:
            target.clear()
        for entry in entries:
            if op == "-":
                target.pop(entry.lower(), None)
            else:
                target.setdefault(entry.lower(), entry)

    def set_scribes(self, op: str, entries: list[str]) -> None:
        """Entries are ``nick``, ``nick = Real Name``, ``nick/Real Name`` or ``*`` (everyone)."""
        if op == ":" and entries:
            self.scribes, self.all_scribe = set(), False
        for entry in entries:
            who, _, real = (w.strip() for w in entry.replace("=", "/").partition("/"))
            if entry == "*":
                self.all_scribe = op != "-"
            elif op == "-":
                self.scribes.discard(_key(who))
            else:
                self.scribes.add(_key(who))
                self.scribe_names.setdefault(_key(who), real or who)

    def meta(self, name: str, value: str) -> None:
        name, value = name.lower(), value.strip()
        if name == "meeting" and value:
            self.title = value
        elif name == "date":
            if (parsed := parse_date(value)) is None:
                self.diagnostics.append(f"Date not understood: {value}")
            self.date = parsed or self.date
        elif name == "agenda":
            if _URL.fullmatch(url := (value.split() or [""])[0]):
                self.agenda_url = url
            else:
                self.diagnostics.append(f"Agenda is not an http(s) URL: {value}")

    def head(self, title: str, start: int, level: int) -> None:
        if level == 2 and len(self.heads) == 1:
            self.diagnostics.append(f"Subtopic without a topic, taken as a topic: {title}")
            level = 1
        if title:
            self.heads.append(_Head(title, start, level, []))

    def add(self, kind: str, start: int, text: str, speaker: str = "", nick: str = "") -> None:
        para = _Para(kind, start, [text], speaker)
        self.heads[-1].items.append(para)
        if kind == "speaker":
            self.speakers.setdefault(speaker.lower(), f"s{len(self.speakers) + 1:02d}")
        if kind != "irc":
            self.last[_key(nick)] = para

    def irc(self, start: int, nick: str, text: str) -> None:
        if not self.scribe_only:
            self.add("irc", start, text, nick)

    def continuation(self, start: int, text: str, nick: str) -> None:
        """Extend this scribe's last record if nothing came between; after an IRC line or a
        heading start a new paragraph for the same speaker, as scribe.perl does."""
        last, items = self.last.get(_key(nick)), self.heads[-1].items
        if last is not None and items and items[-1] is last:
            last.segs.append(text)
        elif last is None or last.kind in ("action", "resolution"):
            self.add("summary", start, text, nick=nick)
        else:
            self.add(last.kind, start, text, last.speaker, nick)

    def line(self, ln: LogLine, is_scribe: bool) -> None:
        t, nick = _utc(ln.time), ln.nick
        start = t.hour * 3600 + t.minute * 60 + t.second
        raw = _NEWLINES.sub(" ", ln.text)
        text = raw.strip()  # commands are recognised without spaces; content keeps them
        if _OFF.match(text) or ((m := _NOISE.fullmatch(text)) and _key(m[1] or m[2]) == _key(nick)):
            return
        if _key(nick) in self.bots:  # bots' lines never show, but some carry meeting data
            if m := _AGENDUM.fullmatch(text):  # Zakim's agenda (-useZakimTopics)
                self.head((m[1] or m[2]).strip(), start, 1)
            elif m := _META.fullmatch(text):  # trackbot's "Meeting:" and "Date:"
                self.meta(m[1], m[2])
        elif ln.action:
            self.irc(start, f"* {nick}", text)
        elif text.startswith("\\"):  # escaped: never a command
            if is_scribe:
                self.add("summary", start, text[1:], nick=nick)
            else:
                self.irc(start, nick, text[1:])
        elif _QUEUE.fullmatch(text) or self.to_bot.fullmatch(text):
            pass
        elif m := _LIST.fullmatch(text):
            self.set_list(m[1].lower(), m[2], m[3], nick)
        elif m := _META.fullmatch(text):
            self.meta(m[1], m[2])
        elif m := _TOPIC.fullmatch(text):
            self.head(m[2].strip(), start, 1 if m[1].lower() == "topic" else 2)
        elif m := _RESOLUTION.fullmatch(text):
            self.add("resolution", start, m[1], nick=nick)
        elif m := _ACTION.fullmatch(text):
            self.add("action", start, m[1], nick=nick)
        elif _EDIT.fullmatch(text):  # SEAM: the full engine applies s/// and i///
            self.diagnostics.append(f"Not applied (edits not supported yet): {text}")
            self.irc(start, nick, text)
        elif (m := _OWN_NICK.fullmatch(text)) and _key(m[1]) == _key(nick):
            self.irc(start, nick, m[2])  # "<me> aside": the scribe speaking as themself
        elif not is_scribe:
            self.irc(start, nick, raw)
        elif m := _CONTINUATION.fullmatch(text):
            self.continuation(start, m[1], nick)
        elif (m := _SPEAKER.fullmatch(text)) and m[1].lower() not in _NOT_SPEAKERS:
            self.add("speaker", start, m[2], m[1], nick)
        elif text:
            self.add("summary", start, raw, nick=nick)


def _initial_scribes(b: _Builder, lines: Sequence[LogLine]) -> None:
    """The first scribe command also covers earlier lines; with none, guess like scribe.perl."""
    for ln in lines:
        m = _LIST.fullmatch(ln.text.strip())
        if m and m[1].lower() == "scribe" and _key(ln.nick) not in b.bots:
            b.set_list("scribe", m[2], m[3], ln.nick)
            return
    counts: dict[str, int] = {}
    for ln in lines:
        text = ln.text.strip()
        if _key(ln.nick) not in b.bots and _SPEAKER.fullmatch(text) and not b.is_command(text):
            counts[ln.nick] = counts.get(ln.nick, 0) + 1
    if counts:
        nick = max(counts, key=lambda n: counts[n])  # the first seen wins a tie
        b.diagnostics.append(f"No scribenick or scribe found. Guessed: {nick}")
        b.set_list("scribe", ":", nick, nick)
    else:
        b.diagnostics.append("No scribe and no speaker lines: all lines taken as minutes")
        b.all_scribe = True


def _freeze(b: _Builder) -> tuple[tuple[Paragraph, ...], tuple[Topic, ...]]:
    """Assign ids in document order: heading, then each paragraph followed by its spans."""
    pool, flat = IdPool(), []
    for head in b.heads:
        paras = []
        hid = pool.take(head.title, head.start) if head.level else ""
        for p in head.items:
            pid = pool.take("\t".join(p.segs), p.start)
            segs = [Segment(p.segs[0])] + [  # span text: escaped; the last one ends in </p>\n
                Segment(s, pool.take(inline_html(s) + ("</p>\n" if i == len(p.segs) else ""), 0))
                for i, s in enumerate(p.segs[1:], 2)]
            css = b.speakers[p.speaker.lower()] if p.kind == "speaker" else ""
            paras.append(Paragraph(p.kind, pid, tuple(segs), p.speaker, css))
        flat.append((head.level, Topic(head.title, hid, tuple(paras))))
    topics: list[Topic] = []
    for level, topic in flat[1:]:
        if level == 1:
            topics.append(topic)
        else:
            up = topics[-1]
            topics[-1] = Topic(up.title, up.id, up.items, (*up.subtopics, topic))
    return flat[0][1].items, tuple(topics)


def build_minutes(
    lines: Sequence[LogLine], *, day: date, channel: str, log_url: str | None = None,
    bots: Collection[str] = DEFAULT_BOTS, scribe_only: bool = False,
) -> Minutes:
    """Interpret the scribe conventions in ``lines``.

    ``scribe_only=True`` leaves other people's lines out (scribe.perl's -scribeOnly); with False
    they appear as ``irc`` paragraphs, scribe.perl's own default. ``bots``' lines never appear.
    """
    b = _Builder(day, bots, scribe_only)
    _initial_scribes(b, lines)
    for ln in lines:
        b.line(ln, b.all_scribe or _key(ln.nick) in b.scribes)
    if not b.title:
        b.title = f"{channel} meeting"
        b.diagnostics.append("No meeting title found")
    if log_url is not None and not _URL.fullmatch(log_url):
        b.diagnostics.append("Log URL is not an http(s) URL: not linked")
        log_url = None
    preamble, topics = _freeze(b)
    paras = [*preamble]
    for t in topics:
        paras += [*t.items, *(p for s in t.subtopics for p in s.items)]
    return Minutes(
        title=b.title, date=b.date, channel=channel,
        chairs=tuple(b.lists["chair"].values()), scribes=tuple(b.scribe_names.values()),
        present=tuple(sorted(b.lists["present"].values(), key=str.lower)),
        regrets=tuple(sorted(b.lists["regret"].values(), key=str.lower)),
        agenda_url=b.agenda_url, log_url=log_url, preamble=preamble, topics=topics,
        actions=tuple(p for p in paras if p.kind == "action"),
        resolutions=tuple(p for p in paras if p.kind == "resolution"),
        diagnostics=tuple(b.diagnostics),
    )


# ---- rendering ----------------------------------------------------------------------------------

_ENV = Environment(
    loader=PackageLoader("bot", "templates"),
    autoescape=select_autoescape(
        enabled_extensions=("html", "html.j2", "xml"), default_for_string=True, default=True
    ),
    undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
)
_ENV.filters["tokens"] = tokens


def _version() -> str:
    try:
        return metadata.version("agendum")
    except metadata.PackageNotFoundError:
        return "dev"


def render_html(m: Minutes, *, draft: bool = True) -> str:
    """scribe.perl's document structure; user text is only ever printed autoescaped."""
    return _ENV.get_template("minutes.html.j2").render(m=m, draft=draft, version=_version())


def render_minutes(
    lines: Sequence[LogLine], *, day: date, channel: str, log_url: str | None = None,
    draft: bool = True,
) -> str:
    """Convenience for the bot: build, then render."""
    m = build_minutes(lines, day=day, channel=channel, log_url=log_url)
    return render_html(m, draft=draft)
