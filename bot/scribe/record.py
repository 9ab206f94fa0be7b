"""The parsed minutes: plain data that every renderer (HTML, Markdown, JSON) reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from bot.scribe.inline import Context

_PLAIN = Context()
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


class Segment(NamedTuple):
    """One input line of a paragraph; continuation lines carry their own span id."""

    text: str
    id: str | None = None


class Item(NamedTuple):
    """A paragraph of the minutes (a tuple: big logs have a hundred thousand of them).

    ``kind``: speaker, summary (descriptive), irc (someone else's line), bot, action,
    resolution, proposed, issue, strawpoll, slideset, slide, verbatim or anchor; also
    command (a failed s/// or i///, shown as typed), code (someone else's line inside a
    verbatim block), botref (a bot's reply starting with a reference), repo and drop (the
    ``Repository:`` and ``Repository-`` lines, shown).
    """

    kind: str
    id: str
    segments: tuple[Segment, ...]
    speaker: str = ""  # the speaker's name, or the nick of an irc or bot line
    css: str = ""  # "s01", "s02"… per speaker, in order of first appearance
    time: str | None = None
    ctx: Context = _PLAIN
    # scribe.perl's "data": a slide's address; for a "botref" (a bot's reply that starts with a
    # reference, shown in bold), the rest of the reply; for a slideset, the anchor text of its
    # link when ``text`` is only the address
    url: str = ""

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.segments)


@dataclass(frozen=True)
class Section:
    """A topic (level 1) or subtopic (level 2) and its paragraphs."""

    title: str
    id: str
    level: int
    items: tuple[Item, ...]
    subsections: tuple[Section, ...] = ()
    time: str | None = None
    ctx: Context = field(default_factory=Context)
    seed: int = 0  # the heading line's time of day in seconds (0 when unknown)
    offset: int | None = None  # seconds into the recording, when there is one
    # "..." lines that continue the title, each with the id of its span (None: -nokeepLines)
    continuations: tuple[Segment, ...] = ()


@dataclass(frozen=True)
class Minutes:
    title: str
    date: date | None
    chairs: tuple[str, ...]
    scribes: tuple[str, ...]
    present: tuple[str, ...]
    regrets: tuple[str, ...]
    agenda_url: str | None
    log_url: str | None
    previous_url: str | None
    next_url: str | None
    preamble: tuple[Item, ...]  # what comes before the first topic
    topics: tuple[Section, ...]
    actions: tuple[Item, ...]
    resolutions: tuple[Item, ...]
    issues: tuple[Item, ...]
    diagnostics: tuple[str, ...]
    recording_url: str | None = None
    has_slides: bool = False
    recording_text: str = ""  # the Recording: line after the colon: the player's caption
    date_label: str | None = None  # the date as the Date: line wrote it ("9 Apr 2014")
    # the lines -scribeOnly hides that hold a "$" (not shown; as in scribe.perl, a formula in
    # them still makes the minutes load MathJax), each with the kind it would have shown as
    hidden: tuple[Item, ...] = ()

    @property
    def date_text(self) -> str:
        """The date as scribe.perl prints it: as written, else "09 April 2014", else ""."""
        if self.date_label is not None:
            return self.date_label
        d = self.date
        return f"{d.day:02d} {MONTHS[d.month - 1]} {d.year}" if d else ""

    def items(self) -> list[Item]:
        """Every paragraph in document order."""
        out = [*self.preamble]
        for t in self.topics:
            out += [*t.items, *(i for s in t.subsections for i in s.items)]
        return out
