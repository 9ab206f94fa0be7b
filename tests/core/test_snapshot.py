"""Snapshots of the plugins' state (bot.core.snapshot): exact round trips, a version that
follows the state's shape and the settings, and payloads that are refused whole.

The property that matters most (snapshot + the events after it = a full replay) is in
tests/plugins/test_meeting_properties.py, over random meetings.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from bot.plugins import load_plugins
from bot.plugins.queue import QueuePlugin

from bot.core import snapshot
from bot.core.plugin import Plugin, Settings
from bot.core.router import Router
from tests.support.scripted import CHANNEL, START, make_router, play

MEETING = [
    ("chair", "RRSAgent, make logs public"),
    ("chair", "Zakim, time speakers at 2 minutes"),
    ("chair", "agenda+ budget"), ("chair", "agenda+ charter [bob]"),
    ("chair", "Zakim, take up agendum 1"), ("chair", "give this item 5 minutes"),
    ("alice", "q+ to ask about cost"), ("bob", "q+"), ("chair", "ack alice"),
    ("chair", "present+ chair, alice"), ("chair", "question+ When is the vote?"),
    ("chair", "Zakim, remind us in 30 minutes to wrap up"), ("chair", "ACTION: bob to write"),
    ("chair", "gb, use w3c/aria"),
]


def meeting() -> Router:
    router = make_router()
    play(router, MEETING)
    return router


def test_a_loaded_snapshot_is_the_same_state_timers_and_answers() -> None:
    live = meeting()
    restored = make_router()
    snapshot.load(restored, snapshot.dump(live))
    assert snapshot.dump(restored) == snapshot.dump(live)
    assert restored.pending() == live.pending() and len(live.pending()) >= 3
    later = START + timedelta(hours=1)
    for line in ("Zakim, q?", "Zakim, agenda?", "questions?", "RRSAgent, actions?"):
        assert (play(restored, [("chair", line)], later)
                == play(live, [("chair", line)], later)), line


def test_the_payload_is_plain_json_naming_each_plugin() -> None:
    doc = json.loads(snapshot.dump(meeting()))
    assert doc["zakim.queue"]["channels"]["#wg"]["entries"] == [
        {"name": "bob", "note": None}]
    assert doc["rrsagent.record"]["attrs"]["last_seen"]["#wg"].startswith("2024-03-07T")
    assert "zakim.dismiss" not in doc  # nothing to keep


def test_only_the_channels_asked_for_are_loaded() -> None:
    live = meeting()
    play(live, [("carol", "q+")], START)  # #wg only; add another channel by hand
    live.plugins[0].channels.put("#Other", live.plugins[0].state(CHANNEL))
    restored = make_router()
    snapshot.load(restored, snapshot.dump(live), channels=["#WG"])
    queue = next(p for p in restored.plugins if isinstance(p, QueuePlugin))
    assert [c for c, _ in queue.channels.items()] == ["#wg"]


@pytest.mark.parametrize("payload, why", [
    (b"", "unreadable snapshot"),
    (b"[1, 2]", "unreadable snapshot"),
    (b'{"zakim.queue": {"channels": {}, "attrs": {}}}', "not of this router's"),
])
def test_a_bad_payload_is_refused_whole_and_changes_nothing(payload: bytes, why: str) -> None:
    router = meeting()
    before = snapshot.dump(router)
    with pytest.raises(snapshot.SnapshotError, ) as refused:
        snapshot.load(router, payload)
    assert why in str(refused.value) and "\n" not in str(refused.value)
    assert snapshot.dump(router) == before


@pytest.mark.parametrize("part, path, value, why", [
    ("zakim.queue", ["channels", "#wg", "entries"], 3, r"zakim\.queue: .*\$\[\.\.\.\]\.entries"),
    ("zakim.agenda", ["channels", "#wg", "items", 0, "number"], "one", "Expected `int`"),
    # the last plugin read: nothing before it may have been loaded
    ("rrsagent.record", ["attrs", "last_seen", "#wg"], "yesterday", "record.last_seen: Invalid"),
])
def test_a_wrong_type_deep_inside_is_refused_before_anything_is_loaded(
        part: str, path: list[str | int], value: object, why: str) -> None:
    doc = json.loads(snapshot.dump(meeting()))
    inner = doc[part]
    for step in path[:-1]:
        inner = inner[step]
    inner[path[-1]] = value
    router = make_router()
    with pytest.raises(snapshot.SnapshotError, match=why):
        snapshot.load(router, json.dumps(doc))
    assert snapshot.dump(router) == snapshot.dump(make_router())


@dataclass(frozen=True, slots=True)
class Counted:
    lines: int = 0


@dataclass(frozen=True, slots=True)
class CountedWithTime:
    lines: int = 0
    last: datetime | None = None


class Counter(Plugin[Counted]):
    name = "counter"
    State = Counted


class CounterWithTime(Plugin[CountedWithTime]):
    name = "counter"
    State = CountedWithTime


def router_with(plugin: type[Plugin], **settings: object) -> Router:
    config = Settings(nicks={"zakim": "Zakim", "rrsagent": "RRSAgent"}, **settings)  # type: ignore[arg-type]
    return Router(config, [*load_plugins(config), plugin(config)])


def test_the_version_follows_the_state_shapes_and_the_settings() -> None:
    base = snapshot.version(router_with(Counter))
    assert base == snapshot.version(router_with(Counter))
    assert base.startswith(f"{snapshot.FORMAT}:")
    assert snapshot.version(router_with(CounterWithTime)) != base  # a field more
    assert snapshot.version(router_with(Counter, logs="member")) != base
    assert snapshot.version(make_router()) != base  # a plugin fewer


def test_a_state_type_is_read_from_the_plugin_class() -> None:
    plugins = {p.name: snapshot.state_type(p) for p in make_router().plugins}
    assert plugins["queue"].__name__ == "Queue"
    assert plugins["dismiss"] is None
    assert str(plugins["reminders"]).startswith("dict[str,")


def test_every_plugin_attribute_besides_its_channels_is_kept_in_snapshots() -> None:
    """State a plugin keeps outside ``channels`` (RRSAgent's last activity, gb's recent
    writes) must be declared in ``snapshot_attrs``, or a restart from a snapshot loses it."""
    for plugin in make_router().plugins:
        own = set(vars(plugin)) - {"settings", "channels", "persona"}
        assert own <= set(plugin.snapshot_attrs), (
            f"{type(plugin).__name__}: {sorted(own - set(plugin.snapshot_attrs))} not in "
            "snapshot_attrs")
