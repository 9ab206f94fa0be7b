"""Paragraph ids exactly as scribe.perl makes them, so links like ``…-minutes.html#6c51`` work.

See ../shared/notes/scribe-compat-facts.md: a byte hash seeded with the line's time of day,
low 16 bits in hex, +1 on collision without wrap-around; a sum reaching 2**64 (where Perl's
integer turns into a float) always gives ffff.
"""

from __future__ import annotations

from collections.abc import Sequence

_2_64 = 1 << 64
_MASK = _2_64 - 1


def id_hash(text: str, start: int) -> int:
    """scribe.perl's hash of ``text``'s UTF-8 bytes."""
    h = start
    for byte in text.encode("utf-8"):
        if h + byte >= _2_64:
            return 0xFFFF
        h = (((h + byte) << 7) & _MASK) + (h >> 11)
        if h >= _2_64:
            return 0xFFFF
    return h & 0xFFFF


class IdPool:
    """Ids in document order, +1 until free. ``after`` maps a taken id to a candidate for the
    next free one (with path compression), so a run of collisions, e.g. the many ``ffff`` of
    long lines, costs constant time each instead of the quadratic probing scribe.perl does."""

    def __init__(self, reserved: set[int] | None = None) -> None:
        self.after: dict[int, int] = {v: v + 1 for v in reserved or ()}

    def free(self, value: int) -> int:
        path = []
        while value in self.after:
            path.append(value)
            value = self.after[value]
        for taken in path:
            self.after[taken] = value
        return value

    def claim(self, value: int) -> str:
        after = self.after
        if value in after:
            value = self.free(value)
        after[value] = value + 1
        return f"{value:04x}"

    def take(self, text: str, start: int) -> str:
        return self.claim(id_hash(text, start))


_SMALL = 1 << 12  # below this many bytes in all, the plain loop is quicker
_LANE = 9  # bytes per text in the packed integers: 64 bits of hash and 8 guard bits


def _lanes(value: int, n: int) -> int:
    """``value`` repeated in each of ``n`` lanes."""
    return int.from_bytes(value.to_bytes(_LANE, "little") * n, "little")


def _hash_same_length(data: list[bytes], starts: list[int]) -> list[int]:
    """``id_hash`` of texts that all have the same length, all at once.

    Each text gets a 72-bit lane of one big Python integer, so every step below is a single
    C-level operation over all of them (SIMD within a register, with Python's integers as the
    register). The guard bits catch the sum that reaches 2**64, scribe.perl's overflow quirk.
    """
    n, width = len(data), len(data[0])
    low57, low53 = _lanes((1 << 57) - 1, n), _lanes((1 << 53) - 1, n)
    h = int.from_bytes(b"".join(s.to_bytes(_LANE, "little") for s in starts), "little")
    overflow = 0
    joined = b"".join(data)
    spread = bytearray(_LANE * n)
    # A lane's guard bits never reach its low 64 bits (both masks below cut them off), so h
    # keeps them from one step to the next and they say whether r passed 2**64; OR-ing every
    # sum into ``overflow`` then catches both ways of passing it. Guard values stay below 4.
    for p in range(width):
        spread[0::_LANE] = joined[p::width]  # byte p of every text, one per lane
        s = h + int.from_bytes(spread, "little")
        overflow |= s
        h = ((s & low57) << 7) + ((h >> 11) & low53)  # (s << 7) mod 2**64, plus h >> 11
    overflow |= h
    hb = h.to_bytes(_LANE * n + 1, "little")
    ob = overflow.to_bytes(_LANE * n + 1, "little")
    return [0xFFFF if ob[_LANE * i + 8] else hb[_LANE * i] | hb[_LANE * i + 1] << 8
            for i in range(n)]


def hash_many(texts: Sequence[str], starts: Sequence[int]) -> list[int]:
    """``id_hash`` of many texts at once: big logs have millions of bytes to hash, and the
    per-byte loop in Python is the hot spot. Texts of equal length are hashed together."""
    data = [t.encode("utf-8") for t in texts]
    if sum(map(len, data)) < _SMALL:
        return [id_hash(t, s) for t, s in zip(texts, starts, strict=True)]
    result = [0] * len(data)
    groups: dict[int, list[int]] = {}
    for i, d in enumerate(data):
        groups.setdefault(len(d), []).append(i)
    for width, members in groups.items():
        if width == 0:
            values = [starts[i] & 0xFFFF for i in members]
        else:
            values = _hash_same_length([data[i] for i in members], [starts[i] for i in members])
        for i, v in zip(members, values, strict=True):
            result[i] = v
    return result
