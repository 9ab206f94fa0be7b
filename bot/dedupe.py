"""Both personas sit in the same channels, so the server delivers every line twice.

The server sends lines to every connection in the same order, so counting copies per
connection tells a repeat from a duplicate: a connection's n-th copy of a line is new only
if the other connection has not already seen n copies. The first connection to see a line
wins, which means no line is lost while one persona is still joining.

Channel messages are checked as raw lines, before the IRC library parses them (the second
copy of a flood then costs almost nothing); other events (joins, quits, topics...) are
checked once parsed, by content. Each event goes through exactly one of the two, so the
counts stay consistent. Keys are kept as hashes, bucketed by second, so a 50,000-line burst
costs a few megabytes for a few seconds.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Hashable

from bot.events import Event
from bot.router import fold

_SHIFT = 32
_LOW = (1 << _SHIFT) - 1


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
    """First sightings versus copies, for two connections numbered 0 and 1."""

    def __init__(self, window: float = 10.0) -> None:
        self.window = window
        self._counts: dict[int, int] = {}  # key hash -> copies seen by 0 | by 1 << 32
        self._buckets: deque[tuple[int, list[int]]] = deque()

    def __len__(self) -> int:
        return len(self._counts)

    def is_new(self, source: int, key: Hashable, now: float) -> bool:
        """Whether ``key``, seen by connection ``source`` (0 or 1) at ``now``, is new."""
        self._expire(now)
        digest = hash(key)
        packed = self._counts.get(digest)
        if packed is None:
            packed = 0
            second = int(now)
            if not self._buckets or self._buckets[-1][0] != second:
                self._buckets.append((second, []))
            self._buckets[-1][1].append(digest)
        mine = ((packed >> (_SHIFT * source)) & _LOW) + 1
        theirs = (packed >> (_SHIFT * (1 - source))) & _LOW
        self._counts[digest] = packed + (1 << (_SHIFT * source))
        return theirs < mine

    def _expire(self, now: float) -> None:
        while self._buckets and self._buckets[0][0] + self.window < now:
            for digest in self._buckets.popleft()[1]:
                self._counts.pop(digest, None)
