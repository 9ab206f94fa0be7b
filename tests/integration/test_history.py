"""Nothing missed: after a ``kill -9`` and a restart, what was said meanwhile comes back from
the server's history, is stored once with its original time, and moves the meeting on as
if the bot had never been away, without answering old commands; what no history covers is
stored as a gap event that the log, the minutes and ``RRSAgent, where am I?`` report.

Real parts: InspIRCd with its ``chanhistory`` module (mode ``+H lines:time``: the channel's
last lines replayed on join, in a ``chathistory`` batch with ``server-time`` and ``msgid``),
agendum as a real process, SQLite. Needs ``apt-get install inspircd atheme-services``.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.support.daemon import AgendumProcess
from tests.support.ircclient import IrcTestClient, ParsedLine
from tests.support.services import OPER_PASSWORD, ServicesNetwork

pytestmark = pytest.mark.integration

BOT_JOIN = 30.0
SETTLED = "missed lines recovered from history"
CAPS = ("server-time", "message-tags", "echo-message")
ClientFactory = Callable[..., IrcTestClient]
BotFactory = Callable[..., AgendumProcess]


@pytest.fixture
def client(services_network: ServicesNetwork) -> Iterator[ClientFactory]:
    """``client(nick)``: registered, with server-time, msgids and its own lines echoed."""
    clients: list[IrcTestClient] = []

    def make(nick: str) -> IrcTestClient:
        c = IrcTestClient(services_network.host, services_network.port, nick)
        clients.append(c)
        c.connect()
        c.raw("CAP REQ :" + " ".join(CAPS))
        c.wait_for(command="CAP", text="server-time", timeout=10)
        return c

    yield make
    for c in clients:
        with contextlib.suppress(Exception):
            c.quit(timeout=1.0)


@pytest.fixture
def agendum(services_network: ServicesNetwork, tmp_path: Path,
            channel: str) -> Iterator[BotFactory]:
    started: list[AgendumProcess] = []

    def make(zakim: str = "Zakim", rrsagent: str = "RRSAgent") -> AgendumProcess:
        proc = AgendumProcess(tmp_path / f"{zakim}-bot", irc_port=services_network.port,
                              db_url=f"sqlite:///{tmp_path / f'{zakim}.db'}",
                              channels=[channel], zakim=zakim, rrsagent=rrsagent)
        started.append(proc.start())
        return proc

    yield make
    for proc in started:
        proc.stop()


def rows(bot: AgendumProcess, sql: str, *args: object) -> list[tuple[object, ...]]:
    path = bot.db_url.removeprefix("sqlite:///")
    with contextlib.closing(sqlite3.connect(path, timeout=5)) as db:
        return db.execute(sql, args).fetchall()


def stamp(line: ParsedLine) -> datetime:
    return datetime.fromisoformat(line.tags["time"]).astimezone(UTC).replace(tzinfo=None)


def stored_time(value: object) -> datetime:
    return datetime.fromisoformat(str(value))


def wait_bots(c: IrcTestClient, channel: str, *nicks: str) -> None:
    c.wait_names(channel, lambda names: {n.lower() for n in nicks} <= {x.lower() for x in names},
                 timeout=BOT_JOIN)


def said(c: IrcTestClient, channel: str, text: str) -> ParsedLine:
    """Say ``text`` and return the server's echo (its time and msgid)."""
    c.say(channel, text)
    return c.wait_for(nick=c.nick, command="PRIVMSG", text=re.escape(text) + "$", timeout=10)


def echoes(c: IrcTestClient, tag: str) -> list[ParsedLine]:
    return [ln for ln in c.messages(nick=c.nick) if ln.command == "PRIVMSG" and tag in ln.text]


