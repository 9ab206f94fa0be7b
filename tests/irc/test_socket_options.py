"""The bot's real connection to a real IRC server (ngIRCd) sends and ACKs at once.

ngIRCd does not set TCP_NODELAY, so a line it relays right behind another waits in its
Nagle buffer until the bot ACKs the first; Linux delays that ACK by up to 40 ms on a
connection that also writes. The bot therefore ACKs at once (TCP_QUICKACK, set again after
every read since the kernel drops it) and writes at once (TCP_NODELAY). Timings are in
bench/bench_bot.py; this checks the options on the socket itself, at the moment that
matters: a line read right after the bot has replied (Linux then counts the connection as
interactive and, without TCP_QUICKACK, would delay the ACK).
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable

import pytest

from bot.config import IrcConfig
from bot.core.events import Event, Kind
from bot.irc.connection import Session
from tests.support.ircclient import IrcTestClient
from tests.support.ircd import IrcServer

pytestmark = pytest.mark.integration

QUICKACK = getattr(socket, "TCP_QUICKACK", None)


async def joined(session: Session, channel: str) -> None:
    while not session.in_channel(channel):
        await asyncio.sleep(0.05)


def test_the_bot_socket_writes_and_acks_at_once(
    ircd: IrcServer, irc_client_factory: Callable[..., IrcTestClient]
) -> None:
    seen: dict[str, int] = {}

    async def main() -> None:
        heard = asyncio.Event()

        def sink(session: Session, event: Event) -> None:
            if event.kind is Kind.MESSAGE and event.text == "hi":
                session.say("#opts", "ok")  # a reply right after a read: "interactive" to Linux
            if event.kind is Kind.MESSAGE and event.text == "hello" and session.conn:
                sock = session.conn.sock  # read as the line is handled: right after a read
                seen["nodelay"] = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
                if QUICKACK is not None:
                    seen["quickack"] = sock.getsockopt(socket.IPPROTO_TCP, QUICKACK)
                heard.set()

        session = Session(cfg=IrcConfig(host=ircd.host, port=ircd.port), nick="Zakim",
                          realname="test", network="local", sink=sink)
        session.join("#opts")
        task = asyncio.create_task(session.run())
        try:
            await asyncio.wait_for(joined(session, "#opts"), 30)
            alice = await asyncio.to_thread(irc_client_factory, "alice")
            await asyncio.to_thread(alice.join, "#opts")
            await asyncio.to_thread(alice.say, "#opts", "hi")
            # Nothing reaches the bot between its "ok" and "hello", so without the option
            # Linux would still delay its ACKs when "hello" is read.
            await asyncio.to_thread(alice.wait_for, command="PRIVMSG", nick="Zakim", text="ok",
                                    timeout=20)
            await asyncio.to_thread(alice.say, "#opts", "hello")
            await asyncio.wait_for(heard.wait(), 20)
        finally:
            await session.quit()
            task.cancel()

    asyncio.run(main())
    assert seen.get("nodelay"), f"TCP_NODELAY is off on the bot's socket: {seen}"
    if QUICKACK is not None:  # Linux
        assert seen.get("quickack"), f"TCP_QUICKACK is off after a read: {seen}"
