"""Zakim's attendance: ``present+``/``present-`` (own nick or names) and ``who is here?``.

Zakim stays silent on ``present+``; the list is what matters, and the minutes read it too.
"""

from __future__ import annotations

import re

from bot.router import ZAKIM, Command, Plugin, Say, Settings, command, fold

_SPLIT = re.compile(r"\s*,\s*|\s+")


def names_in(text: str | None, speaker: str) -> list[str]:
    names = [n for n in _SPLIT.split(text.strip()) if n] if text else []
    return [speaker if n.lower() == "me" else n for n in names] or [speaker]


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


class AttendancePlugin(Plugin):
    persona = ZAKIM
    name = "attendance"

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.present: dict[str, tuple[str, ...]] = {}

    @command(r"present\s*(?:\+|:)\s*(?P<names>.*)", unaddressed=True, help="present+ [names] *")
    def present_plus(self, cmd: Command) -> None:
        key = fold(cmd.channel)
        self.present[key] = join(self.present.get(key, ()), names_in(cmd.match["names"], cmd.nick))

    @command(r"present\s*-\s*(?P<names>.*)", unaddressed=True, help="present- [names] *")
    def present_minus(self, cmd: Command) -> None:
        key = fold(cmd.channel)
        self.present[key] = leave(self.present.get(key, ()), names_in(cmd.match["names"], cmd.nick))

    @command(
        r"(?:who\s+is|who's)\s+(?:here|on\s+the\s+(?:phone|call))\s*\?", help="who is here?"
    )
    def who(self, cmd: Command) -> list[Say]:
        present = self.present.get(fold(cmd.channel), ())
        if not present:
            return [Say("No one has been recorded as present yet")]
        return [Say("Present: " + ", ".join(present))]
