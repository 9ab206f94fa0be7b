"""A channel's published log: its lines as RRSAgent writes them, read back from the store,
searched, and drawn as the ``-irc.html`` page.

What is on the record is decided in ``bot.core.record``; this module reads the events for one
day's log and turns them into ``LogLine``s for the publisher, the web and ``grep``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from urllib.parse import quote

import re2

from bot.core.effects import Search
from bot.core.events import Event, Kind
from bot.core.names import RRSAGENT
from bot.core.paths import relative_name
from bot.core.plugin import Settings
from bot.core.record import anchors, may_span_midnight, public_record
from bot.plugins import record_keeper
from bot.publish.lines import LogLine
from bot.storage.store import Store

if TYPE_CHECKING:  # drawing pages needs Jinja2: the daemon, which only searches, never does
    from bot.publish.minutes import Look


def log_lines(events: list[Event], settings: Settings, day: str | None = None) -> list[LogLine]:
    """The public record of one log, as RRSAgent writes it (joins as ``X has joined #c``).

    ``public_record`` decides what is on the record (no /me, no ``[off]``, nothing said
    while RRSAgent was off) and which day's log it is in; ``day=None`` keeps every day.
    """
    record = public_record(events, settings, record_keeper(settings))
    # In time order: lines recovered from history after a reconnect were stored after the
    # ones heard on return, and a gap event sits where the lines are missing.
    return sorted((LogLine(time=e.time, nick=e.nick, text=_as_logged(e))
                   for log_day, e in record if day in (None, log_day)), key=_time)


def _time(line: LogLine) -> datetime:
    return line.time


def _as_logged(e: Event) -> str:
    return {
        Kind.JOIN: f"{e.nick} has joined {e.channel}",
        Kind.PART: f"{e.nick} has left {e.channel}",
        Kind.QUIT: f"{e.nick} has quit ({e.text})" if e.text else f"{e.nick} has quit",
        Kind.KICK: f"{e.nick} has kicked {e.text}",
    }.get(e.kind, e.text)


def search_lines(lines: list[LogLine], search: Search) -> list[str]:
    """RRSAgent's answer to ``grep``: matching lines (on RE2, linear time), or why none."""
    options = re2.Options()
    options.log_errors, options.case_sensitive = False, not search.ignore_case
    try:
        pattern = re2.compile(search.pattern, options=options)
    except re2.error:
        return [f"I cannot read '{search.pattern}' as a pattern, {search.requester}"]
    found = [ln for ln in lines if pattern.search(ln.text)]
    if not found:
        return [f"I see no match for '{search.pattern}' in this log, {search.requester}"]
    chosen = {"first": found[:1], "last": found[-1:]}.get(search.which, found[:search.limit])
    shown = [f"{ln.time:%H:%M:%S} <{ln.nick}> {ln.text[:300]}" for ln in chosen]
    if search.which == "all" and len(found) > len(chosen):
        shown.append(f"... {len(found)} lines match in all; 'max N' shows up to 20")
    return shown


def read_log(store: Store, network: str, channel: str, day: str,
             settings: Settings) -> list[LogLine]:
    """The public lines of the channel's log of ``day``, for publishing and for the web.

    A log may start the day before (if that one ran past midnight) and run into the
    next. Of the day before, only what can change the record is read; the next day is
    read only when this one may run past its midnight.
    """
    start = datetime.fromisoformat(day).replace(tzinfo=UTC)
    end = start + timedelta(days=1)
    events = store.events_naming(network, channel, settings.nicks[RRSAGENT],
                                 start - timedelta(days=1), start)
    events += store.events_for(network, channel, start, end)
    if may_span_midnight(events, settings):
        events += store.events_for(network, channel, end, end + timedelta(days=1))
    return log_lines(events, settings, day)


def irc_log_page(lines: list[LogLine], channel: str, day: str,
                 look: Look | None = None) -> str:
    """The ``-irc.html`` log: one anchor per line, linking the text log and the minutes."""
    from bot.publish.minutes import format_irc_html  # Jinja2: only where pages are drawn

    name = quote(relative_name(channel, day, "x").rsplit("/", 1)[1].removesuffix("-x"))
    return format_irc_html(lines, anchors(ln.time for ln in lines), channel=channel, day=day,
                           text_name=f"{name}-irc.txt", minutes_name=f"{name}-minutes.html",
                           look=look)
