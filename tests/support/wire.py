"""An IRC connection fed bytes directly, without a socket: for the shell's own logic."""

from __future__ import annotations

import asyncio
from collections import deque

from irc.client_aio import AioReactor

from bot.config import IrcConfig
from bot.core.events import Event
from bot.irc.connection import Session, _Connection


def make_session(events: list[Event]) -> Session:
    return Session(
        cfg=IrcConfig(), nick="Zakim", realname="test", network="net",
        sink=lambda _session, event: events.append(event),
    )


def attach(session: Session) -> _Connection:
    """A connection object as ``_connect`` builds it, without a socket."""
    conn = _Connection(AioReactor(loop=asyncio.get_running_loop()))
    conn.session = session
    conn.chunks, conn.raw_lines = deque(), deque()
    conn.real_nickname, conn.real_server_name, conn.handlers = "Zakim", "srv", {}
    session.conn = conn
    return conn


async def feed(conn: _Connection, *chunks: bytes) -> None:
    for chunk in chunks:
        conn.process_data(chunk)
        await asyncio.sleep(0)
    while conn.draining:
        await asyncio.sleep(0)
