"""The database edge: engine set-up, migrations at start-up, and the event repository.

Synchronous SQLAlchemy Core behind a small repository; the async side (``EventWriter``)
calls it from a worker thread so a slow database never stalls the IRC loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.resources
import logging
import re
import subprocess
import sys
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, delete, event, func, select
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from bot.config import unwritable
from bot.core.events import Event, Kind
from bot.core.names import fold
from bot.storage.schema import channel_values, channels, events, snapshots

log = logging.getLogger(__name__)


def make_engine(url: str, *, foreign_keys: bool = True, **kwargs: Any) -> Engine:
    """An engine with SQLite tuned for a logger (WAL, NORMAL sync, busy timeout)."""
    sa_url = make_url(url)
    if sa_url.get_backend_name() != "sqlite":
        if sa_url.get_backend_name() == "postgresql" and sa_url.get_driver_name() == "psycopg":
            # Like SQLite's synchronous=NORMAL: a crash of the bot loses nothing; only a crash
            # of the database server itself may lose its last fraction of a second. It keeps
            # the reply, which waits for the commit, fast (p99 5.4 -> 2.0 ms measured).
            kwargs.setdefault("connect_args", {"options": "-c synchronous_commit=off"})
        return create_engine(url, pool_pre_ping=True, **kwargs)
    engine = create_engine(url, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # let SQLAlchemy emit BEGIN (transactional DDL)
        cur = dbapi_conn.cursor()
        for pragma in (
            "journal_mode=WAL",
            "synchronous=NORMAL",
            "busy_timeout=5000",
            f"foreign_keys={'ON' if foreign_keys else 'OFF'}",
        ):
            cur.execute(f"PRAGMA {pragma}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


class StorageUnavailable(Exception):
    """The database cannot be reached or opened: an operator's problem, not a bug.

    ``str()`` is one line that says why, and never holds the URL (it may carry a password).
    """


_UNAVAILABLE = 3  # upgrade_in_child's exit status for StorageUnavailable


def _why_not(url: URL, exc: DBAPIError) -> str:
    """The driver's reason, shortened to what an operator acts on."""
    if url.get_backend_name() == "sqlite":
        db = url.database or ""
        return f"cannot open {db}: {unwritable(Path(db).parent) or exc.orig}"
    # psycopg: 'connection failed: connection to server at "h", port 1 failed: FATAL:  why'
    first = (str(exc.orig).strip() or "no reason given").splitlines()[0]
    reason = first.rpartition("failed: ")[2].removeprefix("FATAL:").strip()
    where = f"{url.host}:{url.port or 5432}" if url.host else "the local PostgreSQL socket"
    return f"cannot connect to {where}: {reason[:1].lower()}{reason[1:]}"


def connect(engine: Engine) -> Connection:
    """A connection, or StorageUnavailable saying in one line why there is none."""
    try:
        return engine.connect()
    except DBAPIError as exc:
        raise StorageUnavailable(_why_not(engine.url, exc)) from None


def upgrade(url: str) -> str:
    """Apply every migration up to head; returns the revision reached."""
    from alembic import command  # imported here: the daemon runs this in a child process
    from alembic.config import Config as AlembicConfig

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(importlib.resources.files("bot.migrations")))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    engine = make_engine(url, foreign_keys=False, poolclass=NullPool)
    try:
        with connect(engine) as conn, conn.begin():
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
            if conn.dialect.name == "sqlite":
                problems = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if problems:
                    raise RuntimeError(f"foreign key violations after migration: {problems}")
            rev = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    finally:
        engine.dispose()
    return str(rev)


_CHILD = f"""
import sys
from bot.storage.store import StorageUnavailable, upgrade
try:
    print(upgrade(sys.stdin.read()))
except StorageUnavailable as exc:
    print(exc, file=sys.stderr)
    sys.exit({_UNAVAILABLE})
"""


_REVISION = re.compile(r'^(revision|down_revision)\s*=\s*"([^"]+)"', re.MULTILINE)


