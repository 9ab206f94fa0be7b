"""SASL PLAIN and IRCv3 tags against a real network: InspIRCd 3 + Atheme 7 services.

agendum runs as a real process (``tests.support.daemon``); the network is started once
for the module (``tests.support.services``), each test uses its own channel and its own
agendum process.  Needs ``apt-get install inspircd atheme-services``: without them the
tests fail (not skip), so a CI that forgot the packages cannot go green.

One ``[irc]`` section means both personas log in with the same SASL credentials, so the
network must (and does) allow several sessions per account.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import signal
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.support.daemon import AgendumProcess
from tests.support.ircclient import IrcTestClient, ParsedLine
from tests.support.services import ServicesError, ServicesNetwork

pytestmark = pytest.mark.integration

ACCOUNT = "zakimacct"
PASSWORD = "correct-horse-battery-staple"
BOT_JOIN = 20.0
BotFactory = Callable[..., AgendumProcess]
ClientFactory = Callable[..., IrcTestClient]


# -- fixtures ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def services(services_network: ServicesNetwork) -> ServicesNetwork:
    """The module's network, with the account ACCOUNT registered."""
    try:
        services_network.register(ACCOUNT, PASSWORD)
    except ServicesError as e:
        pytest.fail(str(e), pytrace=False)
    return services_network


@pytest.fixture
def agendum(services: ServicesNetwork, tmp_path: Path, channel: str
            ) -> Iterator[BotFactory]:
    started: list[AgendumProcess] = []

    def make(*, sasl: tuple[str, str] | None = None) -> AgendumProcess:
        extra = ""
        if sasl is not None:
            extra = f'sasl_username = "{sasl[0]}"\nsasl_password = "{sasl[1]}"\n'
        proc = AgendumProcess(
            tmp_path / f"bot{len(started)}",
            irc_port=services.port,
            db_url=f"sqlite:///{tmp_path / f'agendum{len(started)}.db'}",
            channels=[channel],
            extra=extra,
        )
        started.append(proc.start())
        return proc

    yield make
    for proc in started:
        proc.stop()


@pytest.fixture
def client(services: ServicesNetwork, request: pytest.FixtureRequest
           ) -> Iterator[ClientFactory]:
    """``client(nick, caps=())`` -> IrcTestClient registered on the services network."""
    clients: list[IrcTestClient] = []
    counter = itertools.count(1)

    def make(nick: str | None = None, caps: tuple[str, ...] = ()) -> IrcTestClient:
        c = IrcTestClient(services.host, services.port, nick or f"tester{next(counter)}")
        clients.append(c)
        c.connect()
        if caps:  # CAP REQ after registration: allowed by CAP 302, done by InspIRCd
            c.raw("CAP REQ :" + " ".join(caps))
            ack = c.wait_for(command="CAP", timeout=5)
            assert ack.params[1] == "ACK", ack.raw
            assert set(ack.text.split()) == set(caps), ack.raw
        return c

    yield make
    for c in clients:
        with contextlib.suppress(Exception):
            c.quit(timeout=1.0)
    if getattr(request.node, "_rep_call", None) is None or request.node._rep_call.failed:
        print(f"\n--- {services!r} ---\n{services.log_text(tail=40)}")


# -- helpers ----------------------------------------------------------------------------


def wait_bots(c: IrcTestClient, channel: str,
              nicks: tuple[str, ...] = ("Zakim", "RRSAgent")) -> None:
    c.wait_names(channel, lambda names: {n.lower() for n in nicks} <= {x.lower() for x in names},
                 timeout=BOT_JOIN)


def whois_account(c: IrcTestClient, nick: str) -> str | None:
    """The account of ``nick`` per WHOIS (numeric 330), or None when not logged in."""
    c.drain()
    c.raw(f"WHOIS {nick}")
    account = None
    while True:
        ln = c.wait_for(lambda ln: ln.command in ("330", "318", "401")
                        and len(ln.params) > 1 and ln.params[1].lower() == nick.lower(),
                        timeout=5)
        if ln.command == "330":
            assert ln.text == "is logged in as", ln.raw
            account = ln.params[2]
        elif ln.command == "401":
            raise AssertionError(f"WHOIS {nick}: {ln.raw}")
        else:
            return account


