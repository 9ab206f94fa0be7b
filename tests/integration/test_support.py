"""The test infrastructure itself, against real processes (IRC servers, PostgreSQL)."""

from __future__ import annotations

import socket
from collections.abc import Callable

import pytest
from sqlalchemy import create_engine, inspect, text

from tests.support import pg
from tests.support.ircclient import IrcConnectionClosed, IrcTestClient, IrcWaitTimeout, parse_line
from tests.support.ircd import KINDS, IrcServer, free_port

ClientFactory = Callable[..., IrcTestClient]


def test_parse_line() -> None:
    ln = parse_line(b"@time=x;a :alice!~a@127.0.0.1 PRIVMSG #chan :hello there :)")
    assert ln.tags == {"time": "x", "a": ""}
    assert ln.prefix_nick == "alice"
    assert ln.command == "PRIVMSG"
    assert ln.params == ["#chan", "hello there :)"]
    assert ln.target == "#chan"
    assert ln.text == "hello there :)"
    ln = parse_line(b":srv 001 bob :Welcome")
    assert (ln.prefix_nick, ln.command, ln.params) == ("srv", "001", ["bob", "Welcome"])
    assert parse_line(b"PING :abc").params == ["abc"]
    act = parse_line(b":a!b@c PRIVMSG #x :\x01ACTION waves\x01")
    assert act.is_action and act.action_text == "waves"
    assert parse_line(b":a!b@c PRIVMSG #x :caf\xe9").text == "caf\ufffd"


@pytest.mark.parametrize("kind", KINDS)
def test_two_clients_exchange_channel_messages(kind: str, ircd_factory: Callable[..., IrcServer],
                                               irc_client_factory: ClientFactory) -> None:
    srv = ircd_factory(kind)
    assert srv.kind == kind and srv.host == "127.0.0.1" and srv.pid
    alice = irc_client_factory("alice_with_a_long_nick", server=srv)
    bob = irc_client_factory("bob", server=srv)
    assert alice.nick == "alice_with_a_long_nick"  # MaxNickLength 30 on ngIRCd
    alice.join("#meeting")
    bob.join("#meeting")
    alice.wait_for(command="JOIN", nick="bob", target="#meeting")
    assert alice.names("#meeting") == {"alice_with_a_long_nick", "bob"}

    alice.say("#meeting", "hello bob")
    ln = bob.wait_for(command="PRIVMSG", nick="alice_with_a_long_nick", text="^hello bob$")
    assert ln.target == "#meeting"
    alice.action("#meeting", "waves")
    assert bob.wait_for(lambda ln: ln.is_action).action_text == "waves"
    alice.notice("#meeting", "a notice")
    bob.wait_for(r"NOTICE #meeting :a notice$")
    # no flood throttling: a burst arrives complete and in order
    for i in range(50):
        alice.say("#meeting", f"burst {i}")
    for i in range(50):
        assert bob.wait_for(command="PRIVMSG", text=r"^burst").text == f"burst {i}"
    bob.assert_no(command="PRIVMSG", within=0.2)

    bob.part("#meeting", "later")
    assert alice.wait_for(command="PART", nick="bob").text == "later"
    bob.join("#meeting")
    bob.quit("bye now")
    alice.wait_for(command="QUIT", nick="bob")
    assert bob.closed


def test_wait_for_consumes_lines_in_any_order(ircd: IrcServer,
                                              irc_client_factory: ClientFactory) -> None:
    a, b = irc_client_factory(), irc_client_factory()
    a.join("#x")
    b.join("#x")
    a.say("#x", "one")
    a.say("#x", "two")
    assert b.wait_for(command="PRIVMSG", text="^two$").text == "two"
    assert b.wait_for(command="PRIVMSG", text="^one$").text == "one"
    with pytest.raises(IrcWaitTimeout):
        b.wait_for(command="PRIVMSG", text="^one$", timeout=0.3)  # already consumed
    assert [m.text for m in b.messages("#x")] == ["one", "two"]