def test_a_bot_killed_during_a_burst_stores_every_kept_line_once_and_the_same_queue(
    agendum: BotFactory, client: ClientFactory, channel: str
) -> None:
    chair = client("chair")
    chair.join(channel)
    chair.raw(f"MODE {channel} +H 5000:1h")
    chair.wait_for(command="MODE", text=None, timeout=10)
    bot = agendum()
    witness = agendum("Zakim2", "RRSAgent2")  # never crashes: the queue it keeps is the truth
    wait_bots(chair, channel, "Zakim", "RRSAgent", "Zakim2", "RRSAgent2")
    speakers = [client(f"speaker{i}") for i in range(5)]
    for s in speakers:
        s.join(channel)
    said(speakers[0], channel, "q+")
    tag = uuid.uuid4().hex[:8]
    per_speaker = 300

    def burst(s: IrcTestClient) -> None:
        for n in range(per_speaker):
            s.say(channel, f"burst {s.nick} {n} {tag}")

    threads = [threading.Thread(target=burst, args=(s,)) for s in speakers]
    for t in threads:
        t.start()
    time.sleep(0.25)
    bot.kill()  # kill -9 in the middle of the burst
    for t in threads:
        t.join(30)
    # While no bot of ours is there: commands that must count, and one that must not be
    # answered when the bot is back.
    said(speakers[1], channel, "q+")
    said(speakers[2], channel, "q+ to ask about the burst")
    said(speakers[3], channel, "Zakim, q?")
    chair.say(channel, "Zakim2, q?")
    chair.wait_for(nick="Zakim2", text="speaker0, speaker1, speaker2", timeout=10)
    time.sleep(1.0)
    chair.drain()
    heard = rows(bot, "SELECT count(*) FROM events WHERE text LIKE ?", f"% {tag}")[0][0]
    bot.start()
    bot.wait_log(SETTLED, timeout=BOT_JOIN)
    print(f"stored before the restart: {heard} of {5 * per_speaker} burst lines; "
          + next(ln for ln in bot.log_text().splitlines() if SETTLED in ln))

    sent = [ln for s in speakers for ln in echoes(s, tag)]
    assert len(sent) == 5 * per_speaker, f"the server echoed {len(sent)} burst lines"
    got = {str(m): (stored_time(ts), n) for m, ts, n in rows(
        bot, "SELECT msgid, ts, count(*) FROM events WHERE text LIKE ? GROUP BY msgid",
        f"% {tag}")}
    missing = [ln.text for ln in sent if ln.tags["msgid"] not in got]
    assert not missing, f"{len(missing)} of {len(sent)} burst lines not stored: {missing[:3]}"
    twice = {m: n for m, (_, n) in got.items() if n != 1}
    assert not twice, f"{len(twice)} burst lines stored more than once"
    for ln in sent:  # the server's time; a replayed line's only to the second
        when, _ = got[ln.tags["msgid"]]
        assert abs(when - stamp(ln)) < timedelta(seconds=1), (ln.raw, when)
    assert rows(bot, "SELECT text FROM events WHERE kind = 'gap'") == []
    duplicates = rows(bot, "SELECT msgid FROM events WHERE msgid IS NOT NULL "
                           "GROUP BY msgid HAVING count(*) > 1")
    assert duplicates == [], f"{len(duplicates)} lines stored twice"

    chair.assert_no(nick="Zakim", text="speaker queue", within=2.0)  # no reply to history
    chair.say(channel, "Zakim2, q?")
    truth = chair.wait_for(nick="Zakim2", text="speaker queue", timeout=10).text
    chair.say(channel, "Zakim, q?")
    queue = chair.wait_for(nick="Zakim", text="speaker queue", timeout=10).text
    assert queue == truth == "I see speaker0, speaker1, speaker2 on the speaker queue"
    assert "Traceback" not in bot.log_text()
    assert witness.alive()