def db_rows(bot: AgendumProcess, sql: str, *args: object) -> list[tuple[object, ...]]:
    path = bot.db_url.removeprefix("sqlite:///")
    if not Path(path).exists():
        return []
    with contextlib.closing(sqlite3.connect(path, timeout=5)) as db:
        try:
            return db.execute(sql, args).fetchall()
        except sqlite3.OperationalError:  # table not created yet
            return []


def wait_rows(bot: AgendumProcess, sql: str, *args: object, count: int = 1,
              timeout: float = 10.0) -> list[tuple[object, ...]]:
    deadline = time.monotonic() + timeout
    while True:
        rows = db_rows(bot, sql, *args)
        if len(rows) >= count or time.monotonic() >= deadline:
            return rows
        time.sleep(0.05)


def server_time(line: ParsedLine) -> datetime:
    """The ``time`` tag of ``line`` as naive UTC (how the events table stores ``ts``)."""
    assert "time" in line.tags, f"no server-time tag: {line.raw}"
    return datetime.fromisoformat(line.tags["time"]).astimezone(UTC).replace(tzinfo=None)


# -- tests ------------------------------------------------------------------------------


def test_both_personas_log_in_with_sasl_plain(
    services: ServicesNetwork, agendum: BotFactory, client: ClientFactory, channel: str
) -> None:
    bot = agendum(sasl=(ACCOUNT, PASSWORD))
    bot.wait_log("Zakim: SASL login succeeded")
    bot.wait_log("RRSAgent: SASL login succeeded")
    alice = client("alice", caps=("account-tag",))
    alice.join(channel)
    wait_bots(alice, channel)
    assert whois_account(alice, "Zakim") == ACCOUNT
    assert whois_account(alice, "RRSAgent") == ACCOUNT
    assert whois_account(alice, "alice") is None
    alice.say(channel, "Zakim, q?")
    reply = alice.wait_for(nick="Zakim", command="PRIVMSG", text="no one", timeout=5)
    assert reply.tags.get("account") == ACCOUNT  # account-tag: the server vouches for it
    assert "SASL login failed" not in bot.log_text()


def test_wrong_sasl_password_still_connects_and_answers(
    services: ServicesNetwork, agendum: BotFactory, client: ClientFactory, channel: str
) -> None:
    bot = agendum(sasl=(ACCOUNT, "not the password"))
    bot.wait_log("Zakim: SASL login failed")
    bot.wait_log("RRSAgent: SASL login failed")
    alice = client("alice")
    alice.join(channel)
    wait_bots(alice, channel)  # 904, CAP END, registered and joined all the same
    alice.say(channel, "Zakim, q?")
    alice.wait_for(nick="Zakim", command="PRIVMSG", text="no one", timeout=5)
    assert whois_account(alice, "Zakim") is None
    assert whois_account(alice, "RRSAgent") is None
    assert "SASL login succeeded" not in bot.log_text()


def test_event_time_and_msgid_come_from_the_server(
    services: ServicesNetwork, agendum: BotFactory, client: ClientFactory, channel: str
) -> None:
    bot = agendum(sasl=(ACCOUNT, PASSWORD))
    alice = client("alice", caps=("server-time", "message-tags", "echo-message"))
    alice.join(channel)
    wait_bots(alice, channel)
    # Server and bot share a clock, so a bot that stamped lines on receipt would pass a
    # naive check.  Freeze the bot while the lines are sent: it reads them a second later,
    # and only the server's time tag can give the right timestamp.
    assert bot.proc is not None
    said: list[ParsedLine] = []
    os.kill(bot.proc.pid, signal.SIGSTOP)
    try:
        for i in range(3):
            text = f"timestamp probe {i} {uuid.uuid4().hex}"
            alice.say(channel, text)
            said.append(alice.wait_for(nick="alice", command="PRIVMSG", text=text, timeout=5))
        time.sleep(1.0)
    finally:
        os.kill(bot.proc.pid, signal.SIGCONT)
    resumed = datetime.now(UTC).replace(tzinfo=None)
    for echo in said:
        assert resumed - server_time(echo) > timedelta(milliseconds=900)
        assert echo.tags.get("msgid"), echo.raw
        rows = wait_rows(bot, "SELECT ts, msgid, kind, nick FROM events WHERE text = ?",
                         echo.text)
        assert len(rows) == 1, rows
        ts, msgid, kind, nick = rows[0]
        assert (kind, nick) == ("message", "alice")
        stored = datetime.fromisoformat(str(ts))
        assert stored.tzinfo is None  # naive UTC
        assert abs(stored - server_time(echo)) <= timedelta(milliseconds=1), (ts, echo.raw)
        assert msgid == echo.tags["msgid"]


