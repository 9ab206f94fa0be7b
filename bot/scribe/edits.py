"""The s/old/new/ and i/where/line/ corrections, applied before any convention is interpreted.

scribe.perl's rules: the old string is literal (backslashes are not special); the first
delimiter ends it and a final delimiter (optionally followed by ``g`` or ``G``) ends the new
string, so ``s/a/b/c/`` replaces ``a`` by ``b/c`` (with a warning). Plain ``s`` changes the most
recent earlier line that contains the old string, ``g`` every earlier line, ``G`` every line.
``i`` inserts a line before the most recent earlier line containing the location string.
Successful commands disappear from the minutes, failed ones stay for a human to fix.

scribe.perl rescans the whole log for every command (quadratic). Here the lines are grouped in
blocks whose joined text is cached, so a search skips a block with one C-level ``in`` test and a
command costs time proportional to the distance to its target, not to the log.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from itertools import accumulate
from operator import add
from typing import Any

_BLOCK = 256
_GRAM_BLOCKS = 200  # from ~50,000 lines on, a 4-gram filter skips blocks without a match
_COMMAND = re.compile(r"([si])([/|])(.*)", re.S)


@dataclass(slots=True)
class Line:
    """A log line during editing; ``text`` changes, ``seed`` is the id seed of the line."""

    nick: str
    text: str
    seed: int
    time: str | None = None
    action: bool = False
    command: bool = False  # an s/// or i/// line (never a target)
    removed: bool = False  # a successful command


@dataclass(frozen=True)
class Edit:
    """A parsed s/// or i/// command."""

    verb: str  # "s" or "i"
    old: str
    new: str
    flag: str  # "", "g" or "G"
    warning: str | None


def parse_edit(text: str) -> Edit | None:
    """The command in ``text`` (already stripped), or None if it is not one."""
    m = _COMMAND.fullmatch(text)
    if not m:
        return None
    verb, delim, rest = m[1], m[2], m[3]
    old, sep, tail = rest.partition(delim)
    if not old or not sep:
        return None
    flag = ""
    if verb == "s" and tail[-2:] in (delim + "g", delim + "G"):
        flag, tail = tail[-1], tail[:-2]
    elif tail.endswith(delim):
        tail = tail[:-1]
    warning = None
    if delim in tail:
        warning = f"Warning: ‘{text}’ interpreted as replacing ‘{old}’ by ‘{tail}’"
        if verb == "i":
            warning = f"Warning: ‘{text}’ interpreted as inserting ‘{tail}’ before ‘{old}’"
    return Edit(verb, old, tail, flag, warning)


