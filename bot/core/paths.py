"""Where published files live: ``{dir}/{YYYY}/{MM}/{DD}-{channel}-{suffix}``, as RRSAgent has it.

Channel names come from IRC users, so they are sanitised before they touch a path: folded to
lower case, the leading ``#``/``&`` dropped and every byte outside ``[a-z0-9_.-]`` percent-encoded
(``/`` and ``..`` can never form a path segment).
"""

from __future__ import annotations

import hashlib
from urllib.parse import quote

from bot.core.names import fold

_MAX_SLUG = 120  # file names stay far below the usual 255-byte limit


def channel_slug(channel: str) -> str:
    """``#WG`` -> ``wg``; other prefixes and odd characters stay, percent-encoded, so two
    channels never share a file and no name can climb out of the publish folder."""
    name = fold(channel)
    plain = name.startswith("#") and len(name) > 1
    # "&wg", "#" or worse are marked with "%z", which percent-encoding never produces.
    slug = _quote(name[1:]) if plain else "%z" + _quote(name)
    if len(slug) > _MAX_SLUG:  # long non-ASCII names: keep a readable head, stay unique
        digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:12]
        slug = f"{slug[:100].rsplit('%', 1)[0]}-{digest}"
    return slug


def _quote(name: str) -> str:
    return quote(name.encode("utf-8", "surrogatepass"), safe="-_").replace(".", "%2E")


def relative_name(channel: str, day: str, suffix: str) -> str:
    """``2024/03/07-wg-minutes.html`` for day ``2024-03-07`` and suffix ``minutes.html``."""
    year, month, dd = day.split("-")
    return f"{year}/{month}/{dd}-{channel_slug(channel)}-{suffix}"


def url_for(base_url: str, channel: str, day: str, suffix: str) -> str:
    """The published URL; the file name's own ``%`` signs are encoded once more."""
    return f"{base_url.rstrip('/')}/{quote(relative_name(channel, day, suffix), safe='/')}"
