"""Decide who a channel line is addressed to, and hand it to the plugin that understands it.

The router owns addressing (``Zakim, q?``, ``zakim: q?``, unaddressed ``q+``, ``/me q+``),
politeness words, the "I don't understand" answer and ``help``. Plugins only declare
rules (a regex plus a handler) and fold commands into their own per-channel state.

Everything here is pure: ``dispatch`` takes an event and returns effects (lines to say,
things to publish, channels to leave). The IRC shell carries effects out; on replay after a
restart the same ``dispatch`` rebuilds state and the effects are simply dropped.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from bot.events import Event, Kind

ZAKIM = "zakim"
RRSAGENT = "rrsagent"
PERSONAS = (ZAKIM, RRSAGENT)

_POLITE_PREFIX = re.compile(r"^(?:please|pls)\b[\s,]*", re.IGNORECASE)
_POLITE_SUFFIX = re.compile(r"[\s,]+(?:please|pls)[.!]?$", re.IGNORECASE)


_RFC1459 = str.maketrans("[]\\~", "{}|^")


def fold(name: str) -> str:
    """RFC 1459 case folding, used for nicks and channel names everywhere we compare them."""
    return name.lower().translate(_RFC1459)


_NAME_SPLIT = re.compile(r"\s*,\s*|\s+(?:and\s+)?")


def name_list(text: str | None, speaker: str) -> list[str]:
    """Names in ``q+ a, b and c`` or ``present+ a b``; none, or ``me``, is the speaker."""
    names = [n for n in _NAME_SPLIT.split(text.strip()) if n] if text else []
    return [speaker if n.lower() == "me" else n for n in names] or [speaker]


# ---- effects: what a handler asks the shell to do -----------------------------------------


@dataclass(frozen=True, slots=True)
class Say:
    """A reply. ``me`` is the third-person wording Zakim uses when it answers in /me form."""

    text: str
    me: str | None = None


@dataclass(frozen=True, slots=True)
class Reply:
    """A resolved line to send: which persona, where, and whether as a /me action."""

    persona: str
    target: str
    text: str
    action: bool = False


@dataclass(frozen=True, slots=True)
class Publish:
    """Render and write the minutes and log of ``channel`` for ``day`` (YYYY-MM-DD)."""

    network: str
    channel: str
    day: str


@dataclass(frozen=True, slots=True)
class Leave:
    persona: str
    channel: str


Effect = Reply | Publish | Leave


# ---- what plugins see -----------------------------------------------------------------------


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


Handler = Callable[[Command], "Iterable[Say | Publish | Leave] | None"]


@dataclass(frozen=True, slots=True)
class Rule:
    pattern: re.Pattern[str]
    handler: Handler
    unaddressed: bool  # also recognised when nobody is addressed, and in /me form
    help: str | None


def command(pattern: str, *, unaddressed: bool = False, help: str | None = None) -> Callable:
    """Mark a plugin method as the handler of commands matching ``pattern`` (full match)."""

    def mark(fn: Callable) -> Callable:
        fn.__dict__.setdefault("_agendum_rules", []).append(
            (re.compile(pattern, re.IGNORECASE), unaddressed, help)
        )
        return fn

    return mark


class Plugin:
    """Base class: a persona, some command rules, and per-channel state kept by the plugin.

    Subclasses set ``persona`` and decorate handlers with :func:`command`. A handler returns
    the effects of the command (``Say`` lines, ``Publish``, ``Leave``) or nothing.
    ``observe`` sees every channel event, commands included, for state that follows the channel.
    """

    persona: str = ZAKIM
    name: str = "plugin"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def rules(self) -> list[Rule]:
        """The plugin's rules in declaration order: earlier, more specific rules win."""
        found: list[Rule] = []
        for klass in reversed(type(self).__mro__):
            for attr, fn in vars(klass).items():
                for pattern, unaddressed, help_text in getattr(fn, "_agendum_rules", ()):
                    found.append(Rule(pattern, getattr(self, attr), unaddressed, help_text))
        return found

    def observe(self, event: Event) -> None:
        """Follow non-command events (joins, nick changes...). Default: nothing."""


