"""Plugins driven through the router by scripts of channel lines, no IRC and no database.

The command tests of every persona (tests/plugins/) share these: a router with all the
plugins, ``play`` to dispatch a script, and ``shown`` for what the channel then reads.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.plugins import load_plugins

from bot.core.effects import Effect, Publish, Reply
from bot.core.events import Event, Kind
from bot.core.names import RRSAGENT, ZAKIM
from bot.core.plugin import Settings
from bot.core.router import Router

CHANNEL = "#wg"
START = datetime(2024, 3, 7, 15, 0, tzinfo=UTC)
GAP = 90.0

Line = tuple[str, str] | tuple[str, str, float]


def make_router(**settings: object) -> Router:
    nicks = {ZAKIM: "Zakim", RRSAGENT: "RRSAgent"}
    config = Settings(nicks=nicks, **settings)  # type: ignore[arg-type]
    return Router(config, load_plugins(config))


def play(router: Router, script: list[Line], start: datetime = START) -> list[list[Effect]]:
    """Dispatch each line (``/me text`` as an action); the effects of each line."""
    when, out = start, []
    for line in script:
        nick, text = line[0], line[1]
        when += timedelta(seconds=line[2] if len(line) == 3 else GAP)
        kind = Kind.ACTION if text.startswith("/me ") else Kind.MESSAGE
        event = Event(when, "net", CHANNEL, kind, nick, text.removeprefix("/me "))
        out.append(router.dispatch(event))
    return out


def shown(effects: list[Effect]) -> list[str]:
    """What the channel reads; a Publish that works announces its URL (``done``)."""
    return [e.done if isinstance(e, Publish) else ("* " if e.action else "") + e.text
            for e in effects if isinstance(e, Reply | Publish)]


def replies(script: list[Line]) -> list[str]:
    return shown(play(make_router(), script)[-1])
