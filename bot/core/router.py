"""Decide who a channel line is addressed to, and hand it to the plugin that understands it.

The router owns addressing (``Zakim, q?``, ``zakim: q?``, unaddressed ``q+``, ``/me q+``),
politeness words, the "I don't understand" answer and ``help``. Plugins only declare
rules (a regex plus a handler) and fold commands into their own per-channel state.

Everything here is pure: ``dispatch`` takes an event and returns effects (lines to say,
things to publish, channels to leave). The IRC shell carries effects out; on replay after a
restart the same ``dispatch`` rebuilds state and the effects are simply dropped.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from bot.core.effects import Answer, Effect, Leave, Reply, Say, Schedule, Signal
from bot.core.events import Event, Kind
from bot.core.names import PERSONAS, RRSAGENT, ZAKIM, fold, one_line
from bot.core.plugin import Command, Plugin, Rule, Settings

_POLITE_PREFIX = re.compile(r"^(?:please|pls)\b[\s,]*", re.IGNORECASE)
_POLITE_SUFFIX = re.compile(r"[\s,]+(?:please|pls)[.!]?$", re.IGNORECASE)
_ADDRESSED = re.compile(r"^\s*([^\s,:]+)\s*[,:]\s*(.*)$", re.DOTALL)
_HELP = re.compile(r"help\??", re.IGNORECASE)


def _any_of(patterns: list[re.Pattern[str]]) -> re.Pattern[str]:
    """One pattern that fully matches what any of ``patterns`` fully matches (all IGNORECASE):
    group names dropped, a leading ``(?s)`` scoped to its own pattern."""
    parts = []
    for p in patterns:
        source = re.sub(r"\(\?P<\w+>", "(?:", p.pattern)
        flags = re.match(r"\(\?([a-z]+)\)", source)
        parts.append(f"(?{flags[1]}:{source[flags.end():]})" if flags else f"(?:{source})")
    return re.compile("|".join(parts) or "(?!)", re.IGNORECASE)



@dataclass
class Router:
    """Routes channel events to plugin rules and turns their answers into replies."""

    settings: Settings
    plugins: Sequence[Plugin] = ()
    _rules: dict[str, list[Rule]] = field(default_factory=dict, init=False)
    _unaddressed: dict[str, re.Pattern[str]] = field(default_factory=dict, init=False)
    _overhearing: dict[str, list[Rule]] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        for persona in PERSONAS:
            self._rules[persona] = [
                r for p in self.plugins if p.persona == persona for r in p.rules()
            ]
            # Most lines are chat that no unaddressed rule matches: one regex (run in C) says
            # so, instead of trying the persona's rules one by one in Python.
            self._unaddressed[persona] = _any_of(
                [r.pattern for r in self._rules[persona] if r.unaddressed and not r.fallback])
            self._overhearing[persona] = [r for r in self._rules[persona] if r.overhears]

    def addressed_to(self, text: str) -> tuple[list[str], str] | None:
        """Return (personas, rest) when ``text`` starts with ``<nick>,`` or ``<nick>:``."""
        m = _ADDRESSED.match(text)
        if not m:
            return None
        who = fold(m.group(1))
        personas = [p for p, nick in self.settings.nicks.items() if fold(nick) == who]
        return (personas, m.group(2)) if personas else None

    def dispatch(self, event: Event) -> list[Effect]:
        """Observe ``event`` in every plugin and run the command it carries, if any."""
        if event.from_bot:  # our own lines: stored, but never routed (live or in replay)
            return []
        observed: list[Effect] = []
        for plugin in self.plugins:
            if answer := plugin.observe(event):
                observed += self._effects(plugin.persona, event, answer, third_person=False)
        if event.kind is Kind.TIMER:
            return observed + self._timer(event)
        if event.kind is Kind.ANSWER:
            return observed + self._answer(event)
        if event.kind not in (Kind.MESSAGE, Kind.ACTION):
            return observed
        via_action = event.kind is Kind.ACTION
        target = None if via_action else self.addressed_to(event.text)
        if target is None:
            return observed + self._run(PERSONAS, event, event.text, addressed=False,
                                        via_action=via_action)
        personas, rest = target
        return (observed + self._run(personas, event, rest, addressed=True, via_action=False)
                + self._overheard([p for p in PERSONAS if p not in personas], event, rest))

    def _overheard(self, personas: list[str], event: Event, text: str) -> list[Effect]:
        """The ``overhears`` rules of the personas a line was not addressed to."""
        effects: list[Effect] = []
        for persona in personas:
            for rule in self._overhearing[persona]:
                if match := rule.pattern.fullmatch(text):
                    cmd = Command(event, text, False, False, match)
                    effects += self._resolve(persona, cmd, rule.handler(cmd) or ())
                    break
        return effects

    def _run(
        self, personas: Iterable[str], event: Event, text: str, *, addressed: bool, via_action: bool
    ) -> list[Effect]:
        text = _POLITE_SUFFIX.sub("", _POLITE_PREFIX.sub("", text.strip())).strip()
        if not text:
            return []
        personas = list(personas)
        effects: list[Effect] = []
        understood = False
        for persona in personas:
            if addressed and _HELP.fullmatch(text):
                effects += self._help(persona, event)
                understood = True
                continue
            found = self._first_rule(persona, event, text, addressed, via_action, False)
            if found is not None:
                effects += found
                understood = True
        # Catch-all rules (RRSAgent's "<text>?" search) only when nothing else understood,
        # so one nick serving both personas never answers one line twice.
        for persona in personas if addressed and not understood else ():
            found = self._first_rule(persona, event, text, addressed, via_action, True)
            if found is not None:
                effects += found
                understood = True
        if addressed and not understood:  # one answer, even when one nick serves both
            effects.append(self._not_understood(personas[0], event, text))
        return effects

    def _first_rule(self, persona: str, event: Event, text: str, addressed: bool,
                    via_action: bool, fallback: bool) -> list[Effect] | None:
        """Run the persona's first rule matching ``text``; None when no rule matches."""
        if not addressed and not fallback and not self._unaddressed[persona].fullmatch(text):
            return None
        for rule in self._rules[persona]:
            if rule.fallback != fallback or (not addressed and not rule.unaddressed):
                continue
            match = rule.pattern.fullmatch(text)
            if match is None:
                continue
            cmd = Command(event, text, addressed, via_action, match)
            return self._resolve(persona, cmd, rule.handler(cmd) or ())
        return None

    def _resolve(
        self, persona: str, cmd: Command, answer: Iterable[Answer]
    ) -> list[Effect]:
        # Zakim answers in /me form when the command was not addressed to it (or came as /me).
        return self._effects(persona, cmd.event, answer, third_person=not cmd.addressed)

    def _effects(
        self, persona: str, event: Event, answer: Iterable[Answer], *, third_person: bool
    ) -> list[Effect]:
        out: list[Effect] = []
        for item in answer:
            if isinstance(item, Say):
                if item.action:
                    out.append(Reply(persona, event.channel, one_line(item.text), action=True))
                elif third_person and item.me is not None:
                    out.append(Reply(persona, event.channel, one_line(item.me), action=True))
                else:
                    out.append(Reply(persona, event.channel, one_line(item.text)))
            elif isinstance(item, Signal):
                for plugin in self.plugins:
                    reaction = plugin.on_signal(item, event) or ()
                    out += self._effects(plugin.persona, event, reaction,
                                         third_person=third_person)
            else:
                if isinstance(item, Leave):
                    for plugin in self.plugins:
                        if plugin.persona == item.persona:
                            plugin.forget(item.channel)
                out.append(item)
        return out

    def _timer(self, event: Event) -> list[Effect]:
        """A timer fired: its owner (``event.nick``) answers, as if addressed."""
        effects: list[Effect] = []
        for plugin in self.plugins:
            if plugin.name == event.nick:
                answer = plugin.on_timer(event) or ()
                effects += self._effects(plugin.persona, event, answer, third_person=False)
        return effects

    def _answer(self, event: Event) -> list[Effect]:
        """The outside world answered an ``Ask``: its owner (``event.nick``) carries on."""
        try:
            stored = json.loads(event.text)
            key, request, result = stored["key"], tuple(stored["request"]), stored["result"]
        except (ValueError, KeyError, TypeError):
            return []  # not ours to crash on: a damaged row loses one answer, not the replay
        effects: list[Effect] = []
        for plugin in self.plugins:
            if plugin.name == event.nick:
                answer = plugin.on_answer(event, key, request, result) or ()
                effects += self._effects(plugin.persona, event, answer, third_person=False)
        return effects

    def pending(self) -> list[Schedule]:
        """Every plugin's timers still to fire (after replay, to schedule them again)."""
        return [s for plugin in self.plugins for s in plugin.pending()]

    def persona_of(self, plugin_name: str) -> str:
        """Which persona speaks for the plugin called ``plugin_name``."""
        return next((p.persona for p in self.plugins if p.name == plugin_name), ZAKIM)

    def recall(self, channel: str, key: str, value: str) -> None:
        """Hand a remembered value back to its plugin (``key`` starts with the plugin name)."""
        owner = key.partition(".")[0]
        for plugin in self.plugins:
            if plugin.name == owner:
                plugin.recall(channel, key, value)

    def _not_understood(self, persona: str, event: Event, text: str) -> Reply:
        nick = self.settings.nicks[persona]
        shown = text if len(text) <= 60 else text[:57] + "..."
        # RRSAgent has always opened with "I'm logging." so people know the record is on.
        opening = "I'm logging. " if persona == RRSAGENT else ""
        return Reply(
            persona,
            event.channel,
            one_line(f"{opening}I don't understand '{shown}', {event.nick}. Try /msg {nick} help"),
        )

    def help_lines(self, persona: str) -> list[str]:
        """One line per plugin (queue, agenda, ...), then how to address the persona."""
        nick = self.settings.nicks[persona]
        lines = []
        for plugin in self.plugins:
            items = [r.help for r in plugin.rules() if r.help] if plugin.persona == persona else []
            if items:
                lines.append(f"{plugin.name}: " + "; ".join(items))
        return [
            f"{nick} understands:",
            *lines,
            f"Address me as '{nick}, <command>'; those marked * also work unaddressed or in /me.",
        ]

    def _help(self, persona: str, event: Event) -> list[Effect]:
        return [Reply(persona, event.channel, line) for line in self.help_lines(persona)]
