"""Zakim's reminders: ``ping us in 10 minutes``, ``remind me in 2 hours to …``.

A reminder lives in the plugin's state, which replay rebuilds from the stored command and
timer events; after a restart the shell schedules what is still pending, and a reminder whose
time passed while the bot was down fires at once, saying how late it is.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.core.effects import Answer, Say, Schedule
from bot.core.events import Event
from bot.core.names import ZAKIM
from bot.core.plugin import Command, Plugin, command

# Minutes by default; ``hours`` may be abbreviated to ``hour`` or ``h``.
_INTERVAL = (r"in\s+(?P<n>\d+(?:\.\d+)?)\s*(?P<unit>hours?|h|minutes?|mins?|m)?")
LATE = timedelta(seconds=5)  # on time, the scheduler fires within milliseconds


@dataclass(frozen=True, slots=True)
class Reminder:
    channel: str
    key: str
    at: datetime
    nick: str
    word: str | None  # about | to | that
    text: str | None


def message(reminder: Reminder, fired: datetime) -> str:
    """What Zakim says when the time comes; ``(late …)`` when the bot was down then."""
    if reminder.text:
        said = f"{reminder.nick}, you asked to be reminded at this time {reminder.word} " \
               f"{reminder.text}"
    else:
        said = f"{reminder.nick}, you asked to be pinged at this time"
    late = fired - reminder.at
    if late > LATE:
        said += f" (late by {_span(late)}: I was not running at {reminder.at:%H:%M} UTC)"
    return said


def _span(delta: timedelta) -> str:
    seconds = round(delta.total_seconds())
    if seconds < 90:
        return f"{seconds} seconds"
    minutes = round(seconds / 60)
    return f"{minutes} minutes" if minutes < 90 else f"{minutes / 60:.1f} hours"


class RemindersPlugin(Plugin[dict[str, Reminder]]):
    """A channel's state: its reminders still to fire, by key."""

    persona = ZAKIM
    name = "reminders"
    State = dict

    @command(rf"(?P<verb>ping|remind)(?:\s+(?:me|us))?\s+{_INTERVAL}"
             r"(?:\s+(?P<word>about|to|that)\s+(?P<text>.+))?",
             help="ping us in <n> minutes; remind me in <n> hours to <text>")
    def remind(self, cmd: Command) -> list[Answer]:
        hours = (cmd.match["unit"] or "m").lower().startswith("h")
        in_hours = float(cmd.match["n"]) / (1 if hours else 60)
        limit = self.settings.max_reminder_hours
        if not 0 < in_hours <= limit:
            return [Say(f"{cmd.nick}, I can remind you at most {limit:g} hours ahead")]
        delay = timedelta(hours=in_hours)
        at = cmd.event.time + delay
        # The key comes from the command line itself, so replaying it gives the same key.
        digest = hashlib.sha256(f"{cmd.nick}\n{cmd.text}".encode()).hexdigest()[:12]
        key = f"{cmd.event.time.isoformat()} {digest}"
        reminder = Reminder(cmd.channel, key, at, cmd.nick, cmd.match["word"], cmd.match["text"])
        self.channels.get(cmd.channel)[reminder.key] = reminder
        return [Say(f"ok, {cmd.nick}"), Schedule(cmd.channel, self.name, reminder.key, at)]

    def on_timer(self, event: Event) -> list[Say]:
        reminder = self.channels.get(event.channel).pop(event.text, None)
        return [] if reminder is None else [Say(message(reminder, event.time))]

    def pending(self) -> list[Schedule]:
        return [Schedule(r.channel, self.name, r.key, r.at)
                for waiting in self.channels.values() for r in waiting.values()]
