"""The conventions: edited log lines in, the ``Minutes`` record out (scribe.perl's rules).

One pass over the lines decides what each one is (a command, a speaker line, a continuation, a
descriptive line, someone else's IRC line, a bot line); a second pass gives every printed
paragraph its id in document order. Where scribe.perl's behaviour surprises, scribe.perl wins:
existing logs must give the minutes people already expect.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache

from bot.scribe.edits import Line, apply_edits
from bot.scribe.ids import IdPool, hash_many
from bot.scribe.inline import URL, Context, to_html, tokenize
from bot.scribe.options import Options
from bot.scribe.record import MONTHS, Item, Minutes, Section, Segment

BOTS = frozenset({"zakim", "rrsagent", "trackbot", "agendabot", "gb", "ghurlbot"})
_EDITING_BOTS = frozenset({"gb", "ghurlbot"})
_I = re.I

_NOISE = re.compile(r"(\S+) (?:has joined|has left|has quit|has changed the topic to:|"
                    r"is now known as) ?.*", _I)
_LIST = re.compile(r"(chair|present|regrets?|scribe(?:nick)?)s?\s*(:\+|\+:?|-:?|:)\s*(.*)", _I)
_META = re.compile(r"(meeting|date|agenda|previous[ _-]?meeting|next[ _-]?meeting|slideset|"
                   r"recording|repos?|repository|repositories|namedanchorhere|"
                   r"scribeoptions)\s*:\s*(.*)", _I)
_RECORDING = re.compile(r"recording\s+(?:is\s+)?(start(?:s|ing|ed)|end(?:s|ing|ed))"
                        r"(?:\s+at\s+(\d{1,2})?:(\d\d))?\s*\.?", _I)
_DASHES = re.compile(r"-{3,}")
_CONTINUABLE = frozenset({"resolution", "action", "issue", "proposed", "strawpoll"})
_KEYWORD = re.compile(r"chair|present|regret|scribe|meeting|date|agenda|previous|next|slideset|"
                      r"recording|repo|namedanchor|topic|sub-?topic|resol|propos|action|issue|"
                      r"straw|poll", _I)  # every command starts with one of these
# every line that may be a command starts with one of these (a cheap test for all the others)
_GATE = re.compile(_KEYWORD.pattern + r"|zakim|rrsagent|trackbot|agendabot|gb|ghurlbot|q|ack|"
                   r"recognize|agg?end|take|open|move|delete|drop|forget|remove|skip|really|close|"
                   r"pl|show|the|verbose|full|vq|clear|list|[-+=?]", _I)
_REPO_CHANGE = re.compile(r"(?:repos?|repository|repositories)\s*([+-])\s*(.*)", _I)
_TOPIC = re.compile(r"(topic|sub-?topic)\s*:\s*(.*)", _I)
_RESOLUTION = re.compile(r"(?:resolution|resolved)\s*:\s*(.*)", _I)
_PROPOSED = re.compile(r"(?:proposed(?: resolution)?|proposal)\s*:\s*(.*)", _I)
_ACTION = re.compile(r"action\s*:\s*(.*)|action\s+([^:\s][^:]*?)\s*:\s*(.*)|"
                     r"action\s+(\S+(?:\s+and\s+\S+)*\s+to\s+.*)", _I)
_ISSUE = re.compile(r"issue\s*:\s*(.*)", _I)
_POLL = re.compile(r"(?:straw\s*poll|poll)\s*:\s*(.*)", _I)
_CONTINUATION = re.compile(r"(?:\.\.+|…)\s?(.*)", re.S)
_VOTE = re.compile(r"[-+][0-9]\b.*", re.S)  # "+1" is the scribe voting, not minuting
_SPEAKER = re.compile(r"([^\s:<>]+?)\s*:(?!//)\s*(.*)", re.S)
_OWN_NICK = re.compile(r"<([^\s<>]+)>\s?(.*)", re.S)
# Lines scribe.perl leaves out as talk with Zakim (with -useZakimTopics, its default): Zakim's
# queue, agenda and question commands, which need not be addressed to it ("zakim, ..." is
# to_bot's). What scribe.perl does, found by running it, looseness included: any line starting
# with "agenda " goes, "close item 2" or "ack" alone stay (tests/test_scribe_oracle.py). Spaces
# are spaces (a tab counts as one), and one at the end counts: "agenda " goes, "agenda" stays.
_ZAKIM_COMMAND = re.compile(" *(?:" + "|".join((
    r"(?:chair +)?(?:ack|recognize)s? \w",                  # ack bob, chair recognizes alice
    r"agg?enda *\d* *[-+=?]",                               # agenda+ text, agenda 2 = text, agenda?
    r"(?:take +up +|open +|move +to +)?(?:next +agend(?:a|um)|agend(?:a|um) )",  # take up, next
    r"(?:delete|drop|forget|remove) +agend(?:a|um) +\d+ *$",
    r"(?:skip|(?:really +)?close) +(?:this +agend(?:a|um)|agend(?:a|um) +\d+) *$",
    r"(?:ple?a?se? +)?clear +(?:the +)?agenda *$",
    r"q(?:ueue|q)? *[-+=?]", r"[-+=?] *q(?:ueue|q)?\b",      # q+, qq+ to x, queue-, q?, +q
    r"(?:ple?a?se? +)?(?:show +)?(?:the +)?(?:verbose +|full +)?q(?:ueue)?\?? *$",  # the queue
    r"(?:vq(?:ueue)?|qv)\?",
    r"(?:(?:list|show) +(?:all +)?(?:the +)?questions|questions *\?) *$",
    r"(?:drop|close) +question +\d+ *$",
)) + ")", _I)
_AGENDUM = re.compile(r"agendum \d+(?:\. \"(.+)\"| -- (.+?) --) taken up.*", _I)
_ZAKIM_ATTENDEES = re.compile(r"(?:leaving\.\s+)?As of this point the attendees (?:have been|were)"
                              r"\s+(.*)", _I)
_ADDRESSED = re.compile(r"([A-Za-z]+)_*\s*[,:]")
_URL_START = re.compile(URL, _I)
_GB_REPOS = re.compile(r"(?:ghurlbot|gb)_*\s*[,:]\s*(?:(this is|use)|drop|remove|forget)\s+(.+)",
                       _I)
_GITHUB_REPO = re.compile(r"https://github\.com/[\w.-]+/[\w.-]+", _I)
_WANTED = re.compile(r"\S+, you wanted to ", _I)
_LOG_URL = re.compile(rf"(?:logging to|See)\s+({URL}?)(?:#\S*)?\s*$", _I)
_SLIDE = re.compile(r"\[\s*slide\s+(\d+)\s*\]", _I)
_DMY = re.compile(r"(\d{1,2})[\s-]+([A-Za-z]{3,9})\.?,?[\s-]+(\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_URL_DATE = re.compile(r"/(\d{4})/(\d\d)/(\d\d)-")
_VERBATIM = {"```": "```", "[[": "]]"}
_RESERVED_ANCHORS = {"toc", "meeting", "attendees", "links", "resolutionsummary",
                     "actionsummary"}


@lru_cache(maxsize=8192)
def _key(nick: str) -> str:
    """scribe.perl ignores the trailing underscores IRC clients add to nicks."""
    return nick.rstrip("_").lower()


def _names(value: str, commas_only: bool) -> list[str]:
    parts = value.split(",") if commas_only or "," in value else value.split()
    return [p.strip() for p in parts if p.strip()]


def parse_date(text: str) -> date | None:
    """``09 April 2014``, ``9 Apr 2014`` or ``2014-04-09``; None if not understood."""
    try:
        if m := _ISO.search(text):
            return date(int(m[1]), int(m[2]), int(m[3]))
        if m := _DMY.search(text):
            month = next(i for i, n in enumerate(MONTHS, 1) if n.lower().startswith(m[2].lower()))
            return date(int(m[3]), month, int(m[1]))
    except (ValueError, StopIteration):
        pass
    return None


@dataclass(slots=True)
class _Para:
    kind: str
    seed: int
    segs: list[str]
    speaker: str = ""
    time: str | None = None
    ctx: Context = field(default_factory=Context)
    url: str = ""


@dataclass(slots=True)
class _Head:
    title: str
    seed: int
    level: int  # 0 = preamble, 1 = topic, 2 = subtopic
    items: list[_Para]
    time: str | None = None
    ctx: Context = field(default_factory=Context)


class _Builder:
    """Walks the edited lines once and collects paragraphs under headings."""

    def __init__(self, opts: Options) -> None:
        self.opts = opts
        self.title = ""
        self.date: date | None = None
        self.lists: dict[str, dict[str, str]] = {"chair": {}, "present": {}, "regrets": {}}
        self.scribe_names: dict[str, str] = {}
        self.scribes: set[str] = set()
        self.all_scribe = False
        self.urls: dict[str, str] = {}
        self.heads = [_Head("", 0, 0, [])]
        self.last: dict[str, _Para] = {}
        self.speakers: dict[str, str] = {}  # key -> name as first written
        self.css: dict[str, str] = {}
        self.active: dict[str, None] = {}
        self.ctx = Context(opts.url_display, opts.emphasis, opts.github_issues, ())
        self.slideset = ""
        self.notes: list[str] = []  # diagnostics found while reading the lines
        self.recording_url: str | None = None
        self.recording_start: int | None = None  # seconds of day
        self.recording_end: int | None = None
        self.dash_pending = False
        # end marker, paragraph, owner's key, others' lines held back (None: not held)
        self.verbatim: tuple[str, _Para, str, list[Line] | None] | None = None

    # ---- commands ----

    def set_list(self, name: str, op: str, value: str, nick: str) -> None:
        """``:`` replaces, ``+`` adds, ``-`` removes; no names means the speaker."""
        op = "-" if "-" in op else "+" if "+" in op else ":"
        name = "scribe" if name.startswith("scribe") else "regrets" if name == "regret" else name
        entries = _names(value, commas_only=name in ("chair", "scribe")) or (
            [nick] if op != ":" else [])
        if name == "scribe":
            self.set_scribes(op, entries)
            return
        target = self.lists[name]
        if op == ":":
            target.clear()
        for entry in entries:
            if op == "-":
                target.pop(entry.lower(), None)
            else:
                target.setdefault(entry.lower(), entry)

    def set_scribes(self, op: str, entries: list[str]) -> None:
        if op == ":":
            self.scribes, self.all_scribe = set(), False
        for entry in entries:
            if entry == "*":
                self.all_scribe = op != "-"
                continue
            who, _, real = (w.strip() for w in entry.replace("=", "/").partition("/"))
            if op == "-":
                self.scribes.discard(_key(who))
            else:
                self.scribes.add(_key(who))
                self.scribe_names.setdefault(_key(who), real or who)

    def meta(self, name: str, value: str, ln: Line) -> None:
        name, value = re.sub(r"[ _-]", "", name.lower()), value.strip()
        if name == "meeting":
            self.title = value or self.title
        elif name == "date":
            self.date = parse_date(value) or self.date
        elif name in ("agenda", "previousmeeting", "nextmeeting"):
            if m := _URL_START.search(value):
                self.urls[name] = m[0]
            elif value:
                label = {"agenda": "Agenda", "previousmeeting": "Previous meeting",
                         "nextmeeting": "Next meeting"}[name]
                self.notes.append(f"{label} is not an http(s) URL: {value}")
        elif name == "recording":
            if m := _URL_START.search(value):
                self.recording_url = m[0]
        elif name == "slideset":
            m = _URL_START.search(value)
            self.slideset = m[0] if m else ""
            if m:  # the id hashes the address; an anchor text ("-> my slides URL") is shown
                para = self.add("slideset", ln, m[0])
                anchors = [t.text for t in tokenize(value, self.ctx) if t.kind == "link"]
                if para and anchors:
                    para.url = anchors[0]
            else:
                self.add("summary", ln, f"Slideset: {value}")
        elif name.startswith("repo"):
            self.repos("" if not value else "+", value)
        elif name == "namedanchorhere":
            anchor = re.sub(r"\s+", "_", value)
            if anchor and anchor.lower() not in _RESERVED_ANCHORS:
                self.add("anchor", ln, anchor)

    def recording_time(self, ln: Line, start: bool, hour: str | None, minute: str | None) -> None:
        """``Recording started at :05`` means five past the hour of the line (or the hour
        given); ``Recording is starting`` means now."""
        when = ln.seed
        if minute is not None:
            h = int(hour) if hour is not None else ln.seed // 3600
            when = h * 3600 + int(minute) * 60
        if start:
            self.recording_start = when
        else:
            self.recording_end = when

    def repos(self, op: str, value: str) -> None:
        repos = list(self.ctx.repos)
        if not op:
            repos = []
        for name in _names(value, commas_only=False):
            if op == "-":
                repos = [r for r in repos if not r.endswith("/" + name.split("/")[-1])]
                continue
            if not re.match(r"https?://", name):
                base = repos[-1].rsplit("/", 1)[0] if repos else "https://github.com/w3c"
                host = base.rsplit("/", 1)[0]
                name = f"{host}/{name}" if "/" in name else f"{base}/{name}"
            repos.append(name)
        self.ctx = replace(self.ctx, repos=tuple(repos))

    def head(self, title: str, ln: Line, level: int) -> None:
        for url in _GITHUB_REPO.findall(title):  # "Topic: … https://github.com/w3c/x" adds it
            self.repos("+", url)
        if title:
            self.heads.append(_Head(title, ln.seed, level, [], ln.time, self.ctx))

    # ---- paragraphs ----

    def add(self, kind: str, ln: Line, text: str, speaker: str = "") -> _Para | None:
        if not text and kind not in ("speaker",):
            return None
        para = _Para(kind, ln.seed, [text], speaker, ln.time, self.ctx)
        self.heads[-1].items.append(para)
        if kind == "speaker":
            key = speaker.lower()
            self.speakers.setdefault(key, speaker)
            self.css.setdefault(key, f"s{len(self.css) + 1:02d}")
        if kind not in ("irc", "bot"):
            self.last[_key(ln.nick)] = para
        return para

    def irc(self, ln: Line, text: str, kind: str = "irc") -> None:
        if not self.opts.scribe_only or kind == "bot":
            self.add(kind, ln, text, ln.nick if not ln.action else f"* {ln.nick}")

    def continuation(self, ln: Line, text: str) -> None:
        """Extend this scribe's previous paragraph if nothing came between; else start a new
        paragraph for the same speaker, as scribe.perl does."""
        last, items = self.last.get(_key(ln.nick)), self.heads[-1].items
        if last is not None and items and items[-1] is last:
            last.segs.append(text)
        elif last is None or last.kind not in ("speaker", "summary"):
            self.add("summary", ln, text)
        else:
            self.add(last.kind, ln, text, last.speaker)

    def continues_own(self, ln: Line, text: str) -> bool:
        """Anybody may continue their own resolution, action, issue or proposal with "...",
        when nothing came between."""
        last, items = self.last.get(_key(ln.nick)), self.heads[-1].items
        if last is None or not items or items[-1] is not last or last.kind not in _CONTINUABLE:
            return False
        last.segs.append(text)
        return True

    def is_scribe(self, nick: str) -> bool:
        return self.all_scribe or _key(nick) in self.scribes

    def command(self, ln: Line, text: str) -> bool:
        """Interpret a command anyone may give; False if ``text`` is not one."""
        if not _KEYWORD.match(text):
            return False
        if m := _LIST.fullmatch(text):
            self.set_list(m[1].lower(), m[2], m[3], ln.nick)
        elif m := _RECORDING.fullmatch(text):
            self.recording_time(ln, m[1].lower().startswith("start"), m[2], m[3])
        elif m := _REPO_CHANGE.fullmatch(text):
            self.repos(m[1], m[2])
        elif m := _META.fullmatch(text):
            if m[1].lower() != "scribeoptions":
                self.meta(m[1], m[2], ln)
        elif m := _TOPIC.fullmatch(text):
            self.head(m[2].strip(), ln, 1 if m[1].lower() == "topic" else 2)
        elif m := _RESOLUTION.fullmatch(text):
            self.add("resolution", ln, m[1].strip())
        elif m := _PROPOSED.fullmatch(text):
            self.add("proposed", ln, m[1].strip())
        elif m := _ACTION.fullmatch(text):
            who_to = f"{m[2]} to {m[3]}" if m[2] else None
            self.add("action", ln, (m[1] or who_to or m[4] or "").strip())
        elif m := _ISSUE.fullmatch(text):
            self.add("issue", ln, m[1].strip())
        elif m := _POLL.fullmatch(text):
            self.add("strawpoll", ln, m[1].strip())
        else:
            return False
        return True

    def bot_line(self, ln: Line, text: str) -> None:
        bot = _key(ln.nick)
        if bot == "rrsagent":
            return
        if bot == "zakim" and self.opts.use_zakim_topics:
            names = None
            if m := _AGENDUM.fullmatch(text):
                self.head((m[1] or m[2]).strip(), ln, 1)
            elif m := _ZAKIM_ATTENDEES.fullmatch(text):
                names = m[1]
            elif _WANTED.match(text):
                self.irc(ln, text)
            for name in _names(names or "", commas_only=True):
                self.lists["present"].setdefault(name.lower(), name)
            return
        if bot in ("gb", "ghurlbot") and not self.opts.ghurlbot:
            return
        if self.to_bot(text) or self.command(ln, text):
            return
        self.irc(ln, text, "bot")

    def to_bot(self, text: str) -> bool:
        m = _ADDRESSED.match(text)
        return bool(m and m[1].lower() in BOTS and
                    (self.opts.use_zakim_topics or m[1].lower() != "zakim"))

    def verbatim_line(self, ln: Line, raw: str) -> bool:
        """Inside a verbatim block: its owner's lines are text until the end marker; others'
        lines wait until the block ends when the owner is a scribe (scribe.perl keeps the
        scribe's text together), and are handled as usual otherwise."""
        assert self.verbatim is not None
        end, para, owner, deferred = self.verbatim
        if _key(ln.nick) != owner:
            if deferred is None:
                return False
            deferred.append(ln)
            return True
        if raw.strip() != end:
            para.segs.append(raw)
            return True
        self.verbatim = None
        for waiting in deferred or ():
            self.line(waiting)
        return True

    def line(self, ln: Line) -> None:
        raw = ln.text
        text = raw.strip()
        if self.verbatim is not None and self.verbatim_line(ln, raw):
            return
        if _key(ln.nick) in BOTS:
            self.bot_line(ln, text)
            return
        if ln.command:  # an s/// or i/// that failed stays for a human to fix
            self.irc(ln, text)
            return
        self.active.setdefault(ln.nick)
        if ln.action:
            self.irc(ln, text)
            return
        if not text:
            return
        first = text[0]
        scribe = self.is_scribe(ln.nick)
        if first in "`[" and text in _VERBATIM:
            para = _Para("verbatim", ln.seed, [], "", ln.time, self.ctx)
            self.heads[-1].items.append(para)
            self.verbatim = (_VERBATIM[text], para, _key(ln.nick), [] if scribe else None)
            return
        if first == "\\":
            if scribe:
                self.add("summary", ln, text[1:])
            else:
                self.irc(ln, text[1:])
            return
        if self.dash_pending and scribe:
            self.dash_pending = False
            self.head(text, ln, 1)
            return
        if self.opts.dash_topics and _DASHES.fullmatch(text):
            self.dash_pending = True
            return
        if _GATE.match(text) and self.gated(ln, text):
            return
        if first == "<" and (m := _OWN_NICK.fullmatch(text)) and _key(m[1]) == _key(ln.nick):
            self.irc(ln, m[2])
        elif not scribe and first in ".…" and (m := _CONTINUATION.fullmatch(text)) and \
                self.continues_own(ln, m[1]):
            pass
        elif not scribe or (first in "+-" and _VOTE.fullmatch(text)):
            self.irc(ln, raw)
        elif first == "[" and (m := _SLIDE.fullmatch(text)):
            self.slide(ln, int(m[1]))
        elif first in ".…" and (m := _CONTINUATION.fullmatch(text)):
            self.continuation(ln, m[1])
        elif self.opts.allow_space_continuations and raw.startswith(" ") and \
                (last := self.last.get(_key(ln.nick))) is not None and last.kind == "speaker":
            self.continuation(ln, text)
        elif ":" in text and (m := _SPEAKER.fullmatch(text)) and not _URL_START.match(text):
            self.add("speaker", ln, m[2], m[1])
        elif self.opts.implicit_continuations and \
                (last := self.last.get(_key(ln.nick))) is not None and last.kind == "speaker":
            self.continuation(ln, text)
        else:
            self.add("summary", ln, raw)

    def gated(self, ln: Line, text: str) -> bool:
        """Commands to bots, Zakim's queue and agenda commands and the minutes commands: the
        few lines that start with one of their words. True when the line was one."""
        if m := _GB_REPOS.match(text):  # gb's own commands to add or drop repositories
            self.repos("+" if m[1] else "-", m[2])
            return True
        if self.to_bot(text) or self.command(ln, text):
            return True
        # after the commands, as in scribe.perl: "agenda : URL" is the agenda, not for Zakim
        return self.opts.use_zakim_topics and bool(
            _ZAKIM_COMMAND.match(ln.text.replace("\t", " ")))

    def slide(self, ln: Line, number: int) -> None:
        if not self.slideset:
            self.add("summary", ln, ln.text.strip())
            return
        anchor = f"#page={number}" if self.slideset.lower().endswith(".pdf") else f"#{number}"
        para = self.add("slide", ln, str(number))
        if para:
            para.url = self.slideset + anchor


def _initial_scribes(b: _Builder, lines: Sequence[Line], notes: list[str]) -> None:
    """-scribeNick, else the first scribe command also covers earlier lines, else a guess."""
    if b.opts.scribe_nicks:
        b.set_scribes(":", list(b.opts.scribe_nicks))
        return
    for ln in lines:
        m = _LIST.fullmatch(ln.text.strip())
        if m and m[1].lower().startswith("scribe") and _key(ln.nick) not in BOTS:
            b.set_list(m[1].lower(), m[2], m[3], ln.nick)
            b.scribe_names.clear()
            return
    counts: dict[str, int] = {}
    for ln in lines:
        if _key(ln.nick) not in BOTS and _SPEAKER.fullmatch(ln.text.strip()):
            counts[ln.nick] = counts.get(ln.nick, 0) + 1
    if counts:
        nick = max(counts, key=lambda n: counts[n])
        notes.append(f"No scribenick or scribe found. Guessed: {nick}")
        b.set_scribes(":", [nick])
    else:
        notes.append("No scribenick or scribe found. Taking every line as minutes.")
        b.all_scribe = True


def _sorted(names: Sequence[str]) -> tuple[str, ...]:
    return tuple(sorted(names, key=str.lower))


def _freeze(b: _Builder) -> tuple[tuple[Item, ...], tuple[Section, ...]]:
    """Ids in document order: heading, then each paragraph followed by its spans.

    All hash inputs are collected first and hashed in one batch (``hash_many``); collisions
    are then resolved in document order, as scribe.perl does.
    """
    keep = b.opts.keep_lines
    texts: list[str] = []
    seeds: list[int] = []
    for head in b.heads:
        if head.level:
            texts.append(head.title)
            seeds.append(head.seed)
        for p in head.items:
            if p.kind == "verbatim":
                p.segs = p.segs or [""]
            texts.append("\t".join(p.segs))
            seeds.append(p.seed)
            if keep and p.kind not in ("verbatim", "anchor"):
                last = len(p.segs) - 1
                for i, seg in enumerate(p.segs[1:], 1):
                    texts.append(to_html(seg, p.ctx) + ("</p>\n" if i == last else ""))
                    seeds.append(0)
    pool = IdPool({int(p.segs[0], 16) for h in b.heads for p in h.items
                   if p.kind == "anchor" and re.fullmatch(r"[0-9a-fA-F]{4}", p.segs[0])})
    ids = map(pool.claim, hash_many(texts, seeds))
    flat: list[tuple[int, Section]] = []
    for head in b.heads:
        items = []
        hid = next(ids) if head.level else ""
        for p in head.items:
            pid = next(ids)
            if p.kind == "anchor":
                items.append(Item("anchor", p.segs[0], (Segment(p.segs[0]),)))
                continue
            if len(p.segs) == 1:  # most paragraphs
                segs: tuple[Segment, ...] = (Segment(p.segs[0]),)
            else:
                spans = keep and p.kind != "verbatim"
                segs = (Segment(p.segs[0]),
                        *(Segment(seg, next(ids) if spans else None) for seg in p.segs[1:]))
            css = b.css.get(p.speaker.lower(), "") if p.kind == "speaker" else ""
            items.append(Item(p.kind, pid, segs, p.speaker, css, p.time, p.ctx, p.url))
        flat.append((head.level, Section(head.title, hid, head.level, tuple(items), (),
                                         head.time, head.ctx, head.seed)))
    groups: list[tuple[Section, list[Section]]] = []
    for level, section in flat[1:]:
        if level == 2 and groups:
            groups[-1][1].append(section)
        else:  # a subtopic before any topic is taken as a topic
            groups.append((replace(section, level=1), []))
    topics = tuple(replace(t, subsections=tuple(subs)) if subs else t for t, subs in groups)
    return flat[0][1].items, topics


def build(lines: list[Line], opts: Options, *, log_url: str | None = None,
          default_date: date | None = None) -> Minutes:
    """Interpret the conventions in ``lines`` (after ``logformats``) under ``opts``."""
    b = _Builder(opts)
    notes: list[str] = []
    lines = _join_zakim([ln for ln in lines if not _is_noise(ln)])
    # Bots' lines are not edits, except gb's: its s|#15|-> Issue 15 … URL| answer to a topic
    # line is meant for scribe.perl, and turns the reference into a titled link.
    commandable = [_key(ln.nick) not in BOTS or _key(ln.nick) in _EDITING_BOTS for ln in lines]
    lines, edit_notes = apply_edits(lines, commandable)
    notes += edit_notes
    if log_url is not None and not _URL_START.fullmatch(log_url):
        notes.append("Log URL is not an http(s) URL: not linked")
        log_url = None
    for ln in lines:
        if _key(ln.nick) == "rrsagent" and (m := _LOG_URL.match(ln.text.strip())):
            log_url = m[1]
    _initial_scribes(b, lines, notes)
    for ln in lines:
        b.line(ln)
    notes += b.notes
    if opts.date:
        b.date = parse_date(opts.date) or b.date
    for source in (log_url, opts.minutes_url):
        if b.date is None and source and (m := _URL_DATE.search(source)):
            b.date = parse_date(f"{m[1]}-{m[2]}-{m[3]}")
    b.date = b.date or default_date
    if not b.title:
        b.title = "(MEETING TITLE)"
        notes.append("No meeting title found!")
    present = b.lists["present"]
    speakers = _sorted(list(b.speakers.values()))
    maybe = [s for s in speakers if s.lower() not in present]
    if maybe:
        notes.append("Maybe present: " + ", ".join(maybe))
    if speakers:
        notes.append("All speakers: " + ", ".join(speakers))
    if b.active:
        notes.append("Active on IRC: " + ", ".join(_sorted(list(b.active))))
    preamble, topics = _freeze(b)
    if b.recording_url and (start := b.recording_start) is not None:
        topics = tuple(_with_offsets(t, start, b.recording_end) for t in topics)
    minutes = Minutes(
        title=b.title, date=b.date,
        chairs=tuple(b.lists["chair"].values()), scribes=tuple(b.scribe_names.values()),
        present=_sorted(list(present.values())), regrets=_sorted(list(b.lists["regrets"].values())),
        agenda_url=b.urls.get("agenda"), log_url=log_url, recording_url=b.recording_url,
        previous_url=b.urls.get("previousmeeting"), next_url=b.urls.get("nextmeeting"),
        preamble=preamble, topics=topics, actions=(), resolutions=(), issues=(),
        diagnostics=tuple(notes),
        has_slides=any(p.kind == "slide" for h in b.heads for p in h.items),
    )
    items = minutes.items()
    return replace(minutes, actions=tuple(i for i in items if i.kind == "action"),
                   resolutions=tuple(i for i in items if i.kind == "resolution"),
                   issues=tuple(i for i in items if i.kind == "issue"))


def _join_zakim(lines: list[Line]) -> list[Line]:
    """Zakim splits long replies into lines starting with "..."; put them back together."""
    out: list[Line] = []
    for ln in lines:
        if (_key(ln.nick) == "zakim" and out and _key(out[-1].nick) == "zakim"
                and (m := _CONTINUATION.fullmatch(ln.text.strip()))):
            out[-1].text = f"{out[-1].text.rstrip()} {m[1]}"
        else:
            out.append(ln)
    return out


def _with_offsets(section: Section, start: int, end: int | None) -> Section:
    """Where each heading falls in the recording, for headings with a time inside it."""
    seed = section.seed
    offset = seed - start if seed >= start and (end is None or seed <= end) else None
    subs = tuple(_with_offsets(s, start, end) for s in section.subsections)
    return replace(section, offset=offset, subsections=subs)


def _is_noise(ln: Line) -> bool:
    """RRSAgent's text log records joins, parts and topic changes as lines of the nick."""
    text = ln.text
    if " has " not in text and " is now known as " not in text:  # the cheap test first
        return False
    m = _NOISE.fullmatch(text)
    return bool(m and _key(m[1]) == _key(ln.nick))


__all__ = ["build", "parse_date"]
