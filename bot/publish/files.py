"""Writing published files: atomically, so a web server never serves half a page.

Where a file goes (``bot.core.paths``) is pure; this is the one place that writes it.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


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
