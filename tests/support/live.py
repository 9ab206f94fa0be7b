"""agendum as a process in a real channel: the helpers its integration tests share."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import create_engine, text

from tests.support.daemon import AgendumProcess
from tests.support.ircclient import IrcTestClient
from tests.support.ircd import IrcServer

CHANNEL = "#meeting"
BotFactory = Callable[..., AgendumProcess]
ClientFactory = Callable[..., IrcTestClient]
BOT_JOIN = 20.0


def wait_bots(client: IrcTestClient, channel: str = CHANNEL,
              nicks: tuple[str, ...] = ("Zakim", "RRSAgent"), timeout: float = BOT_JOIN) -> None:
    """Wait until NAMES shows every one of ``nicks`` in ``channel``."""
    client.wait_names(channel, lambda names: all(n.lower() in {x.lower() for x in names}
                                                  for n in nicks), timeout=timeout)


def joined(irc_client_factory: ClientFactory, nick: str, server: IrcServer | None = None
           ) -> IrcTestClient:
    """A client in CHANNEL (on ``server``, else the default one) once both personas are
    there too."""
    client = (irc_client_factory(nick) if server is None
              else irc_client_factory(nick, server=server))
    client.join(CHANNEL)
    wait_bots(client)
    return client


def zakim_says(client: IrcTestClient, pattern: str, timeout: float = 5.0) -> str:
    return client.wait_for(nick="Zakim", command="PRIVMSG", text=pattern, timeout=timeout).text


def events_in_db(db_url: str) -> list[tuple[str, str, str]]:
    engine = create_engine(db_url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT kind, nick, text FROM events ORDER BY id")).all()
    engine.dispose()
    return [(r[0], r[1], r[2]) for r in rows]