def test_each_channel_line_is_stored_once_with_msgid(
    services: ServicesNetwork, agendum: BotFactory, client: ClientFactory, channel: str
) -> None:
    bot = agendum(sasl=(ACCOUNT, PASSWORD))
    alice = client("alice", caps=("server-time", "message-tags", "echo-message"))
    bob = client("bob")
    alice.join(channel)
    bob.join(channel)
    wait_bots(alice, channel)
    tag = uuid.uuid4().hex[:8]
    lines = [f"line {n} {tag}" for n in range(20)]
    for text in lines:
        alice.say(channel, text)
        bob.say(channel, text)  # the same text from two people: two lines
    alice.say(channel, f"repeat {tag}")
    alice.say(channel, f"repeat {tag}")  # the same text twice: two lines (two msgids)
    alice.action(channel, f"waves {tag}")
    alice.say(channel, "Zakim, q?")
    alice.wait_for(nick="Zakim", command="PRIVMSG", text="no one", timeout=10)
    expected = 2 * len(lines) + 3
    rows = wait_rows(bot, "SELECT nick, text, msgid, kind FROM events WHERE text LIKE ?",
                     f"%{tag}", count=expected)
    time.sleep(0.5)  # late duplicates from the second persona's connection would land now
    rows = db_rows(bot, "SELECT nick, text, msgid, kind FROM events WHERE text LIKE ?",
                   f"%{tag}")
    got = sorted((str(n), str(t)) for n, t, _, _ in rows)
    want = sorted([("alice", t) for t in lines] + [("bob", t) for t in lines]
                  + [("alice", f"repeat {tag}")] * 2 + [("alice", f"waves {tag}")])
    assert got == want
    msgids = [m for _, _, m, _ in rows]
    assert all(msgids) and len(set(msgids)) == len(msgids)
    kinds = {str(t): k for _, t, _, k in rows}
    assert kinds[f"waves {tag}"] == "action"
    # the echoes alice saw carry the same msgids as the stored rows
    echoed = {ln.tags.get("msgid") for ln in alice.lines
              if ln.command == "PRIVMSG" and ln.prefix_nick == "alice" and tag in ln.text}
    assert echoed == {m for n, _, m, _ in rows if n == "alice"}
    # and nothing was stored twice, in the whole table
    dupes = db_rows(bot, "SELECT msgid, count(*) FROM events WHERE msgid IS NOT NULL "
                         "GROUP BY msgid HAVING count(*) > 1")
    assert dupes == []


def test_unanswered_sasl_gives_up_and_registers(
    services: ServicesNetwork, agendum: BotFactory, client: ClientFactory, channel: str
) -> None:
    alice = client("alice")
    alice.join(channel)
    with services.services_stalled():
        bot = agendum(sasl=(ACCOUNT, PASSWORD))
        alice.wait_for(command="JOIN", nick="Zakim", target=channel, timeout=20)
    bot.wait_log("Zakim: registered as")


@pytest.fixture
def late_services(tmp_path: Path) -> Iterator[ServicesNetwork]:
    """A fresh InspIRCd whose services have not linked yet; ACCOUNT is in Atheme's database.

    InspIRCd announces ``sasl`` (CAP NEW) when it learns the mechanisms from services, so
    it must not have met them before: the account is registered on a first network sharing
    the work dir (and so Atheme's database), which is then stopped.
    """
    workdir = tmp_path / "services"
    first, net = ServicesNetwork(workdir=workdir), ServicesNetwork(workdir=workdir)
    error = None
    try:
        first.start()
        first.register(ACCOUNT, PASSWORD)
        first.stop()  # Atheme saves its database on the way out
        net.start(services=False)
    except ServicesError as e:
        error = str(e)
    if error is not None:
        first.stop()
        net.stop()
        pytest.fail(error, pytrace=False)
    try:
        yield net
    finally:
        net.stop()


