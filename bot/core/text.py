"""Small pure helpers for outgoing IRC text: sanitising, splitting, the send budget, and
failures put in words for the channel and the log."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

_CONTROL = re.compile(r"[\r\n\0]+")
_SURROGATE = re.compile(r"[\ud800-\udfff]")

# The server prefixes our line with ":nick!user@host "; assume the worst case it may add.
_MAX_LINE = 512
_WORST_USER = 10
_WORST_HOST = 63


def sanitize(text: str) -> str:
    """Flatten CR, LF and NUL into spaces: a ``\\r`` must never inject an IRC command.

    Lone surrogates (which cannot be encoded) become U+FFFD.
    """
    return _SURROGATE.sub("\ufffd", _CONTROL.sub(" ", text))


def text_budget(nick: str, command: str, target: str) -> int:
    """Bytes left for the text of ``COMMAND target :text`` once relayed with our prefix."""
    prefix = len(f":{nick}!{'u' * _WORST_USER}@{'h' * _WORST_HOST} ".encode())
    overhead = len(f"{command} {target} :\r\n".encode())
    return _MAX_LINE - prefix - overhead


def split_utf8(text: str, budget: int) -> list[str]:
    """Split ``text`` into pieces of at most ``budget`` UTF-8 bytes.

    Cuts never fall inside a character, and prefer the last space before the limit.
    """
    if budget < 4:
        raise ValueError("budget must hold at least one character")
    data = text.encode("utf-8")
    pieces: list[str] = []
    while len(data) > budget:
        cut = budget
        while cut > 0 and (data[cut] & 0xC0) == 0x80:  # continuation byte: step back
            cut -= 1
        space = data.rfind(b" ", 0, cut + 1)
        if space > budget // 2:
            pieces.append(data[:space].decode("utf-8"))
            data = data[space + 1 :]
        else:
            pieces.append(data[:cut].decode("utf-8"))
            data = data[cut:]
    if data or not pieces:
        pieces.append(data.decode("utf-8"))
    return pieces


@dataclass
class TokenBucket:
    """Allow ``burst`` lines at once, then ``rate`` lines per second.

    A single reply after a quiet moment goes out at once; only floods are paced.
    """

    rate: float
    burst: int
    tokens: float = 0.0
    stamp: float | None = None  # None until first used: the bucket starts full

    def delay(self, now: float) -> float:
        """Seconds to wait before the next line may go out (0 when it may go now)."""
        if self.stamp is None:
            self.tokens, self.stamp = float(self.burst), now
        self.tokens = min(float(self.burst), self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1.0:
            return 0.0
        return (1.0 - self.tokens) / self.rate

    def take(self, now: float) -> None:
        self.delay(now)
        self.tokens -= 1.0


def reason(exc: BaseException) -> str:
    """``ConnectionRefusedError(111, "Connect call failed …")`` -> ``connection refused``."""
    if isinstance(exc, OSError) and exc.errno:
        return os.strerror(exc.errno).lower()
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
