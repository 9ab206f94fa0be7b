"""The public record: which stored lines a channel's published log holds, in which day's log.

RRSAgent starts a new log each UTC day (unless the meeting spans midnight), leaves out /me
and ``[off]`` lines and everything said while logging was off. The daemon, the publisher and
the web all read the record through these functions, so they never disagree about a line.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

from bot.core.events import Event, Kind
from bot.core.names import RRSAGENT, fold
from bot.core.plugin import Plugin, Settings
from bot.core.router import Router

NEAR_MIDNIGHT = timedelta(minutes=75)
_LOGGED = {Kind.MESSAGE, Kind.NOTICE, Kind.JOIN, Kind.PART, Kind.QUIT, Kind.KICK, Kind.GAP}
_MEMBERSHIP = {Kind.JOIN, Kind.PART, Kind.KICK}
_SPANS = re.compile(r"spans\s+midnight|do\s+not\s+start\s+a\s+new\s+log", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Action:
    number: int
    text: str
    anchor: str  # where it was said in the log (``T15-05-13``)
    dropped: bool = False


@dataclass(frozen=True, slots=True)
class Record:
    """One channel's record keeping."""

    listening: bool = True
    visibility: str | None = None  # None: the configured default
    log_day: str | None = None  # the UTC day the current log started
    spans_midnight: bool = False  # the current log goes on past the next midnight
    actions: tuple[Action, ...] = ()
    last_action: int = 0
    tracking_actions: bool = True
    stay: bool = False
    here: bool = False  # RRSAgent is in the channel (it joined and has not left)
    gaps: tuple[str, ...] = ()  # the current log's gap events (bot.core.gaps): lines missing
    channel: str = ""  # as first seen, for the timers


def anchor(when: datetime) -> str:
    """The id of the first log line of that second in ``…-irc.html`` (``T15-05-13``)."""
    return when.astimezone(UTC).strftime("T%H-%M-%S")


def anchors(times: Iterable[datetime]) -> list[str]:
    """Ids for a log's lines: ``T15-05-13``, then ``T15-05-13-1`` … for the same second again
    (also a day later, in a log that spans midnight)."""
    out, seen = [], Counter[str]()
    for when in times:
        base = anchor(when)
        out.append(f"{base}-{seen[base]}" if seen[base] else base)
        seen[base] += 1
    return out


@lru_cache(maxsize=64)
def _day(day: date) -> str:
    return day.isoformat()


def log_day(record: Record, when: datetime) -> tuple[Record, str]:
    """The log an event at ``when`` belongs to: a new one each UTC day, unless it spans."""
    today = _day(when.astimezone(UTC).date())
    if record.log_day is None:
        return replace(record, log_day=today), today
    if today > record.log_day:
        if record.spans_midnight:  # one midnight only: the meeting, not the week
            start = datetime.fromisoformat(record.log_day).date()
            if (when.astimezone(UTC).date() - start).days <= 1:
                return record, record.log_day
        return replace(record, log_day=today, spans_midnight=False, gaps=()), today
    return record, record.log_day


def joins_near_midnight(when: datetime) -> bool:
    """RRSAgent joining within 75 minutes of midnight UTC keeps one log past it."""
    t = when.astimezone(UTC)
    midnight = datetime.combine(t.date() + timedelta(days=1), time(), UTC)
    return midnight - t <= NEAR_MIDNIGHT


def visibility_key(day: str) -> str:
    """Where a log's visibility is kept (``channel_values``): ``record.visibility.2024-03-07``."""
    return f"record.visibility.{day}"


def is_off_record_line(event: Event) -> bool:
    """/me lines and lines starting with ``[off]`` never reach the published log."""
    return event.kind not in _LOGGED or event.text.lstrip().lower().startswith("[off]")


def public_record(events: Iterable[Event], settings: Settings,
                  keeper: Plugin[Record]) -> list[tuple[str, Event]]:
    """The published log: each logged event with the day of the log it belongs to.

    Folds the events through ``keeper``, a fresh RRSAgent (``plugins.record_keeper``), so
    ``RRSAgent, off`` silences exactly the lines the live bot did not log (the command
    itself is logged, as is ``on``): the grammar that turns logging off is the one that
    decides what is published.
    """
    plugin = keeper
    router = Router(settings, [plugin])
    out = []
    for event in events:
        before = plugin.state(event.channel)
        if event.kind in _MEMBERSHIP or (event.kind is Kind.MESSAGE and not event.from_bot
                                         and router.addressed_to(event.text) is not None):
            router.dispatch(event)  # what can change the record: commands, joins and parts
        else:  # the rest only moves the log on at midnight (and the bot's lines not even that)
            moved, _ = log_day(before, event.time)
            if moved is not before and not event.from_bot:
                plugin.channels.put(event.channel, moved)
        after = plugin.state(event.channel)
        if (before.listening or after.listening) and not is_off_record_line(event):
            day = log_day(before, event.time)[1] if event.from_bot else after.log_day
            out.append((day or event.day, event))
    return out


def may_span_midnight(events: list[Event], settings: Settings) -> bool:
    """Could the log these events end in run past midnight? (RRSAgent joined near it, or
    someone said "spans midnight" or "do not start a new log".) A cheap look, no fold."""
    nick = fold(settings.nicks[RRSAGENT])
    for event in events:
        if event.kind is Kind.JOIN and fold(event.nick) == nick:
            if joins_near_midnight(event.time):
                return True
        elif nick in fold(event.text) and _SPANS.search(event.text):
            return True
    return False
