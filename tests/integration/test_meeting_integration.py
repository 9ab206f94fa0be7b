"""A whole Zakim meeting through a real IRC server, with agendum as a real process:
start, agenda, queue, attendance, reminders, ``kill -9`` mid-meeting, late reminders, end."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from tests.support.ircclient import IrcTestClient
from tests.support.live import (
    BOT_JOIN,
    CHANNEL,
    BotFactory,
    ClientFactory,
    events_in_db,
    joined,
    zakim_says,
)

pytestmark = pytest.mark.integration


def zakim_lines(client: IrcTestClient, count: int, timeout: float = 5.0) -> list[str]:
    """The next ``count`` lines from Zakim in the channel (/me lines marked ``* ``)."""
    out = []
    for _ in range(count):
        line = client.wait_for(nick="Zakim", command="PRIVMSG", target=CHANNEL, timeout=timeout)
        out.append(f"* {line.action_text}" if line.is_action else line.text)
    return out


def test_meeting_state_and_reminders_survive_kill_9_and_late_reminders_say_so(
    agendum_factory: BotFactory, irc_client_factory: ClientFactory, sqlite_url: str,
) -> None:
    bot = agendum_factory(channels=[CHANNEL])
    chair = joined(irc_client_factory, "chair")
    alice = irc_client_factory("alice")
    alice.join(CHANNEL)
    for line in ("present+ chair, alice", "agenda+ budget", "agenda+ charter [bob]",
                 "Zakim, take up agendum 1"):
        chair.say(CHANNEL, line)
    alice.say(CHANNEL, "q+ to ask about cost")
    chair.say(CHANNEL, "question+ When is the vote?")
    chair.say(CHANNEL, "Zakim, remind us in 0.05 minutes to check the time")  # due in 3 s
    chair.say(CHANNEL, "Zakim, remind me in 0.35 minutes to wrap up")  # due in 21 s
    assert zakim_lines(chair, 6)[-2:] == ["ok, chair", "ok, chair"]
    set_at = time.monotonic()

    bot.kill()  # SIGKILL: no goodbye, no flush beyond what was committed
    time.sleep(max(0.0, set_at + 9 - time.monotonic()))  # the first reminder falls due, unseen
    chair.drain()
    bot.start()
    chair.wait_for(command="JOIN", nick="Zakim", target=CHANNEL, timeout=BOT_JOIN)
    late = zakim_says(chair, "check the time", timeout=10)
    assert re.fullmatch(r"chair, you asked to be reminded at this time to check the time "
                        r"\(late by \d+ seconds: I was not running at \d\d:\d\d UTC\)", late)

    chair.say(CHANNEL, "Zakim, q?")
    assert zakim_says(chair, "speaker queue") == "I see alice on the speaker queue"
    chair.say(CHANNEL, "Zakim, agenda?")
    assert zakim_lines(chair, 3) == ["I see 2 items remaining on the agenda:",
                                     "1. budget [from chair]", "2. charter [from bob]"]
    chair.say(CHANNEL, "Zakim, what agendum?")
    assert zakim_lines(chair, 1) == ["the current agendum is 1. budget [from chair]"]
    chair.say(CHANNEL, "Zakim, who is here?")
    assert zakim_lines(chair, 1) == ["Present: chair, alice"]
    chair.say(CHANNEL, "Zakim, questions?")
    assert zakim_lines(chair, 2) == ["I see 1 question remaining:",
                                     "Q1: When is the vote? (1 supporter)"]
    chair.say(CHANNEL, "ack alice")
    assert zakim_lines(chair, 1) == ["alice, you wanted to ask about cost"]

    # The second reminder was still pending at the restart: it comes on time, without a note.
    on_time = zakim_says(chair, "wrap up", timeout=25)
    assert on_time == "chair, you asked to be reminded at this time to wrap up"
    fired = [t for k, _, t in events_in_db(sqlite_url) if k == "timer"]
    assert len(fired) == 2, fired

    # Fired reminders are in the record: another crash does not repeat them.
    chair.drain()
    bot.restart()
    chair.wait_for(command="JOIN", nick="Zakim", target=CHANNEL, timeout=BOT_JOIN)
    chair.say(CHANNEL, "Zakim, q?")
    assert zakim_says(chair, "speaker queue") == "I see no one on the speaker queue"
    chair.assert_no(nick="Zakim", text="remind", within=2.0)


def test_start_and_end_meeting_bring_rrsagent_and_publish_the_final_attendance(
    agendum_factory: BotFactory, irc_client_factory: ClientFactory,
) -> None:
    bot = agendum_factory(channels=[CHANNEL], extra="")
    chair = joined(irc_client_factory, "chair")
    chair.say(CHANNEL, "RRSAgent, bye")
    chair.wait_for(command="PART", nick="RRSAgent", target=CHANNEL, timeout=5)

    chair.say(CHANNEL, "Zakim, start meeting")
    chair.wait_for(command="JOIN", nick="RRSAgent", target=CHANNEL, timeout=BOT_JOIN)
    assert zakim_lines(chair, 2) == ["RRSAgent, make logs public",
                                     'please title this meeting ("meeting: ..."), chair']
    chair.wait_for(nick="RRSAgent", text="^logging to ", timeout=5)
    chair.say(CHANNEL, "Meeting: Budget call")
    chair.say(CHANNEL, "present+ chair, alice")
    chair.say(CHANNEL, "agenda+ budget")
    chair.say(CHANNEL, "Zakim, move to next agendum")
    assert zakim_lines(chair, 2)[-1] == 'agendum 1. "budget" taken up [from chair]'
    chair.say(CHANNEL, "alice: we can afford it")
    chair.say(CHANNEL, "Zakim, end meeting")
    assert zakim_lines(chair, 3) == [
        "As of this point the attendees have been chair, alice",
        "RRSAgent, please draft minutes",
        "I am happy to have been of service, chair; please remember to excuse RRSAgent.  Goodbye",
    ]
    url = chair.wait_for(nick="RRSAgent", text="made the request", timeout=5).text
    assert url.endswith(" Zakim")
    chair.wait_for(command="PART", nick="Zakim", target=CHANNEL, timeout=5)

    minutes = next(Path(bot.publish_dir).rglob("*-minutes.html")).read_text()
    assert "<title>Budget call" in minutes
    assert "<dt>Present</dt><dd>alice, chair</dd>" in minutes  # scribe.perl sorts them
    log = next(Path(bot.publish_dir).rglob("*-irc.txt")).read_text()
    # The lines Zakim said just before the request are in the published log.
    assert "<Zakim> As of this point the attendees have been chair, alice" in log
    assert "<Zakim> RRSAgent, please draft minutes" in log
    assert "budget</h3>" in minutes  # Zakim's "taken up" line became the topic
