"""The one data type every layer shares: something that happened on a channel.

Events are plain, immutable values. The IRC shell creates them, the store persists them,
and plugins fold them into meeting state. Because the stored events are the truth,
any state (queue, attendance, minutes) can be rebuilt by replaying them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum


class Kind(StrEnum):
    MESSAGE = "message"
    ACTION = "action"  # CTCP ACTION, i.e. /me
    NOTICE = "notice"
    JOIN = "join"
    PART = "part"
    QUIT = "quit"
    NICK = "nick"  # text holds the new nick
    KICK = "kick"  # text holds "<victim> <reason>"
    TOPIC = "topic"
    MODE = "mode"
    TIMER = "timer"  # a plugin's timer fired: nick is the plugin, text the timer's key
    ANSWER = "answer"  # the outside world answered a plugin's Ask: nick is the plugin, text JSON
    GAP = "gap"  # the bot was away and history could not fill it all: text says from when to when


@dataclass(frozen=True, slots=True)
class Event:
    """One line of channel history. ``from_bot`` marks lines the bot itself sent."""

    time: datetime  # timezone-aware UTC
    network: str
    channel: str  # display form, e.g. "#wg"
    kind: Kind
    nick: str
    text: str = ""
    from_bot: bool = False
    msgid: str | None = None
    id: int | None = field(default=None, compare=False)
    # Said before it reached us: replayed by the server or a bouncer (chathistory, +H, ZNC)
    # after a reconnect. Not stored as such: once stored, it is a line like any other.
    history: bool = field(default=False, compare=False)

    @property
    def day(self) -> str:
        """The UTC day the event belongs to, as RRSAgent splits logs (YYYY-MM-DD)."""
        return self.time.astimezone(UTC).strftime("%Y-%m-%d")


# The bot's clock may run ahead by AGENDUM_CLOCK_OFFSET seconds: integration tests use it to
# cross midnight UTC without waiting for it. Every event time comes from ``utcnow``.
CLOCK_OFFSET = timedelta(seconds=float(os.environ.get("AGENDUM_CLOCK_OFFSET", "0") or 0))


def utcnow() -> datetime:
    return datetime.now(UTC) + CLOCK_OFFSET