def head_revision() -> str | None:
    """The newest migration's id, read from the migration files themselves (no Alembic);
    None unless there is exactly one head."""
    revisions: set[str | None] = set()
    parents: set[str | None] = set()
    for file in importlib.resources.files("bot.migrations").joinpath("versions").iterdir():
        if file.name.endswith(".py") and not file.name.startswith("__"):
            found = {m[1]: m[2] for m in _REVISION.finditer(file.read_text("utf-8"))}
            revisions.add(found.get("revision"))
            parents.add(found.get("down_revision"))
    heads = revisions - parents - {None}
    return heads.pop() if len(heads) == 1 else None


def current_revision(url: str) -> str | None:
    """The database's migration id; None when it has none or cannot say."""
    engine = make_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    except Exception:
        return None
    finally:
        engine.dispose()


def upgrade_in_child(url: str) -> str:
    """Migrate in a short-lived child process, so Alembic (~12 MB) never enters the daemon.

    A database already at the newest migration (every restart but the first after an
    upgrade) needs no child: starting Python and Alembic would cost a second of start-up.
    The URL travels on stdin, not argv, so a password never shows in the process list.
    A database that cannot be reached comes back as StorageUnavailable with the child's
    one-line reason; any other failure is a bug, raised with the child's traceback.
    """
    head = head_revision()
    if head is not None and current_revision(url) == head:
        return head
    child = subprocess.run([sys.executable, "-c", _CHILD], input=url, capture_output=True,
                           text=True, check=False)
    if child.returncode == _UNAVAILABLE:
        raise StorageUnavailable(child.stderr.strip().rpartition("\n")[2])
    if child.returncode != 0:
        raise RuntimeError(f"database migration failed:\n{child.stderr.strip()}")
    return child.stdout.strip()


def _naive_utc(t: datetime) -> datetime:
    return t.astimezone(UTC).replace(tzinfo=None)


def _sqlite_time(t: datetime) -> str:
    """The text form SQLAlchemy's DateTime uses on SQLite, so reads and ranges agree."""
    return _naive_utc(t).isoformat(" ", "microseconds")  # as strftime's "%Y-%m-%d %H:%M:%S.%f"


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A stored snapshot: the plugins' state after the events up to ``event_id``."""

    id: int
    version: str
    event_id: int
    created_at: datetime  # aware UTC
    payload: str


