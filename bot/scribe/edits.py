"""The s/old/new/ and i/where/line/ corrections, applied before any convention is interpreted.

scribe.perl's rules, as its output shows them:

- A command is a whole line ``s`` or ``i``, a delimiter ``/`` or ``|``, the old text up to the
  first delimiter, then the new text up to an optional final delimiter, ``g`` or ``G`` and
  spaces; leading spaces are allowed (spaces only: no tabs, no-break or zero-width spaces). The
  new text is as short as that allows, so ``s/a/b/c/`` replaces ``a`` by ``b/c`` (with a
  warning) and ``s/a/b  `` by ``b  ``. The old text is literal and case-sensitive.
- Every line can be a command and every line that is not one can be edited, bots' lines too.
  Commands are never targets, not even when they failed or an edit made them look like text.
- An empty old text is "Malformed:" and stays as a failed command.
- ``s`` changes the first occurrence in the most recent earlier line that has one; ``g`` the
  first occurrence in every earlier line, ``G`` in every line (its count is of lines: "Succeeded
  1 times:"). ``i`` inserts a line by the command's speaker, with no time (id seed 0), before
  the most recent earlier line containing the location (a ``g`` or ``G`` after it does
  nothing); later commands can edit the inserted line.
- A line without the old text is tried with the old text minus its U+200C zero-width
  non-joiners (they come with URLs copied from old minutes). When the old text is nothing but
  U+200C, Perl's empty pattern stands for the last pattern that matched: the command's
  delimiter when the new text contains it, else U+200C, and in a g/G command, once a line
  matched the old text, the old text itself.
- Diagnostics quote the command line as typed, spaces included; a warning comes before the
  command's "Succeeded"/"Failed".
- Successful commands disappear from the minutes; failed ones stay for a human to fix. Both
  are passed on, marked (``command``, ``removed``): a successful one is still a line of its
  speaker, which, e.g., a -dashTopics ``---`` takes as the title of its topic.

scribe.perl rescans the whole log for every command (quadratic). Here the lines are grouped in
blocks whose joined text is kept while edits run, so a search skips a block with one C-level
``in`` test and a command costs time proportional to the distance to its target, not to the log.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import accumulate
from operator import add
from typing import Any

from bot.scribe.lazyre import lazy

_BLOCK = 256
_GRAM_BLOCKS = 200  # from ~50,000 lines on, a 4-gram filter skips blocks without a match
_ZWNJ = "\u200c"
_FIRST = ("s", "i", " ")  # how a command starts
# No re.S: like Perl's ".", "." does not cross a newline (texts have none anyway).
_COMMAND = lazy(r" *([si])([/|])(.*?)\2(.*?)(?:\2([gG])? *)?")


@dataclass(slots=True)
class Line:
    """A log line during editing; ``text`` changes, ``seed`` is the id seed of the line."""

    nick: str
    text: str
    seed: int
    time: str | None = None
    action: bool = False
    command: bool = False  # an s/// or i/// line (never a target)
    removed: bool = False  # a successful command (not shown)


class Edited(list[Line]):
    """The lines after ``apply_edits``: applying the edits again changes nothing (a line an
    edit made, or made look like a command, is not a command)."""


@dataclass(frozen=True, slots=True)
class Edit:
    """A parsed s/// or i/// command."""

    verb: str  # "s" or "i"
    delim: str  # "/" or "|"
    old: str  # "" when malformed
    new: str
    flag: str  # "", "g" or "G"

    def warning(self, text: str) -> str | None:
        """The warning for a new text that holds the delimiter (a likely mistake)."""
        if self.delim not in self.new:
            return None
        if self.verb == "i":
            return f"Warning: ‘{text}’ interpreted as inserting ‘{self.new}’ before ‘{self.old}’"
        return f"Warning: ‘{text}’ interpreted as replacing ‘{self.old}’ by ‘{self.new}’"

    def fallback(self) -> tuple[str | None, bool]:
        """What a line without the old text is tried with, and whether a g/G command stops
        trying it after the first line that has the old text (see the module docstring)."""
        if _ZWNJ not in self.old:
            return None, False
        if bare := self.old.replace(_ZWNJ, ""):
            return bare, False
        return (self.delim if self.delim in self.new else _ZWNJ), True


