"""The daemon's start-up on a real database (SQLite and PostgreSQL): the newest usable snapshot
plus the events after it, or, with one log line saying why, a full replay of the window.

The bot's ``restore`` runs in-process here, without IRC; tests/integration/test_snapshot_restart.py
restarts a real bot in a real channel.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from bot.plugins import load_plugins

from bot.config import load_config
from bot.core import snapshot
from bot.core.effects import Reply
from bot.core.events import Event, Kind, utcnow
from bot.core.router import Router
from bot.daemon import Agendum
from bot.storage.store import Store, upgrade

CHANNEL = "#meeting"
NOW = utcnow()  # events are dated from here


@pytest.fixture
def config_path(tmp_path: Path, db_url: str) -> Path:
    upgrade(db_url)
    path = tmp_path / "config.toml"
    path.write_text(f'[irc]\nchannels = ["{CHANNEL}"]\n[bot]\nreplay_hours = 24\n'
                    f'[storage]\nurl = "{db_url}"\n[publish]\ndir = "{tmp_path / "pub"}"\n',
                    encoding="utf-8")
    return path


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    s = Store.open(db_url)
    yield s
    s.close()


def said(nick: str, text: str, hours_ago: float = 1.0) -> Event:
    return Event(NOW - timedelta(hours=hours_ago), "local", CHANNEL, Kind.MESSAGE, nick,
                 text)


def started(config_path: Path) -> Agendum:
    """A bot restored as ``agendum run`` restores it (its background snapshot saved)."""
    bot = Agendum(load_config(config_path))

    async def restore() -> None:
        await bot.restore()
        await asyncio.gather(*bot.background)

    asyncio.run(restore())
    bot.store.close()
    return bot


def queue(bot: Agendum) -> str:
    [reply] = [e for e in bot.router.dispatch(said("chair", "Zakim, q?", 0))
               if isinstance(e, Reply)]
    return reply.text


def test_a_full_replay_saves_a_snapshot_and_the_next_start_replays_only_what_came_after(
        config_path: Path, store: Store, caplog: pytest.LogCaptureFixture) -> None:
    store.insert_events([said("alice", "q+"), said("bob", "q+"), said("chair", "agenda+ budget")])
    caplog.set_level(logging.INFO, "bot.daemon")
    first = started(config_path)
    assert "restored 1 channels from 3 stored events" in caplog.text
    saved = store.latest_snapshot("local")
    assert saved is not None and saved.event_id == store.last_event_id()
    assert queue(first) == "I see alice, bob on the speaker queue"

    store.insert_events([said("bob", "q-", 0.5), said("carol", "q+", 0.5)])
    caplog.clear()
    second = started(config_path)
    assert (f"restored 1 channels from snapshot {saved.id} (event {saved.event_id}) and the 2 "
            "stored events after it") in caplog.text
    assert queue(second) == "I see alice, carol on the speaker queue"
    full = Agendum(load_config(config_path))
    asyncio.run(full.replay(utcnow() - timedelta(hours=24), [CHANNEL]))
    full.store.close()
    assert queue(full) == "I see alice, carol on the speaker queue"
    assert snapshot.dump(second.router) == snapshot.dump(full.router)


def test_a_snapshot_holds_state_from_before_the_window_that_a_full_replay_forgets(
        config_path: Path, store: Store) -> None:
    """What the snapshot is: the live bot's state when it was taken, as if it never stopped."""
    store.insert_events([said("alice", "q+", hours_ago=30)])  # outside the 24 h window
    assert queue(started(config_path)) == "I see no one on the speaker queue"
    live = Agendum(load_config(config_path))
    live.router.dispatch(said("alice", "q+", hours_ago=30))
    store.save_snapshot("local", live.state_version, store.last_event_id(), utcnow(),
                        snapshot.dump(live.router))
    assert queue(started(config_path)) == "I see alice on the speaker queue"


