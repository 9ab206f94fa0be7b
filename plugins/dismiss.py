"""``<nick>, bye`` (also ``excuse us``, ``part``, ``leave``): either persona leaves the channel."""

from __future__ import annotations

from bot.core.effects import Leave
from bot.core.plugin import Command, Plugin, Settings, command


class Dismiss(Plugin):
    name = "dismiss"

    def __init__(self, settings: Settings, persona: str) -> None:
        super().__init__(settings)
        self.persona = persona

    @command(r"(?:bye|excuse\s+us|part|leave)\.?", help="bye")
    def bye(self, cmd: Command) -> list[Leave]:
        return [Leave(self.persona, cmd.channel)]
