"""Perl's ``\\s``, ``\\w`` and ``/i`` under Unicode rules, which scribe.perl's patterns use.

Python's classes differ on a few characters: its ``\\s`` also has ``\\x1c``-``\\x1f``; its ``\\w``
lacks marks and has other numbers (``³``, ``¼``). A pattern whose match turns on such a
character spells out SPACE, or tests a character with is_word. Python's re.I also matches
"i" to "ı" and "İ": a case-insensitive pattern of scribe.perl's goes through perl_case.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Perl's \s, for use inside a character class
SPACE = "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
SPACES = frozenset("\t\n\x0b\x0c\r \x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000"
                   + "".join(chr(c) for c in range(0x2000, 0x200B)))
# Perl's \w beyond letters, marks, decimal digits, letter numbers and connectors: the joiners
# and the letters that Unicode files as symbols (Other_Alphabetic).
_WORD_EXTRA = frozenset(chr(c) for lo, hi in ((0x200C, 0x200D), (0x24B6, 0x24E9),
                                               (0x1F130, 0x1F149), (0x1F150, 0x1F169),
                                               (0x1F170, 0x1F189)) for c in range(lo, hi + 1))


@lru_cache(maxsize=4096)
def is_word(ch: str) -> bool:
    """Perl's ``\\w`` for one character."""
    if ch < "\x80":
        return ch.isalnum() or ch == "_"
    cat = unicodedata.category(ch)
    return cat[0] in "LM" or cat in ("Nd", "Nl", "Pc") or ch in _WORD_EXTRA


# What perl_case leaves alone: an escape, a character class, the syntax of a group; or else an i
_PATTERN_TOKEN = re.compile(r"\\.|\[\^?\]?(?:\\.|[^\]\\])*\]"
                            r"|\(\?(?:P<\w+>|P=\w+\)|[aiLmsux-]+[:)]|<?[=!]|:)|[iI]", re.S)


def perl_case(pattern: str) -> str:
    """``pattern`` for re.I that folds as Perl's /i does: Python's also matches "i" to the
    dotless "ı" and the dotted "İ" (so "scrıbe:" would be a Scribe command), Perl's does
    not. Each literal i or I outside classes, escapes and group syntax becomes ``[iI]``,
    matched case-sensitively; a class takes ı and İ only as Perl's does (not [a-z], but
    [^a-z]). For patterns that do not spell ı or İ themselves, as scribe.perl's do not."""
    if "ı" in pattern or "İ" in pattern:
        raise ValueError(f"perl_case: a pattern with ı or İ in it: {pattern!r}")
    return _PATTERN_TOKEN.sub(_perl_token, pattern)


def _perl_token(m: re.Match[str]) -> str:
    token = m[0]
    if token in ("i", "I"):
        return "(?-i:[iI])"
    if token[0] != "[":
        return token
    return _perl_class(token)


@lru_cache(maxsize=256)
def _perl_class(token: str) -> str:
    """A character class that takes ı and İ as Perl's /i does."""
    if not any(c in token for c in "iI-\\"):
        return token  # only other characters, no range, no escape: either takes both or none
    # Perl's /i folds neither ı nor İ to anything: a class takes them as written
    python = {c for c in "ıİ" if re.fullmatch(token, c, re.I)}
    perl = {c for c in "ıİ" if re.fullmatch(token, c)}
    if extra := "".join(sorted(python - perl)):
        token = f"(?:(?!(?-i:[{extra}])){token})"
    if missing := "".join(sorted(perl - python)):
        token = f"(?:(?-i:[{missing}])|{token})"
    return token
