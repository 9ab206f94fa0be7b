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
        value = self.free(value)
        self.after[value] = value + 1
        return f"{value:04x}"

    def take(self, text: str, start: int) -> str:
        return self.claim(id_hash(text, start))


_SMALL = 1 << 14  # below this many bytes in all, the plain loop is quicker than numpy


def hash_many(texts: Sequence[str], starts: Sequence[int]) -> list[int]:
    """``id_hash`` of many texts at once, for big logs (the per-byte loop is the hot spot).

    numpy steps all texts of similar length through byte position p together: texts are
    grouped in length bands, each band a zero-padded matrix with one contiguous row per byte
    position and its texts longest first, so the ones still running are a prefix of the row.
    """
    data = [t.encode("utf-8") for t in texts]
    if sum(map(len, data)) < _SMALL:
        return [id_hash(t, s) for t, s in zip(texts, starts, strict=True)]
    import numpy as np  # only large logs pay for the import

    result = [0] * len(data)
    bands: dict[int, list[int]] = {}
    for i, d in enumerate(data):
        bands.setdefault(len(d).bit_length(), []).append(i)
    seven, eleven, low = np.uint64(7), np.uint64(11), np.uint64(0xFFFF)
    for members in bands.values():
        members.sort(key=lambda i: -len(data[i]))
        width = len(data[members[0]])
        n = len(members)
        rows = np.frombuffer(b"".join(data[i].ljust(width, b"\0") for i in members),
                             dtype=np.uint8).reshape(n, width).T.copy()
        lengths = [len(data[i]) for i in members]
        h = np.array([starts[i] for i in members], dtype=np.uint64)
        overflow = np.zeros(n, dtype=bool)
        s_buf, x_buf = np.empty(n, dtype=np.uint64), np.empty(n, dtype=np.uint64)
        flag = np.empty(n, dtype=bool)
        live = n
        for p in range(width):  # all in place: h = ((h + byte) << 7) + (h >> 11)
            while lengths[live - 1] <= p:
                live -= 1
            hp, s, x, f, o = h[:live], s_buf[:live], x_buf[:live], flag[:live], overflow[:live]
            np.add(hp, rows[p, :live], out=s)
            np.less(s, hp, out=f)
            o |= f
            np.left_shift(s, seven, out=x)
            np.right_shift(hp, eleven, out=hp)
            np.add(x, hp, out=hp)
            np.less(hp, x, out=f)
            o |= f
        values = np.where(overflow, low, h & low).tolist()
        for i, v in zip(members, values, strict=True):
            result[i] = v
    return result