@dataclass
class Store:
    """Reads and writes the event log and the remembered channels."""

    engine: Engine

    @classmethod
    def open(cls, url: str) -> Store:
        return cls(make_engine(url))

    def close(self) -> None:
        self.engine.dispose()

    def insert_events(self, batch: Sequence[Event]) -> int | None:
        """One transaction, one driver-level executemany: the hot path of a flood.

        Tuples straight to the driver cost a third of SQLAlchemy's per-row processing,
        which matters because the writer thread shares the GIL with the IRC loop.

        Returns the highest event id once the batch is in (None for an empty batch): every
        event of this writer's up to the batch's last has an id at most that, and every later
        one a greater id, so a snapshot taken with nothing left to write is exactly "the
        events up to this id". Read in the same transaction; the id's index answers at once.
        """
        if not batch:
            return None
        sqlite = self.engine.dialect.name == "sqlite"
        rows = [
            (
                e.network,
                e.channel,
                fold(e.channel),
                _sqlite_time(e.time) if sqlite else _naive_utc(e.time),
                e.kind.value,
                e.nick,
                e.text,
                e.from_bot,
                e.msgid,
            )
            for e in batch
        ]
        with self.engine.begin() as conn:
            conn.exec_driver_sql(self._insert_sql(), rows)
            return int(conn.exec_driver_sql("SELECT max(id) FROM events").scalar_one())

    def last_event_id(self) -> int:
        """The highest event id stored (0 for none): at start-up, where the state stands."""
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.max(events.c.id))).scalar() or 0)

    def index_pending(self, limit: int | None = None) -> int:
        """Add the events not yet in SQLite's search index, the oldest first, at most
        ``limit``, in one transaction; returns how many. PostgreSQL indexes by itself: 0.

        Indexing is off the insert (migration 0004): the writer calls this when idle and at
        close, the web side before a search. Events are append-only, so the highest id
        indexed marks where to resume. It is read from ``events_fts_docsize`` (a row per
        indexed event): ``events_fts`` has external content and would answer from ``events``.
        BEGIN IMMEDIATE makes concurrent callers (bot and web) take turns, never index twice.
        """
        if self.engine.dialect.name != "sqlite":
            return 0
        with self.engine.begin() as conn:
            done = conn.exec_driver_sql(
                "INSERT INTO events_fts(rowid, text) SELECT id, text FROM events "
                "WHERE id > (SELECT coalesce(max(id), 0) FROM events_fts_docsize) "
                "ORDER BY id LIMIT ?", (-1 if limit is None else limit,))
            return int(done.rowcount)

    def _insert_sql(self) -> str:
        mark = "?" if self.engine.dialect.paramstyle == "qmark" else "%s"
        names = "network, channel, channel_key, ts, kind, nick, text, from_bot, msgid"
        return f"INSERT INTO events ({names}) VALUES ({', '.join([mark] * 9)})"

    def events_for(
        self, network: str, channel: str, since: datetime, until: datetime | None = None
    ) -> list[Event]:
        """The channel's events in order, ``since`` <= time < ``until``."""
        query = (
            select(events)
            .where(events.c.network == network)
            .where(events.c.channel_key == fold(channel))
            .where(events.c.ts >= _naive_utc(since))
            .order_by(events.c.id)
        )
        if until is not None:
            query = query.where(events.c.ts < _naive_utc(until))
        with self.engine.connect() as conn:
            return [_event(row) for row in conn.execute(query)]

    def channel_events_after(self, network: str, channel: str, after_id: int,
                             since: datetime) -> list[Event]:
        """The channel's events stored after event ``after_id`` (and not before ``since``), in
        order: what a reader folding the channel as it goes has not seen yet."""
        query = (
            select(events)
            .where(events.c.network == network)
            .where(events.c.channel_key == fold(channel))
            .where(events.c.id > after_id, events.c.ts >= _naive_utc(since))
            .order_by(events.c.id)
        )
        with self.engine.connect() as conn:
            return [_event(row) for row in conn.execute(query)]

    def events_naming(self, network: str, channel: str, nick: str, since: datetime,
                      until: datetime) -> list[Event]:
        """The channel's joins, parts and kicks, and the lines that name ``nick`` (any case):
        all that can change what RRSAgent records, without the day's chatter."""
        said = func.lower(events.c.text)
        query = (
            select(events)
            .where(events.c.network == network)
            .where(events.c.channel_key == fold(channel))
            .where(events.c.ts >= _naive_utc(since), events.c.ts < _naive_utc(until))
            .where(events.c.kind.in_([Kind.JOIN.value, Kind.PART.value, Kind.KICK.value])
                   | said.like(f"%{nick.lower()}%") | said.like(f"%{fold(nick)}%"))
            .order_by(events.c.id)
        )
        with self.engine.connect() as conn:
            return [_event(row) for row in conn.execute(query)]

    def last_event_time(self, network: str) -> datetime | None:
        """When the latest stored event of the network happened: the bot was there then."""
        query = select(func.max(events.c.ts)).where(events.c.network == network)
        with self.engine.connect() as conn:
            last = conn.execute(query).scalar()
        if isinstance(last, str):  # SQLite hands an aggregate back as text
            last = datetime.fromisoformat(last)
        return None if last is None else last.replace(tzinfo=UTC)

    def events_after(self, network: str, event_id: int) -> list[Event]:
        """The network's events with an id above ``event_id``, in order: a snapshot's tail.

        A range of the primary key, so only the tail is read, however long the table. The
        network is picked out here, not in SQL: given it, SQLite would walk the network's
        index over every event it has (0.35 s for a million) and sort them."""
        query = select(events).where(events.c.id > event_id).order_by(events.c.id)
        with self.engine.connect() as conn:
            return [_event(row) for row in conn.execute(query) if row.network == network]

    def save_snapshot(self, network: str, version: str, event_id: int, created_at: datetime,
                      payload: bytes, keep: int = 2) -> int:
        """Store a snapshot and drop the network's older ones beyond the newest ``keep``;
        returns its id."""
        row = {"network": network, "version": version, "event_id": event_id,
               "created_at": _naive_utc(created_at), "payload": payload.decode()}
        mine = snapshots.c.network == network
        with self.engine.begin() as conn:
            conn.execute(snapshots.insert().values(**row))
            newest = select(snapshots.c.id).where(mine).order_by(snapshots.c.id.desc())
            kept = conn.execute(newest.limit(max(keep, 1))).scalars().all()  # ours first
            conn.execute(delete(snapshots).where(mine).where(snapshots.c.id < min(kept)))
        return int(kept[0])

    def latest_snapshot(self, network: str) -> Snapshot | None:
        """The network's newest snapshot, whatever its version (the caller judges)."""
        query = (select(snapshots).where(snapshots.c.network == network)
                 .order_by(snapshots.c.id.desc()).limit(1))
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        if row is None:
            return None
        return Snapshot(id=row.id, version=row.version, event_id=row.event_id,
                        created_at=row.created_at.replace(tzinfo=UTC), payload=row.payload)

    def count_events(self, network: str | None = None, channel: str | None = None) -> int:
        query = select(func.count()).select_from(events)
        if network is not None:
            query = query.where(events.c.network == network)
        if channel is not None:
            query = query.where(events.c.channel_key == fold(channel))
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    def remember_channel(self, network: str, persona: str, channel: str, joined: bool) -> None:
        key = {"network": network, "persona": persona, "channel_key": fold(channel)}
        values = {"channel": channel, "joined": joined, "updated_at": _naive_utc(datetime.now(UTC))}
        with self.engine.begin() as conn:
            found = conn.execute(
                channels.update()
                .where(channels.c.network == network)
                .where(channels.c.persona == persona)
                .where(channels.c.channel_key == key["channel_key"])
                .values(**values)
            )
            if found.rowcount == 0:
                conn.execute(channels.insert().values(**key, **values))

    def remember_value(self, network: str, channel: str, key: str, value: str) -> None:
        """Keep a plugin's value for ``channel`` (the latest one wins)."""
        ids = {"network": network, "channel_key": fold(channel), "key": key}
        values = {"channel": channel, "value": value, "updated_at": _naive_utc(datetime.now(UTC))}
        with self.engine.begin() as conn:
            found = conn.execute(
                channel_values.update()
                .where(channel_values.c.network == network)
                .where(channel_values.c.channel_key == ids["channel_key"])
                .where(channel_values.c.key == key)
                .values(**values)
            )
            if found.rowcount == 0:
                conn.execute(channel_values.insert().values(**ids, **values))

    def remembered_value(self, network: str, channel: str, key: str) -> str | None:
        query = (
            select(channel_values.c.value)
            .where(channel_values.c.network == network)
            .where(channel_values.c.channel_key == fold(channel))
            .where(channel_values.c.key == key)
        )
        with self.engine.connect() as conn:
            return conn.execute(query).scalar()

    def remembered_values(self, network: str) -> list[tuple[str, str, str]]:
        """Every kept value of the network as (channel, key, value)."""
        query = (
            select(channel_values.c.channel, channel_values.c.key, channel_values.c.value)
            .where(channel_values.c.network == network)
            .order_by(channel_values.c.channel_key, channel_values.c.key)
        )
        with self.engine.connect() as conn:
            return [(row.channel, row.key, row.value) for row in conn.execute(query)]

    def joined_channels(self, network: str, persona: str) -> list[str]:
        query = (
            select(channels.c.channel)
            .where(channels.c.network == network)
            .where(channels.c.persona == persona)
            .where(channels.c.joined.is_(True))
            .order_by(channels.c.channel_key)
        )
        with self.engine.connect() as conn:
            return list(conn.execute(query).scalars())


