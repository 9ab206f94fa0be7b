"""A line of a channel's public log: what the publisher, the web and ``grep`` share.

On its own so that the daemon, which searches logs but no longer draws minutes, need not
import the minutes engine (6.5 MB of resident memory) to name it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class LogLine:
    """One line of the public channel log; ``time`` is UTC-aware."""

    time: datetime
    nick: str
    text: str
    action: bool = False
