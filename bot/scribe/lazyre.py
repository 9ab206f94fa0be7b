"""Regular expressions compiled when first used.

The engine has some two hundred patterns, most for commands and log formats that a given log
never has; compiling them all at import costs more than minuting a short meeting. ``lazy``
stands in for ``re.compile``: the pattern is compiled on the first use of any of its
attributes, which then become the compiled pattern's own (later uses cost nothing extra).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import cast

_ATTRIBUTES = ("match", "fullmatch", "search", "sub", "subn", "split", "finditer", "findall",
               "pattern", "flags", "groups", "groupindex")


class _Lazy:
    __slots__ = ("_source", *_ATTRIBUTES)

    def __init__(self, pattern: str, flags: int,
                 prepare: Callable[[str], str] | None = None) -> None:
        self._source = (pattern, flags, prepare)

    def __getattr__(self, name: str) -> object:
        """Called only for an attribute not set yet: compile, and keep the pattern's."""
        pattern, flags, prepare = self._source
        compiled = re.compile(prepare(pattern) if prepare else pattern, flags)
        for attribute in _ATTRIBUTES:
            setattr(self, attribute, getattr(compiled, attribute))
        return getattr(compiled, name)


def lazy(pattern: str, flags: int = 0, *,
         prepare: Callable[[str], str] | None = None) -> re.Pattern[str]:
    """``re.compile(pattern, flags)``, done on first use; ``prepare``, if given, rewrites the
    pattern then (a rewrite may itself compile patterns, which import should not pay for)."""
    return cast(re.Pattern[str], _Lazy(pattern, flags, prepare))
