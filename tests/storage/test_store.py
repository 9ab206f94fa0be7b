"""The event store on SQLite and PostgreSQL: migrations, exact round trips, filtering,
remembered channels, and the group-commit writer."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import inspect
from sqlalchemy.exc import DatabaseError

from bot.core.events import Event, Kind
from bot.core.names import RRSAGENT, ZAKIM
from bot.storage import store as store_module
from bot.storage.store import EventWriter, Store, make_engine, upgrade

NET = "testnet"
T0 = datetime(2024, 3, 7, 15, 25, 6, 123456, tzinfo=UTC)
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def _migrated(url: str) -> Iterator[Store]:
    upgrade(url)
    s = Store.open(url)
    try:
        yield s
    finally:
        s.close()


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    yield from _migrated(db_url)


def ev(
    text: str = "hello",
    *,
    channel: str = "#wg",
    nick: str = "alice",
    kind: Kind = Kind.MESSAGE,
    time: datetime = T0,
    network: str = NET,
    from_bot: bool = False,
    msgid: str | None = None,
) -> Event:
    return Event(time, network, channel, kind, nick, text, from_bot=from_bot, msgid=msgid)


# ---- migrations -----------------------------------------------------------------------------


def test_upgrade_creates_the_schema_and_reports_the_revision(db_url: str) -> None:
    assert upgrade(db_url) == "0005"
    engine = make_engine(db_url)
    try:
        insp = inspect(engine)
        tables = set(insp.get_table_names())
        assert {"events", "channels", "channel_values", "alembic_version"} <= tables
        columns = {c["name"] for c in insp.get_columns("events")}
        assert {"id", "network", "channel", "channel_key", "ts", "kind", "nick", "text",
                "from_bot", "msgid"} <= columns
    finally:
        engine.dispose()


def test_second_upgrade_is_a_no_op_that_keeps_the_data(db_url: str) -> None:
    assert upgrade(db_url) == "0005"
    s = Store.open(db_url)
    try:
        s.insert_events([ev("kept")])
        s.remember_channel(NET, ZAKIM, "#wg", True)
        assert upgrade(db_url) == "0005"
        assert s.count_events() == 1
        assert [e.text for e in s.events_for(NET, "#wg", EPOCH)] == ["kept"]
        assert s.joined_channels(NET, ZAKIM) == ["#wg"]
    finally:
        s.close()


# ---- round trips ----------------------------------------------------------------------------

ODD_TEXTS = [
    "café latin-1 ÿþ",  # what an invalid UTF-8 line decodes to
    "".join(chr(c) for c in range(0xA0, 0x100)),  # every printable latin-1 character
    "emoji 😀🎉👩🏽‍💻 and flags 🇫🇮",
    "x" * 10240,  # a 10 KB line
    "é€😀" * 1000,  # 9 KB of multi-byte characters
    "".join(chr(c) for c in range(1, 32)) + "\x7f\x85\u2028",  # every control but NUL
    "\x01ACTION waves\x01",
    "\x02bold\x02 \x0304,12colour\x03 \x1ditalic\x1d \x1funderline\x1f \x16rev\x16 \x0freset",
    "  padded with spaces  ",
    "",
    "'; DROP TABLE events; --",
    "right-to-left \u202eevil\u202c text",
    "\ufeffbom and zero\u200bwidth",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 outside the BMP",
]


@pytest.mark.parametrize("text", ODD_TEXTS, ids=range(len(ODD_TEXTS)))
def test_event_text_reads_back_exactly(store: Store, text: str) -> None:
    event = ev(text)
    store.insert_events([event])
    [got] = store.events_for(NET, "#wg", EPOCH)
    assert got.text == text
    assert got == event


def test_every_field_round_trips_and_time_keeps_microseconds(store: Store) -> None:
    events = [
        ev("one", time=T0, msgid="abc~1"),
        ev("two", time=T0 + timedelta(microseconds=1), nick="[Zak]`_^{|}-", from_bot=True),
        ev("waves", kind=Kind.ACTION, time=T0 + timedelta(seconds=1, microseconds=999999)),
    ] + [
        ev("" if kind is not Kind.NICK else "alice_", kind=kind, time=T0 + timedelta(seconds=3))
        for kind in Kind
    ]
    store.insert_events(events)
    got = store.events_for(NET, "#wg", EPOCH)
    assert got == events
    assert [g.time for g in got] == [e.time for e in events]  # exact to the microsecond
    assert all(g.time.utcoffset() == timedelta(0) for g in got)
    assert all(g.id is not None for g in got)
    assert [g.id for g in got] == sorted(g.id for g in got)  # type: ignore[type-var]
    assert got[1].from_bot is True and got[0].from_bot is False
    assert got[0].msgid == "abc~1" and got[1].msgid is None


def test_times_in_other_zones_are_stored_as_the_same_instant_in_utc(store: Store) -> None:
    helsinki = timezone(timedelta(hours=2))
    local = datetime(2024, 3, 7, 17, 25, 6, 5, tzinfo=helsinki)
    store.insert_events([ev(time=local)])
    [got] = store.events_for(NET, "#wg", EPOCH)
    assert got.time == local
    assert got.time.utcoffset() == timedelta(0)
    assert (got.time.hour, got.time.microsecond) == (15, 5)


def test_events_come_back_in_insertion_order_even_with_equal_times(store: Store) -> None:
    events = [ev(f"line {i}", time=T0) for i in range(50)]
    store.insert_events(events[:20])
    store.insert_events(events[20:])
    assert [e.text for e in store.events_for(NET, "#wg", EPOCH)] == [e.text for e in events]


def test_inserting_nothing_is_harmless(store: Store) -> None:
    store.insert_events([])
    assert store.count_events() == 0


# ---- filtering ------------------------------------------------------------------------------


def test_events_for_matches_the_channel_case_insensitively(store: Store) -> None:
    store.insert_events(
        [
            ev("a", channel="#WG"),
            ev("b", channel="#wg"),
            ev("c", channel="#other"),
            ev("d", channel="#Wg"),
            ev("e", channel="#wg", network="othernet"),
            ev("f", channel="#wgx"),
        ]
    )
    for asked in ("#wg", "#WG", "#wG"):
        got = store.events_for(NET, asked, EPOCH)
        assert [(e.text, e.channel) for e in got] == [("a", "#WG"), ("b", "#wg"), ("d", "#Wg")]
    assert [e.text for e in store.events_for("othernet", "#WG", EPOCH)] == ["e"]
    assert store.count_events(NET, "#wg") == 3
    assert store.count_events(NET) == 5
    assert store.count_events() == 6


def test_events_for_folds_channels_the_irc_way(store: Store) -> None:
    store.insert_events([ev("x", channel="#team[1]"), ev("y", channel="#TEAM{1}")])
    assert [e.text for e in store.events_for(NET, "#team{1}", EPOCH)] == ["x", "y"]


def test_events_for_window_includes_since_and_excludes_until(store: Store) -> None:
    times = [T0 + timedelta(minutes=m) for m in range(5)]
    store.insert_events([ev(f"m{i}", time=t) for i, t in enumerate(times)])
    got = store.events_for(NET, "#wg", times[1], times[3])
    assert [e.text for e in got] == ["m1", "m2"]
    assert [e.text for e in store.events_for(NET, "#wg", times[3])] == ["m3", "m4"]
    just_after = times[1] + timedelta(microseconds=1)
    assert [e.text for e in store.events_for(NET, "#wg", just_after, times[3])] == ["m2"]


def test_last_event_time_is_the_networks_latest_to_the_microsecond(store: Store) -> None:
    assert store.last_event_time(NET) is None
    late = T0 + timedelta(minutes=3, microseconds=7)
    store.insert_events([ev("b", time=late, channel="#other"), ev("a", time=T0),
                         ev("c", time=late + timedelta(hours=1), network="elsewhere")])
    assert store.last_event_time(NET) == late
    assert store.last_event_time(NET).tzinfo is not None  # type: ignore[union-attr]


def test_events_for_window_honours_time_zones(store: Store) -> None:
    store.insert_events([ev("late", time=datetime(2024, 3, 7, 23, 30, tzinfo=UTC))])
    plus2 = timezone(timedelta(hours=2))
    day_in_utc = datetime(2024, 3, 8, 0, 0, tzinfo=plus2)  # 2024-03-07 22:00 UTC
    assert [e.text for e in store.events_for(NET, "#wg", day_in_utc)] == ["late"]
    assert store.events_for(NET, "#wg", datetime(2024, 3, 8, 1, 31, tzinfo=plus2)) == []


# ---- remembered channels --------------------------------------------------------------------


def test_remembered_channels_round_trip(store: Store) -> None:
    assert store.joined_channels(NET, ZAKIM) == []
    store.remember_channel(NET, ZAKIM, "#wg", True)
    store.remember_channel(NET, ZAKIM, "#Other", True)
    store.remember_channel(NET, RRSAGENT, "#wg", True)
    assert sorted(store.joined_channels(NET, ZAKIM)) == ["#Other", "#wg"]
    assert store.joined_channels(NET, RRSAGENT) == ["#wg"]
    assert store.joined_channels("othernet", ZAKIM) == []

    store.remember_channel(NET, ZAKIM, "#wg", False)
    assert store.joined_channels(NET, ZAKIM) == ["#Other"]
    assert store.joined_channels(NET, RRSAGENT) == ["#wg"], "other persona unaffected"


def test_remembered_channel_names_compare_case_insensitively(store: Store) -> None:
    store.remember_channel(NET, ZAKIM, "#WG", True)
    store.remember_channel(NET, ZAKIM, "#wg", True)
    assert store.joined_channels(NET, ZAKIM) == ["#wg"], "one row, latest display form"
    store.remember_channel(NET, ZAKIM, "#Wg", False)
    assert store.joined_channels(NET, ZAKIM) == []
    store.remember_channel(NET, ZAKIM, "#WG", True)
    assert store.joined_channels(NET, ZAKIM) == ["#WG"], "rejoined after parting"


# ---- EventWriter ----------------------------------------------------------------------------


def test_writer_commits_20000_events_and_flush_waits_for_them(store: Store) -> None:
    n = 20_000
    events = [ev(f"line {i}", time=T0 + timedelta(milliseconds=i)) for i in range(n)]
    committed_when_done: dict[int, int] = {}

    def count_when_done(i: int) -> Callable[[asyncio.Future[None]], None]:
        def callback(_fut: asyncio.Future[None]) -> None:
            committed_when_done[i] = store.count_events()

        return callback

    async def main() -> None:
        writer = EventWriter(store)
        writer.start()
        futures = []
        for i, e in enumerate(events):
            writer.put(e)
            fut = writer.committed()
            if i % 997 == 0 or i == n - 1:
                fut.add_done_callback(count_when_done(i))
            futures.append(fut)
        await writer.flush()
        assert all(f.done() and f.exception() is None for f in futures)
        assert writer.written == n
        await writer.close()

    asyncio.run(main())
    assert store.count_events(NET, "#wg") == n
    got = store.events_for(NET, "#wg", EPOCH)
    assert [e.text for e in got] == [e.text for e in events], "in order, none lost or doubled"
    # A future completes only once its event is committed (visible to another connection).
    assert committed_when_done
    for i, count in committed_when_done.items():
        assert count >= i + 1, f"future {i} done with only {count} events committed"


def test_writer_committed_future_of_a_single_event_completes_after_commit(store: Store) -> None:
    async def main() -> int:
        writer = EventWriter(store)
        writer.start()
        writer.put(ev("alone"))
        await writer.committed()
        count = store.count_events()
        await writer.close()
        return count

    assert asyncio.run(main()) == 1


def test_writer_close_flushes_what_is_queued(store: Store) -> None:
    n = 5_000

    async def main() -> None:
        writer = EventWriter(store, max_batch=300)
        writer.start()
        writer.put_many(ev(f"x{i}") for i in range(n))
        await writer.close()

    asyncio.run(main())
    assert store.count_events() == n


def test_writer_flush_with_nothing_queued_returns(store: Store) -> None:
    async def main() -> None:
        writer = EventWriter(store)
        writer.start()
        await asyncio.wait_for(writer.flush(), timeout=5)
        writer.put(ev("one"))
        await writer.committed()
        await asyncio.wait_for(writer.flush(), timeout=5)
        await asyncio.wait_for(writer.close(), timeout=5)

    asyncio.run(main())
    assert store.count_events() == 1


class _FailsFirst(Store):
    """A store whose first ``fail`` writes raise, as when the database is briefly down."""

    def __init__(self, inner: Store, fail: int) -> None:
        super().__init__(inner.engine)
        self.fail = fail
        self.attempts = 0

    def insert_events(self, batch: Sequence[Event]) -> int | None:
        self.attempts += 1
        if self.attempts <= self.fail:
            raise ConnectionError("database unavailable")
        return super().insert_events(batch)


def test_writer_retries_a_failed_write_and_drops_nothing(store: Store) -> None:
    flaky = _FailsFirst(store, fail=2)

    async def main() -> None:
        writer = EventWriter(flaky)
        writer.start()
        writer.put_many(ev(f"r{i}") for i in range(10))
        await asyncio.wait_for(writer.committed(), timeout=30)
        await writer.close()

    asyncio.run(main())
    assert flaky.attempts >= 3
    assert [e.text for e in store.events_for(NET, "#wg", EPOCH)] == [f"r{i}" for i in range(10)]


def test_writer_asks_producers_to_pause_only_while_it_can_catch_up(store: Store) -> None:
    flaky = _FailsFirst(store, fail=3)

    async def main() -> tuple[bool, bool, bool]:
        writer = EventWriter(flaky, max_batch=10)
        writer.start()
        writer.put_many(ev(f"b{i}") for i in range(50))
        behind_while_queued = writer.behind()
        while not writer.failing:  # the first write attempt fails
            await asyncio.sleep(0.01)
        behind_while_failing = writer.behind()
        await asyncio.wait_for(writer.committed(), timeout=30)
        behind_after = writer.behind()
        await writer.close()
        return behind_while_queued, behind_while_failing, behind_after

    queued, failing, after = asyncio.run(main())
    assert queued is True  # 50 waiting > one batch of 10: parsing should pause
    assert failing is False  # database down: keep parsing so PINGs are still answered
    assert after is False
    assert store.count_events() == 50


def test_kept_values_survive_reopening_and_the_latest_wins(db_url: str) -> None:
    upgrade(db_url)
    s = Store.open(db_url)
    try:
        s.remember_value(NET, "#WG", "meeting.description", "WebEx 1")
        s.remember_value(NET, "#wg", "meeting.description", "WebEx 2")
        s.remember_value(NET, "#other", "meeting.description", "Zoom")
        s.remember_value("elsewhere", "#wg", "meeting.description", "not ours")
    finally:
        s.close()
    s = Store.open(db_url)
    try:
        assert s.remembered_values(NET) == [
            ("#other", "meeting.description", "Zoom"),
            ("#wg", "meeting.description", "WebEx 2"),
        ]
    finally:
        s.close()


# ---- the search index: on SQLite, off the insert (migration 0004) ---------------------------


@pytest.fixture
def sqlite_store(sqlite_url: str) -> Iterator[Store]:
    yield from _migrated(sqlite_url)


def found(store: Store, word: str) -> list[int]:
    """Ids of the events SQLite's full-text index finds ``word`` in."""
    with store.engine.connect() as conn:
        return [row[0] for row in conn.exec_driver_sql(
            "SELECT rowid FROM events_fts WHERE events_fts MATCH ? ORDER BY rowid", (word,))]