class _Grams:
    """Which blocks may hold a string: per block, a bitmap of the hashed 4-byte sequences in its
    text. A string whose 4-byte sequences are not all marked is not there, so a correction that
    matches nothing, or a global one, only reads the few blocks that may hold its old text.
    Bits are only ever added (a changed block ORs in its new text), so a stale bit can only
    cost a needless look, never a missed line."""

    SIZE = 1 << 15
    np: Any  # numpy, imported on first use
    bits: Any  # one row of SIZE flags per block, 8 to a byte
    scratch: Any  # SIZE flags, unpacked

    def __init__(self, texts: list[str]) -> None:
        import numpy as np  # only for logs big enough to need it

        self.np = np
        self.bits = np.zeros((len(texts), self.SIZE // 8), dtype=np.uint8)  # packed flags
        self.scratch = np.zeros(self.SIZE, dtype=bool)
        for number, text in enumerate(texts):
            self.add(number, text)

    def hashes(self, text: str) -> Any:
        np = self.np
        b = np.frombuffer(text.encode("utf-8"), dtype=np.uint8).astype(np.uint32)
        if len(b) < 4:
            return None
        mixed = (b[:-3] * 2654435761) ^ (b[1:-2] * 40503) ^ (b[2:-1] * 69069) ^ b[3:]
        return (mixed ^ (mixed >> 15)) & (self.SIZE - 1)

    def add(self, number: int, text: str) -> None:
        if (h := self.hashes(text)) is not None:
            self.scratch[:] = False
            self.scratch[h] = True
            self.bits[number] |= self.np.packbits(self.scratch, bitorder="little")

    def blocks(self, old: str, last: int) -> list[int]:
        """Blocks up to ``last`` that may contain ``old``, in ascending order."""
        h = self.hashes(old)
        if h is None:
            return list(range(last + 1))
        set_in_block = (self.bits[: last + 1, h >> 3] >> (h & 7).astype(self.np.uint8)) & 1
        return self.np.flatnonzero(set_in_block.all(axis=1)).tolist()


class _Blocks:
    """The editable lines in blocks of ``_BLOCK``, each held as one joined string while edits
    run: searching is ``str.rfind`` and a global replacement is ``str.replace``, both at C
    speed. ``finish`` writes the texts back to the lines."""

    def __init__(self, lines: list[Line]) -> None:
        self.lines = lines
        self.joined: list[str] = []
        self.idx: list[list[int]] = []
        for first in range(0, len(lines), _BLOCK):
            idx = [i for i in range(first, min(first + _BLOCK, len(lines)))
                   if not lines[i].command]
            self.idx.append(idx)
            self.joined.append("\n".join(lines[i].text for i in idx))
        self.starts: dict[int, list[int]] = {}
        self.grams = _Grams(self.joined) if len(self.joined) >= _GRAM_BLOCKS else None

    def candidates(self, old: str, last: int) -> list[int]:
        """Block numbers up to ``last`` that may contain ``old``, ascending."""
        if self.grams is None:
            return list(range(last + 1))
        return self.grams.blocks(old, last)

    def line_starts(self, number: int) -> list[int]:
        if (starts := self.starts.get(number)) is None:
            lengths = accumulate(map(len, self.joined[number].split("\n")), initial=0)
            starts = list(map(add, lengths, range(len(self.idx[number]))))  # + one per "\n"
            self.starts[number] = starts
        return starts

    def limit(self, number: int, end: int) -> int:
        """Offset in the block's text where lines at or after index ``end`` begin."""
        idx = self.idx[number]
        k = bisect_left(idx, end)
        if k == len(idx):
            return len(self.joined[number])
        return self.line_starts(number)[k] - 1 if k else 0

    def set(self, number: int, text: str, changed: slice | None = None) -> None:
        """Replace a block's text; ``changed`` is where new text went in, if only one place."""
        self.joined[number] = text
        self.starts.pop(number, None)
        if self.grams is not None:
            if changed is not None:  # the new text with three characters of context each side
                text = text[max(changed.start - 3, 0):changed.stop + 3]
            self.grams.add(number, text)

    def replace_nearest(self, old: str, new: str, end: int) -> bool:
        """Replace the first ``old`` in the nearest line above ``end`` that has one."""
        for number in reversed(self.candidates(old, (end - 1) // _BLOCK)):
            joined = self.joined[number]
            if old not in joined:
                continue
            pos = joined.rfind(old, 0, self.limit(number, end))
            if pos < 0:
                continue
            starts = self.line_starts(number)
            pos = joined.find(old, starts[bisect_right(starts, pos) - 1])
            self.set(number, joined[:pos] + new + joined[pos + len(old):],
                     slice(pos, pos + len(new)))
            return True
        return False

    def replace_all(self, old: str, new: str, end: int) -> int:
        """Replace every ``old`` in lines above ``end``; return how many were replaced."""
        count = 0
        for number in self.candidates(old, (end - 1) // _BLOCK):
            joined = self.joined[number]
            if old not in joined:
                continue
            cut = self.limit(number, end)
            head = joined[:cut]
            if n := head.count(old):
                count += n
                self.set(number, head.replace(old, new) + joined[cut:])
        return count

    def nearest_line(self, old: str, end: int) -> int | None:
        """Index of the nearest line above ``end`` containing ``old``."""
        for number in reversed(self.candidates(old, (end - 1) // _BLOCK)):
            if old in self.joined[number]:
                pos = self.joined[number].rfind(old, 0, self.limit(number, end))
                if pos >= 0:
                    return self.idx[number][bisect_right(self.line_starts(number), pos) - 1]
        return None

    def finish(self) -> None:
        for idx, joined in zip(self.idx, self.joined, strict=True):
            if not idx:
                continue
            for i, text in zip(idx, joined.split("\n"), strict=True):
                self.lines[i].text = text


def apply_edits(lines: list[Line], is_command: list[bool]) -> tuple[list[Line], list[str]]:
    """Apply every command in order; return the lines to interpret and the diagnostics.

    ``is_command[i]`` says whether line i may be an edit (bots' lines are not).
    """
    edits: dict[int, Edit] = {}
    for i, ln in enumerate(lines):
        if is_command[i] and (ln.text.startswith(("s", "i")) or ln.text[:1].isspace()) and \
                (edit := parse_edit(ln.text.strip())):
            edits[i] = edit
            ln.command = True
    if not edits:
        return lines, []
    blocks, notes = _Blocks(lines), []
    inserts: dict[int, list[Line]] = {}
    for i, edit in edits.items():
        command = lines[i].text.strip()
        if edit.warning:
            notes.append(edit.warning)
        if edit.verb == "i":
            target = blocks.nearest_line(edit.old, i)
            if target is not None:
                inserts.setdefault(target, []).append(
                    Line(lines[i].nick, edit.new, 0))
            hits = int(target is not None)
        elif edit.flag:
            hits = blocks.replace_all(edit.old, edit.new, len(lines) if edit.flag == "G" else i)
        else:
            hits = int(blocks.replace_nearest(edit.old, edit.new, i))
        lines[i].removed = hits > 0
        times = f" {hits} times" if hits > 1 else ""
        notes.append(f"Succeeded{times}: {command}" if hits else f"Failed: {command}")
    blocks.finish()
    result: list[Line] = []
    for i, ln in enumerate(lines):
        result += inserts.get(i, ())
        if not ln.removed:
            result.append(ln)
    return result, notes
