"""RRSAgent's record keeping, first slice: ``RRSAgent, draft minutes`` publishes the minutes.

The plugin only decides; the shell renders the stored log and writes the files (``Publish``),
then the reply goes out exactly as RRSAgent phrases it. Zakim's ``end meeting`` asks for the
minutes by signal, since the bot does not route its own lines.
"""

from __future__ import annotations

from bot.events import Event
from bot.publish import url_for
from bot.router import RRSAGENT, Command, Plugin, Publish, Say, Signal, command


class RecordPlugin(Plugin):
    persona = RRSAGENT
    name = "record"

    @command(
        r"(?:create|draft|format|generate|make|publish)\s+(?:the\s+)?minutes",
        help="draft minutes",
    )
    def draft_minutes(self, cmd: Command) -> list[Publish | Say]:
        return self._draft(cmd.event, cmd.nick)

    def _draft(self, event: Event, requester: str) -> list[Publish | Say]:
        day = event.day
        url = url_for(self.settings.base_url, event.channel, day, "minutes.html")
        return [
            Publish(event.network, event.channel, day),
            Say(f"I have made the request to generate {url} {requester}"),
        ]

    def on_signal(self, signal: Signal, event: Event) -> list[Publish | Say]:
        if signal.name == "minutes-requested":
            return self._draft(event, signal.data[0])
        return []