def event_ids(store: Store) -> list[int]:
    with store.engine.connect() as conn:
        return [row[0] for row in conn.exec_driver_sql("SELECT id FROM events ORDER BY id")]


def index_is_complete(store: Store) -> bool:
    """FTS5's own check that ``events_fts`` indexes exactly the rows of ``events``: none
    missing, none twice (rank 1: compare with the external content)."""
    try:
        with store.engine.begin() as conn:
            conn.exec_driver_sql(
                "INSERT INTO events_fts(events_fts, rank) VALUES ('integrity-check', 1)")
    except DatabaseError:
        return False
    return True


def test_inserting_leaves_indexing_to_index_pending(sqlite_store: Store) -> None:
    sqlite_store.insert_events([ev("fig one"), ev("fig two"), ev("")])  # empty text: a row too
    assert found(sqlite_store, "fig") == [] and not index_is_complete(sqlite_store)
    assert sqlite_store.index_pending() == 3
    assert found(sqlite_store, "fig") == event_ids(sqlite_store)[:2]
    assert index_is_complete(sqlite_store)


def test_index_pending_indexes_exactly_the_missing_rows_once(sqlite_store: Store) -> None:
    sqlite_store.insert_events([ev(f"fig {i}") for i in range(3)])
    assert sqlite_store.index_pending() == 3
    assert sqlite_store.index_pending() == 0  # nothing left: idempotent
    sqlite_store.insert_events([ev("fig 3"), ev("fig 4"), ev("...")])  # the last: no words
    assert sqlite_store.index_pending() == 3
    assert sqlite_store.index_pending() == 0
    assert found(sqlite_store, "fig") == event_ids(sqlite_store)[:5]  # each once, none lost
    assert index_is_complete(sqlite_store)


