"""The client side of IRCv3 ``draft/chathistory``: after a ``kill -9`` and a restart, agendum
asks ``CHATHISTORY AFTER <channel> msgid=<last stored line's msgid>`` and pages through the
answer, storing each missed line once with its original time, and routing it without
answering; where the server's window no longer reaches back, a gap event says so.

No packaged server offers ``draft/chathistory`` here (ngIRCd has none; InspIRCd 3 only
replays on join, see test_history.py), so the server is a small scripted one,
``tests.support.chathistory_server``, that speaks the spec's messages (CAP LS with
``draft/chathistory``, ``batch``, ``server-time``, ``msgid``, ``CHATHISTORY`` answers in a
``chathistory`` batch). agendum runs as a real process on SQLite.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.support.chathistory_server import ChathistoryServer
from tests.support.daemon import AgendumProcess
from tests.support.ircclient import IrcTestClient

pytestmark = pytest.mark.integration

CHANNEL = "#history"
SETTLED = "missed lines recovered from history"


@pytest.fixture
def server() -> Iterator[ChathistoryServer]:
    with ChathistoryServer(limit=10, keep=40) as srv:
        yield srv


@pytest.fixture
def bot(server: ChathistoryServer, tmp_path: Path) -> Iterator[AgendumProcess]:
    proc = AgendumProcess(tmp_path / "bot", irc_port=server.port,
                          db_url=f"sqlite:///{tmp_path / 'agendum.db'}", channels=[CHANNEL])
    yield proc.start()
    proc.stop()


@pytest.fixture
def alice(server: ChathistoryServer) -> Iterator[IrcTestClient]:
    c = IrcTestClient(server.host, server.port, "alice").connect()
    c.join(CHANNEL)
    yield c
    with contextlib.suppress(Exception):
        c.quit(timeout=1.0)


def rows(bot: AgendumProcess, sql: str, *args: object) -> list[tuple[object, ...]]:
    path = bot.db_url.removeprefix("sqlite:///")
    with contextlib.closing(sqlite3.connect(path, timeout=5)) as db:
        return db.execute(sql, args).fetchall()


def wait_bots(c: IrcTestClient) -> None:
    c.wait_names(CHANNEL, lambda names: {"zakim", "rrsagent"} <= {n.lower() for n in names},
                 timeout=30)


def crash_and_talk(bot: AgendumProcess, alice: IrcTestClient, texts: list[str]
                   ) -> dict[str, datetime]:
    """kill -9 the bot, say ``texts`` while it is away, start it again; the server's time of
    each line (the scripted server stamps the moment it relays)."""
    bot.kill()
    time.sleep(0.5)
    said = {}
    for text in texts:
        alice.say(CHANNEL, text)
        said[text] = datetime.now(UTC).replace(tzinfo=None)
        time.sleep(0.005)
    bot.start()
    bot.wait_log(SETTLED, timeout=30)
    return said


def test_missed_lines_are_fetched_page_by_page_and_stored_once(
    server: ChathistoryServer, bot: AgendumProcess, alice: IrcTestClient
) -> None:
    wait_bots(alice)
    alice.say(CHANNEL, "q+")
    alice.say(CHANNEL, "Zakim, q?")
    alice.wait_for(nick="Zakim", text="I see alice on the speaker queue", timeout=10)
    tag = uuid.uuid4().hex[:8]
    texts = [f"away {n} {tag}" for n in range(25)]
    said = crash_and_talk(bot, alice, [*texts[:12], "Zakim, q+ bob", "Zakim, q?", *texts[12:]])

    asked = [r for r in server.requests if r.startswith("AFTER")]
    assert asked[0].startswith(f"AFTER {CHANNEL} msgid="), server.requests  # the last stored
    assert len(asked) >= 3, f"27 lines at 10 a page need 3 requests: {server.requests}"
    stored = {str(t): (n, datetime.fromisoformat(str(ts))) for t, n, ts in rows(
        bot, "SELECT text, count(*), min(ts) FROM events WHERE text LIKE ? GROUP BY text",
        f"% {tag}")}
    assert sorted(stored) == sorted(texts)
    assert all(n == 1 for n, _ in stored.values()), stored
    for text, (_, when) in stored.items():  # the server's time, not the bot's return
        assert abs((when - said[text]).total_seconds()) < 0.5, (text, when, said[text])
    assert rows(bot, "SELECT count(*) FROM events WHERE text = 'q+'") == [(1,)]
    assert rows(bot, "SELECT count(*) FROM events WHERE kind = 'gap'") == [(0,)]
    alice.assert_no(nick="Zakim", text="speaker queue", within=2.0)  # history: no reply
    alice.say(CHANNEL, "Zakim, q?")
    alice.wait_for(nick="Zakim", text="I see alice, bob on the speaker queue", timeout=10)


def test_lines_gone_from_the_servers_window_are_a_gap(
    server: ChathistoryServer, bot: AgendumProcess, alice: IrcTestClient
) -> None:
    wait_bots(alice)
    alice.say(CHANNEL, "before the crash")
    alice.say(CHANNEL, "Zakim, q?")
    alice.wait_for(nick="Zakim", text="speaker queue", timeout=10)
    tag = uuid.uuid4().hex[:8]
    texts = [f"away {n} {tag}" for n in range(60)]  # the server keeps the last 40
    crash_and_talk(bot, alice, texts)
    stored = [str(t) for t, in rows(bot, "SELECT text FROM events WHERE text LIKE ? "
                                         "ORDER BY id", f"% {tag}")]
    # The window holds the last 40 lines; the bots' own lines on return may push a few out.
    assert len(stored) >= 35 and stored == texts[-len(stored):], stored
    gaps = [str(t) for t, in rows(bot, "SELECT text FROM events WHERE kind = 'gap'")]
    assert len(gaps) == 1 and gaps[0].startswith("agendum was away from "), gaps
