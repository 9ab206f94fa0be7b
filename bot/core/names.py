"""Names as IRC compares them, the three personas, and how a reply stays one line."""

from __future__ import annotations

import re
from functools import lru_cache

ZAKIM = "zakim"
RRSAGENT = "rrsagent"
GB = "gb"  # GitHub references and agenda loading (W3C's gb and AgendaBot)
PERSONAS = (ZAKIM, RRSAGENT, GB)

_RFC1459 = str.maketrans("[]\\~", "{}|^")


@lru_cache(maxsize=4096)  # a handful of channels and nicks, folded on every line
def fold(name: str) -> str:
    """RFC 1459 case folding, used for nicks and channel names everywhere we compare them."""
    return name.lower().translate(_RFC1459)


_NAME_SPLIT = re.compile(r"\s*,\s*|\s+(?:and\s+)?")


def one_line(text: str) -> str:
    """A reply is one IRC line: line breaks that came in with user text become spaces."""
    return text.replace("\r\n", " ").replace("\r", " ").replace("\n", " ")


def name_list(text: str | None, speaker: str) -> list[str]:
    """Names in ``q+ a, b and c`` or ``present+ a b``; none, or ``me``, is the speaker."""
    names = [n for n in _NAME_SPLIT.split(text.strip()) if n] if text else []
    return [speaker if n.lower() == "me" else n for n in names] or [speaker]