def test_index_pending_takes_the_oldest_first_up_to_its_limit(sqlite_store: Store) -> None:
    sqlite_store.insert_events([ev(f"fig {i}") for i in range(5)])
    ids = event_ids(sqlite_store)
    assert sqlite_store.index_pending(limit=2) == 2
    assert found(sqlite_store, "fig") == ids[:2]
    assert sqlite_store.index_pending(limit=2) == 2
    assert found(sqlite_store, "fig") == ids[:4]
    assert sqlite_store.index_pending(limit=2) == 1
    assert sqlite_store.index_pending(limit=2) == 0
    assert found(sqlite_store, "fig") == ids and index_is_complete(sqlite_store)


def test_concurrent_indexers_take_turns_and_never_index_a_row_twice(sqlite_url: str) -> None:
    """The bot's writer and the web side (another process) may index at the same time."""
    upgrade(sqlite_url)
    stores = [Store.open(sqlite_url) for _ in range(4)]
    try:
        stores[0].insert_events([ev(f"fig {i}") for i in range(3000)])
        counts: list[int] = []
        errors: list[Exception] = []

        def index(store: Store) -> None:
            try:
                while n := store.index_pending(limit=100):
                    counts.append(n)
            except Exception as e:  # e.g. "database is locked": they must wait their turn
                errors.append(e)

        threads = [threading.Thread(target=index, args=(s,)) for s in stores]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        assert sum(counts) == 3000
        assert found(stores[0], "fig") == event_ids(stores[0])
        assert index_is_complete(stores[0])
    finally:
        for s in stores:
            s.close()


