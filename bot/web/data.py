"""What the web side reads: the meeting days, their visibility, their logs, and search.

A thin layer over the event store (synchronous SQLAlchemy; the web server calls it from a
thread). The index of channels and days is aggregated once and then kept up to date from the
rows added since, so a page never scans the whole log. Everything shown goes through the
same ``public_record`` as the published files: no /me, no ``[off]``, nothing said while
RRSAgent was off.
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass, replace
from datetime import UTC, date, timedelta

from sqlalchemy import Connection, case, func, or_, select
from sqlalchemy import text as text_sql
from sqlalchemy.exc import OperationalError

from bot.core.events import Kind
from bot.core.names import RRSAGENT, fold
from bot.core.paths import channel_slug
from bot.core.plugin import Settings
from bot.core.record import visibility_key
from bot.publish.log import read_log
from bot.publish.minutes import LogLine
from bot.storage.schema import channel_values, events
from bot.storage.store import Store

LEVELS = {"public": 0, "member": 1, "team": 2}
_RECORD_WORDS = ("off", "stop", "silence", "nolisten", "spans", "new log", "do not start")
SEARCH_BATCH = 400  # matches fetched at a time, newest first
SEARCH_SCAN = 20_000  # matches looked at, at most, for one search
PUBLIC_CACHE = 64  # folded days kept for search
log = logging.getLogger(__name__)
_SPOKEN = [Kind.MESSAGE.value, Kind.NOTICE.value]


@dataclass(frozen=True, slots=True)
class Day:
    """One channel's log of one UTC day."""

    channel: str
    slug: str
    day: str  # YYYY-MM-DD
    lines: int  # spoken lines stored (the public log may hold fewer)
    to_rrsagent: int  # lines naming RRSAgent (off, spans midnight): only then is a day folded
    last_id: int
    title: str | None = None  # the last "Meeting: …" line's, as the minutes take it
    chair: str | None = None  # the last "Chair: …" line's


@dataclass(frozen=True, slots=True)
class SearchFilter:
    """Search within one channel (its slug) and/or between two days (YYYY-MM-DD, inclusive)."""

    slug: str | None = None
    start: str | None = None
    end: str | None = None

    def allows(self, day: Day) -> bool:
        return ((self.slug is None or day.slug == self.slug)
                and (self.start is None or day.day >= self.start)
                and (self.end is None or day.day <= self.end))


def readable(visibility: str, level: str) -> bool:
    """May a reader with ``level`` (public, member, team) read a ``visibility`` page?"""
    return LEVELS[level] >= LEVELS[visibility]