def test_lines_older_than_the_history_window_are_reported_as_a_gap(
    agendum: BotFactory, client: ClientFactory, channel: str
) -> None:
    chair = client("chair")
    chair.join(channel)
    chair.raw(f"MODE {channel} +H 20:1h")
    chair.wait_for(command="MODE", timeout=10)
    bot = agendum()
    wait_bots(chair, channel, "Zakim", "RRSAgent")
    before = said(chair, channel, "Meeting: gap test")
    time.sleep(0.5)
    bot.kill()
    time.sleep(1.5)  # replayed lines carry whole seconds: keep the hole's edges apart
    tag = uuid.uuid4().hex[:8]
    away = [said(chair, channel, f"while away {n} {tag}") for n in range(50)]
    bot.start()
    bot.wait_log(SETTLED, timeout=BOT_JOIN)

    texts = {str(t): n for t, n in rows(
        bot, "SELECT text, count(*) FROM events WHERE text LIKE ? GROUP BY text", f"% {tag}")}
    kept, lost = away[-20:], away[:-20]  # +H 20: the server kept the last 20
    assert {ln.text: 1 for ln in kept} == texts, texts
    gaps = rows(bot, "SELECT ts, nick, text FROM events WHERE kind = 'gap'")
    assert len(gaps) == 1, gaps
    ts, nick, text = gaps[0]
    start, end = stamp(before), stamp(kept[0]).replace(microsecond=0)
    assert nick == "RRSAgent"
    assert stored_time(ts) >= start, (ts, before.raw)
    assert str(text) == (f"agendum was away from {stored_time(ts):%H:%M:%S} to {end:%H:%M:%S} "
                         "UTC; lines in between may be missing")
    assert stamp(lost[-1]) >= stored_time(ts)

    chair.say(channel, "RRSAgent, where am I?")
    chair.wait_for(nick="RRSAgent", text="^See ", timeout=10)
    chair.wait_for(nick="RRSAgent", text=re.escape(f"This log may miss lines: {text}"),
                   timeout=10)
    chair.say(channel, "RRSAgent, draft minutes")
    chair.wait_for(nick="RRSAgent", text="I have made the request to generate", timeout=20)
    log_file = next(bot.publish_dir.rglob("*-irc.txt")).read_text()
    assert f"<RRSAgent> {text}\n" in log_file
    lines = log_file.splitlines()
    assert lines.index(f"{stored_time(ts):%H:%M:%S} <RRSAgent> {text}") < next(
        i for i, ln in enumerate(lines) if kept[0].text in ln), "the gap is not in its place"
    minutes = next(bot.publish_dir.rglob("*-minutes.html")).read_text()
    diagnostics = minutes[minutes.index("Diagnostics"):]
    assert str(text) in diagnostics


def test_a_reconnect_recovers_what_was_said_while_the_connections_were_down(
    agendum: BotFactory, client: ClientFactory, channel: str
) -> None:
    chair = client("chair")
    chair.join(channel)
    chair.raw(f"MODE {channel} +H 500:1h")
    chair.wait_for(command="MODE", timeout=10)
    bot = agendum()
    wait_bots(chair, channel, "Zakim", "RRSAgent")
    said(chair, channel, "q+")
    oper = client("oper")
    oper.join(channel)
    oper.raw(f"OPER tester {OPER_PASSWORD}")
    oper.wait_for(command="381", timeout=10)  # you are now an IRC operator
    oper.raw("KILL Zakim,RRSAgent,gb :testing a reconnect")
    tag = uuid.uuid4().hex[:8]
    away = [said(chair, channel, f"while reconnecting {n} {tag}") for n in range(20)]
    away.append(said(oper, channel, "q+"))
    bot.wait_log(SETTLED, timeout=BOT_JOIN)
    assert bot.alive()
    recovered = re.search(r"(\d+) missed lines recovered", bot.log_text())
    assert recovered and int(recovered[1]) > 0, "nothing was said while the bot was away"
    texts = {str(t): n for t, n in rows(
        bot, "SELECT text, count(*) FROM events WHERE text LIKE ? GROUP BY text", f"% {tag}")}
    assert texts == {ln.text: 1 for ln in away[:-1]}
    assert rows(bot, "SELECT count(*) FROM events WHERE kind = 'gap'") == [(0,)]
    chair.say(channel, "Zakim, q?")
    chair.wait_for(nick="Zakim", text="I see chair, oper on the speaker queue", timeout=10)
