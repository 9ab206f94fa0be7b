"""Nothing missed behind a bouncer: agendum connects to a real ZNC, which sits in the channel
on a real ngIRCd. After a ``kill -9`` during a burst and a restart, ZNC plays its channel
buffer back (``server-time``, ``znc.in/playback`` batch); every line in it is stored once,
with ZNC's time, and the queue is what a bot that never crashed has.

ZNC keeps the buffer with ``AutoClearChanBuffer = false`` (what the README recommends), so
the playback overlaps what is stored and even the lines the bot had read but not yet
committed when it was killed come back. Needs ``apt-get install znc ngircd``.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.support.daemon import AgendumProcess
from tests.support.ircclient import IrcTestClient
from tests.support.ircd import IrcServer
from tests.support.live import CHANNEL, ClientFactory, wait_bots
from tests.support.znc import Znc, available

pytestmark = pytest.mark.integration

PASSWORD = "bouncer-secret"
SETTLED = "missed lines recovered from history"


@pytest.fixture
def znc(ircd: IrcServer) -> Iterator[Znc]:
    if not available():
        pytest.fail("ZNC is needed: apt-get install znc", pytrace=False)
    bouncer = Znc(ircd.port, CHANNEL, {"zakim": "Zakim", "rrsagent": "RRSAgent", "gb": "gb"},
                  password=PASSWORD, buffer=5000, auto_clear=False)
    with bouncer:
        yield bouncer


def rows(bot: AgendumProcess, sql: str, *args: object) -> list[tuple[object, ...]]:
    path = bot.db_url.removeprefix("sqlite:///")
    with contextlib.closing(sqlite3.connect(path, timeout=5)) as db:
        return db.execute(sql, args).fetchall()


def test_a_bot_behind_znc_killed_during_a_burst_misses_nothing(
    znc: Znc, ircd: IrcServer, tmp_path: Path, irc_client_factory: ClientFactory
) -> None:
    bot = AgendumProcess(tmp_path / "bot", irc_port=znc.port,
                         db_url=f"sqlite:///{tmp_path / 'agendum.db'}", channels=[CHANNEL],
                         extra=f'password = "{PASSWORD}"')
    witness = AgendumProcess(tmp_path / "witness", irc_port=ircd.port,
                             db_url=f"sqlite:///{tmp_path / 'witness.db'}", channels=[CHANNEL],
                             zakim="Zakim2", rrsagent="RRSAgent2", bot_extra='gb_nick = "gb2"')
    bot.start()
    witness.start()
    try:
        chair = irc_client_factory("chair")
        chair.join(CHANNEL)
        wait_bots(chair, CHANNEL, ("Zakim", "RRSAgent", "Zakim2", "RRSAgent2"), timeout=30)
        bot.wait_log("Zakim: registered as")
        speakers = [irc_client_factory(f"speaker{i}") for i in range(5)]
        for s in speakers:
            s.join(CHANNEL)
        speakers[0].say(CHANNEL, "q+")
        chair.say(CHANNEL, "Zakim, q?")
        chair.wait_for(nick="Zakim", text="I see speaker0 on the speaker queue", timeout=10)
        tag = uuid.uuid4().hex[:8]
        per_speaker = 300
        # whole seconds: ZNC's server-time has milliseconds at best, and the check below is
        # only that no line carries the restart's time
        started = datetime.now(UTC).replace(tzinfo=None, microsecond=0)

        def burst(s: IrcTestClient) -> None:
            for n in range(per_speaker):
                s.say(CHANNEL, f"burst {s.nick} {n} {tag}")

        threads = [threading.Thread(target=burst, args=(s,)) for s in speakers]
        for t in threads:
            t.start()
        time.sleep(0.25)
        bot.kill()
        for t in threads:
            t.join(30)
        speakers[1].say(CHANNEL, "q+")
        speakers[2].say(CHANNEL, "q+ to ask about the burst")
        speakers[3].say(CHANNEL, "Zakim, q?")  # old by the time the bot is back: no answer
        # ngIRCd's flood control may still hold a speaker's burst: ask once the server has
        # relayed the last line, or the witness is rightly asked before speaker2's q+
        chair.wait_for(nick="speaker3", text="Zakim, q?", timeout=30)
        chair.say(CHANNEL, "Zakim2, q?")
        chair.wait_for(nick="Zakim2", text="speaker0, speaker1, speaker2", timeout=20)
        heard = rows(bot, "SELECT count(*) FROM events WHERE text LIKE ?", f"% {tag}")[0][0]
        chair.drain()
        restarted = datetime.now(UTC).replace(tzinfo=None)
        bot.start()
        bot.wait_log(SETTLED, timeout=40)
        print(f"stored before the restart: {heard} of {5 * per_speaker} burst lines; "
              + next(ln for ln in bot.log_text().splitlines() if SETTLED in ln))

        stored = rows(bot, "SELECT nick, text, count(*), min(ts) FROM events WHERE text LIKE ? "
                           "GROUP BY nick, text", f"% {tag}")
        sent = {(s.nick, f"burst {s.nick} {n} {tag}") for s in speakers
                for n in range(per_speaker)}
        got = {(str(nick), str(text)): (int(str(n)), datetime.fromisoformat(str(ts)))
               for nick, text, n, ts in stored}
        missing = sent - got.keys()
        assert not missing, f"{len(missing)} of {len(sent)} burst lines not stored"
        twice = [k for k, (n, _) in got.items() if n != 1]
        assert not twice, f"{len(twice)} burst lines stored more than once: {twice[:3]}"
        late = [k for k, (_, ts) in got.items() if not started <= ts < restarted]
        assert not late, f"{len(late)} lines stored with the restart's time, not ZNC's"
        assert rows(bot, "SELECT count(*) FROM events WHERE kind = 'gap'") == [(0,)]

        chair.assert_no(nick="Zakim", text="speaker queue", within=2.0)
        chair.say(CHANNEL, "Zakim2, q?")
        truth = chair.wait_for(nick="Zakim2", text="speaker queue", timeout=10).text
        chair.say(CHANNEL, "Zakim, q?")
        queue = chair.wait_for(nick="Zakim", text="speaker queue", timeout=10).text
        assert queue == truth == "I see speaker0, speaker1, speaker2 on the speaker queue"
        assert "Traceback" not in bot.log_text()
    finally:
        bot.stop()
        witness.stop()


def test_a_znc_that_clears_its_buffer_leaves_a_gap_event(
    ircd: IrcServer, tmp_path: Path, irc_client_factory: ClientFactory
) -> None:
    """ZNC's default, AutoClearChanBuffer = true: the playback holds only what was said since
    the bot left, so it cannot show that nothing is missing before it; the lines come back,
    and a gap event says lines may be missing."""
    nicks = {"zakim": "Zakim", "rrsagent": "RRSAgent", "gb": "gb"}
    with Znc(ircd.port, CHANNEL, nicks, password=PASSWORD, auto_clear=True) as znc:
        bot = AgendumProcess(tmp_path / "bot", irc_port=znc.port,
                             db_url=f"sqlite:///{tmp_path / 'agendum.db'}",
                             channels=[CHANNEL], extra=f'password = "{PASSWORD}"')
        bot.start()
        try:
            chair = irc_client_factory("chair")
            chair.join(CHANNEL)
            bot.wait_log("RRSAgent: registered as")
            chair.say(CHANNEL, "Zakim, q?")
            chair.wait_for(nick="Zakim", text="speaker queue", timeout=20)
            bot.kill()
            time.sleep(1.5)  # the lines below come well after the last one stored
            tag = uuid.uuid4().hex[:8]
            texts = [f"while away {n} {tag}" for n in range(5)]
            for text in texts:
                chair.say(CHANNEL, text)
            time.sleep(0.5)
            bot.start()
            bot.wait_log(SETTLED, timeout=40)
            stored = rows(bot, "SELECT text, count(*) FROM events WHERE text LIKE ? "
                               "GROUP BY text ORDER BY min(id)", f"% {tag}")
            assert stored == [(t, 1) for t in texts]
            gaps = [str(t) for t, in rows(bot, "SELECT text FROM events WHERE kind = 'gap'")]
            assert len(gaps) == 1 and gaps[0].endswith("lines in between may be missing"), gaps
        finally:
            bot.stop()
