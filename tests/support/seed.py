"""The seed meeting (a real W3C call) as stored events, for replay tests."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime
from pathlib import Path

from bot.core.events import Event, Kind


def _reference_dir() -> Path:
    """The project's reference files: $AGENDUM_REFERENCE_DIR, else ../shared/reference beside
    the repository, else the workplace's /work/shared/reference (for a clone made elsewhere,
    e.g. in /tmp). A missing file then fails the test that needs it, naming this path."""
    if env := os.environ.get("AGENDUM_REFERENCE_DIR"):
        return Path(env)
    beside = Path(__file__).resolve().parents[3] / "shared" / "reference"
    workplace = Path("/work/shared/reference")
    return beside if beside.is_dir() or not workplace.is_dir() else workplace


REFERENCE = _reference_dir()
SEED = REFERENCE / "seed-2024-03-07-webmachinelearning-irc.txt"
SEED_CHANNEL = "#webmachinelearning"

_LINE = re.compile(r"^(\d\d):(\d\d):(\d\d) <([^>]+)> (.*)$")
_BOTS = {"zakim", "rrsagent"}


def seed_events() -> list[Event]:
    """Every line of the seed log as an Event, joins and parts as such, bots' lines marked."""
    out = []
    for line in SEED.read_text(encoding="utf-8").splitlines():
        m = _LINE.match(line)
        assert m is not None, f"unparsable seed line {line!r}"
        hh, mm, ss, nick, text = m.groups()
        time = datetime(2024, 3, 7, int(hh), int(mm), int(ss), tzinfo=UTC)
        kind = Kind.MESSAGE
        if text == f"{nick} has joined {SEED_CHANNEL}":
            kind, text = Kind.JOIN, ""
        elif text == f"{nick} has left {SEED_CHANNEL}":
            kind, text = Kind.PART, ""
        out.append(
            Event(time, "w3c", SEED_CHANNEL, kind, nick, text, from_bot=nick.lower() in _BOTS)
        )
    return out
