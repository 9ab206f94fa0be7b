"""Faults as users meet them, against real parts: an IRC server that starts late or is down
for seconds to a minute and a half, a publish folder that cannot be written, a ``+n``
channel, a vital task that dies, a clean stop. Each failure must say what went wrong."""

from __future__ import annotations

import re
import shutil
import socket
import sqlite3
import time

import pytest

from tests.support.daemon import AgendumProcess
from tests.support.ircclient import IrcTestClient
from tests.support.ircd import IrcServer, free_port
from tests.support.live import CHANNEL, BotFactory, ClientFactory, joined, wait_bots

RECONNECT_MAX = 2.0  # tests/support/daemon.py: reconnect_min 0.2, reconnect_max 2.0


def retries(bot: AgendumProcess, nick: str, port: int, why: str) -> list[str]:
    """The bot's one-line-per-attempt reports for ``nick`` (see Session.run)."""
    pattern = re.compile(rf"WARNING bot\.irc\.connection: {nick}: {why}.*; retrying in "
                         rf"\d+\.\ds \(attempt \d+\)$".replace("PORT", str(port)))
    return [ln for ln in bot.log_text().splitlines() if pattern.search(ln)]


def test_a_bot_started_before_its_server_keeps_trying_and_comes_in(
    agendum_factory: BotFactory, irc_client_factory: ClientFactory,
) -> None:
    late = IrcServer(port=free_port())
    bot = agendum_factory(port=late.port)
    try:
        time.sleep(10)  # the server is down for 10 s after the bot started
        for nick in ("Zakim", "RRSAgent"):
            tries = retries(bot, nick, late.port,
                            r"cannot connect to 127\.0\.0\.1:PORT: connection refused")
            # 10 s of retries at 1-2 s apart (the jittered cap): one log line per attempt.
            assert len(tries) >= 5, bot.log_text()[-3000:]
        late.start()
        alice = joined(irc_client_factory, "alice", server=late)
        alice.say(CHANNEL, "Zakim, q?")
        alice.wait_for(nick="Zakim", text="no one", timeout=5)
        assert bot.alive()
        assert "Traceback" not in bot.log_text()
    finally:
        late.stop()


@pytest.mark.parametrize("down", [6, 30, 90])
def test_a_server_down_for_a_while_finds_the_bot_back_with_its_meeting(
    agendum_factory: BotFactory, irc_client_factory: ClientFactory, ircd: IrcServer,
    down: int,
) -> None:
    bot = agendum_factory()
    alice = joined(irc_client_factory, "alice")
    alice.say(CHANNEL, "q+ to ask about the snapshot")
    alice.say(CHANNEL, "Zakim, q?")
    alice.wait_for(nick="Zakim", text="I see alice", timeout=5)

    ircd.kill()  # a crash: no goodbye, the bot finds out from the socket
    time.sleep(down)
    for nick in ("Zakim", "RRSAgent"):
        lost = retries(bot, nick, ircd.port, r"connection to 127\.0\.0\.1:PORT lost")
        refused = retries(bot, nick, ircd.port,
                          r"cannot connect to 127\.0\.0\.1:PORT: connection refused")
        assert len(lost) == 1, bot.log_text()[-3000:]
        # Backoff grows to the cap (2 s, jittered down to 1 s at most): it never gives up.
        assert len(refused) >= down / RECONNECT_MAX - 3, bot.log_text()[-3000:]
    ircd.start()
    bob = joined(irc_client_factory, "bob")  # both personas came back within the cap
    bob.say(CHANNEL, "Zakim, q?")
    assert bob.wait_for(nick="Zakim", text="speaker queue", timeout=5).text == \
        "I see alice on the speaker queue"
    assert bot.alive()
    assert "Traceback" not in bot.log_text()