@pytest.mark.parametrize("how", ["restart", "kill"])
def test_restart_keeps_port_and_clients_reconnect(how: str, ircd: IrcServer,
                                                  irc_client_factory: ClientFactory) -> None:
    a, b = irc_client_factory("anna"), irc_client_factory("bert")
    a.join("#r")
    b.join("#r")
    port, pid = ircd.port, ircd.pid
    if how == "restart":
        ircd.restart()
    else:
        ircd.kill()
        with pytest.raises(OSError):
            socket.create_connection((ircd.host, port), timeout=1).close()
        ircd.start()
    assert ircd.port == port and ircd.pid != pid
    a.wait_closed(5)
    b.wait_closed(5)
    with pytest.raises(IrcConnectionClosed):
        a.wait_for(command="PRIVMSG", timeout=5)
    a.reconnect()
    b.reconnect()
    a.join("#r")
    b.join("#r")
    b.say("#r", "back again")
    a.wait_for(command="PRIVMSG", nick="bert", text="back again")


def test_invalid_utf8_is_relayed_and_harmless(ircd: IrcServer,
                                              irc_client_factory: ClientFactory) -> None:
    a, b = irc_client_factory("sender"), irc_client_factory("receiver")
    a.join("#u")
    b.join("#u")
    a.raw(b"PRIVMSG #u :caf\xe9 \xff\xfe broken \xc3")
    ln = b.wait_for(command="PRIVMSG", nick="sender")
    assert b"\xff\xfe broken" in ln.raw_bytes
    assert "\ufffd" in ln.text and "broken" in ln.text
    a.say("#u", "still alive: ünïcödé ✓")
    assert b.wait_for(command="PRIVMSG", nick="sender").text == "still alive: ünïcödé ✓"
    assert ircd.running


def test_tls_listener(ircd_factory: Callable[..., IrcServer],
                      irc_client_factory: ClientFactory) -> None:
    srv = ircd_factory("ngircd", tls=True)
    assert srv.tls_port and srv.ca_file
    secure = irc_client_factory("secure", server=srv, tls=True)
    plain = irc_client_factory("plain", server=srv)
    secure.join("#tls")
    plain.join("#tls")
    secure.say("#tls", "over TLS")
    plain.wait_for(command="PRIVMSG", nick="secure", text="over TLS")
    # the certificate survives a restart, so the CA file stays valid
    srv.restart()
    secure.wait_closed(5)
    secure.reconnect()
    assert secure.tls and not secure.closed


def test_invite(ircd_factory: Callable[..., IrcServer],
                irc_client_factory: ClientFactory) -> None:
    srv = ircd_factory("ngircd")
    chair, bot = irc_client_factory("chair", server=srv), irc_client_factory("bot", server=srv)
    chair.join("#inv")
    chair.invite("bot", "#inv")
    ln = bot.wait_for(command="INVITE")
    assert ln.prefix_nick == "chair" and ln.text == "#inv"


def test_server_start_failure_is_reported() -> None:
    port = free_port()
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", port))
        blocker.listen()
        srv = IrcServer(port=port, timeout=1.5)
        with pytest.raises(Exception, match=r"did not start|not ready"):
            srv.start()
        srv.stop()


def test_pg_url_is_a_fresh_empty_database(pg_url: str) -> None:
    engine = create_engine(pg_url)
    try:
        with engine.begin() as conn:
            name = conn.execute(text("SELECT current_database()")).scalar_one()
            assert name.startswith("agendum_test_") and name in pg_url
            assert inspect(conn).get_table_names() == []
            conn.execute(text("CREATE TABLE t (id serial PRIMARY KEY, v text)"))
            conn.execute(text("INSERT INTO t (v) VALUES ('x')"))
            assert conn.execute(text("SELECT v FROM t")).scalar_one() == "x"
    finally:
        engine.dispose()


def test_temp_database_is_dropped(pg_server: str) -> None:
    with pg.temp_database() as url:
        engine = create_engine(url)
        with engine.connect() as conn:
            name = conn.execute(text("SELECT current_database()")).scalar_one()
        # the engine's pool still holds an open session: DROP ... WITH (FORCE) ends it
    engine.dispose()
    admin = create_engine(pg.base_url())
    try:
        with admin.connect() as conn:
            left = conn.execute(text("SELECT count(*) FROM pg_database WHERE datname = :n"),
                                {"n": name}).scalar_one()
    finally:
        admin.dispose()
    assert left == 0


def test_db_url_runs_on_both_backends(db_url: str) -> None:
    engine = create_engine(db_url)
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE t (id integer PRIMARY KEY, v text)"))
            conn.execute(text("INSERT INTO t (id, v) VALUES (1, 'é')"))
            assert conn.execute(text("SELECT v FROM t")).scalar_one() == "é"
    finally:
        engine.dispose()
