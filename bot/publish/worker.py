"""Drafting a day's minutes in a short-lived child process, so the daemon never grows: the
daemon's side.

Rendering a 20,000-line day takes the process drawing it past 100 MB, and CPython keeps most
of that after the work is done. So the daemon hands a ``Job`` (the channel, the day, the
settings, the publish folders and the database URL) to ``python -m bot.publish.draft``,
which reads the log from the store, renders it with ``bot.scribe``, writes the files
atomically and exits: its memory goes back to the system with it.

The child answers with its exit status and one line on stdout; ``run_job`` turns every way
it can end into the files written or a ``DraftFailed`` that says why in a few words (a folder
that cannot be written, a database that cannot be read, a bug, a kill, a timeout), so the
channel always hears how it went.
"""

from __future__ import annotations

import asyncio
import json
import pickle
import signal
import sys
from dataclasses import dataclass
from pathlib import Path

from bot.core.plugin import Settings

TIMEOUT = 600.0  # seconds a draft may take (100,000 lines take ~30 s on a slow VM)
CANNOT_WRITE = 3  # the child's exit status: a publish folder cannot be written (stdout: which)
CANNOT_READ = 4  # the child's exit status: the database cannot be read (stdout: why)


@dataclass(frozen=True)
class Job:
    """What the worker needs to publish one day of one channel (holds the database URL:
    it travels on stdin, never on the command line)."""

    url: str
    network: str
    channel: str
    day: str
    settings: Settings
    roots: dict[str, Path]  # visibility -> folder (bot.config.publish_roots)
    style: str = "bundled"  # [publish] style and logo (bot.publish.minutes.Look)
    logo: str = ""


class DraftFailed(Exception):
    """The day could not be published. ``str()`` is the short reason for the channel;
    ``log`` the line for the operator (with the worker's traceback, if it had one)."""

    def __init__(self, said: str, log: str) -> None:
        super().__init__(said)
        self.log = log


class CannotWrite(DraftFailed):
    """A publish folder (or a file in it) cannot be written: the operator's to mend."""


async def run_job(job: Job, timeout: float = TIMEOUT) -> list[str]:
    """Publish ``job`` in a child process; the files written, or DraftFailed saying why."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.publish.draft", stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        out, err = await asyncio.wait_for(proc.communicate(pickle.dumps(job)), timeout)
    except TimeoutError:
        proc.kill()
        await proc.wait()
        raise DraftFailed(f"drawing the minutes took longer than {timeout:.0f} s",
                          f"the minutes worker was stopped after {timeout:.0f} s") from None
    except BaseException:  # the daemon is stopping: no orphan keeps writing
        if proc.returncode is None:
            proc.kill()
        raise
    return _outcome(proc.returncode, out.decode(errors="replace"),
                    err.decode(errors="replace").strip())


def _outcome(status: int | None, out: str, err: str) -> list[str]:
    """The worker's exit status and output, read as files written or a DraftFailed."""
    if status == 0:
        return list(json.loads(out)["files"])
    if status == CANNOT_WRITE:
        answer = json.loads(out)
        raise CannotWrite(f"the publish folder cannot be written ({answer['why']})",
                          f"cannot write {answer['where']}: {answer['why']}")
    if status == CANNOT_READ:
        why = json.loads(out)["why"]
        raise DraftFailed(f"the log cannot be read from the database ({why})",
                          f"cannot read the log from the database: {why}")
    if status is not None and status < 0:
        name = signal.Signals(-status).name
        raise DraftFailed(f"the process drawing them was killed ({name})",
                          f"the minutes worker was killed by {name}"
                          + (" (out of memory?)" if name == "SIGKILL" else ""))
    last = err.rpartition("\n")[2] or "no output"
    raise DraftFailed("something went wrong drawing the minutes (see my log)",
                      f"the minutes worker failed with status {status}: {last}"
                      + (f"\n{err}" if "\n" in err else ""))