def test_index_pending_on_postgresql_is_a_no_op_its_index_is_maintained(pg_url: str) -> None:
    upgrade(pg_url)
    s = Store.open(pg_url)
    try:
        s.insert_events([ev("fig one"), ev("fig two")])
        assert s.index_pending() == 0
        with s.engine.connect() as conn:
            hits = conn.exec_driver_sql(
                "SELECT count(*) FROM events "
                "WHERE to_tsvector('simple', text) @@ to_tsquery('simple', 'fig')").scalar()
        assert hits == 2
    finally:
        s.close()


def test_writer_indexes_for_search_once_idle_never_during_a_flood(
    sqlite_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_module, "IDLE", 0.3)
    monkeypatch.setattr(store_module, "INDEX_BATCH", 700)  # the catch-up takes a few batches
    bursts, size = 10, 500

    async def main() -> tuple[list[int], list[int]]:
        writer = EventWriter(sqlite_store, max_batch=200)
        writer.start()
        during = []
        for b in range(bursts):  # lines keep coming, a pause between bursts shorter than IDLE
            writer.put_many(ev(f"plum {b} {i}") for i in range(size))
            await writer.committed()
            during.append(len(found(sqlite_store, "plum")))
            await asyncio.sleep(0.01)
        deadline = asyncio.get_running_loop().time() + 20
        while (len(found(sqlite_store, "plum")) < bursts * size
               and asyncio.get_running_loop().time() < deadline):
            await asyncio.sleep(0.02)
        after = found(sqlite_store, "plum")
        await writer.close()
        return during, after

    during, after = asyncio.run(main())
    assert during == [0] * bursts
    assert after == event_ids(sqlite_store) and len(after) == bursts * size
    assert index_is_complete(sqlite_store)


