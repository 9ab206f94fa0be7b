"""Minutes from a channel log, following scribe.perl's conventions (first slice).

The pipeline is pure and has three stages so the full scribe.perl engine can replace each one:
``parse_log`` (text -> LogLine), ``build_minutes`` (LogLine -> Minutes record, ids assigned) and
``render_html`` (Minutes -> HTML through ``templates/minutes.html.j2``).

Not yet implemented (seams marked ``SEAM``): s///, i/// edits (reported, shown as IRC lines, like
scribe.perl's failed edits), ``->`` links, slides, verbatim blocks, named anchors, ScribeOptions,
the HH:MM-only id seed (parsed ``[HH:MM]`` lines seed ids with seconds, scribe.perl uses minutes).
"""

from __future__ import annotations

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


# ---- plain-text log ---------------------------------------------------------------------------

_NEWLINES = re.compile(r"[\r\n]+")
_LOG_LINE = re.compile(
    r"(?:(\d\d?):(\d\d):(\d\d)[ \t]+|\[(\d\d?):(\d\d)(?::(\d\d))?\][ \t]*)?"
    r"(?:<([^\s<>]+)> ?(.*)|\* ([^\s<>]+) ?(.*))"
)


def _utc(t: datetime) -> datetime:
    return t.astimezone(UTC) if t.tzinfo else t


def format_irc_log(lines: Iterable[LogLine]) -> str:
    """RRSAgent's text log; CR/LF inside a message become spaces so one message stays one line."""
    out = []
    for ln in lines:
        stamp, text = _utc(ln.time).strftime("%H:%M:%S"), _NEWLINES.sub(" ", ln.text)
        nick = _NEWLINES.sub(" ", ln.nick)
        out.append(f"{stamp} * {nick} {text}\n" if ln.action else f"{stamp} <{nick}> {text}\n")
    return "".join(out)


def parse_log(text: str, day: date) -> list[LogLine]:
    """Inverse of ``format_irc_log``; also reads untimed and ``[HH:MM(:SS)]`` lines.

    Untimed lines get midnight, which seeds their paragraph ids with 0 as scribe.perl does.
    """
    result = []
    for raw in text.removeprefix("\ufeff").split("\n"):
        m = _LOG_LINE.fullmatch(raw.removesuffix("\r"))
        if not m:
            continue
        h, mi, s = m[1] or m[4] or "0", m[2] or m[5] or "0", m[3] or m[6] or "0"
        if int(h) > 23 or int(mi) > 59 or int(s) > 59:
            continue
        when = datetime(day.year, day.month, day.day, int(h), int(mi), int(s), tzinfo=UTC)
        if m[7] is not None:
            result.append(LogLine(when, m[7], m[8]))
        else:
            result.append(LogLine(when, m[9], m[10], action=True))
    return result


# ---- the record ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    """One input line of a paragraph; continuation segments get their own span id."""

    text: str
    id: str | None = None


@dataclass(frozen=True)
class Paragraph:
    """kind: speaker, summary (descriptive), irc, action or resolution."""

    kind: str
    id: str
    segments: tuple[Segment, ...]
    speaker: str = ""  # speaker name, or the nick of an irc line
    css: str = ""  # "s01"… per speaker, in order of first appearance

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


# ---- paragraph ids ----------------------------------------------------------------------------

_2_64 = 1 << 64


def id_hash(text: str, start: int) -> int:
    """scribe.perl's id hash; a sum reaching 2**64 turns Perl's integer into a float -> 0xffff."""
    h = start
    for byte in text.encode("utf-8"):
        s = h + byte
        if s >= _2_64:
            return 0xFFFF
        h = ((s << 7) & (_2_64 - 1)) + (h >> 11)
        if h >= _2_64:
            return 0xFFFF
    return h & 0xFFFF


class IdPool:
    """Hands out ids in document order, +1 on collision (no wrap-around, so 10000+ occur)."""

    def __init__(self) -> None:
        self.taken: set[int] = set()

    def take(self, text: str, start: int) -> str:
        value = id_hash(text, start)
        while value in self.taken:
            value += 1
        self.taken.add(value)
        return f"{value:04x}"


def seconds_of_day(t: datetime) -> int:
    t = _utc(t)
    return t.hour * 3600 + t.minute * 60 + t.second


# ---- inline text: links -----------------------------------------------------------------------

_URL = re.compile(r"https?://[^\s<>\"]+", re.I)
_SAFE_URL = re.compile(r"https?://[^\s<>\"]+", re.I)
_WBR = re.compile(r"(?<=/)(?=[A-Za-z0-9])")