@dataclass(frozen=True, slots=True)
class Settings:
    """What plugins may know about the deployment (no secrets)."""

    nicks: dict[str, str]  # persona -> nick
    base_url: str = "http://localhost:8000"


# ---- the router -----------------------------------------------------------------------------


@dataclass
class Router:
    """Routes channel events to plugin rules and turns their answers into replies."""

    settings: Settings
    plugins: Sequence[Plugin] = ()
    _rules: dict[str, list[Rule]] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        for persona in PERSONAS:
            self._rules[persona] = [
                r for p in self.plugins if p.persona == persona for r in p.rules()
            ]

    def addressed_to(self, text: str) -> tuple[list[str], str] | None:
        """Return (personas, rest) when ``text`` starts with ``<nick>,`` or ``<nick>:``."""
        m = re.match(r"^\s*([^\s,:]+)\s*[,:]\s*(.*)$", text, re.DOTALL)
        if not m:
            return None
        who = fold(m.group(1))
        personas = [p for p, nick in self.settings.nicks.items() if fold(nick) == who]
        return (personas, m.group(2)) if personas else None

    def dispatch(self, event: Event) -> list[Effect]:
        """Observe ``event`` in every plugin and run the command it carries, if any."""
        for plugin in self.plugins:
            plugin.observe(event)
        if event.from_bot or event.kind not in (Kind.MESSAGE, Kind.ACTION):
            return []
        via_action = event.kind is Kind.ACTION
        target = None if via_action else self.addressed_to(event.text)
        if target is None:
            return self._run(PERSONAS, event, event.text, addressed=False, via_action=via_action)
        personas, rest = target
        effects = self._run(personas, event, rest, addressed=True, via_action=False)
        return effects

    def _run(
        self, personas: Iterable[str], event: Event, text: str, *, addressed: bool, via_action: bool
    ) -> list[Effect]:
        text = _POLITE_SUFFIX.sub("", _POLITE_PREFIX.sub("", text.strip())).strip()
        if not text:
            return []
        effects: list[Effect] = []
        understood = False
        for persona in personas:
            if addressed and re.fullmatch(r"help\??", text, re.IGNORECASE):
                effects += self._help(persona, event)
                understood = True
                continue
            for rule in self._rules[persona]:
                if not addressed and not rule.unaddressed:
                    continue
                match = rule.pattern.fullmatch(text)
                if match is None:
                    continue
                cmd = Command(event, text, addressed, via_action, match)
                answer = rule.handler(cmd) or ()
                effects += self._resolve(persona, cmd, answer)
                understood = True
                break
        if addressed and not understood:  # one answer, even when one nick serves both
            effects.append(self._not_understood(next(iter(personas)), event, text))
        return effects

    def _resolve(
        self, persona: str, cmd: Command, answer: Iterable[Say | Publish | Leave]
    ) -> list[Effect]:
        # Zakim answers in /me form when the command was not addressed to it (or came as /me).
        third_person = not cmd.addressed
        out: list[Effect] = []
        for item in answer:
            if isinstance(item, Say):
                if third_person and item.me is not None:
                    out.append(Reply(persona, cmd.channel, item.me, action=True))
                else:
                    out.append(Reply(persona, cmd.channel, item.text))
            else:
                out.append(item)
        return out

    def _not_understood(self, persona: str, event: Event, text: str) -> Reply:
        nick = self.settings.nicks[persona]
        shown = text if len(text) <= 60 else text[:57] + "..."
        # RRSAgent has always opened with "I'm logging." so people know the record is on.
        opening = "I'm logging. " if persona == RRSAGENT else ""
        return Reply(
            persona,
            event.channel,
            f"{opening}I don't understand '{shown}', {event.nick}. Try /msg {nick} help",
        )

    def help_lines(self, persona: str) -> list[str]:
        nick = self.settings.nicks[persona]
        items = [r.help for r in self._rules[persona] if r.help]
        return [
            f"{nick} understands: " + "; ".join(items),
            f"Address me as '{nick}, <command>'; those marked * also work unaddressed or in /me.",
        ]

    def _help(self, persona: str, event: Event) -> list[Effect]:
        return [Reply(persona, event.channel, line) for line in self.help_lines(persona)]