def test_writer_close_indexes_everything_left(
    sqlite_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_module, "IDLE", 60.0)  # never idle long enough: only close indexes

    async def main() -> int:
        writer = EventWriter(sqlite_store, max_batch=300)
        writer.start()
        writer.put_many(ev(f"pear {i}") for i in range(3000))
        await writer.committed()
        indexed_at_commit = len(found(sqlite_store, "pear"))
        await writer.close()
        return indexed_at_commit

    assert asyncio.run(main()) == 0
    assert found(sqlite_store, "pear") == event_ids(sqlite_store)
    assert index_is_complete(sqlite_store)


# ---- snapshots ------------------------------------------------------------------------------


def test_insert_returns_the_last_id_and_events_after_reads_only_the_tail(store: Store) -> None:
    assert store.last_event_id() == 0
    first = store.insert_events([ev("a"), ev("b", channel="#other"), ev("c", network="other")])
    assert first == store.last_event_id() and first is not None
    last = store.insert_events([ev("d"), ev("e", channel="#WG")])
    assert last == first + 2
    assert [e.text for e in store.events_after(NET, 0)] == ["a", "b", "d", "e"]
    tail = store.events_after(NET, first)
    assert [(e.text, e.id) for e in tail] == [("d", first + 1), ("e", first + 2)]
    assert store.events_after(NET, last) == []
    assert store.insert_events([]) is None