def test_sasl_logs_in_when_services_come_back_without_reconnecting(
    late_services: ServicesNetwork, tmp_path: Path
) -> None:
    net, channel = late_services, "#services-come-back"
    bot = AgendumProcess(tmp_path / "bot", irc_port=net.port, channels=[channel],
                         db_url=f"sqlite:///{tmp_path / 'agendum.db'}",
                         extra=f'sasl_username = "{ACCOUNT}"\nsasl_password = "{PASSWORD}"\n')
    alice = IrcTestClient(net.host, net.port, "alice")
    try:
        bot.start()
        alice.connect()
        alice.join(channel)
        wait_bots(alice, channel)
        assert whois_account(alice, "Zakim") is None, "logged in while services were down?"
        assert "SASL login" not in bot.log_text()

        net.start_services()
        for nick in ("Zakim", "RRSAgent"):
            bot.wait_log(f"{nick}: SASL offered again (CAP NEW); logging in", timeout=30)
            bot.wait_log(f"{nick}: SASL login succeeded", timeout=30)
        assert whois_account(alice, "Zakim") == ACCOUNT
        assert whois_account(alice, "RRSAgent") == ACCOUNT
        log = bot.log_text()
        for nick in ("Zakim", "RRSAgent"):  # the same connection: registered once, not again
            assert log.count(f"{nick}: registered as") == 1, log[-3000:]
        assert "retrying in" not in log, log[-3000:]
        alice.say(channel, "Zakim, q?")
        reply = alice.wait_for(nick="Zakim", command="PRIVMSG", text="no one", timeout=10)
        assert reply.command == "PRIVMSG"
    finally:
        with contextlib.suppress(Exception):
            alice.quit(timeout=1.0)
        bot.stop()
        print(f"\n--- {net!r} ---\n{net.log_text(tail=40)}")  # shown if the test fails


def test_sasl_logs_in_when_services_relink_without_telling(tmp_path: Path) -> None:
    """InspIRCd 3 sends no CAP NEW when services relink: the bot's own CAP LS finds sasl."""
    net = ServicesNetwork(workdir=tmp_path / "services")
    channel = "#services-relink"
    bot = AgendumProcess(tmp_path / "bot", irc_port=net.port, channels=[channel],
                         db_url=f"sqlite:///{tmp_path / 'agendum.db'}",
                         extra=f'sasl_username = "{ACCOUNT}"\nsasl_password = "{PASSWORD}"\n'
                               "sasl_recheck_interval = 1.0\n")
    alice = IrcTestClient(net.host, net.port, "alice")
    try:
        try:
            net.start()
            net.register(ACCOUNT, PASSWORD)
            net.stop_services()  # a split: InspIRCd keeps what it knew of them
        except ServicesError as e:
            pytest.fail(str(e), pytrace=False)
        bot.start()
        alice.connect()
        alice.join(channel)
        wait_bots(alice, channel)
        assert whois_account(alice, "Zakim") is None, "logged in while services were down?"

        net.start_services()
        for nick in ("Zakim", "RRSAgent"):
            bot.wait_log(f"{nick}: SASL offered again (CAP LS); logging in", timeout=30)
            bot.wait_log(f"{nick}: SASL login succeeded", timeout=30)
        assert whois_account(alice, "Zakim") == ACCOUNT
        log = bot.log_text()
        for nick in ("Zakim", "RRSAgent"):  # the same connection: registered once, not again
            assert log.count(f"{nick}: registered as") == 1, log[-3000:]
        assert "retrying in" not in log, log[-3000:]
    finally:
        with contextlib.suppress(Exception):
            alice.quit(timeout=1.0)
        bot.stop()
        print(f"\n--- {net!r} ---\n{net.log_text(tail=40)}")  # shown if the test fails
        net.stop()
