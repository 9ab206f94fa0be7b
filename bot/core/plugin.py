"""What a plugin is: command rules with their handlers, per-channel state, and settings.

A plugin declares its grammar with :func:`command` beside each handler, keeps its state per
channel in a :class:`PerChannel`, and answers with effects (``bot.core.effects``). The router
(``bot.core.router``) decides addressing and calls the handlers.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, ClassVar, Generic, TypeVar, cast

from bot.core.effects import Answer, Schedule, Signal
from bot.core.events import Event
from bot.core.names import ZAKIM, fold


@dataclass(frozen=True, slots=True)
class Command:
    """A recognised command line, with the facts a handler needs."""

    event: Event
    text: str  # the command, without addressing and politeness words
    addressed: bool
    via_action: bool
    match: re.Match[str]

    @property
    def nick(self) -> str:
        return self.event.nick

    @property
    def channel(self) -> str:
        return self.event.channel


Handler = Callable[[Command], "Iterable[Answer] | None"]


@dataclass(frozen=True, slots=True)
class Rule:
    pattern: re.Pattern[str]
    handler: Handler
    unaddressed: bool  # also recognised when nobody is addressed, and in /me form
    fallback: bool  # tried only when no other rule of any persona matched
    help: str | None
    overhears: bool = False  # also tried on lines addressed to another persona (gb's refs)


def command(pattern: str, *, unaddressed: bool = False, help: str | None = None,
            fallback: bool = False, overhears: bool = False) -> Callable:
    """Mark a plugin method as the handler of commands matching ``pattern`` (full match).

    ``overhears``: the rule also sees what is said to another persona (``Zakim, agenda+
    #15``), as unaddressed; only for rules that comment on a line, never for commands."""

    def mark(fn: Callable) -> Callable:
        fn.__dict__.setdefault("_agendum_rules", []).append(
            (re.compile(pattern, re.IGNORECASE), unaddressed, help, fallback, overhears)
        )
        return fn

    return mark


S = TypeVar("S")
T = TypeVar("T")


class PerChannel(Generic[S]):
    """A plugin's state, one value per channel, keyed by the RFC 1459 folded name.

    A channel read for the first time gets a fresh value (``new()``), kept at once, so a
    mutable state can be changed in place. ``forget`` drops the channel (the persona left);
    replaying the stored events after a restart rebuilds every channel's value.
    """

    __slots__ = ("_new", "_values")

    def __init__(self, new: Callable[[], S]) -> None:
        self._new = new
        self._values: dict[str, S] = {}

    def get(self, channel: str) -> S:
        key = fold(channel)
        if (value := self._values.get(key)) is None:
            value = self._values[key] = self._new()
        return value

    def put(self, channel: str, value: S) -> None:
        self._values[fold(channel)] = value

    def forget(self, channel: str) -> None:
        self._values.pop(fold(channel), None)

    def values(self) -> list[S]:
        """Every channel's value (for timers still to fire, all channels)."""
        return list(self._values.values())

    def items(self) -> list[tuple[str, S]]:
        """(folded channel, value) pairs."""
        return list(self._values.items())


def _stateless() -> None:
    return None


class Plugin(Generic[S]):
    """Base class: a persona, some command rules, and per-channel state of type ``S``.

    Subclasses set ``persona``, ``name`` and ``State`` (what a new channel starts with, e.g.
    a frozen dataclass), and decorate handlers with :func:`command`. A handler reads and
    replaces its channel's value through ``self.channels`` and returns the effects of the
    command (``Say`` lines, ``Publish``, ``Leave``) or nothing. ``observe`` sees every
    channel event, commands included, for state that follows the channel.
    """

    persona: str = ZAKIM
    name: str = "plugin"
    State: Callable[[], S]  # a channel's state when the plugin first hears of it
    # Instance attributes that events change outside ``channels`` (name -> type): a snapshot
    # (``bot.core.snapshot``) keeps them with the channels' values. Every attribute a plugin
    # sets beyond ``settings`` and ``channels`` belongs here (tests/core/test_snapshot.py).
    snapshot_attrs: ClassVar[dict[str, Any]] = {}

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        new = cast(Callable[[], S], getattr(type(self), "State", _stateless))
        self.channels: PerChannel[S] = PerChannel(new)

    def state(self, channel: str) -> S:
        """The plugin's state for ``channel``: what tests, snapshots and views read."""
        return self.channels.get(channel)

    def rules(self) -> list[Rule]:
        """The plugin's rules in declaration order: earlier, more specific rules win."""
        found: list[Rule] = []
        for klass in reversed(type(self).__mro__):
            for attr, fn in vars(klass).items():
                for pattern, unaddressed, help_text, fallback, overhears in getattr(
                        fn, "_agendum_rules", ()):
                    found.append(Rule(pattern, getattr(self, attr), unaddressed=unaddressed,
                                      fallback=fallback, help=help_text, overhears=overhears))
        return found

    def observe(self, event: Event) -> Iterable[Answer] | None:
        """See every event, commands included (joins, activity...); may answer. Default: no."""
        return None

    def on_signal(self, signal: Signal, event: Event) -> Iterable[Answer] | None:
        """React to another plugin's announcement on the channel. Default: nothing."""
        return None

    def on_timer(self, event: Event) -> Iterable[Answer] | None:
        """A timer this plugin scheduled has fired (``event.text`` is its key)."""
        return None

    def on_answer(self, event: Event, key: str, request: tuple[str, ...],
                  result: dict[str, Any]) -> Iterable[Answer] | None:
        """The answer to an ``Ask`` of this plugin (``result``: status, detail, data)."""
        return None

    def pending(self) -> Iterable[Schedule]:
        """Timers still to fire, all channels: rescheduled after a restart."""
        return ()

    def forget(self, channel: str) -> None:
        """The persona left ``channel``: drop its meeting state (override to keep some)."""
        self.channels.forget(channel)

    def recall(self, channel: str, key: str, value: str) -> None:
        """A value this plugin asked to ``Remember``, given back at start-up."""


def config(key: str, default: T) -> T:
    """A setting that is config key ``key`` (``section.name``) as the operator wrote it."""
    return field(default=default, metadata={"config": key})


@dataclass(frozen=True, slots=True)
class Settings:
    """What plugins may know about the deployment (no secrets).

    A field marked ``config("section.key", default)`` is that config key's value, copied as
    is by ``bot.config.settings_for`` (the key itself, its check and its default are declared
    once, in ``bot.config``; a test holds the two defaults equal). The other fields are
    derived from the configuration there.
    """

    nicks: dict[str, str]  # persona -> nick
    base_url: str = config("publish.base_url", "http://localhost:8000")
    logs: str = config("bot.logs", "public")  # RRSAgent's default log visibility
    channel_logs: dict[str, str] = field(default_factory=dict)  # folded channel -> visibility
    # reminders must fall inside the replay window
    max_reminder_hours: float = config("bot.replay_hours", 24.0)
    idle_leave: timedelta = timedelta(hours=2)  # RRSAgent leaves a channel this quiet
    # where issue URLs point (GitHub Enterprise too)
    github_url: str = config("github.web_url", "https://github.com")
    github_writes: bool = False  # a token is configured: gb may create and close issues
    # lines before gb expands the same reference again
    gb_delay: int = config("github.delay_lines", 15)
    # issues with this label are agenda items (find agenda)
    agenda_label: str = config("github.agenda_label", "agenda+")

    def visibility(self, channel: str) -> str:
        return self.channel_logs.get(fold(channel), self.logs)
