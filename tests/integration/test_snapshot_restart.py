"""Restarts from a snapshot, through a real IRC server with agendum as a real process on SQLite:
after a clean stop (the shutdown snapshot) and after ``kill -9`` (a periodic snapshot and the
events stored after it), the queue, agenda, attendance and questions are what they were."""

from __future__ import annotations

import re
import time

import pytest

from tests.support.daemon import AgendumProcess
from tests.support.ircclient import IrcTestClient, IrcWaitTimeout, ParsedLine
from tests.support.live import BOT_JOIN, CHANNEL, BotFactory, ClientFactory, joined

pytestmark = pytest.mark.integration

PERIODIC = "periodic: the state after event"
QUERIES = ["Zakim, q?", "Zakim, agenda?", "Zakim, who is here?", "Zakim, questions?",
           "Zakim, what agendum?"]


def answers(chair: IrcTestClient) -> list[str]:
    """Zakim's answers to ``QUERIES``, one line each (the last line of each answer)."""
    _more(chair)  # what Zakim still had to say before
    out = []
    for query in QUERIES:
        chair.say(CHANNEL, query)
        lines = [chair.wait_for(nick="Zakim", command="PRIVMSG", target=CHANNEL,
                                timeout=10).text]
        lines += [line.text for line in _more(chair)]
        out.append(" | ".join(lines))
    return out


def _more(chair: IrcTestClient) -> list[ParsedLine]:
    """The rest of a multi-line answer: what Zakim says within a second of its first line."""
    more = []
    while True:
        try:
            more.append(chair.wait_for(nick="Zakim", command="PRIVMSG", target=CHANNEL,
                                       timeout=1.0))
        except IrcWaitTimeout:
            return more


def restored_from_snapshot(bot: AgendumProcess, chair: IrcTestClient) -> tuple[int, int]:
    """Wait until the bot is back in the channel; (snapshot id, events replayed after it)."""
    chair.wait_for(command="JOIN", nick="Zakim", target=CHANNEL, timeout=BOT_JOIN)
    found = re.findall(r"restored \d+ channels from snapshot (\d+) \(event \d+\) and the "
                       r"(\d+) stored events after it", bot.log_text())
    assert found, f"the bot did not start from a snapshot:\n{bot.log_text()[-3000:]}"
    snap, tail = found[-1]
    return int(snap), int(tail)


def wait_for_new_snapshot(bot: AgendumProcess, seen: int, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while bot.log_text().count(PERIODIC) <= seen:
        assert time.monotonic() < deadline, f"no periodic snapshot:\n{bot.log_text()[-3000:]}"
        time.sleep(0.1)


def test_a_restarted_bot_loads_its_snapshot_and_has_the_same_meeting(
    agendum_factory: BotFactory, irc_client_factory: ClientFactory,
) -> None:
    bot = agendum_factory(bot_extra="snapshot_minutes = 0.5")
    chair = joined(irc_client_factory, "chair")
    alice = irc_client_factory("alice")
    alice.join(CHANNEL)
    for line in ("present+ chair, alice", "agenda+ budget", "agenda+ charter [bob]",
                 "Zakim, take up agendum 1", "question+ When is the vote?"):
        chair.say(CHANNEL, line)
    alice.say(CHANNEL, "q+ to ask about cost")
    chair.say(CHANNEL, "q+")
    chair.drain()
    before = answers(chair)
    assert before[0] == "I see alice, chair on the speaker queue"

    # A clean stop snapshots the state at shutdown; the next start replays nothing after it.
    assert bot.terminate() == 0
    assert re.search(r"snapshot \d+ at shutdown: the state after event \d+", bot.log_text())
    chair.drain()
    bot.start()
    _, tail = restored_from_snapshot(bot, chair)
    assert tail == 0
    assert answers(chair) == before

    # kill -9: the newest periodic snapshot (every 30 s), then the events stored after it.
    seen = bot.log_text().count(PERIODIC)
    chair.say(CHANNEL, "ack alice")
    chair.say(CHANNEL, "agenda+ budget again")
    wait_for_new_snapshot(bot, seen)
    alice.say(CHANNEL, "q+ to reply")
    chair.say(CHANNEL, "present+ carol")
    chair.drain()
    before = answers(chair)
    assert before[0] == "I see chair, alice on the speaker queue"
    bot.kill()
    chair.drain()
    bot.start()
    _, tail = restored_from_snapshot(bot, chair)
    assert tail > 0, "the lines said after the periodic snapshot are replayed"
    assert answers(chair) == before