@dataclass(frozen=True)
class Token:
    """Plain text (url None) or an http(s) link whose display text breaks after slashes."""

    text: str
    url: str | None = None
    parts: tuple[str, ...] = ()


def tokens(text: str) -> list[Token]:
    """Split text into plain runs and links; only http(s) URLs ever become links."""
    out, pos = [], 0
    for m in _URL.finditer(text):
        if m.start() > pos:
            out.append(Token(text[pos : m.start()]))
        out.append(Token(m[0], m[0], tuple(_WBR.split(m[0]))))
        pos = m.end()
    if pos < len(text) or not out:
        out.append(Token(text[pos:]))
    return out


def _esc(text: str) -> str:
    """scribe.perl's escaping (no ``'``), used only for the span-id hash input."""
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def inline_html(text: str) -> str:
    """The HTML scribe.perl hashes for a span id (escaped text with its links)."""
    return "".join(
        _esc(t.text) if t.url is None
        else f'<a href="{_esc(t.url)}">' + "<wbr>".join(map(_esc, t.parts)) + "</a>"
        for t in tokens(text)
    )


# ---- parsing the conventions ------------------------------------------------------------------

_LIST = re.compile(r"(chairs?|scribe(?:nick)?s?|present|regrets?)\s*(:\+|\+:?|-:?|:)\s*(.*)", re.I)
_META = re.compile(r"(meeting|date|agenda)\s*:\s*(.*)", re.I)
_TOPIC = re.compile(r"(topic|subtopic)\s*:\s*(.*)", re.I)
_RESOLUTION = re.compile(r"(?:resolution|resolved)\s*:\s*(.*)", re.I)
_ACTION = re.compile(r"action\s*:\s*(.*)", re.I)
_AGENDUM = re.compile(r"agendum \d+(?:\. \"(.+?)\"| -- (.+?) --) taken up.*", re.I)
# scribe.perl commands this slice does not interpret yet (SEAM): kept as text, never speakers.
_NOT_SPEAKERS = frozenset({"slideset", "scribeoptions", "namedanchorhere", "repo", "repos",
                           "recording", "issue"})
