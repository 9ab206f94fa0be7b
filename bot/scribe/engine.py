"""The conventions: edited log lines in, the ``Minutes`` record out (scribe.perl's rules).

One pass over the lines decides what each one is (a command, a speaker line, a continuation, a
descriptive line, someone else's IRC line, a bot line); a second pass gives every printed
paragraph its id in document order. Where scribe.perl's behaviour surprises, scribe.perl wins:
existing logs must give the minutes people already expect.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache

from bot.scribe.edits import Line
from bot.scribe.ids import IdPool, hash_many
from bot.scribe.inline import PERL_URL, URL, Context, is_word
from bot.scribe.lazyre import lazy
from bot.scribe.options import Options
from bot.scribe.perlchars import perl_case
from bot.scribe.record import MONTHS, Item, Minutes, Section, Segment

BOTS = frozenset({"zakim", "rrsagent", "trackbot", "agendabot", "gb", "ghurlbot"})

# ---- the minutes commands, exactly as scribe.perl reads them (found by running it) ----
# Only spaces may surround a command (a tab is a space by now), a colon may be the full-width
# one, and the words are case-insensitive. Each pattern is matched against the whole line.
_C = "[:：]"
# scribe.perl's URL: any scheme:// (an address the header links to is checked when printed).
# inline's, with Perl's \s and /i folds; case-sensitive as written even inside the re.I
# patterns here, whose folds are Python's (a dotless i would make "mailto").
_PURL = f"(?-i:{PERL_URL})"
_SCRIBE_ENTRY = r"[^ ,/=]+ *(?:[=/] *[^ ,](?:[^,]*[^ ,])? *)?"  # nick, nick=Name or nick/Name
_ENTRY = lazy(r"([^ ,/=]+) *(?:[=/] *([^ ,](?:[^,]*[^ ,])?) *)?")
_COMMA = lazy(r" *, *")


def _not_starting(letters: str) -> frozenset[str]:
    """The ASCII characters that rule out a line whose first character is one of them, for a
    pattern that starts (after spaces) with one of ``letters`` in either case: a cheap test
    before the pattern on every line. A space, or any other character, leaves it to the
    pattern (re.I also matches "ſ" to "s")."""
    return frozenset(c for c in map(chr, range(128)) if c.lower() not in letters + " ")


def _ci(pattern: str) -> re.Pattern[str]:
    """A case-insensitive pattern, compiled on first use, that folds as Perl's /i; ``URL``
    in it is scribe.perl's URL."""
    return lazy(pattern, re.I, prepare=_perl_pattern)


def _perl_pattern(pattern: str) -> str:
    """perl_case, then each ``URL`` put in: that one is exact already (case-sensitive), and
    left out of perl_case's work, which every run pays for at its start."""
    return perl_case(pattern).replace("URL", _PURL)


def _p(pattern: str) -> re.Pattern[str]:
    """A command pattern: leading spaces allowed, every ``:`` (but ``(?:``) either colon,
    ``URL`` scribe.perl's URL."""
    return _ci(" *" + re.sub(r"(?<!\?):", _C, pattern))


# Present, Regrets and Chair: (pattern, operation) in scribe.perl's order
_LISTS: dict[str, tuple[tuple[re.Pattern[str], str], ...]] = {
    "present": ((_p(r"present *(?::|=) *(.*?) *"), "set"), (_p(r"present *\+:? *"), "self"),
                (_p(r"present *\+:? *(.*?) *"), "add"), (_p(r"present *-:? *(.*?) *"), "del")),
    "regrets": ((_p(r"regrets? *: *(.*?) *"), "set"), (_p(r"regrets? *\+:? *"), "self"),
                (_p(r"regrets? *\+:? *(.*?) *"), "add"), (_p(r"regrets? *-:? *(.*?) *"), "del")),
    "chair": ((_p(r"chairs? *-:? *"), "unself"), (_p(r"chairs? *-:? *(.*?) *"), "del"),
              (_p(r"chairs? *\+:? *"), "self"), (_p(r"chairs? *: *"), "empty"),
              (_p(r"chairs? *(:|\+:?) *(.*?) *"), "set")),
}
_SCRIBEOPTIONS = _ci(r" *scribeoptions *: *(.*?) *")  # ASCII colon only
_NO_SCRIBEOPTIONS = _not_starting("s")


def scribe_options_line(text: str) -> re.Match[str] | None:
    """The match of a ``ScribeOptions:`` line (group 1: its options), else None: the one test
    for the options (pipeline), the activity count and the lines left out. A cheap test first,
    as it runs on every line; it must let "ſ" through, which Perl's /i (and re.I) reads as
    "s", so that "ſcribeoptions:" is a ScribeOptions line as in scribe.perl."""
    if text[:1] in _NO_SCRIBEOPTIONS or ":" not in text:
        return None
    return _SCRIBEOPTIONS.fullmatch(text)


_SCRIBE_SELF_OFF = _p(r"scribe(?:nick)? *-:? *")
_SCRIBE_SELF = _p(r"scribe(?:nick)? *\+:? *")
_SCRIBE_EMPTY = _p(r"scribe(?:nick)? *: *")
_SCRIBE_SET = _ci(rf" *scribe(?:nick)? *({_C}|\+{_C}?) *({_SCRIBE_ENTRY}(?:, *"
                  rf"{_SCRIBE_ENTRY})*)")
_SCRIBE_OLD = _p(r"scribe *: *([^ ].*?) *")  # "Scribe: John Smith": listed, nobody scribes
_SCRIBE_OFF = _p(r"scribe(?:nick)? *-:? *([^ ].*)? *")
_REPO_ADD = _p(r"repo(?:s|sitory|sitories)? *(?::|\+:?) *(.*?) *")
_REPO_DROP = _p(r"repo(?:s|sitory|sitories)? *-:? *([^ ].*)")
_GB_ADD = _p(r"(?:ghurlbot|gb) *, *(?:discuss(?:ing)?|use|using|take +up|taking +up|"
             r"this +(?:will +be|is)) +(.*?) *")
_GB_DROP = _p(r"(?:ghurlbot|gb) *, *(?:forget|drop|remove|don't +use|do +not +use) +([^ ].*)")
_SLIDESET = _p(r"slides(?:et)? *: *(.*?(URL).*)")
_SLIDES_OFF = _p(r"slides(?:et)? *:.*")
_RECORDING = _p(r"recording *: *(.*?(URL).*)")
_RECORDING_OFF = _p(r"recording *:.*")
_RECORDING_TIMES = ((_p(r"recording +(?:is +starting|starts)[. ]*"), True),
                    (_p(r"recording +start(?:ed|s) +at +:([0-9][0-9])[. ]*"), True),
                    (_p(r"recording +ends[. ]*"), False),
                    (_p(r"recording +end(?:ed|s) +at +:([0-9][0-9])[. ]*"), False))
_TOPIC = _p(r"topic *: *(.*?) *")
_SUBTOPIC = _p(r"sub-?topic *: *(.*?) *")
_ACTION = (_p(r"action *: *(.*?) *"), _p(r"action +(.*?(?: to |:).*?) *"))
_RESOLUTION = _p(r"resol(?:ved|ution) *: *(.*?) *")
_ISSUE = _p(r"issue *: *(.*?) *")
_AGENDA = _p(r"agenda *: *(URL) *")
_AGENDA_OTHER = _p(r"agenda *: *(.*?) *")
_MEETING = _p(r"meeting *: *(.*?) *")
_OTHER_MEETING = _p(r"(previous|next) +meeting *: *(URL) *")
_OTHER_MEETING_TEXT = _p(r"(previous|next) +meeting *: *(.*?) *")
# the start of the line (the rest may be anything); the month must be Perl's \w+ (_perl_word)
_DATE = _p(r"date *: *(\d+ ([^ ]+) \d+)")
_ANCHOR = _p(r"namedanchorhere *: *(.*?) *")
# every command starts with one of these words; command() picks its patterns by the word
_KEYWORD = _ci(r" *(present|regret|chair|scribe|repo|gb|ghurlbot|slides|recording|topic|"
               r"sub-?topic|action|resol|issue|agenda|meeting|previous|next|date|"
               r"namedanchorhere)")
