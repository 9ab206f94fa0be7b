"""AgendaBot's ``agenda: <url>``: read the agenda document and hand its items to Zakim.

The shell fetches the page (HTML, Markdown, a GitHub issue or file, plain text) and comes
back with it; ``bot.core.agendas`` finds the items. gb then says ``clear agenda`` and one
``agenda+`` line per item, as AgendaBot does, so the log shows where the agenda came from,
and tells the agenda plugin by signal (our own lines are never routed as commands).
"""

from __future__ import annotations

import json
from typing import Any

from bot.core.agendas import agenda_lines, extract
from bot.core.effects import Answer, Ask, Say, Signal
from bot.core.events import Event
from bot.core.names import GB
from bot.core.plugin import Command, Plugin, command


class AgendaBotPlugin(Plugin):
    persona = GB
    name = "agendabot"

    @command(r"agenda\s*:\s*(?P<url>https?://\S+)\s*", unaddressed=True,
             help="agenda: <url> *")
    def load(self, cmd: Command) -> list[Answer]:
        key = json.dumps({"nick": cmd.nick, "url": cmd.match["url"]})
        return [Ask(cmd.channel, self.name, key, ("document", cmd.match["url"]))]

    def on_answer(self, event: Event, key: str, request: tuple[str, ...],
                  result: dict[str, Any]) -> list[Answer]:
        asked = json.loads(key)
        nick, url = asked["nick"], asked["url"]
        if result.get("status") != "ok":
            detail = result.get("detail") or result.get("status")
            return [Say(f"Sorry, {nick}, I could not read the agenda at {url}: {detail}")]
        text, content_type = result["data"]
        items = extract(text, content_type)
        if not items:
            return [Say(f"{nick}, I found no agenda in {url}")]
        return [*(Say(line) for line in agenda_lines(items)),
                Signal("agenda-loaded", event.channel, (nick, *items))]
