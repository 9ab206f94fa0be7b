"""RRSAgent's record keeping, first slice: ``RRSAgent, draft minutes`` publishes the minutes.

The plugin only decides; the shell renders the stored log and writes the files (``Publish``),
then the reply goes out exactly as RRSAgent phrases it.
"""

from __future__ import annotations

from bot.publish import url_for
from bot.router import RRSAGENT, Command, Plugin, Publish, Say, command


class RecordPlugin(Plugin):
    persona = RRSAGENT
    name = "record"

    @command(
        r"(?:create|draft|format|generate|make|publish)\s+(?:the\s+)?minutes",
        help="draft minutes",
    )
    def draft_minutes(self, cmd: Command) -> list[Publish | Say]:
        day = cmd.event.day
        url = url_for(self.settings.base_url, cmd.channel, day, "minutes.html")
        return [
            Publish(cmd.event.network, cmd.channel, day),
            Say(f"I have made the request to generate {url} {cmd.nick}"),
        ]
