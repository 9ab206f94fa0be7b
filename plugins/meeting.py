"""Zakim's meeting frame: ``start``/``prepare meeting``, ``end meeting``, ``this is …``,
``what conference is this?`` and ``save this conference description``.

Starting brings RRSAgent in with the channel's configured log visibility and asks for a
title when no ``Meeting:`` line has given one. Ending asks the attendance plugin for the final
list and RRSAgent for the minutes (both by signal), then Zakim leaves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from bot.core.effects import Answer, Join, Leave, Remember, Say, Signal
from bot.core.events import Event, Kind
from bot.core.names import RRSAGENT, ZAKIM
from bot.core.plugin import Command, Plugin, command

_TITLE = re.compile(r"\s*meeting\s*:\s*(?P<title>\S.*)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Frame:
    title: str | None = None  # from the last "Meeting: …" line
    description: str | None = None  # "this is …"
    saved: str | None = None  # the description kept across meetings


class MeetingPlugin(Plugin[Frame]):
    persona = ZAKIM
    name = "meeting"
    State = Frame

    def observe(self, event: Event) -> None:
        if event.kind is Kind.MESSAGE and (m := _TITLE.fullmatch(event.text)):
            frame = self.channels.get(event.channel)
            self.channels.put(event.channel, replace(frame, title=m["title"].strip()))

    @command(r"(?:start|prepare)\s+(?:(?:the|this)\s+)?meeting", help="start meeting")
    def start(self, cmd: Command) -> list[Answer]:
        rrsagent = self.settings.nicks[RRSAGENT]
        visibility = self.settings.visibility(cmd.channel)
        out: list[Answer] = [
            Join(RRSAGENT, cmd.channel),
            Say(f"{rrsagent}, make logs {visibility}"),
            Signal("logs-visibility", cmd.channel, (visibility,)),  # RRSAgent answers
        ]
        frame = self.channels.get(cmd.channel)
        if frame.title:
            out.append(Say(f"Meeting: {frame.title}"))
        else:
            out.append(Say(f'please title this meeting ("meeting: ..."), {cmd.nick}'))
        return out

    @command(r"end\s+(?:(?:the|this)\s+)?meeting", help="end meeting")
    def end(self, cmd: Command) -> list[Answer]:
        rrsagent = self.settings.nicks[RRSAGENT]
        return [
            Signal("meeting-ending", cmd.channel),
            Say(f"{rrsagent}, please draft minutes"),
            Signal("minutes-requested", cmd.channel, (self.settings.nicks[ZAKIM],)),
            Say(f"I am happy to have been of service, {cmd.nick}; please remember to excuse "
                f"{rrsagent}.  Goodbye"),
            Leave(ZAKIM, cmd.channel),
        ]

    @command(r"this\s+(?:conference\s+)?is\s+(?P<description>\S.*)",
             help="this is <description>")
    def describe(self, cmd: Command) -> list[Say]:
        frame = self.channels.get(cmd.channel)
        self.channels.put(cmd.channel, replace(frame, description=cmd.match["description"].strip()))
        return [Say(f"ok, {cmd.nick}")]

    @command(r"(?:what\s+conference\s+is\s+this|(?:what\s+is|what's)\s+the\s+"
             r"(?:conference\s+code|passcode|code))\s*\?", help="what conference is this?")
    def which(self, cmd: Command) -> list[Say]:
        frame = self.channels.get(cmd.channel)
        description = frame.description or frame.saved
        if description is None:
            return [Say(f"I have no description of this conference, {cmd.nick}; "
                        "tell me with 'this is <description>'")]
        return [Say(f"this is {description}")]

    @command(r"save\s+this\s+(?:conference\s+)?description",
             help="save this conference description")
    def save(self, cmd: Command) -> list[Answer]:
        frame = self.channels.get(cmd.channel)
        if frame.description is None:
            return [Say(f"I have no description of this conference to save, {cmd.nick}")]
        self.channels.put(cmd.channel, replace(frame, saved=frame.description))
        return [Remember(cmd.channel, "meeting.description", frame.description),
                Say(f"ok, {cmd.nick}")]

    def recall(self, channel: str, key: str, value: str) -> None:
        if key == "meeting.description":
            self.channels.put(channel, replace(self.channels.get(channel), saved=value))

    def forget(self, channel: str) -> None:
        saved = self.channels.get(channel).saved  # saved descriptions outlive the meeting
        self.channels.forget(channel)
        if saved is not None:
            self.channels.put(channel, Frame(saved=saved))
