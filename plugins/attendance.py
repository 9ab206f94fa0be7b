"""Zakim's attendance: ``present+``/``present-``, ``regrets+``, ``who is here?``,
``list attendees``, and ``pick a scribe`` from those present.

Zakim stays silent on ``present+``; the list is what matters, and the minutes read it too.
At ``end meeting`` it gives the final list, as ``As of this point the attendees have been …``,
the line scribe.perl reads as the meeting's Present list.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace

from bot.core.effects import Say, Signal
from bot.core.events import Event
from bot.core.names import ZAKIM, fold, name_list
from bot.core.plugin import Command, Plugin, command


def join(present: tuple[str, ...], names: list[str]) -> tuple[str, ...]:
    """Add names not already present (case-insensitively), keeping arrival order."""
    known = {fold(n) for n in present}
    added = []
    for n in names:
        if fold(n) not in known:
            known.add(fold(n))
            added.append(n)
    return (*present, *added)


def leave(present: tuple[str, ...], names: list[str]) -> tuple[str, ...]:
    gone = {fold(n) for n in names}
    return tuple(n for n in present if fold(n) not in gone)


@dataclass(frozen=True, slots=True)
class Attendance:
    present: tuple[str, ...] = ()  # here now
    attendees: tuple[str, ...] = ()  # everyone who has been present
    regrets: tuple[str, ...] = ()


def pick(candidates: list[str], seed: str) -> str:
    """A fair choice that is the same every time the same line is replayed."""
    digest = int.from_bytes(hashlib.sha256(seed.encode()).digest()[:8], "big")
    return candidates[digest % len(candidates)]


class AttendancePlugin(Plugin[Attendance]):
    persona = ZAKIM
    name = "attendance"
    State = Attendance

    @command(r"present\s*(?:\+|:)\s*(?P<names>.*)", unaddressed=True, help="present+ [names] *")
    def present_plus(self, cmd: Command) -> None:
        now, names = self.channels.get(cmd.channel), name_list(cmd.match["names"], cmd.nick)
        self.channels.put(cmd.channel, replace(now, present=join(now.present, names),
                                       attendees=join(now.attendees, names),
                                       regrets=leave(now.regrets, names)))

    @command(r"present\s*-\s*(?P<names>.*)", unaddressed=True, help="present- [names] *")
    def present_minus(self, cmd: Command) -> None:
        now, names = self.channels.get(cmd.channel), name_list(cmd.match["names"], cmd.nick)
        self.channels.put(cmd.channel, replace(now, present=leave(now.present, names)))

    @command(r"regrets?\s*(?:\+|:)\s*(?P<names>.*)", unaddressed=True, help="regrets+ [names] *")
    def regrets_plus(self, cmd: Command) -> None:
        now, names = self.channels.get(cmd.channel), name_list(cmd.match["names"], cmd.nick)
        self.channels.put(cmd.channel, replace(now, regrets=join(now.regrets, names)))

    @command(r"regrets?\s*-\s*(?P<names>.*)", unaddressed=True, help="regrets- [names] *")
    def regrets_minus(self, cmd: Command) -> None:
        now, names = self.channels.get(cmd.channel), name_list(cmd.match["names"], cmd.nick)
        self.channels.put(cmd.channel, replace(now, regrets=leave(now.regrets, names)))

    @command(r"(?:who\s+is|who's)\s+(?:here|on\s+the\s+(?:phone|call))\s*\??",
             help="who is here?")
    def who(self, cmd: Command) -> list[Say]:
        present = self.channels.get(cmd.channel).present
        if not present:
            return [Say("No one has been recorded as present yet")]
        return [Say("Present: " + ", ".join(present))]

    @command(r"list\s+(?:the\s+)?(?:attendees|participants)", help="list attendees")
    def list_attendees(self, cmd: Command) -> list[Say]:
        return [self._attendees(cmd.channel)]

    def _attendees(self, channel: str) -> Say:
        now = self.channels.get(channel)
        if not now.attendees:
            return Say("No one has been recorded as present")
        return Say("As of this point the attendees have been " + ", ".join(now.attendees))

    @command(r"(?:propose|pick|nominate|choose|select)\s+a\s+(?:scribe|victim)"
             r"(?:\s*,?\s+(?:other\s+than|except)\s+(?P<others>.+))?", help="pick a scribe")
    def pick_scribe(self, cmd: Command) -> list[Say]:
        excluded = {fold(n) for n in name_list(cmd.match["others"], cmd.nick)} if (
            cmd.match["others"]) else set()
        present = self.channels.get(cmd.channel).present
        candidates = [n for n in present if fold(n) not in excluded]
        if not candidates:
            if present:
                return [Say(f"I see no one else present to propose, {cmd.nick}")]
            return [Say(f"I don't know who is here, {cmd.nick}; please say present+ first")]
        seed = f"{cmd.event.time.isoformat()} {cmd.channel} {cmd.text}"
        return [Say("Not knowing who is chairing or who scribed recently, I propose "
                    + pick(candidates, seed))]

    def on_signal(self, signal: Signal, event: Event) -> list[Say]:
        if signal.name == "meeting-ending" and self.channels.get(signal.channel).attendees:
            return [self._attendees(signal.channel)]
        return []

