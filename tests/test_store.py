"""The event store on SQLite and PostgreSQL: migrations, exact round trips, filtering,
remembered channels, and the group-commit writer."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import inspect

from bot.events import Event, Kind
from bot.router import RRSAGENT, ZAKIM
from bot.store import EventWriter, Store, make_engine, upgrade

NET = "testnet"
T0 = datetime(2024, 3, 7, 15, 25, 6, 123456, tzinfo=UTC)
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    upgrade(db_url)
    s = Store.open(db_url)
    try:
        yield s
    finally:
        s.close()


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
    assert upgrade(db_url) == "0003"
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
    assert upgrade(db_url) == "0003"
    s = Store.open(db_url)
    try:
        s.insert_events([ev("kept")])
        s.remember_channel(NET, ZAKIM, "#wg", True)
        assert upgrade(db_url) == "0003"
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

    def insert_events(self, batch: Sequence[Event]) -> None:
        self.attempts += 1
        if self.attempts <= self.fail:
            raise ConnectionError("database unavailable")
        super().insert_events(batch)


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