_NO_KEYWORD = _not_starting("prcsgtaimnd")
# ---- the lines that are not commands, as scribe.perl reads them (found by running it) ----
# Every pattern reads the line as typed (tabs are spaces by now); only spaces count as such.
_DASHES = lazy(" *-+ *")  # with -dashTopics: the next line of its writer is a topic
_VERBATIM_START = lazy(" *(```|\\[\\[) *")
_VERBATIM_END = {"```": "```", "[[": "]]"}
_SLIDE = _ci(r" *\[ *slide *(\d+) *\] *")  # [slide 3], once there is a slideset
# The commands scribe.perl reads before it leaves RRSAgent's lines out (its order): RRSAgent's
# other lines go first, so that its "ACTION: …" echoes make no actions
_EARLY_COMMAND = _ci(r" *(?:present|regret|repo|gb|ghurlbot|slides|recording|topic|"
                     r"sub-?topic)")
# A speaker's name has no space, colon (either), quote or ">" and does not start with "..";
# spaces may come before it unless -allowSpaceContinuations makes those a continuation.
_SPEAKER = lazy('( *)((?:[^. :：">]|\\.[^. :：">])[^ :：">]*) *[:：] *(.*)')
_NOT_SPEAKER = _ci(rf" *(?:URL|(?:propos(?:ed|al)|issue-\d+|action-\d+|github) *"
                   f"{_C})")  # a URL, or words unlikely to be anybody's name
_DOTS = lazy(" *(?:\\.\\.+|…) *(.*?) *")  # "..." or "…": a continuation line
_TRIMMED = lazy(" *(.*?) *")  # -implicitContinuations: any line continues the speaker
_SPACED = lazy(" +(.*?) *")  # -allowSpaceContinuations: a line starting with a space
_ESCAPED = lazy(r" *\\(.*)")  # "\Topic: x" is text, not a command
_OWN_NICK = lazy(" *<([^>]*)>")  # "<mynick> aside": the writer's own remark
_AFTER_NICK = lazy("[^>]*> ?")
_RALPH_LINK = _ci(" *-> *URL")  # "-> URL text" by a scribe: a summary
_VOTE = lazy(r" *[-+]\d+(.*)")  # "+1" is the scribe voting, not minuting (see _is_vote)
# Lines left out as talk with bots. Zakim's need -useZakimTopics (scribe.perl's default); they
# need not be addressed to it. Found by running scribe.perl, looseness included: any line
# starting with "agenda " goes, "close item 2" or "ack" alone stay
# (tests/scribe/test_scribe_oracle.py).
_ZAKIM_COMMAND = _ci(" *(?:" + "|".join((
    r"zakim,",                                              # zakim, anything (not "zakim:")
    r"(?:chair +)?(?:ack|recognize)s? (?P<acked>.)",  # ack bob, chair recognizes alice (is_word)
    r"agg?enda *\d* *[-+=?]",                               # agenda+ text, agenda 2 = text, agenda?
    r"(?:delete|drop|forget|remove) +agend(?:um|a) +\d+ *$",
    r"(?:take +up +|open +|move +to +)?(?:agend(?:um|a) +|next +agend(?:um|a))",  # take up, next
    r"(?:skip|(?:really +)?close) +(?:this +agend(?:um|a)|agend(?:um|a) +\d+) *$",
    r"q(?:ueue|q)? *[-+=?]",                                # q+, qq+ to x, queue-, q?
    r"(?:ple?a?se? +)?(?:show +)?(?:the +)?(?:verbose +|full +)?q(?:ueue)?\?? *$",  # the queue
    r"(?:vqueue|vq|qv)\?",
    r"[-+=?] *q(?:ueue|q)?\b",                              # +q, - q
    r"(?:ple?a?se? +)?clear +(?:the +)?agenda *$",
    r"(?:(?:list|show) +(?:all +)?(?:the +)?questions|questions *\?) *$",
    r"(?:drop|close) +question +[0-9]+ *$",
)) + ")")


def _zakim_pattern(t: str) -> bool:
    """scribe.perl's Zakim-command patterns on the whole line, without the shortcuts of
    ``_Builder.zakim_command`` (a test checks that the two agree). "ack ³" is not one: after
    "ack " must come a word character, Perl's (not Python's \\w)."""
    m = _ZAKIM_COMMAND.match(t)
    return m is not None and (m["acked"] is None or is_word(m["acked"]))


# Python's \w, \W and \b are not Perl's ("³" is a word character to Python only, a combining
# mark to Perl only): where a pattern of scribe.perl's turns on them, these decide.
def _perl_word(text: str) -> bool:
    """Whether ``text`` is a run of Perl's word characters (``\\w+``)."""
    return bool(text) and all(map(is_word, text))


def _word_ends(t: str, end: int) -> bool:
    """Perl's ``\\b`` after a word character at ``end``: the end of ``t`` or a non-word."""
    return end == len(t) or not is_word(t[end])


def _is_vote(t: str) -> bool:
    """Whether "+1", "-1 no way" is the scribe voting (an IRC line): scribe.perl's
    ``^ *[-+]\\d+(?:\\W.*)?$`` with Perl's \\W: nothing, or a non-word, after the digits."""
    m = _VOTE.fullmatch(t)
    return m is not None and (not m[1] or not is_word(m[1][0]))


# The first words _ZAKIM_COMMAND may start with (any case), for a cheap test of most lines;
# the others start with one of -+=?
_FIRST_WORD = lazy(r" *([^\W\d_]*)")
_ZAKIM_WORDS = frozenset({
    "zakim", "chair", "ack", "acks", "recognize", "recognizes", "agenda", "aggenda", "agendum",
    "delete", "drop", "forget", "remove", "take", "open", "move", "next", "skip", "really",
    "close", "q", "qq", "queue", "show", "the", "verbose", "full", "vqueue", "vq", "qv", "clear",
    "list", "questions",
    *(f"pl{e}{a}{s}{e2}" for e in ("", "e") for a in ("", "a") for s in ("", "s")
      for e2 in ("", "e")),  # ple?a?se?
})
_ZAKIM_FIRST = frozenset("-+=?ſ" + "".join({w[0] for w in _ZAKIM_WORDS}) +
                         "".join({w[0].upper() for w in _ZAKIM_WORDS}))
_ZAKIM_FIRST_OR_SPACE = _ZAKIM_FIRST | {" "}
# "+q" and the like: where the pattern's \b (Python's \w) can differ from scribe.perl's (Perl's)
_QUEUE_SIGN = _ci(" *[-+=?] *q(ueue|q)?")
_TO_RRSAGENT = _ci(" *rrsagent,")
_TO_TRACKBOT = _ci(r" *trackbot *, *(?:(?:dis)?associate|bye|start|end|status)")  # + \b
_TO_AGENDABOT = _ci(" *agendabot *,")
_TO_GB = _ci(" *(?:ghurlbot|gb) *,")  # with -noghurlbot
_NO_BOT = _not_starting("rtag")  # none of the four
# Zakim's own lines (its nick exactly "Zakim", as for the other bots)
_AGENDUM = lazy(r"agendum \d+\. \"(.*)\" taken up|agendum \d+ -- (.*)")
_TAKEN_UP = lazy(r" -- taken up \[from.*")
_ATTENDEES = lazy(r"the attendees (?:were|have been) (.*?),?$")
_ATTENDEES_SO_FAR = lazy("the attendees (?:were|have been) ")
_ZAKIM_MORE = lazy(r"\.\.\. (.*)")  # Zakim's long reply, continued
_WANTED = lazy("[^ ,]+, you wanted ")  # "jo, you wanted to ask about x": kept
_NAME_SEP = lazy(", *")
# trackbot's and ghurlbot's replies
_TRACKBOT_REF = lazy("([a-zA-Z]+-[0-9]+) -- (.*)")  # ACTION-12 -- text
_BOT_URL = _ci("URL")
_GB_REF = _ci("(URL) -> ((?:CLOSED |MERGED )?(?:Issue |Action |Pull Request |"
              r"Discussion |\#)[0-9]+) ?(.*)")