@pytest.mark.parametrize("spoil, why", [
    ({"version": "0:not-this-code"}, "written by other code (state version 0:not-this-code"),
    ({"payload": '{"zakim.queue": 1}'}, "unreadable snapshot"),
    ({"created_at": -25}, "before the replay window"),
    ({"event_id": 10**9}, "past the last one stored"),
])
def test_a_snapshot_this_code_cannot_use_is_ignored_in_one_line_and_the_window_replayed(
        config_path: Path, store: Store, caplog: pytest.LogCaptureFixture,
        spoil: dict[str, object], why: str) -> None:
    store.insert_events([said("alice", "q+")])
    bot = Agendum(load_config(config_path))
    bot.router.dispatch(said("mallory", "q+"))  # a state no replay gives: must not load
    row = {"version": bot.state_version, "event_id": store.last_event_id(), "created_at": 0,
           "payload": snapshot.dump(bot.router).decode(), **spoil}
    when = utcnow() + timedelta(hours=float(row["created_at"]))  # type: ignore[arg-type]
    bad = store.save_snapshot("local", str(row["version"]), int(row["event_id"]), when,  # type: ignore[call-overload]
                              str(row["payload"]).encode())
    caplog.set_level(logging.INFO, "bot.daemon")
    restarted = started(config_path)
    assert queue(restarted) == "I see alice on the speaker queue"
    ignored = [r for r in caplog.records if "ignoring snapshot" in r.getMessage()]
    assert len(ignored) == 1, caplog.text
    message = ignored[0].getMessage()
    assert message.startswith(f"ignoring snapshot {bad}: ") and why in message, message
    assert message.endswith("replaying the last 24 hours instead") and "\n" not in message
    assert "from 1 stored events" in caplog.text
    newest = store.latest_snapshot("local")  # rebuilt at once from the full replay
    assert newest is not None and newest.id != bad and newest.version == bot.state_version


def test_a_snapshot_that_cannot_be_written_is_one_line_and_the_bot_goes_on(
        config_path: Path, store: Store, caplog: pytest.LogCaptureFixture) -> None:
    store.insert_events([said("alice", "q+")])
    bot = Agendum(load_config(config_path))

    def disk_full(*args: object) -> int:
        raise OSError(28, "No space left on device")

    bot.store.save_snapshot = disk_full  # type: ignore[method-assign]

    async def restore() -> None:
        await bot.restore()
        await asyncio.gather(*bot.background)
        await bot.save_snapshot("at shutdown")

    caplog.set_level(logging.INFO, "bot.daemon")
    asyncio.run(restore())
    bot.store.close()
    failed = [r.getMessage() for r in caplog.records if "could not save" in r.getMessage()]
    why = "OSError: [Errno 28] No space left on device"
    assert failed == [f"could not save a snapshot after a full replay: {why}",
                      f"could not save a snapshot at shutdown: {why}"], failed
    assert all(r.exc_info is None for r in caplog.records)
    assert queue(bot) == "I see alice on the speaker queue"
    assert store.latest_snapshot("local") is None


def test_snapshots_taken_while_events_pour_in_hold_exactly_the_events_up_to_their_id(
        config_path: Path, store: Store) -> None:
    """The boundary is exact: each snapshot equals the replay of the stored events up to its
    ``event_id``, however the writer's batches and the snapshots interleave with the lines."""
    rng = random.Random(7)
    lines = ["q+", "q-", "ack alice", "agenda+ budget", "next agendum", "present+", "hello",
             "question+ why?", "Zakim, remind us in 5 minutes to stop"]
    bot = Agendum(load_config(config_path))
    saved: list[tuple[int, bytes]] = []
    save = bot.store.save_snapshot

    def keep(network: str, version: str, event_id: int, created_at: datetime,
             payload: bytes) -> int:
        saved.append((event_id, payload))
        return save(network, version, event_id, created_at, payload)

    bot.store.save_snapshot = keep  # type: ignore[method-assign]

    async def run() -> None:
        bot.writer.start()
        await bot.restore()
        done = asyncio.Event()

        async def lines_come() -> None:
            for i in range(3000):
                event = Event(NOW + timedelta(milliseconds=i), "local",
                              rng.choice([CHANNEL, "#other"]), Kind.MESSAGE,
                              rng.choice(["alice", "bob", "chair"]), rng.choice(lines))
                bot.writer.put(event)  # as on_event: stored, then routed, in one turn
                bot.router.dispatch(event)
                if i % 50 == 0:
                    await asyncio.sleep(rng.choice([0, 0, 0.002, 0.01]))
                if i % 500 == 250:  # some for sure, whatever the machine's speed
                    await bot.writer.flush()
                    await bot.save_snapshot("now")
            done.set()

        async def snapshots_taken() -> None:
            while not done.is_set():
                await asyncio.sleep(0.003)
                await bot.writer.flush()  # as snapshot_every: then one moment may do
                await bot.save_snapshot("now")

        await asyncio.gather(lines_come(), snapshots_taken())
        await bot.writer.close()
        await bot.save_snapshot("at the end")

    asyncio.run(run())
    bot.store.close()
    stored = store.events_after("local", 0)
    assert len(stored) == 3000 and len(saved) >= 8, len(saved)
    assert saved[-1][0] == stored[-1].id
    for event_id, payload in saved:
        replayed = Router(bot.router.settings, load_plugins(bot.router.settings))
        for event in stored:
            if event.id is not None and event.id <= event_id:
                replayed.dispatch(event)
        assert snapshot.dump(replayed) == payload, f"snapshot at event {event_id}"
