"""The live meeting room: what Zakim knows of a channel's meeting, for people watching on the web.

No second copy of the meeting's logic: a ``Room`` folds the channel's stored events through a
fresh ``Router`` with the real plugins (``load_plugins``), exactly as the daemon rebuilds its
state on restart (the same replay window, the same remembered values), then keeps folding the
rows stored since. It reads the result only through each plugin's ``state(channel)`` and turns
it into a plain view model (``view``) that the page draws and the event stream sends as JSON.
Effects are dropped, as in a replay: the web side never speaks.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bot.core.events import Event, utcnow
from bot.core.names import fold
from bot.core.plugin import Plugin, Settings
from bot.core.router import Router
from bot.plugins import load_plugins
from bot.plugins.agenda import Agenda
from bot.plugins.attendance import Attendance
from bot.plugins.meeting import Frame
from bot.plugins.questions import Questions
from bot.plugins.queue import Queue
from bot.storage.store import Store


def _iso(when: datetime | None) -> str | None:
    return when.isoformat() if when is not None else None


@dataclass
class Room:
    """One channel, folded as far as the stored events go (``catch_up``)."""

    store: Store
    network: str
    settings: Settings
    channel: str
    replay: timedelta  # the daemon's [bot] replay_hours: state older than that is forgotten
    router: Router = field(init=False)
    plugins: dict[str, Plugin[Any]] = field(init=False)
    last_id: int = 0
    since: datetime = field(init=False)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        loaded = load_plugins(self.settings)
        self.router = Router(self.settings, loaded)
        self.plugins = {type(p).__name__: p for p in loaded}
        self.since = utcnow() - self.replay
        for channel, key, value in self.store.remembered_values(self.network):
            if fold(channel) == fold(self.channel):
                self.router.recall(channel, key, value)

    def catch_up(self) -> int:
        """Fold the events stored since the last look; returns how many there were."""
        with self.lock:
            fresh = self.store.channel_events_after(self.network, self.channel, self.last_id,
                                                    self.since)
            for event in fresh:
                self._fold(event)
            return len(fresh)

    def _fold(self, event: Event) -> None:
        self.router.dispatch(event)  # effects dropped: the bot acted on them already
        if event.id is not None:
            self.last_id = max(self.last_id, event.id)

    def _state(self, plugin: str) -> Any:
        return self.plugins[plugin].state(self.channel)

    def view(self) -> dict[str, Any]:
        """The room as plain data: agenda, floor, queue, attendance, questions."""
        with self.lock:
            agenda: Agenda = self._state("AgendaPlugin")
            queue: Queue = self._state("QueuePlugin")
            people: Attendance = self._state("AttendancePlugin")
            asked: Questions = self._state("QuestionsPlugin")
            frame: Frame = self._state("MeetingPlugin")
            return {
                "channel": self.channel,
                "title": frame.title,
                "now": utcnow().isoformat(),
                "version": self.last_id,
                "agenda": _agenda(agenda),
                "floor": _floor(queue),
                "queue": [{"name": e.name, "note": e.note} for e in queue.entries],
                "queue_closed": queue.closed,
                "present": list(people.present),
                "regrets": list(people.regrets),
                "questions": [{"number": q.number, "text": q.text,
                               "supporters": list(q.supporters)}
                              for q in asked.items if not q.dropped],
            }


def _agenda(agenda: Agenda) -> dict[str, Any]:
    current = agenda.item(agenda.current) if agenda.current is not None else None
    timer = agenda.timer if agenda.timer and agenda.timer.number == agenda.current else None
    return {
        "items": [{"number": i.number, "text": i.text, "status": i.status,
                   "current": i.number == agenda.current} for i in agenda.items],
        "open": None if current is None else {
            "number": current.number, "text": current.text,
            "since": _iso(agenda.opened_at), "ends": _iso(timer.at if timer else None)},
    }


def _floor(queue: Queue) -> dict[str, Any] | None:
    if queue.floor is None:
        return None
    timed = queue.speaker_seconds is not None and queue.speaker == queue.floor \
        and queue.floor_since is not None
    ends = queue.floor_since + timedelta(seconds=queue.speaker_seconds or 0) \
        if timed and queue.floor_since else None
    return {"name": queue.floor, "since": _iso(queue.floor_since), "ends": _iso(ends)}