_GB_USER = _ci("(URL) -> (@.*)")
_GB_STATUS = lazy("Cannot|Closed|Reopened|Created")
_GB_OK = lazy(r"(?:[^ ,]+, )?OK\.?")
_URL_START = _ci(URL)
_GITHUB_REPO = _ci(r"\bhttps://github.com/[a-z0-9._-]+/[a-z0-9._-]+")  # sic: "."
_REPO_PARTS = _ci(r"([a-z]+://(?:[^/?#]*/)*?)?([^/?#]+/)?([^/?#]+)/?")
_REPO_LIST = lazy(r"[ ,]+")
_MINUTES_URL = lazy(r" to generate ([^ #]+)")  # RRSAgent's lines, anywhere in them
_LOG_URL = lazy(r"(?:[Ll]ogging to|recorded in|See) ([^ #]+)")
# agendum's gap events (bot.core.gaps): the bot was away, the log may miss lines. Not in
# scribe.perl, which never sees such a line; listed among the diagnostics.
_GAP_START = "agendum was away from "
_GAP_LINE = lazy(r"agendum was away from \d\d:\d\d:\d\d to \d\d:\d\d:\d\d UTC; "
                 r"lines in between may be missing")
_DMY = lazy(r"(\d{1,2})[\s-]+([A-Za-z]{3,9})\.?,?[\s-]+(\d{4})")
_ISO = lazy(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_URL_DATE = lazy(r"/(\d{4})/(\d\d)/(\d\d)-")
_RESERVED_ANCHORS = frozenset({"ActionSummary", "ResolutionSummary", "links", "attendees", "toc",
                               "meeting"})  # case-sensitive, as in scribe.perl
_HEX_ANCHOR = lazy(r"[0-9a-f]{4}")  # such a name also takes that paragraph id
# scribe.perl's own list: only %count (who is active) and the guessed scribe use it
_BOT_NICKS = frozenset({"rrsagent", "trackbot", "ghurlbot", "gb", "github-bot", "agendabot",
                        "zakim"})


@lru_cache(maxsize=8192)
def _key(nick: str) -> str:
    """scribe.perl ignores the trailing underscores IRC clients add to nicks."""
    return nick.rstrip("_").lower()


def _split(value: str, separator: re.Pattern[str] = _COMMA) -> list[str]:
    """Perl's split: an empty first field stays ("", "A" for ", A"), empty last ones go."""
    parts = separator.split(value)
    while parts and not parts[-1]:
        parts.pop()
    return parts


def _repository_url(name: str, repos: Sequence[str]) -> str | None:
    """A repository name as a URL, completed from the latest repository (``repos[-1]``):
    ``https://host/owner/x`` as it is, ``owner/x`` on the latest one's host (else GitHub),
    ``x`` with the latest one's owner (else w3c's); "" (and "0") is the latest. None: not a
    name."""
    latest = repos[-1] if repos else None
    if name in ("", "0"):  # Perl's false strings
        return latest
    m = _REPO_PARTS.fullmatch(name)
    if m is None:
        return None
    base, owner, repo = m.groups()
    if base:
        return base + (owner or "") + repo
    if owner:
        if latest is None:
            return f"https://github.com/{owner}{repo}"
        return re.sub(r"[^/]+/[^/]+$", lambda _: owner + repo, latest, count=1)
    if latest is None:
        return f"https://github.com/w3c/{repo}"
    return re.sub(r"[^/]+$", lambda _: repo, latest, count=1)


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
    continuations: list[str] = field(default_factory=list)  # "..." lines added to the title


def _not_speaker(t: str, m: re.Match[str]) -> bool:
    """Whether a line that looks like ``name: text`` (``m``, from _SPEAKER) is a URL or
    starts with a word that is no name; the name tells when the pattern need not be tried."""
    name = m[2].casefold()
    if not (t.startswith("//", m.end(2) + 1) or name.startswith(_NOT_NAMES)):
        return False
    return bool(_NOT_SPEAKER.match(t))


_NOT_NAMES = ("propos", "issue-", "action-", "github", "mailto", "geo", "urn")


# scribe.perl's records, in document order: headings and paragraphs. A line -scribeOnly leaves
# out is a paragraph of kind "hidden": it still takes an id and still comes between a speaker's
# line and its continuation, as in scribe.perl.
_Record = _Para | _Head
_CONTINUED = frozenset({"action", "resolution", "issue", "summary"})  # and headings


def _next_speaker_id(sid: str) -> str:
    """s01, s02 … s99, t00 …: Perl's increment of a string, scribe.perl's speaker ids."""
    chars = list(sid)
    i = len(chars) - 1
    while i >= 0:
        c = chars[i]
        if c == "9":
            chars[i] = "0"
        elif c == "z":
            chars[i] = "a"
        elif c == "Z":
            chars[i] = "A"
        else:
            chars[i] = chr(ord(c) + 1)
            return "".join(chars)
        i -= 1
    first = sid[0]
    lead = "1" if first.isdigit() else "a" if first.islower() else "A"
    return lead + "".join(chars)


class _Builder:
    """Walks the edited lines once and collects paragraphs under headings."""

    def __init__(self, opts: Options) -> None:
        self.opts = opts
        self.title = "(MEETING TITLE)"
        self.date_label: str | None = None  # a Date: as typed
        # Chair, Present, Regrets: the name in any case (casefold) -> as last written
        self.lists: dict[str, dict[str, str]] = {"chair": {}, "present": {}, "regrets": {}}
        self.scribe_names: dict[str, str] = {}  # scribe's key -> the name the list shows
        self.scribe_list: list[str] = []  # every scribe ever named, in order ("Scribe" line)
        self.scribes: set[str] = set()  # the current scribes' keys; "*" makes everyone one
        self.keys: dict[str, str] = {}  # nick -> _key(nick), asked for every line
        self.made = 0  # records made so far (headings and paragraphs): did a line make one?
        self.hidden: list[Item] = []  # lines -scribeOnly hides that may hold a formula
        self.urls: dict[str, str] = {}
        self.has_slides = False
        self.recording_text = ""
        self.anchors: set[str] = set()
        self.late_notes: list[str] = []  # scribe.perl's, found while writing: after the others
        self.heads = [_Head("", 0, 0, [])]
        self.last: dict[str, _Para] = {}
        self.speakers: dict[str, str] = {}  # key -> name as first written
        self.css: dict[str, str] = {}
        self.ctx = Context(opts.url_display, opts.emphasis, opts.github_issues, ())
        self.slideset = ""
        self.notes: list[str] = []  # diagnostics found while reading the lines
        self.recording_url: str | None = None
        self.recording_start: int | None = None  # seconds of day
        self.recording_end: int | None = None
        # -- what line() keeps between lines (scribe.perl's state) --
        # -dashTopics: who typed dashes -> the dashes' paragraph, a heading once their next
        # line names it (an IRC line if none comes)
        self.dash_pending: dict[str, _Para] = {}
        # who is in a verbatim block -> its end marker and (a scribe's) block paragraph
        self.verbatim: dict[str, tuple[str, _Para | None]] = {}
        self.lastspeaker: dict[str, str | None] = {}  # a scribe's nick -> whom "..." continues
        self.owner_last: dict[str, _Record] = {}  # nick (a speaker's name) -> its last record
        self.first_record: _Record | None = None  # the first line's (see continue_record)
        self.zakim_last: tuple[str, _Record | None] | None = None  # Zakim's last line but "..."
        self.speaker_id = "s00"

    # ---- commands ----

    def set_list(self, name: str, op: str, value: str, nick: str) -> None:
        """Chair, Present or Regrets. ``set`` replaces the list by the names in ``value``,
        ``add`` and ``del`` add and remove them, ``self`` and ``unself`` the speaker. Names
        are separated by commas only; a name is one in any case, written as it was last."""
        target = self.lists[name]
        if op == "set":
            target.clear()
        for entry in [nick] if op in ("self", "unself") else _split(value):
            if op in ("del", "unself"):
                target.pop(entry.casefold(), None)
            else:
                target[entry.casefold()] = entry

    def set_scribes(self, names: str, reset: bool = False) -> None:
        """Each of the comma-separated ``nick``, ``nick = Real Name`` or ``nick/Real Name``
        becomes a current scribe (trailing underscores and case ignored, ``*``: everyone) and
        joins the Scribe list, under the real name if one is given, else under the nick as
        first written."""
        if reset:
            self.scribes = set()
        for entry in _split(names):
            m = _ENTRY.fullmatch(entry)
            nick, real = (m[1], m[2]) if m else (entry, None)
            key = _key(nick)
            self.scribes.add(key)
            self.scribe_list.append(key)
            if real and real != "0":  # Perl's truth: a name "0" is no name
                self.scribe_names[key] = real
            elif self.scribe_names.get(key, "0") == "0":
                self.scribe_names[key] = nick

    def drop_scribes(self, names: str) -> None:
        for entry in _split(names):
            m = _ENTRY.fullmatch(entry)
            self.scribes.discard(_key(m[1] if m else entry))

    def scribe_command(self, ln: Line, t: str) -> bool:
        """ScribeOptions (read before, left out here), Scribe and ScribeNick."""
        if _SCRIBEOPTIONS.fullmatch(t):
            pass
        elif _SCRIBE_SELF_OFF.fullmatch(t):
            self.drop_scribes(ln.nick)
        elif _SCRIBE_SELF.fullmatch(t):
            self.set_scribes(ln.nick)
        elif _SCRIBE_EMPTY.fullmatch(t):
            self.kept(ln, f'Ignored empty command "{t}"')
        elif m := _SCRIBE_SET.fullmatch(t):
            self.set_scribes(m[2], reset=m[1] in ":：")
        elif m := _SCRIBE_OLD.fullmatch(t):  # a name, not a nick: listed only
            self.scribe_list.append(m[1])
        elif m := _SCRIBE_OFF.fullmatch(t):
            self.drop_scribes(m[1] or "")
        else:
            return False
        return True

    def list_command(self, name: str, ln: Line, t: str) -> bool:
        found = next(((m, op) for pattern, op in _LISTS[name] if (m := pattern.fullmatch(t))),
                     None)
        if found is None:
            return False
        m, op = found
        if op == "empty":
            self.kept(ln, f'Ignored empty command "{t}"')
        elif name == "chair" and op == "set":
            self.set_list(name, "set" if m[1] in ":：" else "add", m[2], ln.nick)
        elif name == "present" and op == "set" and ln.nick == "Zakim" and \
                not self.opts.use_zakim_topics:
            pass  # left out, and not believed
        else:
            value = m[1] if m.groups() else ""
            if name == "present" and op == "set" and value == "(no one)":
                value = ""
            self.set_list(name, op, value, ln.nick)
        return True

    def kept(self, ln: Line, note: str | None = None) -> None:
        """A command scribe.perl does not take: it stays in the minutes as the speaker's IRC
        line (the scribe's too), with a diagnostic."""
        if note is not None:
            self.notes.append(note)
        self.irc(ln, ln.text)

    def scribe_text(self, ln: Line) -> None:
        """A command line shown as typed: a summary if a scribe typed it, else an IRC line."""
        if self.is_scribe(ln.nick):
            self.add("summary", ln, ln.text)
        else:
            self.irc(ln, ln.text)

    def shown(self, kind: str, ln: Line, text: str, url: str = "") -> None:
        """A paragraph that nothing continues (a repository line, a slideset, an anchor)."""
        self.put(_Para(kind, ln.seed, [text], "", ln.time, self.ctx, url))

    def recording_time(self, ln: Line, start: bool, minute: str | None) -> None:
        """``Recording starts`` is the line's time; ``Recording started at :05`` the last
        time before it at five past an hour. Lines without a time change nothing."""
        if ln.time is None:
            return
        when = ln.seed
        if minute is not None:
            when = 3600 * ((ln.seed - 60 * int(minute)) // 3600) + 60 * int(minute)
        if start:
            self.recording_start = when
        else:
            self.recording_end = when

    def repos(self, op: str, value: str) -> None:
        """``+`` puts the repositories named in ``value`` (separated by spaces or commas) in
        front, to be used for ``#12`` from here on; with nothing named, it forgets them all;
        ``-`` removes them. Not with -nogithubIssues."""
        if not self.opts.github_issues:
            return
        repos = list(self.ctx.repos)  # the latest last
        if op != "-" and not value:
            repos = []
        for name in _split(value, _REPO_LIST):
            url = _repository_url(name, repos)
            if url is None:
                self.late_notes.append(f"Could not interpret as a repository: {name}")
            elif op == "-":
                repos = [r for r in repos if r != url]
            else:
                repos.append(url)
        self.ctx = replace(self.ctx, repos=tuple(repos))

    def repo_line(self, ln: Line, op: str, value: str) -> None:
        """``Repo: x`` or ``gb, use x`` (and ``Repo- x``): the change, shown as a paragraph."""
        self.repos(op, value)
        self.shown("repo" if op == "+" else "drop", ln, value)

    def anchor(self, ln: Line, value: str) -> None:
        """``NamedAnchorHere: x``: a target ``#x``, unless empty, reserved or already there."""
        name = value.replace(" ", "_")
        if not name:
            self.kept(ln, "Empty named anchor ignored.")
        elif name in _RESERVED_ANCHORS:
            self.kept(ln, f'Named anchor "{name}" ignored. (The name is reserved.)')
        elif name in self.anchors:
            self.kept(ln, f'Duplicate named anchor "{name}" ignored.')
        else:
            self.anchors.add(name)
            self.shown("anchor", ln, ln.text, name)  # the id hashes the line, as typed

    def head(self, title: str, ln: Line, level: int) -> None:
        """A topic (level 1) or subtopic (2), also an empty one; GitHub repositories in it
        are used from here on."""
        if self.opts.github_issues:
            for url in _GITHUB_REPO.findall(title):  # "Topic: … https://github.com/w3c/x"
                self.repos("+", url)
        self.heads.append(_Head(title, ln.seed, level, [], ln.time, self.ctx))
        self.made += 1

    def continue_head(self, head: _Head, text: str) -> None:
        """A "..." line that continues a heading; its GitHub repositories count too, from the
        heading on (scribe.perl reads a heading's repositories where it prints the heading,
        so they apply to what came between the heading and this line as well)."""
        head.continuations.append(text)
        if self.opts.github_issues and "github" in text.lower():
            before = self.ctx
            for url in _GITHUB_REPO.findall(text):
                self.repos("+", url)
            if self.ctx is before:
                return
            at = next(i for i in range(len(self.heads) - 1, -1, -1) if self.heads[i] is head)
            for h in self.heads[at:]:
                if h.ctx is before:
                    h.ctx = self.ctx
                for p in h.items:
                    if p.ctx is before:
                        p.ctx = self.ctx

    # ---- paragraphs ----

    def put(self, para: _Para) -> None:
        """A paragraph at the end of the current heading (``made`` counts it)."""
        self.heads[-1].items.append(para)
        self.made += 1

    def add(self, kind: str, ln: Line, text: str, speaker: str = "") -> _Para:
        """A paragraph (also an empty one: scribe.perl prints those too)."""
        para = _Para(kind, ln.seed, [text], speaker, ln.time, self.ctx)
        self.put(para)
        if kind == "speaker":
            key = speaker.lower()
            self.speakers.setdefault(key, speaker)
            if key not in self.css:
                self.speaker_id = _next_speaker_id(self.speaker_id)
                self.css[key] = self.speaker_id
        return para

    def irc(self, ln: Line, text: str, kind: str = "irc") -> None:
        """Someone's IRC line as typed (``irc``), a failed edit (``command``) or a line inside
        someone else's verbatim block (``code``); -scribeOnly hides them all (bots' stay)."""
        speaker = ln.nick if not ln.action else f"* {ln.nick}"
        if self.opts.scribe_only and kind in ("irc", "command", "code"):
            if "$" in text:
                self.hidden.append(Item(kind, "", (Segment(text),), speaker, "", ln.time,
                                        self.ctx))
            kind = "hidden"
        self.add(kind, ln, text, speaker)

    def previous(self) -> _Record | None:
        """The last record, whoever made it (what a speaker's "..." line must follow)."""
        head = self.heads[-1]
        return head.items[-1] if head.items else head if head.level else None

    def continuation(self, ln: Line, name: str, text: str) -> None:
        """A scribe's "..." line (or, with -implicitContinuations and -allowSpaceContinuations,
        another one) after ``name``'s line: joins the previous paragraph if that is ``name``'s
        with nothing between, else starts a new paragraph of ``name``'s."""
        last = self.previous()
        if isinstance(last, _Para) and last.kind == "speaker" and last.speaker == name:
            last.segs.append(text)
        else:
            self.add("speaker", ln, text, name)

    def continues_record(self, ln: Line, text: str) -> bool:
        """A "..." line that continues its writer's last record, when that is a heading, an
        action, resolution, issue or descriptive line (whatever came between from others).
        scribe.perl's search for it stops at the log's first record, which it then takes
        whoever wrote it: so does this."""
        last = self.owner_last.get(ln.nick, self.first_record)
        if isinstance(last, _Head) and last.level:
            self.continue_head(last, text)
        elif isinstance(last, _Para) and last.kind in _CONTINUED:
            last.segs.append(text)
        else:
            return False
        return True

    def key(self, nick: str) -> str:
        """``_key(nick)``, remembered: it is asked for every line."""
        key = self.keys[nick] = _key(nick)
        return key

    def is_scribe(self, nick: str) -> bool:
        return (self.keys.get(nick) or self.key(nick)) in self.scribes or "*" in self.scribes

    def command(self, ln: Line, text: str) -> bool:
        """Interpret a minutes command, which anyone may give (scribe.perl's commands, in its
        order); False if the line is not one. The patterns read the line as typed
        (``ln.text``): only spaces may come before a command."""
        t = ln.text
        if (m := _KEYWORD.match(t)) is None:
            return False
        word = m[1].lower()
        if word in ("present", "regret", "chair"):
            return self.list_command("regrets" if word == "regret" else word, ln, t)
        if word == "scribe":
            return self.scribe_command(ln, t)
        if word in ("repo", "gb", "ghurlbot"):
            add, drop = (_REPO_ADD, _REPO_DROP) if word == "repo" else (_GB_ADD, _GB_DROP)
            if m := add.fullmatch(t):
                self.repo_line(ln, "+", m[1])
            elif m := drop.fullmatch(t):
                self.repo_line(ln, "-", m[1])
            else:
                return False
        elif word == "slides":
            if m := _SLIDESET.fullmatch(t):
                self.slideset, self.has_slides = m[2], True
                self.shown("slideset", ln, m[1])
            elif _SLIDES_OFF.fullmatch(t):
                self.slideset = ""
                self.scribe_text(ln)
            else:
                return False
        elif word == "recording":
            return self.recording_command(ln, t)
        elif word in ("topic", "subtopic", "sub-topic"):
            if not (m := (_TOPIC if word == "topic" else _SUBTOPIC).fullmatch(t)):
                return False
            self.head(m[1], ln, 1 if word == "topic" else 2)
        elif word in ("action", "resol", "issue"):
            patterns = {"action": _ACTION, "resol": (_RESOLUTION,), "issue": (_ISSUE,)}[word]
            if not (m := next((m for p in patterns if (m := p.fullmatch(t))), None)):
                return False
            kind = {"action": "action", "resol": "resolution", "issue": "issue"}[word]
            self.add(kind, ln, m[1])  # also an empty one
        elif word == "agenda":
            if m := _AGENDA.fullmatch(t):
                self.urls["agenda"] = m[1]
            elif m := _AGENDA_OTHER.fullmatch(t):
                self.kept(ln, f"Found 'Agenda:' not followed by a URL: '{m[1]}'.")
            else:
                return False
        elif word == "meeting":
            if not (m := _MEETING.fullmatch(t)):
                return False
            self.title = m[1]
        elif word in ("previous", "next"):
            if m := _OTHER_MEETING.fullmatch(t):
                self.urls[f"{m[1].lower()}meeting"] = m[2]
            elif m := _OTHER_MEETING_TEXT.fullmatch(t):
                self.kept(ln, f"Found '{m[1]} meeting:' not followed by a URL: '{m[2]}'.")
            else:
                return False
        elif word == "date":
            if not (m := _DATE.match(t)) or not _perl_word(m[2]):
                return False
            self.date_label = m[1]
        elif word == "namedanchorhere":
            # scribe.perl reads it after the bots' own lines, which those rules take first
            nick = ln.nick
            if not (m := _ANCHOR.fullmatch(t)) or nick in ("trackbot", "agendabot") or \
                    (nick == "Zakim" and self.opts.use_zakim_topics) or \
                    (nick in ("gb", "ghurlbot") and not self.opts.ghurlbot):
                return False
            self.anchor(ln, m[1])
        return True

    def recording_command(self, ln: Line, t: str) -> bool:
        """``Recording: URL`` (the player), ``Recording:`` (no recording after all), and
        when it started and ended."""
        if m := _RECORDING.fullmatch(t):
            self.recording_url, self.recording_text = m[2], m[1]
        elif _RECORDING_OFF.fullmatch(t):
            self.recording_url = None
            self.scribe_text(ln)
        else:
            for pattern, start in _RECORDING_TIMES:
                if m := pattern.fullmatch(t):
                    self.recording_time(ln, start, m[1] if m.groups() else None)
                    return True
            return False
        return True

    def walk(self, lines: Sequence[Line]) -> None:
        """Interpret each line, and remember whose record it made (what "..." lines of the same
        nick continue) and, for Zakim's, what its own "..." lines continue. (One loop, not a
        method per line: it runs for every line of the log.)"""
        dash_pending, owner_last = self.dash_pending, self.owner_last
        for seen, ln in enumerate(lines):
            nick = ln.nick
            if nick in dash_pending or ln.removed:
                if nick in dash_pending:  # -dashTopics: whatever line comes next titles it,
                    self.dash_title(ln)  # even an edit that succeeded (if the edits pass it on)
                continue
            made = self.made
            self.classify(ln)
            record = self.previous() if self.made != made else None
            if record is not None:
                owner = record.speaker if isinstance(record, _Para) and \
                    record.kind == "speaker" else nick
                owner_last[owner] = record
                if not seen:
                    self.first_record = record
            if nick == "Zakim" and not ln.text.startswith("... "):
                self.zakim_last = (ln.text, record)

    def classify(self, ln: Line) -> None:
        """What the line is, in scribe.perl's order of rules: the first that applies wins.
        Commands apply to anyone's lines, bots' too; then the bots' own lines and the lines
        left out as talk with bots; then asides, escapes, speaker lines, continuations and
        descriptive text, which only a scribe writes (others' lines are IRC lines)."""
        nick, t = ln.nick, ln.text
        if ln.action:  # agendum's own logs' /me lines (scribe.perl reads no such log)
            self.irc(ln, t.strip())
            return
        if t.count(" ") == len(t):  # an empty line (spaces are nothing)
            return
        # ScribeOptions lines were read before: gone, even verbatim
        if scribe_options_line(t):
            return
        scribe = self.is_scribe(nick)
        if (self.verbatim or "```" in t or "[[" in t) and self.verbatim_line(ln, scribe):
            return
        if nick == "RRSAgent" and not _EARLY_COMMAND.match(t):
            return
        if t[:1] not in _NO_KEYWORD and self.command(ln, t):
            return
        if self.slideset and "[" in t and (m := _SLIDE.fullmatch(t)):
            self.slide(ln, m[1])
            return
        if self.opts.dash_topics and _DASHES.fullmatch(t):
            self.dash_pending[nick] = _Para("irc", ln.seed, [t], nick, ln.time, self.ctx)
            self.put(self.dash_pending[nick])
            return
        addressed = "," in t and t[:1] not in _NO_BOT  # "rrsagent, …", "trackbot, …"
        if nick == "RRSAgent" or (addressed and _TO_RRSAGENT.match(t)):
            return
        use_zakim = self.opts.use_zakim_topics
        if use_zakim and nick == "Zakim":
            self.zakim_line(ln)
            return
        if (use_zakim and t[:1] in _ZAKIM_FIRST_OR_SPACE and self.zakim_command(t)) or \
                (addressed and (m := _TO_TRACKBOT.match(t)) and _word_ends(t, m.end())):
            return
        if nick == "trackbot":
            self.trackbot_line(ln)
            return
        if nick == "agendabot" or (addressed and _TO_AGENDABOT.match(t)):
            return
        if nick in ("gb", "ghurlbot"):
            if not self.opts.ghurlbot or self.gb_line(ln):
                return
        elif addressed and not self.opts.ghurlbot and _TO_GB.match(t):
            return
        self.text_line(ln, scribe)

    @staticmethod
    def zakim_command(t: str) -> bool:
        """Whether the line is one of Zakim's queue, agenda or question commands (or "zakim,
        …"); the first word rules out most lines before the long pattern is tried."""
        first = t[:1]
        if first == " ":
            first = t.lstrip(" ")[:1]
        if first not in _ZAKIM_FIRST:
            return False
        if first in "-+=?" and (m := _QUEUE_SIGN.match(t)) and not t[m.end():].isascii():
            # "+q¼" is one, "+q\u0301" not: Perl's word characters decide where "q" ends
            ends = (m.end(), m.start(1)) if m[1] else (m.end(),)
            return any(end == len(t) or not is_word(t[end]) for end in ends)
        if first not in "-+=?":
            word = _FIRST_WORD.match(t)[1].casefold()  # type: ignore[index]
            if word not in _ZAKIM_WORDS:
                return False
        return _zakim_pattern(t)

    def text_line(self, ln: Line, scribe: bool) -> None:
        """A line that is neither a command nor talk with a bot."""
        nick, t = ln.nick, ln.text
        if "<" in t and (m := _OWN_NICK.match(t)) and m[1].casefold() == nick.casefold():
            self.irc(ln, _AFTER_NICK.sub("", t, count=1))  # "<mynick> aside"
            return
        if "\\" in t and (m := _ESCAPED.fullmatch(t)):
            if scribe:
                self.add("summary", ln, m[1])
            else:
                self.irc(ln, m[1])
            return
        opts = self.opts
        if scribe and not ln.command and (":" in t or "：" in t) and \
                (m := _SPEAKER.fullmatch(t)) and \
                not (m[1] and opts.allow_space_continuations) and not _not_speaker(t, m):
            self.lastspeaker[nick] = m[2]
            self.add("speaker", ln, m[3], m[2])
            return
        if scribe and not ln.command and (name := self.lastspeaker.get(nick)) is not None and \
                (more := self.continued(t)) is not None:
            self.continuation(ln, name, more)
            return
        if ("." in t or "…" in t) and (m := _DOTS.fullmatch(t)):
            if self.continues_record(ln, m[1]):
                return
            if scribe:  # continuing nothing: a descriptive line
                self.add("summary", ln, m[1])
                self.lastspeaker[nick] = None
                return
        elif ln.command:  # an s/// or i/// that failed stays for a human to fix
            self.irc(ln, t, "command")
            return
        elif scribe and "->" in t and _RALPH_LINK.match(t):  # a link: "..." still continues
            self.add("summary", ln, t)
            return
        elif scribe and not (("+" in t or "-" in t) and _is_vote(t)):
            self.add("summary", ln, t)
            self.lastspeaker[nick] = None
            return
        self.irc(ln, t)

    def continued(self, t: str) -> str | None:
        """The text a scribe's line adds to the speaker's, if it continues one: a "..." line,
        with -implicitContinuations any line, with -allowSpaceContinuations one starting with
        a space."""
        m = _DOTS.fullmatch(t) if "." in t or "…" in t else None
        if m is None and self.opts.implicit_continuations:
            m = _TRIMMED.fullmatch(t)
        if m is None and self.opts.allow_space_continuations:
            m = _SPACED.fullmatch(t)
        return None if m is None else m[1]

    def dash_title(self, ln: Line) -> None:
        """-dashTopics: the next line of whoever typed dashes, whatever it is, titles a heading
        where the dashes were (scribe.perl looks ahead for it: what others said between comes
        after the heading). Till then the dashes are an IRC line, which they stay if no line
        follows."""
        dashes = self.dash_pending.pop(ln.nick)
        at, k = self.find(dashes)
        h = self.heads[at]
        title = ln.text.strip(" ")
        before = self.ctx
        if self.opts.github_issues:
            for url in _GITHUB_REPO.findall(title):
                self.repos("+", url)
        if before is dashes.ctx and self.ctx is not before:  # what came between uses them too
            for p in h.items[k + 1:]:
                if p.ctx is before:
                    p.ctx = self.ctx
        head = _Head(title, dashes.seed, 1, h.items[k + 1:], dashes.time, self.ctx)
        del h.items[k:]
        self.heads.insert(at + 1, head)
        for owner, record in self.owner_last.items():
            if record is dashes:
                self.owner_last[owner] = head
        if self.first_record is dashes:
            self.first_record = head

    def finish(self) -> None:
        """After the last line: with -scribeOnly, dashes no line followed are a hidden IRC
        line (see dash_title), which still takes its id."""
        if self.opts.scribe_only:
            for dashes in self.dash_pending.values():
                dashes.kind = "hidden"
        self.dash_pending.clear()

    def find(self, para: _Para) -> tuple[int, int]:
        """Where a paragraph is: (heading, item); searched from the end, where it usually is."""
        for at in range(len(self.heads) - 1, -1, -1):
            items = self.heads[at].items
            for k in range(len(items) - 1, -1, -1):
                if items[k] is para:
                    return at, k
        raise ValueError("not in the minutes")

    def verbatim_line(self, ln: Line, scribe: bool) -> bool:
        """```` ``` ```` or ``[[`` alone on a line starts a verbatim block of its writer's, which
        ends with a line ending in the matching ```` ``` ```` or ``]]`` (that line is left out,
        all of it). A scribe's block is one paragraph where it started (others' lines come
        after it); anyone else's lines in their block are each shown as code."""
        nick, t = ln.nick, ln.text
        block = self.verbatim.get(nick)
        if block is None:
            if (m := _VERBATIM_START.fullmatch(t)) is None:
                return False
            para = None
            if scribe:
                para = _Para("verbatim", ln.seed, [], "", ln.time, self.ctx)
                self.put(para)
            self.verbatim[nick] = (_VERBATIM_END[m[1]], para)
            return True
        end, para = block
        if t.rstrip(" ").endswith(end):
            del self.verbatim[nick]
        elif not (scribe and self.verbatim_text(nick, t)):
            self.irc(ln, t, "code")
        return True

    def verbatim_text(self, nick: str, t: str) -> bool:
        """A scribe's line in their verbatim block goes to their last record, as scribe.perl
        finds it: mostly the block, but a "nick: …" line the scribe typed since (or, for a
        block begun before the nick scribed, an earlier line) takes it, newline-ended."""
        last = self.owner_last.get(nick)
        if isinstance(last, _Para) and last.kind == "verbatim":
            last.segs.append(t)
        elif isinstance(last, _Para) and last.segs:
            last.segs[-1] += t + "\n"
        elif isinstance(last, _Head) and last.level:
            last.title += t + "\n"
        else:
            return False
        return True

    def zakim_line(self, ln: Line) -> None:
        """Zakim's lines (with -useZakimTopics): "agendum 2 -- Title -- taken up [from x]" is a
        topic, "the attendees were a, b" adds to Present, "jo, you wanted to …" stays; its
        "... " lines continue the previous one of these; the rest is left out."""
        t = ln.text
        if m := _AGENDUM.match(t):
            self.head(_TAKEN_UP.sub("", m[1] if m[1] is not None else m[2], count=1), ln, 1)
        elif m := _ATTENDEES.search(t):
            self.attendees(_NAME_SEP.split(m[1].replace("(no one)", "", 1)))
        elif m := _ZAKIM_MORE.fullmatch(t):
            if self.zakim_last is None:
                return
            text, record = self.zakim_last
            if _ATTENDEES_SO_FAR.search(text):
                self.attendees([name for name in _NAME_SEP.split(m[1]) if name])
            elif ", you wanted " in text:
                if isinstance(record, _Para):
                    record.segs[0] += " " + m[1]
            elif isinstance(record, _Head):
                record.title = _TAKEN_UP.sub("", f"{record.title} {m[1]}", count=1)
        elif _WANTED.search(t):
            self.irc(ln, t)

    def attendees(self, names: list[str]) -> None:
        """Zakim's list of who attended: added to Present (Perl's split: empty last names go)."""
        while names and not names[-1]:
            names.pop()
        for name in names:
            self.lists["present"][name.casefold()] = name

    def trackbot_line(self, ln: Line) -> None:
        """trackbot's "ACTION-12 -- text" is a reference in bold; a URL alone links its
        previous line; anything else is a bot line."""
        t = ln.text
        if m := _TRACKBOT_REF.fullmatch(t):
            self.add("botref", ln, m[1], ln.nick).url = m[2]
        elif _BOT_URL.fullmatch(t) and isinstance(last := self.owner_last.get(ln.nick), _Para):
            last.segs[0] = f"->{t} {last.segs[0]}"
        else:
            self.add("bot", ln, t, ln.nick)

    def gb_line(self, ln: Line) -> bool:
        """ghurlbot's "URL -> Issue 12 title" and "URL -> @user" are references in bold, its
        Cannot/Closed/Reopened/Created replies bot lines, its "OK" left out; False for the
        rest, which are read like anyone's lines."""
        t = ln.text
        if m := _GB_REF.fullmatch(t):
            self.add("botref", ln, f"->{m[1]} {m[2]}", ln.nick).url = m[3]
        elif m := _GB_USER.fullmatch(t):
            self.add("botref", ln, f"->{m[1]} {m[2]}", ln.nick)
        elif _GB_STATUS.match(t):
            self.add("bot", ln, t, ln.nick)
        elif not _GB_OK.match(t):
            return False
        return True

    def slide(self, ln: Line, number: str) -> None:
        """``[Slide 3]`` once there is a slideset: a link to that slide."""
        page = "page=" if ".pdf" in self.slideset else ""
        self.add("slide", ln, number).url = f"{self.slideset}#{page}{number}"


def _activity(lines: Sequence[Line]) -> dict[str, int]:
    """How many lines each nick typed, bots (scribe.perl's list, by exact nick) and edit and
    ScribeOptions lines aside: who was active on IRC, and who is guessed to be the scribe."""
    counts = Counter(ln.nick for ln in lines if not ln.command)
    for ln in lines:  # the few ScribeOptions lines (a cheap test first: this is per line)
        if not ln.command and scribe_options_line(ln.text):
            counts[ln.nick] -= 1
    return {nick: n for nick, n in counts.items() if n and nick.casefold() not in _BOT_NICKS}


def _initial_scribes(b: _Builder, lines: Sequence[Line], counts: dict[str, int],
                     notes: list[str]) -> None:
    """-scribeNick (the last given), else the first Scribe command, which also covers the
    lines before it, else a guess: who typed most (of equals, the first in code point order),
    or everyone when nobody typed anything. They head the Scribe list."""
    if b.opts.scribe_nicks:
        first = b.opts.scribe_nicks[-1]
    else:
        found = None
        for ln in lines:
            if _SCRIBE_SELF.fullmatch(ln.text):
                found = ln.nick
                break
            if m := _SCRIBE_SET.fullmatch(ln.text):
                found = m[2]
                break
        if found is None:
            found = min(counts, key=lambda n: (-counts[n], n)) if counts else "*"
            notes.append(f"No scribenick or scribe found. Guessed: {found}")
        first = found
    b.set_scribes(first)


def _sorted(names: Iterable[str]) -> tuple[str, ...]:
    """scribe.perl's order of names: by their case-folded code points."""
    return tuple(sorted(names, key=lambda n: (n.casefold(), n)))


def _recording_offset(b: _Builder, head: _Head) -> int | None:
    """Seconds into the recording at a heading's time: none before the start or from the end
    on (24 hours are added to a difference of more than 8 hours back: past midnight)."""
    start, end = b.recording_start, b.recording_end
    if b.recording_url is None or start is None or head.time is None:
        return None
    offset = head.seed - start
    if offset < -8 * 3600:
        offset += 24 * 3600
    if offset < 0:
        return None
    if end is not None:
        left = end - head.seed
        if left < -8 * 3600:
            left += 24 * 3600
        if left <= 0:
            return None
    return offset


def _hash_inputs(b: _Builder, keep: bool) -> tuple[list[str], list[int], list[int]]:
    """What the ids hash, in document order: each record's text with its seed, followed by
    the markup of each of its continuation lines (scribe.perl hashes those for their span
    ids, seed 0); and per record, how many span ids it has."""
    texts: list[str] = []
    seeds: list[int] = []
    counts: list[int] = []

    def add(text: str, seed: int, parts: list[str]) -> None:
        texts.append(text)
        seeds.append(seed)
        texts.extend(parts)
        seeds.extend([0] * len(parts))
        counts.append(len(parts))

    recording = None
    if b.recording_url is not None:
        from bot.scribe.html import _web_url, recording_urls

        if url := _web_url(b.recording_url):
            recording = recording_urls(url)[0]
    for head in b.heads:
        if head.level:
            parts: list[str] = []
            if keep and head.continuations:
                from bot.scribe.html import heading_line

                section = Section(head.title, "", head.level, (), (), head.time, head.ctx,
                                  head.seed, _recording_offset(b, head),
                                  tuple(Segment(c) for c in head.continuations))
                parts = heading_line(section, head.level, recording).split("\t")[1:]
            add("\t".join([head.title, *head.continuations]), head.seed, parts)
        for p in head.items:
            segs = p.segs
            if len(segs) == 1 and p.kind != "verbatim":  # most records: no spans
                texts.append(segs[0])
                seeds.append(p.seed)
                counts.append(0)
            elif p.kind == "verbatim":
                # the block's lines each end with a newline; an empty block is ""
                add("".join(seg + "\n" for seg in segs), p.seed, [])
            elif keep and len(segs) > 1 and p.kind not in ("anchor", "hidden"):
                from bot.scribe.html import paragraph_line

                item = Item(p.kind, "", tuple(Segment(seg) for seg in segs), p.speaker, "",
                            p.time, p.ctx, p.url)
                add("\t".join(segs), p.seed, paragraph_line(item).split("\t")[1:])
            else:
                add("\t".join(segs), p.seed, [])
    return texts, seeds, counts


def _freeze(b: _Builder) -> tuple[tuple[Item, ...], tuple[Section, ...]]:
    """Ids in document order: heading, then each paragraph followed by its spans.

    All hash inputs are collected first and hashed in one batch (``hash_many``); collisions
    are then resolved in document order, as scribe.perl does. A named anchor of four hex
    digits takes that id before any other; a "hidden" paragraph (a line -scribeOnly leaves
    out) takes one and is not shown. A continuation line's span id hashes its markup, so a
    paragraph has as many span ids as its markup has line breaks (a formula across lines
    leaves fewer).
    """
    texts, seeds, counts = _hash_inputs(b, b.opts.keep_lines)
    offsets = [_recording_offset(b, head) if head.level else None for head in b.heads]
    pool = IdPool({int(p.url, 16) for h in b.heads for p in h.items
                   if p.kind == "anchor" and _HEX_ANCHOR.fullmatch(p.url)})
    claim = pool.claim
    ids = [claim(h) for h in hash_many(texts, seeds)]  # in document order, as hashed
    at = record = 0  # the next id in ids, the next record's count of span ids
    flat: list[tuple[int, Section]] = []
    for head, offset in zip(b.heads, offsets, strict=True):
        items = []
        heading_lines: tuple[Segment, ...] = ()
        hid = ""
        if head.level:
            hid, n_spans = ids[at], counts[record]
            taken = ids[at + 1:at + 1 + n_spans]
            at, record = at + 1 + n_spans, record + 1
            heading_lines = tuple(Segment(seg, taken[n] if n < len(taken) else None)
                                  for n, seg in enumerate(head.continuations))
        for p in head.items:
            pid, n_spans = ids[at], counts[record]
            at, record = at + 1, record + 1
            if p.kind == "hidden":  # a line -scribeOnly hides still takes its id
                continue
            if p.kind == "anchor":
                items.append(Item("anchor", p.url, (Segment(p.url),)))
                continue
            if len(p.segs) == 1:  # most paragraphs
                segs: tuple[Segment, ...] = (Segment(p.segs[0]),)
            elif not p.segs:  # an empty verbatim block
                segs = (Segment(""),)
            else:
                taken = ids[at:at + n_spans]
                at += n_spans
                segs = (Segment(p.segs[0]),
                        *(Segment(seg, taken[n] if n < len(taken) else None)
                          for n, seg in enumerate(p.segs[1:])))
            css = b.css.get(p.speaker.lower(), "") if p.kind == "speaker" else ""
            items.append(Item(p.kind, pid, segs, p.speaker, css, p.time, p.ctx, p.url))
        flat.append((head.level, Section(head.title, hid, head.level, tuple(items), (),
                                         head.time, head.ctx, head.seed, offset, heading_lines)))
    groups: list[tuple[Section, list[Section]]] = []
    for level, section in flat[1:]:
        if level == 2 and groups and groups[-1][0].level == 1:
            groups[-1][1].append(section)
        else:  # a topic, or a subtopic before any topic (which stays a subtopic)
            groups.append((section, []))
    topics = tuple(replace(t, subsections=tuple(subs)) if subs else t for t, subs in groups)
    return flat[0][1].items, topics


def _url_date(url: str | None) -> tuple[str, date | None] | None:
    """The date in a W3C log or minutes address (…/2024/03/07-wg-irc), as scribe.perl shows
    it ("07 March 2024")."""
    if not url or not (m := _URL_DATE.search(url)):
        return None
    month = int(m[2])
    label = f"{m[3]} {MONTHS[month - 1] if 1 <= month <= 12 else ''} {m[1]}"
    try:
        return label, date(int(m[1]), month, int(m[3]))
    except ValueError:
        return label, None


def build(lines: list[Line], opts: Options, *, log_url: str | None = None,
          default_date: date | None = None, option_notes: Sequence[str] = ()) -> Minutes:
    """Interpret the conventions in ``lines`` (after ``logformats`` and ``apply_edits``, which
    the pipeline runs first) under ``opts``.

    Without a date in the log (Date:, RRSAgent's addresses, -minutes), the date is
    ``default_date`` (the bot's day), else none, with scribe.perl's diagnostic.
    ``option_notes`` (the edits' and the ScribeOptions lines' diagnostics) come first, as in
    scribe.perl, which reads those lines after applying the edits.
    """
    b = _Builder(opts)
    notes: list[str] = list(option_notes)
    if log_url is not None and not _URL_START.fullmatch(log_url):
        notes.append("Log URL is not an http(s) URL: not linked")
        log_url = None
    minutes_url = opts.minutes_url
    notes += [ln.text for ln in lines  # (a cheap test first: this is per line)
              if ln.text.startswith(_GAP_START) and _GAP_LINE.fullmatch(ln.text)]
    for ln in lines:
        if ln.nick == "RRSAgent":  # the minutes' address, else the log's, the last given
            if m := _MINUTES_URL.search(ln.text):
                minutes_url = m[1]
            elif m := _LOG_URL.search(ln.text):
                log_url = m[1]
    counts = _activity(lines)
    _initial_scribes(b, lines, counts, notes)
    b.walk(lines)
    b.finish()
    notes += b.notes
    label, day = b.date_label, None
    if opts.date and (day := parse_date(opts.date)):  # agendum's -date
        label = None
    elif label is not None:
        day = parse_date(label)
    elif found := _url_date(minutes_url) or _url_date(log_url):
        label, day = found
    elif default_date is not None:
        day = default_date
    else:
        label = ""
        notes.append("Found no dated URLs. You may need to use 'Date:'.")
    present = b.lists["present"]
    speakers = _sorted(b.speakers.values())
    if maybe := [s for s in speakers if s.casefold() not in present]:
        notes.append("Maybe present: " + ", ".join(maybe))
    if speakers:
        notes.append("All speakers: " + ", ".join(speakers))
    if counts:
        notes.append("Active on IRC: " + ", ".join(_sorted(counts)))
    preamble, topics = _freeze(b)
    notes += b.late_notes
    firsts: dict[str, str] = {}  # each scribe once, as first named
    for s in b.scribe_list:
        firsts.setdefault(s.casefold(), s)
    scribes = [b.scribe_names.get(s, s) for s in firsts.values()]
    minutes = Minutes(
        title=b.title, date=day, date_label=label,
        chairs=_sorted(b.lists["chair"].values()), scribes=tuple(scribes),
        present=tuple(v for _, v in sorted(present.items())),
        regrets=tuple(v for _, v in sorted(b.lists["regrets"].items())),
        agenda_url=b.urls.get("agenda"), log_url=log_url, recording_url=b.recording_url,
        recording_text=b.recording_text,
        previous_url=b.urls.get("previousmeeting"), next_url=b.urls.get("nextmeeting"),
        preamble=preamble, topics=topics, actions=(), resolutions=(), issues=(),
        diagnostics=tuple(notes), has_slides=b.has_slides, hidden=tuple(b.hidden),
    )
    items = minutes.items()
    return replace(minutes, actions=tuple(i for i in items if i.kind == "action"),
                   resolutions=tuple(i for i in items if i.kind == "resolution"),
                   issues=tuple(i for i in items if i.kind == "issue"))


__all__ = ["build", "parse_date"]
