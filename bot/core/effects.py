"""Effects: what a plugin's handler asks the shell to do, as plain frozen data.

Handlers never do I/O. They return these; the router resolves ``Say`` into ``Reply`` for the
right persona and channel, hands ``Signal`` to the other plugins, and passes the rest to the
shell (the daemon), which carries them out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class Say:
    """A reply. ``me`` is the third-person wording Zakim uses when it answers in /me form;
    ``action`` sends ``text`` as /me whatever the command's form (gb's answers to ``q+``)."""

    text: str
    me: str | None = None
    action: bool = False


@dataclass(frozen=True, slots=True)
class Reply:
    """A resolved line to send: which persona, where, and whether as a /me action."""

    persona: str
    target: str
    text: str
    action: bool = False


@dataclass(frozen=True, slots=True)
class Publish:
    """Render and write the minutes and log of ``channel`` for ``day`` (YYYY-MM-DD).

    RRSAgent says ``done`` once the files are written, or ``failed`` and the reason if they
    could not be: an announced URL must never be a 404.
    """

    network: str
    channel: str
    day: str
    done: str = ""
    failed: str = ""


@dataclass(frozen=True, slots=True)
class Leave:
    """The persona leaves ``channel``; its plugins forget the channel's meeting state."""

    persona: str
    channel: str


@dataclass(frozen=True, slots=True)
class Join:
    """The persona joins ``channel`` if it is not there yet (Zakim inviting RRSAgent)."""

    persona: str
    channel: str


@dataclass(frozen=True, slots=True)
class Schedule:
    """Wake plugin ``owner`` at ``at`` with a timer event carrying ``key``.

    The plugin keeps the timer in its own state, so a restart finds it again by replay
    (``Plugin.pending``); a timer whose purpose has gone is simply ignored when it fires.
    """

    channel: str
    owner: str
    key: str
    at: datetime


@dataclass(frozen=True, slots=True)
class Search:
    """Search the channel's log of ``day`` for ``pattern`` and tell ``requester`` what matched.

    The log lives in the database, so the shell runs the search (on RE2: linear time)."""

    network: str
    channel: str
    day: str
    pattern: str
    ignore_case: bool
    which: str  # all | first | last
    limit: int
    requester: str


@dataclass(frozen=True, slots=True)
class Remember:
    """Keep ``value`` for ``channel`` beyond the replay window (``save this description``).

    Given back to the plugins through ``Plugin.recall`` when the bot starts."""

    channel: str
    key: str  # "<plugin>.<name>"
    value: str


@dataclass(frozen=True, slots=True)
class Ask:
    """Ask the outside world (GitHub, a web page) something on behalf of plugin ``owner``.

    The shell does it off the IRC loop, stores the answer as an ``answer`` event (so a
    replay sees the very same answer) and routes it to the owner's ``on_answer``.
    ``request`` is the operation and its arguments, e.g. ``("issue", "w3c/aria", "15")``;
    ``key`` is whatever the plugin needs to carry on, given back with the answer.
    """

    channel: str
    owner: str
    key: str
    request: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Signal:
    """A fact a plugin announces to the other plugins on the same channel.

    Plugins never read each other's state; they tell. The router hands a signal to every
    plugin's ``on_signal`` at once, and splices their answers in where the signal stood.
    """

    name: str
    channel: str
    data: tuple[Any, ...] = ()


Effect = Reply | Publish | Leave | Join | Schedule | Remember | Search | Ask
Answer = Say | Publish | Leave | Join | Schedule | Remember | Search | Ask | Signal
