"""Writing published files: atomically, so a web server never serves half a page.

Where a file goes (``bot.core.paths``) is pure; this is the one place that writes it.
"""

from __future__ import annotations

import os
import tempfile
from importlib.resources import files
from pathlib import Path

# agendum's style sheet and icons, as the published pages link them (``static/`` beside the
# {YYYY} folders) and as ``agendum serve`` serves them.
ASSETS = ("agendum.css", "icons/go-previous.svg", "icons/go-next.svg", "icons/chronometer.svg",
          "icons/text-plain.svg")


def asset(name: str) -> bytes:
    """One of ``ASSETS``, from the installed package."""
    return files("bot").joinpath("static", name).read_bytes()


def write_assets(root: Path) -> None:
    """Put the style sheet and icons under ``root/static``, unless already there as they are."""
    for name in ASSETS:
        content = asset(name)
        path = root / "static" / name
        if not path.is_file() or path.read_bytes() != content:
            write_file(root, f"static/{name}", content.decode("utf-8"))


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
