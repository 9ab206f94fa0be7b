"""Zakim's attendance: ``present+``/``present-`` (own nick or names) and ``who is here?``.

Zakim stays silent on ``present+``; the list is what matters, and the minutes read it too.
"""

from __future__ import annotations

from bot.router import ZAKIM, Command, Plugin, Say, Settings, command, fold, name_list


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
        key, names = fold(cmd.channel), name_list(cmd.match["names"], cmd.nick)
        self.present[key] = join(self.present.get(key, ()), names)

    @command(r"present\s*-\s*(?P<names>.*)", unaddressed=True, help="present- [names] *")
    def present_minus(self, cmd: Command) -> None:
        key, names = fold(cmd.channel), name_list(cmd.match["names"], cmd.nick)
        self.present[key] = leave(self.present.get(key, ()), names)

    @command(
        r"(?:who\s+is|who's)\s+(?:here|on\s+the\s+(?:phone|call))\s*\?", help="who is here?"
    )
    def who(self, cmd: Command) -> list[Say]:
        present = self.present.get(fold(cmd.channel), ())
        if not present:
            return [Say("No one has been recorded as present yet")]
        return [Say("Present: " + ", ".join(present))]