def _event(row: Any) -> Event:
    return Event(time=row.ts.replace(tzinfo=UTC), network=row.network, channel=row.channel,
                 kind=Kind(row.kind), nick=row.nick, text=row.text, from_bot=row.from_bot,
                 msgid=row.msgid, id=row.id)


IDLE = 0.05  # seconds without a new event before SQLite's search index catches up
INDEX_BATCH = 2_000  # events indexed per transaction then: a new event waits for one at most


class EventWriter:
    """Group commit: events queue up while the previous batch is being written.

    At low traffic every event is committed within a fraction of a millisecond; under a
    flood the batches grow on their own. A failed write is retried, never dropped.

    On SQLite the writer also keeps the search index (``Store.index_pending``) up to date,
    but only once no event has come for ``IDLE`` seconds: indexing during a flood would cost
    it what the insert trigger of migration 0003 did. At ``close`` it indexes what is left.
    """

    def __init__(self, store: Store, max_batch: int = 500) -> None:
        self.store = store
        self.max_batch = max_batch
        self._queue: asyncio.Queue[Event] = asyncio.Queue()
        self.task: asyncio.Task[None] | None = None
        self._queued = 0  # events handed to put()
        self.written = 0  # events committed
        self._waiters: deque[tuple[int, asyncio.Future[None]]] = deque()
        self.failing = False  # the last write attempt failed; retrying
        self._indexes = store.engine.dialect.name == "sqlite"
        self._unindexed = self._indexes  # events may wait for the search index
        self.last_id: int | None = None  # the highest event id after our last batch

    def boundary(self) -> int | None:
        """The id of the last event put, once every event put is committed; else None.

        Read in the same turn of the loop as the router's state, it says exactly which
        events that state has folded in (see ``Store.insert_events``).
        """
        return self.last_id if self.written == self._queued else None

    def start(self) -> None:
        self.task = asyncio.create_task(self._run(), name="event-writer")

    def behind(self) -> bool:
        """True while more than one full batch waits and writing works: producers pause.

        While the database is failing, pausing would not save memory (events wait either
        way) but would stop the IRC side from answering the server's PINGs.
        """
        return not self.failing and self._queued - self.written > self.max_batch

    def settled(self) -> bool:
        """Nothing waits to be written, nor to enter the search index."""
        return self.written >= self._queued and not self._unindexed

    def put(self, event: Event) -> None:
        self._queue.put_nowait(event)
        self._queued += 1

    def put_many(self, batch: Iterable[Event]) -> None:
        for e in batch:
            self.put(e)

    def committed(self) -> asyncio.Future[None]:
        """A future that completes once every event queued so far is committed."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        if self.written >= self._queued:
            done.set_result(None)
        else:
            self._waiters.append((self._queued, done))
        return done

    async def flush(self) -> None:
        await self.committed()

    async def close(self) -> None:
        await self.flush()
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task
        if self._indexes:  # a cleanly stopped bot leaves a complete search index
            try:
                await asyncio.to_thread(self.store.index_pending)
            except Exception:
                log.exception("indexing for search failed; the web side indexes before a search")

    async def _run(self) -> None:
        delay = 0.1
        while True:
            batch = [await self._next()]
            while len(batch) < self.max_batch and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            while True:
                try:
                    last = await asyncio.to_thread(self.store.insert_events, batch)
                    break
                except Exception:
                    self.failing = True
                    log.exception("writing %d events failed; retrying in %.1fs", len(batch), delay)
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, 10.0)
            delay, self.failing = 0.1, False
            self._unindexed = self._indexes
            self.written += len(batch)
            self.last_id = last if last is not None else self.last_id
            while self._waiters and self._waiters[0][0] <= self.written:
                _, done = self._waiters.popleft()
                if not done.done():
                    done.set_result(None)

    async def _next(self) -> Event:
        """The next event to write. Once none has come for ``IDLE`` seconds, the search index
        catches up until it is complete or an event comes, a batch at a time."""
        if self._unindexed and self._queue.empty():
            with contextlib.suppress(TimeoutError):
                return await asyncio.wait_for(self._queue.get(), IDLE)
        while self._unindexed and self._queue.empty():
            try:
                done = await asyncio.to_thread(self.store.index_pending, INDEX_BATCH)
            except Exception:
                log.exception("indexing for search failed; trying again after a write")
                done = 0
            self._unindexed = done == INDEX_BATCH
        return await self._queue.get()
