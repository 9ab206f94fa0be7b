"""Zakim's speaker queue: ``q+``, ``q+ to <note>``, ``q-``, ``q?``, ``ack <name>``, ``ack next``.

The queue itself is plain data with pure operations (``add``, ``remove``, ``take``); the
plugin class only keeps one queue per channel and phrases the replies the way Zakim does.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.router import ZAKIM, Command, Plugin, Say, Settings, command, fold, name_list

# ---- the pure part ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Entry:
    name: str
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Queue:
    entries: tuple[Entry, ...] = ()

    @property
    def names(self) -> list[str]:
        return [e.name for e in self.entries]


def add(queue: Queue, name: str, note: str | None = None) -> Queue:
    """Append ``name``; a name already waiting only gains a note (Zakim keeps one place)."""
    if note is None and any(fold(e.name) == fold(name) for e in queue.entries):
        return queue
    return replace(queue, entries=(*queue.entries, Entry(name, note)))


def resolve(queue: Queue, name: str) -> str | None:
    """The queued name ``name`` refers to: exact, else the unique queued name it prefixes."""
    key = fold(name)
    exact = [e.name for e in queue.entries if fold(e.name) == key]
    if exact:
        return exact[0]
    starts = {e.name for e in queue.entries if fold(e.name).startswith(key)}
    return starts.pop() if len(starts) == 1 else None


def remove(queue: Queue, name: str) -> Queue:
    key = fold(name)
    return replace(queue, entries=tuple(e for e in queue.entries if fold(e.name) != key))


def take(queue: Queue, name: str) -> tuple[Queue, list[Entry]]:
    """Recognise ``name``: remove every entry of theirs and return the notes they left."""
    key = fold(name)
    taken = [e for e in queue.entries if fold(e.name) == key]
    return remove(queue, name), taken


def describe(queue: Queue) -> Say:
    if not queue.entries:
        return Say("I see no one on the speaker queue", me="sees no one on the speaker queue")
    names = ", ".join(dict.fromkeys(queue.names))
    return Say(f"I see {names} on the speaker queue", me=f"sees {names} on the speaker queue")


# ---- the plugin ---------------------------------------------------------------------------

_Q = r"(?:q|queue)"


class QueuePlugin(Plugin):
    persona = ZAKIM
    name = "queue"

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.queues: dict[str, Queue] = {}

    def _get(self, channel: str) -> Queue:
        return self.queues.get(fold(channel), Queue())

    def _set(self, channel: str, queue: Queue) -> None:
        self.queues[fold(channel)] = queue

    @command(
        rf"{_Q}\s*\+\s*(?:(?P<names>(?!also\b)[^:]*?)\s+)?(?:also\s+)?(?:to\b|:)\s*(?P<note>.+)",
        unaddressed=True,
    )
    def queue_with_note(self, cmd: Command) -> None:
        queue = self._get(cmd.channel)
        for name in name_list(cmd.match["names"], cmd.nick):
            queue = add(queue, name, cmd.match["note"].strip())
        self._set(cmd.channel, queue)

    @command(rf"{_Q}\s*\+(?:\s+(?P<names>.*))?", unaddressed=True, help="q+ [names] [to <note>] *")
    def queue_add(self, cmd: Command) -> None:
        queue = self._get(cmd.channel)
        for name in name_list(cmd.match["names"], cmd.nick):
            queue = add(queue, name)
        self._set(cmd.channel, queue)

    @command(rf"{_Q}\s*-(?:\s+(?P<names>.*))?", unaddressed=True, help="q- [names] *")
    def queue_remove(self, cmd: Command) -> None:
        queue = self._get(cmd.channel)
        given = cmd.match["names"]
        for name in name_list(given, cmd.nick):
            # Abbreviations only count when a name is given explicitly (as in Zakim).
            target = resolve(queue, name) if given and name != cmd.nick else name
            if target is not None:
                queue = remove(queue, target)
        self._set(cmd.channel, queue)

    @command(
        r"(?:(?:who\s+is|who's)\s+on\s+(?:the\s+)?)?(?:q|queue)\s*\?",
        unaddressed=True,
        help="q? *",
    )
    def show(self, cmd: Command) -> list[Say]:
        return [describe(self._get(cmd.channel))]

    @command(
        r"(?:chair\s+)?(?:ack|acks|recognize|recognizes)\s+next(?:\s+speaker)?",
        unaddressed=True,
        help="ack next *",
    )
    def ack_next(self, cmd: Command) -> list[Say]:
        queue = self._get(cmd.channel)
        if not queue.entries:
            return [describe(queue)]
        return self._recognize(cmd, queue.entries[0].name, announce=True)

    @command(
        r"(?:chair\s+)?(?:ack|acks|recognize|recognizes)\s+(?P<name>\S+)",
        unaddressed=True,
        help="ack <name> *",
    )
    def ack(self, cmd: Command) -> list[Say]:
        queue = self._get(cmd.channel)
        name = resolve(queue, cmd.match["name"]) or cmd.match["name"]
        return self._recognize(cmd, name, announce=False)

    def _recognize(self, cmd: Command, name: str, *, announce: bool) -> list[Say]:
        queue, taken = take(self._get(cmd.channel), name)
        self._set(cmd.channel, queue)
        lines = [Say(f"ack {name}")] if announce else []
        notes = [e.note for e in taken if e.note]
        if notes:
            lines.append(Say(f"{name}, you wanted to " + " and to ".join(notes)))
        if announce:  # "ack next" shows who is left; a plain "ack" only passes on notes
            lines.append(describe(queue))
        return lines
