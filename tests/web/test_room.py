"""``bot.web.room``: the live room is the plugins' own state, folded from stored events.

Events go into a real database the way the bot stores them; the room reads them back,
incrementally, and its view must say what Zakim would say in the channel.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.core.events import Event, Kind
from bot.core.names import GB, RRSAGENT, ZAKIM
from bot.core.plugin import Settings
from bot.storage.store import Store, upgrade
from bot.web.room import Room

NET, CHAN = "local", "#wg"
SETTINGS = Settings(nicks={ZAKIM: "Zakim", RRSAGENT: "RRSAgent", GB: "gb"})


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    upgrade(db_url)
    opened = Store.open(db_url)
    yield opened
    opened.close()


class Meeting:
    def __init__(self, store: Store) -> None:
        self.store, self.clock = store, datetime.now(UTC) - timedelta(minutes=30)

    def say(self, nick: str, *lines: str) -> None:
        for text in lines:
            self.clock += timedelta(seconds=1)
            self.store.insert_events([Event(self.clock, NET, CHAN, Kind.MESSAGE, nick, text)])


def room(store: Store) -> Room:
    return Room(store, NET, SETTINGS, CHAN, timedelta(hours=24))


def test_the_room_shows_what_zakim_knows(store: Store) -> None:
    meeting, watched = Meeting(store), room(store)
    meeting.say("chair", "Meeting: Fruit WG", "agenda+ Kiwis", "agenda+ Papayas",
                "take up agendum 1", "give this item 10 minutes")
    meeting.say("bob", "q+ to ask about budgets", "present+")
    meeting.say("carol", "q+", "regrets+ Dave", "question+ More kiwis?")
    meeting.say("bob", "question 1++")
    assert watched.catch_up() == 11
    view = watched.view()
    assert view["title"] == "Fruit WG"
    assert [(i["number"], i["text"], i["current"]) for i in view["agenda"]["items"]] == [
        (1, "Kiwis", True), (2, "Papayas", False)]
    opened = view["agenda"]["open"]
    assert opened["number"] == 1 and opened["ends"] is not None
    assert datetime.fromisoformat(opened["ends"]) - datetime.fromisoformat(opened["since"]) \
        == timedelta(minutes=10, seconds=1)
    assert view["queue"] == [{"name": "bob", "note": "ask about budgets"},
                             {"name": "carol", "note": None}]
    assert view["floor"] is None
    assert view["present"] == ["bob"] and view["regrets"] == ["Dave"]
    assert view["questions"] == [{"number": 1, "text": "More kiwis?",
                                  "supporters": ["carol", "bob"]}]


def test_the_room_folds_only_what_is_new(store: Store) -> None:
    meeting, watched = Meeting(store), room(store)
    meeting.say("chair", "time speakers at 2 minutes", "q+ bob, carol")
    watched.catch_up()
    meeting.say("chair", "ack bob")
    assert watched.catch_up() == 1 and watched.catch_up() == 0
    floor = watched.view()["floor"]
    assert floor["name"] == "bob"
    assert datetime.fromisoformat(floor["ends"]) - datetime.fromisoformat(floor["since"]) \
        == timedelta(minutes=2)
    assert [e["name"] for e in watched.view()["queue"]] == ["carol"]
    meeting.say("chair", "ack carol")
    watched.catch_up()
    assert watched.view()["floor"]["name"] == "carol" and watched.view()["queue"] == []
    meeting.say("chair", "agenda+ Next", "take up agendum 1")
    watched.catch_up()
    assert watched.view()["floor"] is None, "a new agendum: nobody has the floor yet"


def test_a_new_room_replays_like_the_bot_after_a_restart(store: Store) -> None:
    meeting = Meeting(store)
    meeting.say("bob", "q+ to say one thing")
    first = room(store)
    first.catch_up()
    meeting.say("carol", "q+")
    again = room(store)  # a web process started now
    again.catch_up()
    first.catch_up()
    assert again.view()["queue"] == first.view()["queue"] == [
        {"name": "bob", "note": "say one thing"}, {"name": "carol", "note": None}]


def test_other_channels_and_old_events_stay_out(store: Store) -> None:
    long_ago = datetime.now(UTC) - timedelta(hours=30)
    store.insert_events([
        Event(long_ago, NET, CHAN, Kind.MESSAGE, "old", "q+ to be forgotten"),
        Event(datetime.now(UTC), NET, "#other", Kind.MESSAGE, "eve", "q+ elsewhere"),
        Event(datetime.now(UTC), NET, CHAN, Kind.MESSAGE, "bob", "q+"),
    ])
    watched = room(store)
    watched.catch_up()
    assert [e["name"] for e in watched.view()["queue"]] == ["bob"]
