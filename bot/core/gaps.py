"""Filling the hole a reconnect or a restart leaves in a channel's log.

While no persona is in a channel, nothing said there reaches the bot. Afterwards a server
(IRCv3 ``draft/chathistory``, InspIRCd's ``+H`` replay on join) or a bouncer (ZNC's buffer)
may replay what was said. The replay overlaps what is stored already (the server does not
know where the bot stopped), so each replayed line is matched against the stored ones: by
``msgid`` where both have one, else by kind, nick and text at nearly the same time. What is
left unfilled becomes a gap event, so the log says lines may be missing.

Pure: the daemon loads the stored events and stores what this module finds new.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.core.events import Event, Kind
from bot.core.names import fold

# How far apart the stored and the replayed time of one line may be: a replay may stamp a
# line to the second only (InspIRCd's +H) or with the bouncer's clock instead of ours.
MATCH_SLACK = timedelta(seconds=2)
# Stored lines this long before the bot went away are compared with the replay; anything
# replayed from earlier was heard at the time and is taken as stored.
LOOKBACK = timedelta(minutes=10)

_Key = tuple[Kind, str, str]


def _key(event: Event) -> _Key:
    return (event.kind, fold(event.nick), event.text)


@dataclass
class Recovery:
    """One channel's way back: what is stored around the hole, and what the replay brought.

    A replay that holds a line already stored reaches back past the hole (a history window is
    contiguous), so nothing is missing. One that holds none may have started too late: the
    stretch from when the bot went away to its oldest line is a gap. Times cannot tell, since a
    replay may stamp lines to the second only.
    """

    channel: str
    away_since: datetime  # the last moment the bot is known to have heard the channel
    back_at: datetime  # when a persona was back in the channel
    msgids: dict[str, bool] = field(default_factory=dict)  # msgid -> stored (else replayed)
    # (kind, nick, text) -> (time, msgid, stored) of the lines not matched yet
    said: dict[_Key, list[tuple[datetime, str | None, bool]]] = field(default_factory=dict)
    earliest: datetime | None = None  # the oldest replayed line, new or already stored
    overlaps: bool = False  # the replay held a line that was stored before
    new: int = 0
    known: int = 0

    @classmethod
    def around(cls, channel: str, away_since: datetime, back_at: datetime,
               stored: Iterable[Event]) -> Recovery:
        """The recovery of ``channel``, given the events stored since ``away_since - LOOKBACK``."""
        rec = cls(channel, away_since, back_at)
        # Only lines heard before going away show the replay reaches back; the bot's own
        # lines never do (stored by its clock, without msgid: one said on its return, e.g.
        # "logging to", would pass for an old line when the replay is stamped to the second).
        for event in stored:
            rec._remember(event, stored=event.time <= away_since and not event.from_bot)
        return rec

    def _remember(self, event: Event, *, stored: bool) -> None:
        if event.msgid:
            self.msgids[event.msgid] = stored
        self.said.setdefault(_key(event), []).append((event.time, event.msgid, stored))

    def is_new(self, event: Event) -> bool:
        """Whether a replayed line is missing from the store. Either way it is noted: a
        second copy of the same replay (the other persona's) is then known."""
        if self.earliest is None or event.time < self.earliest:
            self.earliest = event.time
        if self._known(event):
            self.known += 1
            return False
        self._remember(event, stored=False)
        self.new += 1
        return True

    def _known(self, event: Event) -> bool:
        if event.time < self.away_since - LOOKBACK + MATCH_SLACK:
            self.overlaps = True  # older than what was loaded: heard while the bot was there
            return True
        said = self.said.get(_key(event), [])
        if event.msgid and event.msgid in self.msgids:
            self.overlaps |= self.msgids[event.msgid]
            said[:] = [s for s in said if s[1] != event.msgid]
            return True
        for i, (when, msgid, stored) in enumerate(said):
            # Two msgids that differ are two lines, however alike.
            if abs(when - event.time) <= MATCH_SLACK and not (msgid and event.msgid):
                del said[i]  # one stored line answers for one replayed line
                self.overlaps |= stored
                return True
        return False

    def gap(self) -> tuple[datetime, datetime] | None:
        """The stretch no replay covered, if any: from when the bot went away to the oldest
        replayed line (or to its return, when nothing was replayed)."""
        if self.overlaps:
            return None
        if self.earliest is None:
            return (self.away_since, self.back_at) if self.back_at > self.away_since else None
        return self.away_since, max(self.away_since, min(self.back_at, self.earliest))


def gap_text(start: datetime, end: datetime) -> str:
    """The gap event's text, as the log, the minutes and ``where am I`` show it."""
    return (f"agendum was away from {start:%H:%M:%S} to {end:%H:%M:%S} UTC; "
            "lines in between may be missing")