def parse_edit(text: str) -> Edit | None:
    """The command that the whole of ``text`` is, or None if it is not one."""
    m = _COMMAND.fullmatch(text)
    if not m:
        return None
    return Edit(m[1], m[2], m[3], m[4], m[5] or "")


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
        for first in range(0, len(texts), self.CHUNK):  # many blocks per numpy call
            encoded = [t.encode("utf-8") for t in texts[first:first + self.CHUNK]]
            if (h := self.hash_bytes(b"".join(encoded))) is None:
                continue
            # a 4-gram belongs to the block where it starts (one across a boundary marks
            # both: a needless look at most)
            owner = np.repeat(np.arange(len(encoded)), [len(e) for e in encoded])[:len(h)]
            flags = np.zeros((len(encoded), self.SIZE), dtype=bool)
            flags[owner, h] = True
            self.bits[first:first + len(encoded)] = np.packbits(flags, axis=1, bitorder="little")

    CHUNK = 32  # blocks hashed together: 1 MB of flags at a time

    def hashes(self, text: str) -> Any:
        return self.hash_bytes(text.encode("utf-8"))

    def hash_bytes(self, data: bytes) -> Any:
        """The hashes of the 4-byte sequences in ``data`` (None if it is shorter)."""
        np = self.np
        if len(data) < 4:
            return None
        b = np.frombuffer(data, dtype=np.uint8).astype(np.uint32)
        mixed = (b[:-3] * 2654435761) ^ (b[1:-2] * 40503) ^ (b[2:-1] * 69069) ^ b[3:]
        return (mixed ^ (mixed >> 15)) & (self.SIZE - 1)

    def add(self, number: int, text: str) -> None:
        if (h := self.hashes(text)) is None:
            return
        if len(h) < 512:  # a changed line: set its few bits in place
            self.np.bitwise_or.at(self.bits[number], h >> 3, (1 << (h & 7)).astype(self.np.uint8))
        else:  # a whole block: one pass over all the flags
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
    """The lines that edits can change, in blocks of the lines at ``_BLOCK`` consecutive
    positions of the log, each block held as one string (its texts joined by newlines, which
    no text contains): searching is ``str.rfind``, at C speed. Each line has a key, its
    position in the log; an inserted line takes the key of the line it went in front of, so
    "the lines before command i" are the lines with a key below i. A changed line's ``text``
    is set at once, from the block's new text."""

    def __init__(self, lines: list[Line]) -> None:
        self.items: list[list[Line]] = []
        self.keys: list[list[int]] = []
        self.joined: list[str] = []
        for first in range(0, len(lines), _BLOCK):
            items = [ln for ln in lines[first:first + _BLOCK] if not ln.command]
            self.items.append(items)
            self.keys.append([i for i, ln in enumerate(lines[first:first + _BLOCK], first)
                              if not ln.command])
            self.joined.append("\n".join([ln.text for ln in items]))
        self.starts: dict[int, list[int]] = {}
        self.grown: set[int] = set()  # blocks with inserted lines
        self.grams = _Grams(self.joined) if len(self.joined) >= _GRAM_BLOCKS else None

    def candidates(self, old: str, alt: str | None, last: int) -> list[int]:
        """Block numbers up to ``last`` that may contain ``old`` or ``alt``, ascending."""
        last = min(last, len(self.joined) - 1)
        if self.grams is None:
            return list(range(last + 1))
        found = self.grams.blocks(old, last)
        if alt is not None:
            found = sorted({*found, *self.grams.blocks(alt, last)})
        return found

    def line_starts(self, number: int) -> list[int]:
        if (starts := self.starts.get(number)) is None:
            lengths = accumulate(map(len, self.joined[number].split("\n")), initial=0)
            starts = list(map(add, lengths, range(len(self.keys[number]))))  # + one per "\n"
            self.starts[number] = starts
        return starts

    def limit(self, number: int, end: int | None) -> int:
        """Offset in the block's text where lines with a key at or after ``end`` begin."""
        keys = self.keys[number]
        k = len(keys) if end is None else bisect_left(keys, end)
        if k == len(keys):
            return len(self.joined[number])
        return self.line_starts(number)[k] - 1 if k else 0

    def span(self, number: int, k: int) -> tuple[int, int]:
        """Where line ``k`` of a block is in the block's text."""
        starts = self.line_starts(number)
        stop = starts[k + 1] - 1 if k + 1 < len(starts) else len(self.joined[number])
        return starts[k], stop

    def set(self, number: int, text: str, changed: str, starts: list[int] | None = None) -> None:
        """Replace a block's text; ``changed`` holds the new text with some context (only
        new 4-grams need marking), ``starts`` the new line offsets if known."""
        self.joined[number] = text
        if starts is None:
            self.starts.pop(number, None)
        else:
            self.starts[number] = starts
        if self.grams is not None:
            self.grams.add(number, changed)

    def nearest(self, old: str, alt: str | None, end: int) -> tuple[int, int] | None:
        """(block, line in block) of the nearest line before ``end`` with ``old`` or ``alt``.

        Most corrections are of a recent line: the command's block and the one before are
        read first, without asking the 4-gram filter."""
        for number in self.backwards(old, alt, (end - 1) // _BLOCK):
            joined = self.joined[number]
            if old not in joined and (alt is None or alt not in joined):
                continue
            cut = self.limit(number, end)
            pos = joined.rfind(old, 0, cut)
            if alt is not None:
                pos = max(pos, joined.rfind(alt, 0, cut))
            if pos >= 0:
                return number, bisect_right(self.line_starts(number), pos) - 1
        return None

    def backwards(self, old: str, alt: str | None, last: int) -> Iterator[int]:
        """The blocks from ``last`` down that may hold ``old`` or ``alt``."""
        far = max(last - 2, -1)
        yield from range(last, far, -1)
        if far >= 0:
            yield from reversed(self.candidates(old, alt, far))

    def lines_with(self, number: int, old: str, cut: int) -> list[int]:
        """The lines of a block that hold ``old`` before offset ``cut``."""
        joined, starts = self.joined[number], self.line_starts(number)
        found: list[int] = []
        pos = joined.find(old, 0, cut)
        while pos >= 0:
            k = bisect_right(starts, pos) - 1
            found.append(k)
            if k + 1 == len(starts):
                break
            pos = joined.find(old, starts[k + 1], cut)
        return found

    def replace_first(self, number: int, k: int, old: str, alt: str | None, new: str) -> None:
        """In line ``k`` of a block, replace the first ``old``, or else the first ``alt``."""
        joined = self.joined[number]
        start, stop = self.span(number, k)
        pos = joined.find(old, start, stop)
        if pos < 0:
            assert alt is not None
            pos, old = joined.find(alt, start, stop), alt
        starts, end = self.line_starts(number), pos + len(old)
        line = self.items[number][k]
        line.text = joined[start:pos] + new + joined[end:stop]
        if delta := len(new) - len(old):
            starts = starts[:k + 1] + [start + delta for start in starts[k + 1:]]
        self.set(number, joined[:pos] + new + joined[end:],
                 joined[max(pos - 3, 0):pos] + new + joined[end:end + 3], starts)

    def insert(self, number: int, k: int, line: Line) -> None:
        """Put ``line`` in front of line ``k`` of a block."""
        joined = self.joined[number]
        start = self.line_starts(number)[k]
        self.items[number].insert(k, line)
        self.keys[number].insert(k, self.keys[number][k])
        self.grown.add(number)
        self.set(number, f"{joined[:start]}{line.text}\n{joined[start:]}", line.text)

    def replace_each(self, old: str, alt: str | None, new: str, end: int | None,
                     sticky: bool) -> int:
        """In each line before ``end`` (every line if None), replace the first ``old``, or else
        the first ``alt``; return how many lines changed. ``sticky``: stop trying ``alt`` after
        the first line with ``old``."""
        count = 0
        last = len(self.joined) - 1 if end is None else (end - 1) // _BLOCK
        for number in self.candidates(old, alt, last):
            joined = self.joined[number]
            if old not in joined and (alt is None or alt not in joined):
                continue
            cut = self.limit(number, end)
            found = self.lines_with(number, old, cut)
            if alt is not None:
                found = sorted({*found, *self.lines_with(number, alt, cut)})
            pieces: list[str] = []
            changed: list[str] = []
            done = 0
            for k in found:
                start, stop = self.span(number, k)
                text = joined[start:stop]
                if old in text:
                    text = text.replace(old, new, 1)
                    alt = None if sticky else alt
                elif alt is not None and alt in text:
                    text = text.replace(alt, new, 1)
                else:  # only had ``alt``, no longer tried
                    continue
                pieces += (joined[done:start], text)
                self.items[number][k].text = text
                changed.append(text)
                done = stop
            if changed:
                count += len(changed)
                pieces.append(joined[done:])
                self.set(number, "".join(pieces), "\n".join(changed))
        return count


def apply_edits(lines: list[Line],
                commandable: Sequence[bool] | None = None) -> tuple[Edited, list[str]]:
    """Apply every command in order; return the lines to interpret and the diagnostics.

    ``commandable[i]`` says whether line i may be a command; scribe.perl takes every line that
    looks like one (bots' too), which is the default. Lines already edited (``Edited``) are
    returned as they are, without diagnostics: a line an edit made look like a command is
    text, as in scribe.perl.
    """
    if isinstance(lines, Edited):
        return lines, []
    edits: dict[int, Edit] = {}
    for i in [i for i, ln in enumerate(lines) if ln.text[:1] in _FIRST]:
        if (commandable is None or commandable[i]) and not lines[i].command and \
                (edit := parse_edit(lines[i].text)):
            edits[i] = edit
            lines[i].command = True
    if not edits:
        return Edited(lines), []
    blocks, notes = _Blocks(lines), []
    for i, edit in edits.items():
        typed = lines[i].text
        if not edit.old:
            notes.append(f"Malformed: {typed}")
            continue
        if warning := edit.warning(typed):
            notes.append(warning)
        alt, sticky = edit.fallback()
        if edit.flag and edit.verb == "s":
            hits = blocks.replace_each(edit.old, alt, edit.new,
                                       i if edit.flag == "g" else None, sticky)
            notes.append(f"Succeeded {hits} times: {typed}" if hits else f"Failed: {typed}")
        else:
            if (target := blocks.nearest(edit.old, alt, i)) is not None:
                if edit.verb == "i":
                    blocks.insert(*target, Line(lines[i].nick, edit.new, 0))
                else:
                    blocks.replace_first(*target, edit.old, alt, edit.new)
            hits = int(target is not None)
            notes.append(f"Succeeded: {typed}" if hits else f"Failed: {typed}")
        lines[i].removed = hits > 0
    return _merge(blocks, lines), notes


def _merge(blocks: _Blocks, lines: list[Line]) -> Edited:
    """The lines, commands included, with the inserted lines, in log order: ``lines`` itself
    when nothing was inserted, else slices of it but in the blocks that grew."""
    if not blocks.grown:
        return Edited(lines)
    result = Edited()
    for number in range(len(blocks.items)):
        first = number * _BLOCK
        stop = min(first + _BLOCK, len(lines))
        if number not in blocks.grown:
            result += lines[first:stop]
            continue
        items, keys, k = blocks.items[number], blocks.keys[number], 0
        for i in range(first, stop):
            while k < len(keys) and keys[k] <= i:  # the line and what went in front of it
                result.append(items[k])
                k += 1
            if lines[i].command:
                result.append(lines[i])
    return result