_CONTINUATION = re.compile(r"(?:\.\.+|…)\s*(.*)")  # scribe.perl also takes ".."
_SPEAKER = re.compile(r"([^\s:<>\d][^\s:<>]*):(?!/)\s*(.*)")
_ESCAPED_NICK = re.compile(r"<([^\s<>]+)>\s?(.*)")
_EDIT = re.compile(r"[si]/[^/]+/.*|[si]\|[^|]+\|.*")
_QUEUE = re.compile(  # Zakim's queue and agenda commands; "q-and-a" is not one
    r"(?:(?:q|queue|agenda)\s*[-+?=]|[-+]q|ack(?=\s+[^\s,]+\s*$|\s*$))(?:\s.*)?", re.I
)
_NOISE = re.compile(r"(\S+) has (?:joined|left) [#&]\S*|(\S+) has changed the topic to: .*")
_OFF = re.compile(r"\[off\]", re.I)
_DMY = re.compile(r"(\d{1,2})[\s-]+([A-Za-z]{3,9})\.?,?[\s-]+(\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


def _key(nick: str) -> str:
    """Scribe.perl ignores trailing underscores that IRC clients add to nicks."""
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
            word = m[2].lower()
            month = next(i for i, n in enumerate(_MONTHS, 1) if n.lower().startswith(word))
            return date(int(m[3]), month, int(m[1]))
    except (ValueError, StopIteration):
        pass
    return None


@dataclass
class _Para:
    kind: str
    start: int
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

    def __init__(self, day: date, channel: str, bots: Collection[str], scribe_only: bool) -> None:
        self.title, self.date, self.channel, self.scribe_only = "", day, channel, scribe_only
        self.bots = frozenset(b.lower() for b in bots)
        names = "|".join(map(re.escape, sorted(self.bots))) or r"(?!)"
        self.to_bot = re.compile(rf"(?:{names})_*\s*[,:].*", re.I)
        self.lists: dict[str, dict[str, str]] = {k: {} for k in ("chair", "present", "regrets")}
        self.scribe_names: dict[str, str] = {}
        self.scribes: set[str] = set()
        self.all_scribe = False
        self.agenda_url: str | None = None
        self.heads = [_Head("", 0, 0, [])]
        self.last: dict[str, _Para] = {}  # per scribe nick: their latest record
        self.speakers: dict[str, str] = {}
        self.diagnostics: list[str] = []

    # -- commands
    def is_command(self, text: str) -> bool:
        rules = (_LIST, _META, _TOPIC, _RESOLUTION, _ACTION, _QUEUE, self.to_bot)
        return any(r.fullmatch(text) for r in rules)

    def set_scribes(self, op: str, value: str, nick: str) -> None:
        entries = _names(value, commas_only=True) or ([nick] if op != ":" else [])
        if op in (":", ":+") and entries:
            self.scribes, self.all_scribe = set(), False
        for entry in entries:
            if entry == "*":
                self.all_scribe = op != "-"
                continue
            who, _, real = entry.replace("=", "/").partition("/")
            who = who.strip()
            if op == "-":
                self.scribes.discard(_key(who))
            else:
                self.scribes.add(_key(who))
                self.scribe_names.setdefault(_key(who), real.strip() or who)

    def set_list(self, name: str, op: str, value: str, nick: str) -> None:
        target = self.lists[next(k for k in self.lists if name.startswith(k[:5]))]
        entries = _names(value, commas_only=name.startswith("chair"))
        if not entries and op != ":":
            entries = [nick]
        if op == ":" and entries:
            target.clear()
        for entry in entries:
            if op.startswith("-"):
                target.pop(entry.lower(), None)
            else:
                target.setdefault(entry.lower(), entry)

    def meta(self, name: str, value: str) -> None:
        name, value = name.lower(), value.strip()
        if name == "meeting" and value:
            self.title = value
        elif name == "date":
            parsed = parse_date(value)
            if parsed is None:
                self.diagnostics.append(f"Date not understood: {value}")
            self.date = parsed or self.date
        elif name == "agenda":
            url = value.split()[0] if value else ""
            if _SAFE_URL.fullmatch(url):
                self.agenda_url = url
            else:
                self.diagnostics.append(f"Agenda is not an http(s) URL: {value}")

    # -- records
    def head(self, title: str, start: int, level: int) -> None:
        if level == 2 and not any(h.level == 1 for h in self.heads):
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
        """Extend this scribe's last record if nothing came between; otherwise (an IRC line, a
        heading) start a new paragraph for the same speaker, as scribe.perl does."""
        last, items = self.last.get(_key(nick)), self.heads[-1].items
        if last is not None and items and items[-1] is last:
            last.segs.append(text)
        elif last is None or last.kind in ("action", "resolution"):
            self.add("summary", start, text, nick=nick)
        else:
            self.add(last.kind, start, text, last.speaker, nick)

    def line(self, ln: LogLine, is_scribe: bool) -> None:
        nick, start = ln.nick, seconds_of_day(ln.time)
        raw = _NEWLINES.sub(" ", ln.text)
        text = raw.strip()  # commands are recognised without spaces, content keeps them
        if _OFF.match(text) or ((m := _NOISE.fullmatch(text)) and _key(m[1] or m[2]) == _key(nick)):
            return
        if _key(nick) in self.bots:
            if m := _AGENDUM.fullmatch(text):  # Zakim's agenda: a topic (-useZakimTopics)
                self.head((m[1] or m[2]).strip(), start, 1)
            elif m := _META.fullmatch(text):  # e.g. trackbot's "Meeting:" and "Date:"
                self.meta(m[1], m[2])
            return
        if ln.action:
            self.irc(start, f"* {nick}", text)
        elif text.startswith("\\"):
            if is_scribe:
                self.add("summary", start, text[1:], nick=nick)
            else:
                self.irc(start, nick, text[1:])
        elif _QUEUE.fullmatch(text) or self.to_bot.fullmatch(text):
            pass
        elif m := _LIST.fullmatch(text):
            if m[1].lower().startswith("scribe"):
                self.set_scribes(m[2], m[3], nick)
            else:
                self.set_list(m[1].lower(), m[2], m[3], nick)
        elif m := _META.fullmatch(text):
            self.meta(m[1], m[2])
        elif m := _TOPIC.fullmatch(text):
            self.head(m[2].strip(), start, 1 if m[1].lower() == "topic" else 2)
        elif m := _RESOLUTION.fullmatch(text):
            self.add("resolution", start, m[1], nick=nick)
        elif m := _ACTION.fullmatch(text):
            self.add("action", start, m[1], nick=nick)
        elif _EDIT.fullmatch(text):  # SEAM: s/// and i/// are applied by the full engine
            self.diagnostics.append(f"Not applied (edits not supported yet): {text}")
            self.irc(start, nick, text)
        elif (m := _ESCAPED_NICK.fullmatch(text)) and _key(m[1]) == _key(nick):
            self.irc(start, nick, m[2])  # "<me> aside": the scribe speaking as themself
        elif not is_scribe:
            self.irc(start, nick, raw)
        elif m := _CONTINUATION.fullmatch(text):
            self.continuation(start, m[1], nick)
        elif (m := _SPEAKER.fullmatch(text)) and m[1].lower() not in _NOT_SPEAKERS:
            self.add("speaker", start, m[2], m[1], nick)
        elif text:
            self.add("summary", start, raw, nick=nick)


def _guess_scribe(b: _Builder, lines: Sequence[LogLine]) -> None:
    """First scribe command applies to earlier lines; else guess as scribe.perl does."""
    for ln in lines:
        m = _LIST.fullmatch(ln.text.strip())
        if _key(ln.nick) not in b.bots and m and m[1].lower().startswith("scribe"):
            b.set_scribes(m[2], m[3], ln.nick)
            return
    counts: dict[str, int] = {}
    for ln in lines:
        text = ln.text.strip()
        if _key(ln.nick) not in b.bots and _SPEAKER.fullmatch(text) and not b.is_command(text):
            counts[ln.nick] = counts.get(ln.nick, 0) + 1
    if counts:
        nick = max(counts, key=lambda n: counts[n])  # first seen wins a tie
        b.diagnostics.append(f"No scribenick or scribe found. Guessed: {nick}")
        b.set_scribes(":", nick, nick)
    else:
        b.diagnostics.append("No scribe found and no speaker lines: all lines taken as minutes")
        b.all_scribe = True


def _freeze(b: _Builder) -> tuple[tuple[Paragraph, ...], tuple[Topic, ...]]:
    """Assign ids in document order: heading, then each paragraph and its continuation spans."""
    pool, frozen = IdPool(), []
    for head in b.heads:
        hid = pool.take(head.title, head.start) if head.level else ""
        paras = []
        for p in head.items:
            pid = pool.take("\t".join(p.segs), p.start)
            segs = [Segment(p.segs[0])]
            for i, seg in enumerate(p.segs[1:], 2):
                tail = "</p>\n" if i == len(p.segs) else ""
                segs.append(Segment(seg, pool.take(inline_html(seg) + tail, 0)))
            css = b.speakers.get(p.speaker.lower(), "") if p.kind == "speaker" else ""
            paras.append(Paragraph(p.kind, pid, tuple(segs), p.speaker, css))
        frozen.append((head.level, Topic(head.title, hid, tuple(paras))))
    topics: list[Topic] = []
    for level, topic in frozen[1:]:
        if level == 1:
            topics.append(topic)
        else:
            parent = topics[-1]
            topics[-1] = Topic(parent.title, parent.id, parent.items, (*parent.subtopics, topic))
    return frozen[0][1].items, tuple(topics)


def build_minutes(
    lines: Sequence[LogLine], *, day: date, channel: str, log_url: str | None = None,
    bots: Collection[str] = DEFAULT_BOTS, scribe_only: bool = True,
) -> Minutes:
    """Interpret the scribe conventions in ``lines`` into a Minutes record.

    ``scribe_only=True`` drops other people's lines (scribe.perl's -scribeOnly); with False they
    appear as ``irc`` paragraphs, which is scribe.perl's own default.
    """
    b = _Builder(day, channel, bots, scribe_only)
    _guess_scribe(b, lines)
    for ln in lines:
        b.line(ln, b.all_scribe or _key(ln.nick) in b.scribes)
    if not b.title:
        b.title = f"{channel} meeting"
        b.diagnostics.append("No meeting title found")
    if log_url is not None and not _SAFE_URL.fullmatch(log_url):
        b.diagnostics.append("Log URL is not an http(s) URL; not linked")
        log_url = None
    preamble, topics = _freeze(b)
    paras = [*preamble]
    for t in topics:
        paras += [*t.items, *(p for s in t.subtopics for p in s.items)]
    return Minutes(
        title=b.title, date=b.date, channel=channel,
        chairs=tuple(b.lists["chair"].values()),
        scribes=tuple(b.scribe_names.values()),
        present=tuple(sorted(b.lists["present"].values(), key=str.lower)),
        regrets=tuple(sorted(b.lists["regrets"].values(), key=str.lower)),
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
    """scribe.perl's document structure; all user text goes through autoescaping."""
    return _ENV.get_template("minutes.html.j2").render(m=m, draft=draft, version=_version())


def render_minutes(
    lines: Sequence[LogLine], *, day: date, channel: str, log_url: str | None = None,
    draft: bool = True,
) -> str:
    return render_html(build_minutes(lines, day=day, channel=channel, log_url=log_url), draft=draft)