def test_the_goodbye_is_said_before_zakim_leaves_a_no_outside_messages_channel(
    agendum_factory: BotFactory, irc_client_factory: ClientFactory, sqlite_url: str,
) -> None:
    alice = irc_client_factory("alice")
    alice.join(CHANNEL)  # first in: channel operator
    alice.raw(f"MODE {CHANNEL} +n")
    agendum_factory()
    wait_bots(alice)
    alice.say(CHANNEL, "Zakim, end meeting")
    goodbye = alice.wait_for(nick="Zakim", command="PRIVMSG", text="happy to have been of service",
                             timeout=10)
    alice.wait_for(nick="Zakim", command="PART", target=CHANNEL, timeout=10)
    assert goodbye.text.startswith("I am happy to have been of service, alice")

    time.sleep(0.5)  # the writer commits within milliseconds
    path = sqlite_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT kind, nick, text FROM events WHERE nick = 'Zakim' "
                          "ORDER BY id").fetchall()
    kinds = [(kind, text.split(",")[0]) for kind, _, text in rows]
    assert kinds.index(("message", "I am happy to have been of service")) \
        < kinds.index(("part", "")), rows


def _draft(alice: IrcTestClient) -> str:
    alice.say(CHANNEL, "RRSAgent, draft minutes")
    return alice.wait_for(nick="RRSAgent", command="PRIVMSG", text="generate", timeout=10).text


def test_a_publish_folder_that_cannot_be_written_is_said_in_the_channel(
    agendum_factory: BotFactory, irc_client_factory: ClientFactory,
) -> None:
    bot = agendum_factory()
    alice = joined(irc_client_factory, "alice")
    alice.say(CHANNEL, "Topic: budget")
    shutil.rmtree(bot.publish_dir, ignore_errors=True)
    bot.publish_dir.write_text("not a folder")  # someone put a file where the folder was

    said = _draft(alice)
    assert re.fullmatch(r"I could not generate https://example\.test/pub/\d{4}/\d\d/\d\d-"
                        r"meeting-minutes\.html, alice: the publish folder cannot be written "
                        r"\(not a directory\)", said), said
    alice.assert_no(nick="RRSAgent", text="I have made the request", within=1.0)
    errors = [ln for ln in bot.log_text().splitlines() if "could not publish" in ln]
    assert len(errors) == 1 and " ERROR " in errors[0] and str(bot.publish_dir) in errors[0]
    assert "Traceback" not in bot.log_text()

    bot.publish_dir.unlink()  # mended: the next request works, and the log was kept
    said = _draft(alice)
    assert said.startswith("I have made the request to generate https://example.test/pub/")
    (minutes,) = bot.publish_dir.glob("*/*/*-meeting-minutes.html")
    assert "budget" in minutes.read_text(encoding="utf-8")


def test_a_vital_task_that_dies_stops_the_daemon_with_status_1_and_says_why(
    agendum_factory: BotFactory,
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        bot = agendum_factory(web=f"in_run = true\nport = {port}\n")
        assert bot.proc is not None
        assert bot.proc.wait(30) == 1
    critical = [ln for ln in bot.log_text().splitlines() if " CRITICAL " in ln]
    assert len(critical) == 1, bot.log_text()[-3000:]
    assert re.search(r"the web server stopped: OSError: .*address already in use; agendum "
                     r"exits with status 1", critical[0]), critical[0]


def test_a_clean_stop_reads_as_one_line(
    agendum_factory: BotFactory, irc_client_factory: ClientFactory,
) -> None:
    bot = agendum_factory()
    alice = joined(irc_client_factory, "alice")
    alice.say(CHANNEL, "hello")
    time.sleep(0.5)
    before = len(bot.log_text().splitlines())
    assert bot.terminate() == 0
    stop = [ln for ln in bot.log_text().splitlines()[before:]
            if re.search(r" (INFO|WARNING|ERROR|CRITICAL) ", ln)]
    assert len(stop) == 1, stop
    assert re.search(r"INFO bot\.daemon: agendum stopped \(SIGTERM\): \d+ events stored, quit "
                     r"from IRC$", stop[0]), stop