def test_snapshots_round_trip_and_only_the_newest_two_are_kept(store: Store) -> None:
    assert store.latest_snapshot(NET) is None
    ids = [store.save_snapshot(NET, "1:abc", n, T0 + timedelta(minutes=n), f'{{"n": {n}}}'.encode())
           for n in range(4)]
    store.save_snapshot("other", "1:abc", 9, T0, b"{}")
    got = store.latest_snapshot(NET)
    assert got is not None
    assert (got.id, got.version, got.event_id, got.created_at, got.payload) == (
        ids[-1], "1:abc", 3, T0 + timedelta(minutes=3), '{"n": 3}')
    with store.engine.connect() as conn:
        kept = conn.exec_driver_sql("SELECT network, event_id FROM snapshots ORDER BY id").all()
    assert [tuple(r) for r in kept] == [(NET, 2), (NET, 3), ("other", 9)]


def test_the_writers_boundary_is_the_last_id_once_everything_put_is_committed(
        store: Store) -> None:
    async def main() -> list[int | None]:
        writer = EventWriter(store)
        writer.start()
        seen = [writer.boundary()]  # nothing written yet in this run: unknown
        writer.put_many(ev(f"b{i}") for i in range(1200))
        seen.append(writer.boundary())  # queued, not committed: no boundary
        await writer.flush()
        seen.append(writer.boundary())
        writer.put(ev("one more"))
        seen.append(writer.boundary())
        await writer.close()
        seen.append(writer.boundary())
        return seen

    seen = asyncio.run(main())
    ids = [e.id for e in store.events_for(NET, "#wg", EPOCH)]
    assert seen == [None, None, ids[-2], None, ids[-1]]