class WebData:
    def __init__(self, store: Store, network: str, settings: Settings) -> None:
        self.store, self.network, self.settings = store, network, settings
        self._days: dict[tuple[str, str], Day] = {}
        self._seen = 0  # the highest event id aggregated
        self._lock = threading.Lock()
        self._public_cache: dict[tuple[str, str], tuple[int, frozenset[LogLine]]] = {}

    # ---- the index -------------------------------------------------------------------

    def days(self) -> list[Day]:
        """Every channel-day with spoken lines, newest first; refreshed from new rows only."""
        with self._lock:
            newest = self._max_id()
            if newest > self._seen:
                self._aggregate(self._seen, newest)
                self._seen = newest
            return sorted(self._days.values(), key=lambda d: (d.day, d.slug), reverse=True)

    def _max_id(self) -> int:
        with self.store.engine.connect() as conn:
            return int(conn.execute(select(func.max(events.c.id))).scalar() or 0)

    def _aggregate(self, after: int, upto: int) -> None:
        """Add rows ``after`` < id <= ``upto``: ids are committed in order (one writer)."""
        nick = self.settings.nicks[RRSAGENT]
        day = func.date(events.c.ts).label("day")
        said = func.lower(events.c.text)
        # Lines that may change what is on the record (off, spans midnight...) name RRSAgent,
        # folded either way, and one of these words; a day with none is simply its log.
        names = said.like(f"%{nick.lower()}%") | said.like(f"%{fold(nick)}%")
        words = or_(*(said.like(f"%{w}%") for w in _RECORD_WORDS))
        maybe_command = case((names & words, 1), else_=0)
        query = (
            select(events.c.channel_key, func.min(events.c.channel), day, func.count(),
                   func.sum(maybe_command), func.max(events.c.id))
            .where(events.c.network == self.network)
            .where(events.c.id > after, events.c.id <= upto)
            .where(events.c.kind.in_(_SPOKEN))
            .group_by(events.c.channel_key, day)
        )
        heads = (
            select(events.c.channel_key, day, events.c.text)
            .where(events.c.network == self.network)
            .where(events.c.id > after, events.c.id <= upto)
            .where(events.c.kind.in_(_SPOKEN))
            .where(said.like("meeting:%") | said.like("chair:%"))
            .order_by(events.c.id)
        )
        with self.store.engine.connect() as conn:
            rows = conn.execute(query).all()
            found = conn.execute(heads).all()
        for key, channel, when, count, commands, last in rows:
            when = str(when)[:10]
            old = self._days.get((key, when))
            if old is None:
                self._days[(key, when)] = Day(channel, channel_slug(channel), when, count,
                                              int(commands or 0), last)
            else:
                self._days[(key, when)] = replace(
                    old, lines=old.lines + count, to_rrsagent=old.to_rrsagent + int(commands or 0),
                    last_id=max(old.last_id, last))
        for key, when, text in found:
            label, _, value = text.partition(":")
            field = "title" if label.strip().lower() == "meeting" else "chair"
            if value.strip() and (key, str(when)[:10]) in self._days:
                got = self._days[(key, str(when)[:10])]
                self._days[(key, str(when)[:10])] = replace(got, **{field: value.strip()[:200]})

    def heading(self, day: Day) -> tuple[str | None, str | None]:
        """The day's title and chair for the index. A day that may have gone off the record
        (it names RRSAgent) takes them from its public log, so nothing said off it shows."""
        if not day.to_rrsagent:
            return day.title, day.chair
        title = chair = None
        for line in sorted(self._public(day), key=lambda ln: ln.time):  # a set: by time
            label, _, value = line.text.partition(":")
            if label.strip().lower() == "meeting" and value.strip():
                title = value.strip()[:200]
            elif label.strip().lower() == "chair" and value.strip():
                chair = value.strip()[:200]
        return title, chair

    def find(self, slug: str, day: str) -> Day | None:
        """The channel-day a URL names; only names of days that exist ever resolve."""
        return next((d for d in self.days() if d.slug == slug and d.day == day), None)

    # ---- visibility ------------------------------------------------------------------

    def visibilities(self) -> dict[tuple[str, str], str]:
        """(folded channel, day) -> visibility, as RRSAgent was told (a small table)."""
        prefix = visibility_key("")
        query = (select(channel_values.c.channel_key, channel_values.c.key,
                        channel_values.c.value)
                 .where(channel_values.c.network == self.network)
                 .where(channel_values.c.key.like(f"{prefix}%")))
        with self.store.engine.connect() as conn:
            return {(key, name.removeprefix(prefix)): value
                    for key, name, value in conn.execute(query)}

    def visibility(self, day: Day, known: dict[tuple[str, str], str] | None = None) -> str:
        known = self.visibilities() if known is None else known
        return known.get((fold(day.channel), day.day)) or self.settings.visibility(day.channel)

    # ---- logs and search --------------------------------------------------------------

    def log(self, day: Day) -> list[LogLine]:
        """The day's public log, read as the publisher reads it."""
        return read_log(self.store, self.network, day.channel, day.day, self.settings)

    def search(self, text: str, level: str, limit: int = 50,
               where: SearchFilter | None = None) -> list[tuple[Day, LogLine]]:
        """Lines with the words of ``text`` in a row (the last one may be a prefix), in logs
        the reader may read (and ``where`` allows: a channel, a range of days), newest first.

        The database's full-text index finds them (migration 0003), newest first, in batches
        until enough are readable (at most ``SEARCH_SCAN`` matches are looked at). On SQLite
        the lines the bot has stored but not yet indexed (migration 0004) are indexed first.
        """
        words = re.findall(r"\w+", text.lower())
        if not words:
            return []
        self._index_pending()
        known, by_day = self.visibilities(), {(fold(d.channel), d.day): d for d in self.days()}
        results: list[tuple[Day, LogLine]] = []
        before: int | None = None
        for _ in range(SEARCH_SCAN // SEARCH_BATCH):
            with self.store.engine.connect() as conn:
                ids = self._matching_ids(conn, words, SEARCH_BATCH, before)
                # By id alone: given the network too, SQLite's planner takes the channel
                # index and reads every row of the network (300 ms at 1.5 M rows).
                rows = conn.execute(
                    select(events.c.network, events.c.kind, events.c.channel_key,
                           func.date(events.c.ts), events.c.ts, events.c.nick, events.c.text)
                    .where(events.c.id.in_(ids))
                    .order_by(events.c.id.desc())).all() if ids else []
            hits = [row[2:] for row in rows if row[0] == self.network and row[1] in _SPOKEN]
            for key, when, ts, nick, said in hits:
                line = LogLine(ts.replace(tzinfo=UTC), nick, said)
                day = self._log_of_line(key, str(when)[:10], line, by_day, known)
                if day is not None and readable(self.visibility(day, known), level) \
                        and (where is None or where.allows(day)):
                    results.append((day, line))
                    if len(results) >= limit:
                        return results
            if len(ids) < SEARCH_BATCH:
                break
            before = ids[-1]
        return results

    def _index_pending(self) -> None:
        """Index what the bot has not yet (SQLite); when the database will not let us (locked
        past the busy timeout, read-only), search what is indexed rather than fail."""
        try:
            self.store.index_pending()
        except OperationalError as e:
            log.warning("searching without the newest lines: indexing them failed: %s", e.orig)

    def _log_of_line(self, key: str, when: str, line: LogLine, by_day: dict[tuple[str, str], Day],
                     known: dict[tuple[str, str], str]) -> Day | None:
        """The log ``line`` is in, or None when it is not on the record.

        Most lines are simply in their UTC day's log. Only when the day before may have run
        past midnight into this one, or either day names RRSAgent (off, on...), is the answer
        worked out by folding, which is what the published log does.
        """
        if line.text.lstrip().lower().startswith("[off]"):
            return None
        day = by_day.get((key, when))
        if day is None:
            return None
        earlier = by_day.get((key, (date.fromisoformat(when) - timedelta(days=1)).isoformat()))
        simple = not day.to_rrsagent and (earlier is None or (
            not earlier.to_rrsagent
            and self.visibility(earlier, known) == self.visibility(day, known)))
        if simple:
            return day
        for candidate in (earlier, day):
            if candidate is not None and line in self._public(candidate):
                return candidate
        return None

    def _matching_ids(self, conn: Connection, words: list[str], limit: int,
                      before: int | None) -> list[int]:
        """Ids of the newest events with ``words`` in a row: FTS5 or a tsvector index.

        ``words`` are ``\\w+`` runs only, so they cannot be operators in either syntax.
        """
        if conn.dialect.name == "sqlite":
            found = conn.execute(text_sql(
                "SELECT rowid FROM events_fts WHERE events_fts MATCH :phrase AND rowid < :before "
                "ORDER BY rowid DESC LIMIT :k"), {"phrase": '"' + " ".join(words) + '"*',
                                                  "k": limit, "before": before or 2**62})
        else:
            matches = text_sql("to_tsvector('simple', events.text) @@ "
                               "to_tsquery('simple', :query)").bindparams(
                query=" <-> ".join(words) + ":*")
            found = conn.execute(select(events.c.id).where(events.c.network == self.network)
                                 .where(matches, events.c.id < (before or 2**62))
                                 .order_by(events.c.id.desc()).limit(limit))
        return [int(row[0]) for row in found]

    def _public(self, day: Day) -> frozenset[LogLine]:
        """The day's public lines, for the days search must fold; the last few are kept."""
        key = (day.slug, day.day)
        cached = self._public_cache.pop(key, None)
        if cached is None or cached[0] != day.last_id:
            cached = (day.last_id, frozenset(self.log(day)))
        self._public_cache[key] = cached  # now the most recent
        while len(self._public_cache) > PUBLIC_CACHE:
            self._public_cache.pop(next(iter(self._public_cache)))
        return cached[1]
