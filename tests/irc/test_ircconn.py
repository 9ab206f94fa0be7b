"""The IRC shell's own logic, fed bytes directly: splitting, decoding, stale connections."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import pytest
from irc.client import Event as IrcEvent
from irc.client import NickMask

from bot.config import IrcConfig
from bot.core.events import Event, Kind
from bot.irc.connection import Session, decode_line, widen_receive_buffer
from tests.support.wire import attach, feed, make_session


@pytest.mark.parametrize(
    "chunks",
    [
        [b":a!u@h PRIVMSG #wg :caf\xc3\xa9 one\r\n:b!u@h PRIVMSG #wg :two\r\n"],
        [b":a!u@h PRIVMSG #wg :caf\xc3", b"\xa9 one\r", b"\n:b!u@h PRIVMSG #wg :tw", b"o\r\n"],
        [bytes([c]) for c in b":a!u@h PRIVMSG #wg :caf\xc3\xa9 one\r\n:b!u@h PRIVMSG #wg :two\n"],
    ],
)
def test_lines_split_across_reads_are_rebuilt(chunks: list[bytes]) -> None:
    events: list[Event] = []

    async def main() -> None:
        session = make_session(events)
        await feed(attach(session), *chunks)

    asyncio.run(main())
    assert [(e.kind, e.nick, e.text) for e in events] == [
        (Kind.MESSAGE, "a", "café one"),
        (Kind.MESSAGE, "b", "two"),
    ]


def test_a_flood_is_parsed_completely_in_slices() -> None:
    events: list[Event] = []
    data = b"".join(b":a!u@h PRIVMSG #wg :line %d\r\n" % i for i in range(20_000))

    async def main() -> int:
        conn = attach(make_session(events))
        slices = 0
        conn.process_data(data)
        while conn.draining:
            slices += 1
            await asyncio.sleep(0)
        return slices

    slices = asyncio.run(main())
    assert [e.text for e in events] == [f"line {i}" for i in range(20_000)]
    assert slices > 1  # the loop got control back in between


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        (b"plain\r", "plain"),
        (b"caf\xe9 latin-1", "café latin-1"),
        (b"mixed \xc3\xa9 and \xe9 and \xff", "mixed é and é and ÿ"),
        (b"\xf0\x9f\x98\x80 emoji", "😀 emoji"),
        (b"cut \xf0\x9f", "cut ð\x9f"),
    ],
)
def test_decoding_keeps_utf8_and_every_stray_byte(raw: bytes, text: str) -> None:
    assert decode_line(raw) == text


def test_a_dropped_connection_still_logs_what_was_said_but_nothing_else() -> None:
    events: list[Event] = []

    async def main() -> Session:
        session = make_session(events)
        old = attach(session)
        attach(session)  # reconnected: a new connection object
        who = NickMask("alice!u@h")
        session._handle(old, IrcEvent("pubmsg", who, "#wg", ["said before the drop"]))
        session._handle(old, IrcEvent("welcome", "srv", "Zakim", ["hi"]))
        session._handle(old, IrcEvent("join", NickMask("Zakim!u@h"), "#wg", []))
        return session

    session = asyncio.run(main())
    assert [e.text for e in events] == ["said before the drop"]
    assert not session.registered.is_set() and not session.joined


def test_receive_buffer_is_widened_only_where_the_system_allows(tmp_path: Path) -> None:
    limit = tmp_path / "rmem_max"
    with socket.socket() as sock:
        default = sock.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF)
        limit.write_text("212992\n")
        widen_receive_buffer(sock, str(limit))
        assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF) == default
        limit.write_text(f"{64 << 20}\n")
        widen_receive_buffer(sock, str(limit))
        assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF) > default


def test_sasl_offered_or_withdrawn_after_registration_says_so(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """CAP NEW / CAP DEL (cap-notify) for sasl: one clear log line each."""

    async def main() -> None:
        session = Session(cfg=IrcConfig(sasl_username="acct", sasl_password="pw"), nick="Zakim",
                          realname="test", network="net", sink=lambda _s, _e: None)
        conn = attach(session)
        session._handle(conn, IrcEvent("cap", "srv", "Zakim", ["NEW", "sasl=EXTERNAL"]))
        session._handle(conn, IrcEvent("cap", "srv", "Zakim", ["NEW", "sasl=PLAIN,EXTERNAL"]))
        session._handle(conn, IrcEvent("cap", "srv", "Zakim", ["DEL", "sasl"]))
        session._handle(conn, IrcEvent("cap", "srv", "Zakim", ["NEW", "away-notify"]))

    with caplog.at_level("INFO", logger="bot.irc.connection"):
        asyncio.run(main())
    assert [r.getMessage() for r in caplog.records] == [
        "Zakim: SASL offered again (CAP NEW) but without PLAIN (sasl=EXTERNAL); not logging in",
        "Zakim: SASL offered again (CAP NEW); logging in",
        "Zakim: SASL withdrawn (CAP DEL): services are gone; logging in when they are back",
    ]
