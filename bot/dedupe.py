"""Both personas sit in the same channels, so the server delivers every line twice.

The server sends lines to every connection in the same order, so counting copies per
connection tells a repeat from a duplicate: a connection's n-th copy of a line is new only
if no other connection has already seen n copies. The first connection to see a line wins,
which means no line is lost while one persona is still joining.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Hashable

from bot.events import Event
from bot.router import fold


def event_key(event: Event) -> Hashable:
    if event.msgid:
        return event.msgid
    return (event.kind, fold(event.channel), event.nick, event.text)


class Deduper:
    def __init__(self, window: float = 30.0) -> None:
        self.window = window
        self._counts: dict[Hashable, dict[int, int]] = {}
        self._expiry: deque[tuple[float, Hashable]] = deque()

    def is_new(self, source: int, event: Event, now: float) -> bool:
        """Whether ``event``, as seen by connection ``source`` at ``now``, is a first sighting."""
        while self._expiry and self._expiry[0][0] < now:
            _, old = self._expiry.popleft()
            self._counts.pop(old, None)
        key = event_key(event)
        counts = self._counts.get(key)
        if counts is None:
            counts = self._counts[key] = {}
            self._expiry.append((now + self.window, key))
        seen = counts.get(source, 0) + 1
        counts[source] = seen
        return all(n < seen for s, n in counts.items() if s != source)
