"""The personas sit in the same channels, so the server delivers every line once to each.

The server sends lines to every connection in the same order, so counting copies per
connection tells a repeat from a duplicate: a connection's n-th copy of a line is new only
if no other connection has already seen n copies. The first connection to see a line
wins, which means no line is lost while one persona is still joining.

Channel messages are checked as raw lines, before the IRC library parses them (the second
copy of a flood then costs almost nothing); other events (joins, quits, topics...) are
checked once parsed, by content. Each event goes through exactly one of the two, so the
counts stay consistent. Keys are kept as hashes, and only until the other copy arrives.
"""

from __future__ import annotations

from collections.abc import Hashable

from bot.core.events import Event
from bot.core.names import fold


def event_key(event: Event) -> Hashable:
    if event.msgid:
        return event.msgid
    return (event.kind, fold(event.channel), event.nick, event.text)


def raw_message_key(line: str) -> str | None:
    """For a raw PRIVMSG or NOTICE to a channel (the bulk of any flood), the key both
    connections' copies share: its msgid tag, else the line without tags. Otherwise None."""
    tags, rest = "", line
    if line.startswith("@"):
        tags, _, rest = line.partition(" ")
    parts = rest.split(" ", 3)
    if not (
        len(parts) >= 3
        and parts[0].startswith(":")
        and parts[1] in ("PRIVMSG", "NOTICE")
        and parts[2][:1] in ("#", "&")
    ):
        return None
    for tag in tags[1:].split(";"):
        if tag.startswith("msgid="):
            return tag[6:]
    return rest


class Deduper:
    """First sightings versus copies, for ``sources`` connections numbered from 0.

    Only keys some connection has seen more often than another are kept: once all have
    seen a line equally often it is forgotten, so memory follows the lag between the
    connections, not the traffic. Keys not seen by every connection (a channel one persona
    is not in) are forgotten after ``window`` seconds.
    """

    def __init__(self, window: float = 10.0, sources: int = 2) -> None:
        self.window = window
        self.sources = sources
        # key hash -> [copies seen by connection 0, 1, ..., the second it was first seen]
        self._counts: dict[int, list[int]] = {}
        self._born: dict[int, set[int]] = {}  # second -> key hashes first seen then
        self._others = [tuple(i for i in range(sources) if i != s) for s in range(sources)]

    def __len__(self) -> int:
        return len(self._counts)

    def is_new(self, source: int, key: Hashable, now: float) -> bool:
        """Whether ``key``, seen by connection ``source`` at ``now``, is new: no other
        connection has seen it as many times yet."""
        self._expire(now)
        digest = hash(key)
        counts = self._counts.get(digest)
        if counts is None:
            second = int(now)
            counts = self._counts[digest] = [0] * self.sources + [second]
            self._born.setdefault(second, set()).add(digest)
        mine = counts[source] = counts[source] + 1
        others = self._others[source]
        theirs = max(map(counts.__getitem__, others))
        if theirs == mine and min(map(counts.__getitem__, others)) == mine:
            del self._counts[digest]  # all have seen it equally often: nothing left to match
            self._born[counts[-1]].discard(digest)
        return theirs < mine

    def _expire(self, now: float) -> None:
        while self._born:
            second = next(iter(self._born))
            if second + self.window >= now:
                return
            for digest in self._born.pop(second):
                self._counts.pop(digest, None)
