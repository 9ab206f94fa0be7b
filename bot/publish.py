"""Where published files live: ``{dir}/{YYYY}/{MM}/{DD}-{channel}-{suffix}``, as RRSAgent has it.

Channel names come from IRC users, so they are sanitised before they touch a path: folded to
lower case, the leading ``#``/``&`` dropped and every byte outside ``[a-z0-9_.-]`` percent-encoded
(``/`` and ``..`` can never form a path segment).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from urllib.parse import quote

from bot.router import fold


def channel_slug(channel: str) -> str:
    name = fold(channel).lstrip("#&") or "_"
    slug = quote(name, safe="-_")
    return slug.replace(".", "%2E")


def relative_name(channel: str, day: str, suffix: str) -> str:
    """``2024/03/07-wg-minutes.html`` for day ``2024-03-07`` and suffix ``minutes.html``."""
    year, month, dd = day.split("-")
    return f"{year}/{month}/{dd}-{channel_slug(channel)}-{suffix}"


def url_for(base_url: str, channel: str, day: str, suffix: str) -> str:
    return f"{base_url.rstrip('/')}/{relative_name(channel, day, suffix)}"


def write_file(root: Path, relative: str, content: str) -> Path:
    """Write atomically (temp file + rename) so a reader never sees half a page."""
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(content)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
