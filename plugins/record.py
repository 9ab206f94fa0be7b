"""RRSAgent keeps the record: logging on and off, the log's visibility, action items, where
we are in the log, searching it, a new log at midnight UTC (unless the meeting spans it),
leaving after two idle hours (unless told to stay), and ``draft minutes``.

The plugin only decides; the shell writes files, runs searches and leaves. Its state (a
``Record`` per channel) and what the public record is live in ``bot.core.record``, whose
``public_record`` folds the stored events through this same plugin: the grammar that turns
logging off is the one that decides what is published.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

from bot.core.effects import Answer, Leave, Publish, Remember, Say, Schedule, Search, Signal
from bot.core.events import Event, Kind
from bot.core.names import RRSAGENT, ZAKIM, fold
from bot.core.paths import url_for
from bot.core.plugin import Command, Plugin, Settings, command
from bot.core.record import Action, Record, anchor, joins_near_midnight, log_day, visibility_key

_ACTIVITY = {Kind.MESSAGE, Kind.ACTION, Kind.NOTICE, Kind.JOIN, Kind.PART, Kind.QUIT,
             Kind.KICK, Kind.TOPIC, Kind.NICK}
_GROUPS = {"public": "public", "world": "public", "member": "member", "team": "team",
           "ab": "team"}

def _span(delta: timedelta) -> str:
    seconds = round(delta.total_seconds())
    if seconds < 120:
        return f"{seconds} seconds"
    minutes = round(seconds / 60)
    return f"{minutes / 60:g} hours" if minutes >= 120 else f"{minutes} minutes"


def describe_actions(record: Record) -> list[Say]:
    open_actions = [a for a in record.actions if not a.dropped]
    if not open_actions:
        return [Say("I see no action items", me="sees no action items")]
    count = f"{len(open_actions)} open action item{'s' if len(open_actions) != 1 else ''}"
    return [Say(f"I see {count}:", me=f"sees {count}:"),
            *(Say(f"ACTION: {a.text} [{a.number}]", me=f"ACTION: {a.text} [{a.number}]")
              for a in open_actions)]


# ---- the plugin ---------------------------------------------------------------------------

_LOGS = r"(?:(?:these|the)\s+)?(?:logs?|records?)"
_VISIBILITY = (r"(?P<group>member|world|public|team|ab)"
               r"(?:-(?:visible|access|conf|confidential|only|read|readable))?")
_ACTIONS = r"(?:action\s+items|actions)"
_SEARCH_OPTION = re.compile(r"(-i|first|last|max\s+(\d+))\s+(?=\S)", re.IGNORECASE)


class RecordPlugin(Plugin[Record]):
    persona = RRSAGENT
    name = "record"
    State = Record
    snapshot_attrs: ClassVar[dict[str, Any]] = {"last_seen": dict[str, datetime]}

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.last_seen: dict[str, datetime] = {}  # folded channel -> its last activity

    def _put(self, channel: str, record: Record) -> None:
        self.channels.put(channel, record if record.channel else replace(record, channel=channel))

    def _log_url(self, channel: str, record: Record, when: datetime) -> str:
        day = record.log_day or when.astimezone(UTC).strftime("%Y-%m-%d")
        return url_for(self.settings.base_url, channel, day, "irc")

    # following the channel

    def observe(self, event: Event) -> list[Answer]:
        if event.kind is Kind.GAP:  # the bot was away: this log may miss lines
            record, _ = log_day(self.channels.get(event.channel), event.time)
            self._put(event.channel, replace(record, gaps=(*record.gaps, event.text)))
            return []
        if event.kind not in _ACTIVITY:
            return []
        before = self.channels.get(event.channel)
        record, _ = log_day(before, event.time)
        self.last_seen[fold(event.channel)] = event.time
        out: list[Answer] = []
        nick = fold(self.settings.nicks[RRSAGENT])
        own = fold(event.nick) == nick
        if event.kind is Kind.KICK:  # the kicker is event.nick; the one kicked comes first
            own = fold(event.text.split(" ", 1)[0]) == nick
        if own and event.kind is Kind.JOIN:
            if joins_near_midnight(event.time):
                record = replace(record, spans_midnight=True)
            record = replace(record, here=True)
            due = event.time + self.settings.idle_leave
            out += [Say(f"logging to {self._log_url(event.channel, record, event.time)}"),
                    Schedule(event.channel, self.name, "idle", due)]
        elif own and event.kind in (Kind.PART, Kind.KICK):
            # RRSAgent left: the next invitation starts afresh, as the live bot's forget()
            # does on "bye" (replay, and public_record, only see this part).
            record = Record(log_day=record.log_day, channel=record.channel)
        if record is not before:  # most lines change nothing: no new state for them
            self._put(event.channel, record)
        return out

    def on_timer(self, event: Event) -> list[Answer]:
        """Every ``idle_leave`` RRSAgent looks whether the channel was quiet all that time."""
        record = self.channels.get(event.channel)
        if event.text != "idle" or record.stay or not record.here:
            return []
        quiet_since = self.last_seen.get(fold(event.channel), event.time)
        idle = self.settings.idle_leave
        if event.time - quiet_since < idle:  # there was activity: look again later
            return [Schedule(event.channel, self.name, "idle", quiet_since + idle)]
        return [Say(f"I see no activity here for {_span(idle)}; leaving. /invite me back to "
                    "log again"),
                Leave(RRSAGENT, event.channel)]

    def pending(self) -> list[Schedule]:
        idle = self.settings.idle_leave
        return [Schedule(r.channel, self.name, "idle", self.last_seen[key] + idle)
                for key, r in self.channels.items()
                if r.here and not r.stay and key in self.last_seen]

    def forget(self, channel: str) -> None:
        super().forget(channel)
        self.last_seen.pop(fold(channel), None)

    def on_signal(self, signal: Signal, event: Event) -> list[Answer]:
        if signal.name == "minutes-requested":
            return self._draft(event, signal.data[0])
        if signal.name == "logs-visibility":
            return self._set_visibility(event, signal.data[0], self.settings.nicks[ZAKIM])
        return []

    def _set_visibility(self, event: Event, visibility: str, requester: str) -> list[Answer]:
        """The log's (and its minutes') readers; kept per log, for the publisher and the web."""
        record, day = log_day(self.channels.get(event.channel), event.time)
        self._put(event.channel, replace(record, visibility=visibility))
        return [Remember(event.channel, visibility_key(day), visibility),
                Say(f"I have made the request, {requester}")]

    # minutes and the log

    @command(r"(?:create|draft|format|generate|make|publish)\s+(?:the\s+)?minutes(?:\s+v1)?",
             help="draft minutes")
    def draft_minutes(self, cmd: Command) -> list[Answer]:
        return self._draft(cmd.event, cmd.nick)

    def _draft(self, event: Event, requester: str) -> list[Answer]:
        day = self.channels.get(event.channel).log_day or event.day
        url = url_for(self.settings.base_url, event.channel, day, "minutes.html")
        return [Publish(event.network, event.channel, day,
                        done=f"I have made the request to generate {url} {requester}",
                        failed=f"I could not generate {url}, {requester}")]

    @command(r"(?:bookmark|pointer|here|where\s+am\s+i\s*\??)", help="bookmark")
    def bookmark(self, cmd: Command) -> list[Say]:
        record = self.channels.get(cmd.channel)
        url = self._log_url(cmd.channel, record, cmd.event.time)
        return [Say(f"See {url}#{anchor(cmd.event.time)}"),
                *(Say(f"This log may miss lines: {gap}") for gap in record.gaps)]

    @command(r"(?:silence|stop|off|nolisten)", help="off")
    def off(self, cmd: Command) -> list[Say]:
        self._put(cmd.channel, replace(self.channels.get(cmd.channel), listening=False))
        return [Say(f"I'm not logging now, {cmd.nick}; say '{self.settings.nicks[RRSAGENT]}, on' "
                    "to resume")]

    @command(r"(?:on|hello|log|listen|record|start|begin)", help="on")
    def on(self, cmd: Command) -> list[Say]:
        self._put(cmd.channel, replace(self.channels.get(cmd.channel), listening=True))
        return [Say(f"I'm logging, {cmd.nick}")]

    @command(rf"(?:set|make)\s+{_LOGS}\s+{_VISIBILITY}", help="set logs public|member|team")
    def set_visibility(self, cmd: Command) -> list[Answer]:
        return self._set_visibility(cmd.event, _GROUPS[cmd.match["group"].lower()], cmd.nick)

    @command(r"(?:this\s+meeting\s+spans\s+midnight|do\s+not\s+start\s+a\s+new\s+log"
             r"(?:\s+at\s+midnight)?)", help="this meeting spans midnight")
    def spans_midnight(self, cmd: Command) -> list[Say]:
        self._put(cmd.channel, replace(self.channels.get(cmd.channel), spans_midnight=True))
        return [Say(f"ok, {cmd.nick}; this log will go on past midnight UTC")]

    @command(r"start\s+a\s+new\s+log(?:\s+at\s+midnight)?", help="start a new log at midnight")
    def new_log_at_midnight(self, cmd: Command) -> list[Say]:
        self._put(cmd.channel, replace(self.channels.get(cmd.channel), spans_midnight=False))
        return [Say(f"ok, {cmd.nick}; a new log will start at midnight UTC")]

    @command(r"(?:stay|do\s+not\s+leave|do\s+not\s+depart)", help="stay")
    def stay(self, cmd: Command) -> list[Say]:
        self._put(cmd.channel, replace(self.channels.get(cmd.channel), stay=True))
        return [Say(f"ok, {cmd.nick}; I will stay until I am dismissed")]

    # action items

    @command(r"action\s*:\s*(?P<text>\S.*)", unaddressed=True, help="ACTION: <text> *")
    def action(self, cmd: Command) -> list[Say]:
        record = self.channels.get(cmd.channel)
        if cmd.via_action or not record.tracking_actions:
            return []  # actions may not be assigned in /me lines
        number = record.last_action + 1
        item = Action(number, cmd.match["text"].strip(), anchor(cmd.event.time))
        self._put(cmd.channel, replace(record, actions=(*record.actions, item),
                                       last_action=number))
        url = self._log_url(cmd.channel, record, cmd.event.time)
        return [Say(f"ACTION: {item.text} [{number}]"), Say(f"recorded in {url}#{item.anchor}")]

    @command(r"(?P<word>action)\s+(?P<n>\d+)\s*=\s*(?P<text>\S.*)", unaddressed=True,
             help="ACTION <n> = <text> *")
    def replace_action(self, cmd: Command) -> list[Say]:
        record = self.channels.get(cmd.channel)
        if cmd.via_action or cmd.match["word"] not in ("ACTION", "action"):
            return []
        return self._change_action(cmd, record, int(cmd.match["n"]),
                                   text=cmd.match["text"].strip())

    @command(r"(?:action\s*-\s*|drop\s+action\s+)(?P<n>\d+)", unaddressed=True,
             help="ACTION- <n>; drop action <n> *")
    def drop_action(self, cmd: Command) -> list[Say]:
        if not cmd.addressed and cmd.text.lower().startswith("drop"):
            return []  # "drop action N" must be addressed; "ACTION- N" need not be
        return self._change_action(cmd, self.channels.get(cmd.channel), int(cmd.match["n"]),
                                   dropped=True)

    def _change_action(self, cmd: Command, record: Record, number: int,
                       **changes: object) -> list[Say]:
        if not record.tracking_actions:
            return []
        if not any(a.number == number and not a.dropped for a in record.actions):
            return [Say(f"I don't see action {number}, {cmd.nick}")]
        actions = tuple(replace(a, **changes) if a.number == number else a  # type: ignore[arg-type]
                        for a in record.actions)
        self._put(cmd.channel, replace(record, actions=actions))
        verb = "dropped" if changes.get("dropped") else "replaced"
        return [Say(f"action {number} {verb}, {cmd.nick}", me=f"notes action {number} {verb}")]

    @command(rf"(?:actions\s*\?|what\s+(?:are\s+the\s+)?{_ACTIONS}\s*\?"
             rf"|(?:show|list)\s+(?:the\s+)?{_ACTIONS})", unaddressed=True, help="actions? *")
    def show_actions(self, cmd: Command) -> list[Say]:
        record = self.channels.get(cmd.channel)
        if not cmd.addressed and cmd.text.strip().lower().rstrip("? ") != "actions":
            return []  # only "actions?" works unaddressed
        return describe_actions(record) if record.tracking_actions else []

    @command(rf"ignore\s+{_ACTIONS}", help="ignore actions")
    def ignore_actions(self, cmd: Command) -> list[Say]:
        self._put(cmd.channel, replace(self.channels.get(cmd.channel), tracking_actions=False))
        return [Say(f"ok, {cmd.nick}; I will not track action items")]

    @command(rf"track\s+{_ACTIONS}", help="track actions")
    def track_actions(self, cmd: Command) -> list[Say]:
        self._put(cmd.channel, replace(self.channels.get(cmd.channel), tracking_actions=True))
        return [Say(f"ok, {cmd.nick}; I will track action items")]

    # searching the log (the shell runs the search: the log is in the database)

    @command(r"(?:grep|search\s+for|find)\s+(?P<args>.+)",
             help="grep [-i] [first|last|max <n>] <text>")
    def grep(self, cmd: Command) -> list[Answer]:
        return [self._search(cmd, cmd.match["args"])]

    @command(r"(?P<text>[^?].*?)\s*\?", help="<text>?", fallback=True)
    def question(self, cmd: Command) -> list[Answer]:
        return [self._search(cmd, cmd.match["text"])]

    def _search(self, cmd: Command, args: str) -> Search:
        """``[-i] [first|last|max N] <text>``, the options in any order before the text."""
        ignore_case, limit, which, rest = False, 5, "all", args.strip()
        while m := _SEARCH_OPTION.match(rest):
            option = m[1].lower()
            if option == "-i":
                ignore_case = True
            elif option in ("first", "last"):
                which = option
            else:
                limit = max(1, min(int(m[2]), 20))
            rest = rest[m.end():]
        pattern = rest or args.strip()
        day = self.channels.get(cmd.channel).log_day or cmd.event.day
        return Search(cmd.event.network, cmd.channel, day, pattern, ignore_case, which, limit,
                      cmd.nick)
