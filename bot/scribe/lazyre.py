"""Regular expressions compiled when first used.

The engine has some two hundred patterns, most for commands and log formats that a given log
never has; compiling them all at import costs more than minuting a short meeting. ``lazy``
stands in for ``re.compile``: the pattern is compiled on the first use of any of its
attributes, which then become the compiled pattern's own (later uses cost nothing extra).
"""

from __future__ import annotations

import re
from typing import cast

_ATTRIBUTES = ("match", "fullmatch", "search", "sub", "subn", "split", "finditer", "findall",
               "pattern", "flags", "groups", "groupindex")


class _Lazy:
    __slots__ = ("_source", *_ATTRIBUTES)

    def __init__(self, pattern: str, flags: int) -> None:
        self._source = (pattern, flags)

    def __getattr__(self, name: str) -> object:
        """Called only for an attribute not set yet: compile, and keep the pattern's."""
        compiled = re.compile(*self._source)
        for attribute in _ATTRIBUTES:
            setattr(self, attribute, getattr(compiled, attribute))
        return getattr(compiled, name)


def lazy(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(pattern, flags)``, done on first use."""
    return cast(re.Pattern[str], _Lazy(pattern, flags))
