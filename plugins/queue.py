"""Zakim's speaker queue: ``q+``/``q-``/``q=``/``q?``/``vq?``, ``ack``, hands, closing the queue,
the last word, the speaker timer, and ``ignore``/``track the queue``.

The queue is plain data with pure operations (``add``, ``remove``, ``take``...); the plugin
keeps one per channel and phrases the replies the way Zakim does. It tells the other plugins
how long the queue is (``queue-length``), and reopens itself when an agendum is taken up.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.core.effects import Answer, Say, Schedule, Signal
from bot.core.events import Event
from bot.core.names import ZAKIM, fold, name_list
from bot.core.plugin import Command, Plugin, command

# ---- the pure part ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Entry:
    name: str
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Timer:
    channel: str
    key: str
    at: datetime


@dataclass(frozen=True, slots=True)
class Queue:
    entries: tuple[Entry, ...] = ()
    closed: bool = False  # q+ leaves the queue unchanged
    ignored: bool = False  # "ignore the queue": no tracking, no feedback
    speaker_seconds: float | None = None  # "time speakers at 2 minutes"
    speaker: str | None = None  # the last one recognised while timing
    turn: int = 0  # counts timed recognitions: an old turn's timer stays silent
    timers: tuple[Timer, ...] = ()  # the current speaker's warnings still to come
    floor: str | None = None  # the last one recognised (ack), timed or not: the live view
    floor_since: datetime | None = None  # when they were recognised

    @property
    def names(self) -> list[str]:
        return [e.name for e in self.entries]


def _waiting(queue: Queue, name: str) -> bool:
    return any(fold(e.name) == fold(name) for e in queue.entries)


def add(queue: Queue, name: str, note: str | None = None) -> Queue:
    """Append ``name``; a name already waiting only gains a note (Zakim keeps one place)."""
    if note is None and _waiting(queue, name):
        return queue
    return replace(queue, entries=(*queue.entries, Entry(name, note)))


def add_again(queue: Queue, name: str, note: str | None = None) -> Queue:
    """``q+ later``: a separate place at the end, even for someone already waiting."""
    return replace(queue, entries=(*queue.entries, Entry(name, note)))


def add_front(queue: Queue, name: str, note: str | None = None) -> Queue:
    """``qq+``: first in line, to react to the current speaker."""
    return replace(queue, entries=(Entry(name, note), *queue.entries))


def resolve(queue: Queue, name: str) -> str | None:
    """The queued name ``name`` refers to: exact, else the unique queued name it prefixes."""
    key = fold(name)
    exact = [e.name for e in queue.entries if fold(e.name) == key]
    if exact:
        return exact[0]
    starts = {fold(e.name): e.name for e in queue.entries if fold(e.name).startswith(key)}
    return starts.popitem()[1] if len(starts) == 1 else None


def remove(queue: Queue, name: str) -> Queue:
    key = fold(name)
    return replace(queue, entries=tuple(e for e in queue.entries if fold(e.name) != key))


def take(queue: Queue, name: str) -> tuple[Queue, list[Entry]]:
    """Recognise ``name``: remove every entry of theirs and return the notes they left."""
    key = fold(name)
    taken = [e for e in queue.entries if fold(e.name) == key]
    return remove(queue, name), taken


def to_end(queue: Queue, name: str) -> Queue:
    """``q- later``: every place of ``name`` moves to the end, notes kept."""
    rest, taken = take(queue, name)
    return replace(rest, entries=(*rest.entries, *taken))


def describe(queue: Queue, *, verbose: bool = False) -> Say:
    if not queue.entries:
        return Say("I see no one on the speaker queue", me="sees no one on the speaker queue")
    if verbose:
        shown = ", ".join(f"{e.name} (to {e.note})" if e.note else e.name for e in queue.entries)
    else:
        shown = ", ".join(dict.fromkeys(queue.names))
    return Say(f"I see {shown} on the speaker queue", me=f"sees {shown} on the speaker queue")


def speaker_warnings(seconds: float) -> list[tuple[float, str]]:
    """When to speak up during a timed turn: before the end, then at the end."""
    before = 30.0 if seconds >= 60 else seconds / 2
    return [(seconds - before, f"you have {before:g} seconds left"), (seconds, "your time is up")]


def _seconds(number: str, unit: str) -> float:
    return float(number) * (1 if unit.lower().startswith("s") else 60)


# ---- the plugin ---------------------------------------------------------------------------

LATE = timedelta(seconds=60)
_Q = r"(?:q|queue)"
_NOTE = r"(?:(?P<names>(?!also\b|later\b)[^:]*?)\s+)?(?:also\s+)?(?:to\b|:)\s*(?P<note>.+)"
_ACK = r"(?:chair\s+)?(?:ack|acks|recognize|recognizes)"
_POSSESSIVES = r"(?P<names>\S+'s(?:\s*,\s*\S+'s)*(?:,?\s+and\s+\S+'s)?)"
_UNIT = r"(?P<n>\d+(?:\.\d+)?)\s*(?P<unit>minutes?|mins?|m|seconds?|secs?|s)"


def _without_possessive(text: str, speaker: str) -> list[str]:
    return [n.removesuffix("'s").removesuffix("'S") for n in name_list(text, speaker)]


class QueuePlugin(Plugin[Queue]):
    persona = ZAKIM
    name = "queue"
    State = Queue

    def _put(self, channel: str, queue: Queue) -> list[Answer]:
        """Keep ``queue``; tell the other plugins when its length changed."""
        before = len(self.channels.get(channel).entries)
        self.channels.put(channel, queue)
        if len(queue.entries) == before:
            return []
        return [Signal("queue-length", channel, (len(queue.entries),))]

    def _tracked(self, cmd: Command) -> Queue | None:
        queue = self.channels.get(cmd.channel)
        return None if queue.ignored else queue

    def _add_all(self, cmd: Command, names: Iterable[str],
                 how: Callable[[Queue, str, str | None], Queue],
                 note: str | None = None) -> list[Answer]:
        queue = self._tracked(cmd)
        if queue is None:
            return []
        if queue.closed:
            return [Say(f"the speaker queue is closed, {cmd.nick}",
                        me="notes the speaker queue is closed")]
        for name in names:
            queue = how(queue, name, note)
        return self._put(cmd.channel, queue)

    # adding

    @command(rf"{_Q}\s*\+\s*later(?:\s*(?:\bto\b|:)\s*(?P<note>.+))?", unaddressed=True,
             help="q+ later [to <note>] *")
    def queue_later(self, cmd: Command) -> list[Answer]:
        return self._add_all(cmd, [cmd.nick], add_again, cmd.match["note"])

    @command(rf"{_Q}\s*\+\s*{_NOTE}", unaddressed=True)
    def queue_with_note(self, cmd: Command) -> list[Answer]:
        names = name_list(cmd.match["names"], cmd.nick)
        return self._add_all(cmd, names, add, cmd.match["note"].strip())

    @command(rf"{_Q}\s*\+(?:\s+(?P<names>.*))?", unaddressed=True, help="q+ [names] [to <note>] *")
    def queue_add(self, cmd: Command) -> list[Answer]:
        return self._add_all(cmd, name_list(cmd.match["names"], cmd.nick), add)

    @command(rf"qq\s*\+\s*{_NOTE}", unaddressed=True)
    def quick_queue_with_note(self, cmd: Command) -> list[Answer]:
        names = name_list(cmd.match["names"], cmd.nick)
        return self._add_all(cmd, reversed(names), add_front, cmd.match["note"].strip())

    @command(r"qq\s*\+(?:\s+(?P<names>.*))?", unaddressed=True, help="qq+ [name] [to <note>] *")
    def quick_queue(self, cmd: Command) -> list[Answer]:
        return self._add_all(cmd, reversed(name_list(cmd.match["names"], cmd.nick)), add_front)

    @command(r"(?:(?P<name>\S+)\s+)?raises\s+(?:(?:his|her|their|a)\s+)?hand", unaddressed=True,
             help="[name] raises hand *")
    def raises_hand(self, cmd: Command) -> list[Answer]:
        return self._add_all(cmd, name_list(cmd.match["name"], cmd.nick), add)

    @command(r"sees\s+(?P<names>.+?)\s+lowers?\s+(?:(?:his|her|their)\s+)?hands?",
             unaddressed=True)
    def sees_lower(self, cmd: Command) -> list[Answer]:
        return self._remove_all(cmd, cmd.match["names"], name_list(cmd.match["names"], cmd.nick))

    @command(rf"sees\s+{_POSSESSIVES}\s+hands?\s+down", unaddressed=True)
    def sees_hands_down(self, cmd: Command) -> list[Answer]:
        names = _without_possessive(cmd.match["names"], cmd.nick)
        return self._remove_all(cmd, cmd.match["names"], names)

    @command(r"sees\s+(?P<names>.+?)\s+raises?\s+(?:(?:his|her|their)\s+)?hands?",
             unaddressed=True, help="sees <names> raise hands *")
    def sees_raise(self, cmd: Command) -> list[Answer]:
        return self._add_all(cmd, name_list(cmd.match["names"], cmd.nick), add)

    @command(rf"sees\s+{_POSSESSIVES}\s+hands?(?:\s+up)?", unaddressed=True)
    def sees_hands_up(self, cmd: Command) -> list[Answer]:
        return self._add_all(cmd, _without_possessive(cmd.match["names"], cmd.nick), add)

    # removing and reordering

    @command(rf"{_Q}\s*-\s*later", unaddressed=True, help="q- later *")
    def queue_later_minus(self, cmd: Command) -> list[Answer]:
        queue = self._tracked(cmd)
        return [] if queue is None else self._put(cmd.channel, to_end(queue, cmd.nick))

    @command(rf"{_Q}\s*-(?:\s+(?P<names>.*))?", unaddressed=True, help="q- [names] *")
    def queue_remove(self, cmd: Command) -> list[Answer]:
        given = cmd.match["names"]
        return self._remove_all(cmd, given, name_list(given, cmd.nick))

    @command(r"(?:(?P<name>\S+)\s+)?lowers\s+(?:(?:his|her|their)\s+)?hand", unaddressed=True,
             help="[name] lowers hand *")
    def lowers_hand(self, cmd: Command) -> list[Answer]:
        given = cmd.match["name"]
        return self._remove_all(cmd, given, name_list(given, cmd.nick))

    def _remove_all(self, cmd: Command, given: str | None, names: list[str]) -> list[Answer]:
        queue = self._tracked(cmd)
        if queue is None:
            return []
        for name in names:
            # Abbreviations only count when a name is given explicitly (as in Zakim).
            target = resolve(queue, name) if given and name != cmd.nick else name
            if target is not None:
                queue = remove(queue, target)
        return self._put(cmd.channel, queue)

    @command(r"(?:q\s*=\s*(?P<names>\S.*)|queue\s*=\s*(?P<all>.*))", unaddressed=True,
             help="q= <names> *")
    def queue_set(self, cmd: Command) -> list[Answer]:
        queue = self._tracked(cmd)
        if queue is None:
            return []
        given = cmd.match["names"] or cmd.match["all"]
        entries = tuple(Entry(n) for n in dict.fromkeys(name_list(given, cmd.nick))) if (
            given and given.strip()) else ()
        return self._put(cmd.channel, replace(queue, entries=entries))

    # showing

    @command(r"(?:(?:who\s+is|who's)\s+on\s+(?:the\s+)?)?(?:q|queue)\s*\?", unaddressed=True,
             help="q? *")
    def show(self, cmd: Command) -> list[Say]:
        queue = self._tracked(cmd)
        return [] if queue is None else [describe(queue)]

    @command(r"(?:(?:show\s+(?:the\s+)?)?(?:full|verbose)\s+(?:q|queue)\s*\??|v(?:q|queue)\s*\?"
             r"|qv\s*\?)", unaddressed=True, help="vq? *")
    def show_verbose(self, cmd: Command) -> list[Say]:
        queue = self._tracked(cmd)
        return [] if queue is None else [describe(queue, verbose=True)]

    # recognising

    @command(rf"{_ACK}\s+next(?:\s+speaker)?", unaddressed=True, help="ack next *")
    def ack_next(self, cmd: Command) -> list[Answer]:
        queue = self._tracked(cmd)
        if queue is None:
            return []
        if not queue.entries:
            return [describe(queue)]
        return self._recognize(cmd, queue.entries[0].name, announce=True)

    @command(rf"{_ACK}\s+(?P<name>\S+)", unaddressed=True, help="ack <name> *")
    def ack(self, cmd: Command) -> list[Answer]:
        queue = self._tracked(cmd)
        if queue is None:
            return []
        name = resolve(queue, cmd.match["name"]) or cmd.match["name"]
        return self._recognize(cmd, name, announce=False)

    def _recognize(self, cmd: Command, name: str, *, announce: bool) -> list[Answer]:
        queue, taken = take(self.channels.get(cmd.channel), name)
        out: list[Answer] = [Say(f"ack {name}")] if announce else []
        notes = [e.note for e in taken if e.note]
        if notes:
            out.append(Say(f"{name}, you wanted to " + " and to ".join(notes)))
        if announce:  # "ack next" shows who is left; a plain "ack" only passes on notes
            out.append(describe(queue))
        queue = replace(queue, floor=name, floor_since=cmd.event.time)
        queue, timers = self._start_turn(cmd, queue, name)
        return [*out, *self._put(cmd.channel, queue), *timers]

    def _start_turn(self, cmd: Command, queue: Queue, name: str) -> tuple[Queue, list[Answer]]:
        """With the speaker timer on, a recognised speaker gets warnings as time runs out."""
        if queue.speaker_seconds is None:
            return queue, []
        turn = queue.turn + 1
        start = cmd.event.time
        timers = tuple(Timer(cmd.channel, f"speaker {turn} {i}", start + timedelta(seconds=after))
                       for i, (after, _) in enumerate(speaker_warnings(queue.speaker_seconds)))
        queue = replace(queue, speaker=name, turn=turn, timers=timers)
        return queue, [Schedule(cmd.channel, self.name, t.key, t.at) for t in timers]

    @command(r"(?:give\s+(?P<name>\S+)\s+the\s+last\s+word|(?P<who>\S+)\s+has\s+the\s+last\s+word)",
             unaddressed=True, help="give <name> the last word *")
    def last_word(self, cmd: Command) -> list[Answer]:
        queue = self._tracked(cmd)
        if queue is None:
            return []
        name = cmd.match["name"] or cmd.match["who"]
        name = cmd.nick if name.lower() == "me" else resolve(queue, name) or name
        queue = replace(queue, entries=(), closed=True)
        queue, timers = self._start_turn(cmd, queue, name)
        said = Say(f"{name} has the last word; the speaker queue is closed",
                   me=f"gives {name} the last word and closes the speaker queue")
        return [said, *self._put(cmd.channel, queue), *timers]

    # the queue's state

    @command(r"close\s+(?:the\s+)?(?:speaker\s+)?(?:q|queue)", unaddressed=True,
             help="close the queue *")
    def close(self, cmd: Command) -> list[Answer]:
        queue = self._tracked(cmd)
        if queue is None:
            return []
        self.channels.put(cmd.channel, replace(queue, closed=True))
        return [Say("the speaker queue is closed", me="closes the speaker queue")]

    @command(r"(?:re)?open\s+(?:the\s+)?(?:speaker\s+)?(?:q|queue)", unaddressed=True,
             help="reopen the queue *")
    def reopen(self, cmd: Command) -> list[Answer]:
        queue = self._tracked(cmd)
        if queue is None:
            return []
        self.channels.put(cmd.channel, replace(queue, closed=False))
        return [Say("the speaker queue is open", me="reopens the speaker queue")]

    @command(rf"(?:allow|give|time)\s+(?:each\s+speaker\s+|speakers\s+)?(?:at\s+)?{_UNIT}",
             unaddressed=True, help="time speakers at <n> minutes *")
    def time_speakers(self, cmd: Command) -> list[Answer]:
        queue = self._tracked(cmd)
        if queue is None:
            return []
        seconds = _seconds(cmd.match["n"], cmd.match["unit"])
        if not 0 < seconds <= 3600:
            return [Say(f"{cmd.nick}, a speaking time must be between 1 second and 60 minutes")]
        self.channels.put(cmd.channel, replace(queue, speaker_seconds=seconds))
        shown = f"{seconds / 60:g} minutes" if seconds >= 60 else f"{seconds:g} seconds"
        return [Say(f"ok, {cmd.nick}; I will time speakers at {shown}",
                    me=f"will time speakers at {shown}")]

    @command(r"stop\s+timing(?:\s+(?:the\s+)?speakers?)?", unaddressed=True,
             help="stop timing speakers *")
    def stop_timing(self, cmd: Command) -> list[Answer]:
        queue = self._tracked(cmd)
        if queue is None:
            return []
        self.channels.put(cmd.channel, replace(queue, speaker_seconds=None, timers=()))
        return [Say(f"ok, {cmd.nick}; I will stop timing speakers",
                    me="stops timing speakers")]

    @command(r"ignore\s+(?:the\s+)?(?:speaker\s+)?(?:q|queue)", help="ignore the queue")
    def ignore(self, cmd: Command) -> list[Say]:
        self.channels.put(cmd.channel, replace(self.channels.get(cmd.channel), ignored=True))
        return [Say(f"ok, {cmd.nick}; I will ignore the speaker queue")]

    @command(r"track\s+(?:the\s+)?(?:speaker\s+)?(?:q|queue)", help="track the queue")
    def track(self, cmd: Command) -> list[Say]:
        self.channels.put(cmd.channel, replace(self.channels.get(cmd.channel), ignored=False))
        return [Say(f"ok, {cmd.nick}; I will track the speaker queue")]

    # what other plugins and the clock tell us

    def on_signal(self, signal: Signal, event: Event) -> None:
        if signal.name == "agendum-taken-up":  # a new item: the queue opens, nobody speaks yet
            queue = self.channels.get(signal.channel)
            self.channels.put(signal.channel,
                              replace(queue, closed=False, floor=None, floor_since=None))

    def on_timer(self, event: Event) -> list[Say]:
        queue = self.channels.get(event.channel)
        due = next((t for t in queue.timers if t.key == event.text), None)
        if due is None or queue.speaker is None or queue.speaker_seconds is None:
            return []  # stopped, or a later speaker has the floor
        self.channels.put(event.channel, replace(
            queue, timers=tuple(t for t in queue.timers if t is not due)))
        if event.time - due.at > LATE:
            return []  # the bot was down: a stale warning would only confuse
        index = int(event.text.rsplit(" ", 1)[1])
        message = speaker_warnings(queue.speaker_seconds)[index][1]
        return [Say(f"{queue.speaker}, {message}")]

    def pending(self) -> list[Schedule]:
        return [Schedule(t.channel, self.name, t.key, t.at)
                for queue in self.channels.values() for t in queue.timers]

