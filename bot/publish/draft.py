"""The drafting child, ``python -m bot.publish.draft``: one day of one channel published,
its log read back from the store, the minutes drawn by the engine, five files written. The
daemon starts it (``bot.publish.worker.run_job``) and never imports this module, so the
engine's memory stays out of the daemon.
"""

from __future__ import annotations

import json
import os
import pickle
import sys
from datetime import datetime
from functools import partial
from pathlib import Path

from sqlalchemy.exc import DBAPIError

from bot.core.paths import relative_name, url_for
from bot.core.record import visibility_key
from bot.core.text import reason
from bot.publish.files import write_assets, write_file
from bot.publish.log import irc_log_page, read_log
from bot.publish.minutes import Look, format_irc_log, render_all
from bot.publish.worker import CANNOT_READ, CANNOT_WRITE, Job
from bot.storage.store import Store


def publish_day(store: Store, job: Job) -> list[Path]:
    """The day's files, as RRSAgent lays them out, plus the minutes in Markdown and JSON,
    under the folder of the day's visibility (and gone from the others)."""
    lines = read_log(store, job.network, job.channel, job.day, job.settings)
    base = job.settings.base_url
    look = Look(job.style, job.logo)
    minutes = render_all(lines, day=datetime.fromisoformat(job.day).date(), channel=job.channel,
                         log_url=url_for(base, job.channel, job.day, "irc.txt"), look=look)
    name = partial(relative_name, job.channel, job.day)
    files = {"irc.txt": format_irc_log(lines),
             "irc.html": irc_log_page(lines, job.channel, job.day, look),
             "minutes.html": minutes["html"], "minutes.md": minutes["md"],
             "minutes.json": minutes["json"]}
    del lines, minutes  # a big day: leave room for the writing
    visibility = store.remembered_value(job.network, job.channel, visibility_key(job.day))
    root = job.roots[visibility or job.settings.visibility(job.channel)]
    for other in {r for r in job.roots.values() if r != root}:  # made member after public...
        for suffix in files:
            (other / name(suffix)).unlink(missing_ok=True)
    write_assets(root)  # the bundled style sheet and icons the pages link to
    return [write_file(root, name(suffix), content) for suffix, content in files.items()]


def main() -> int:
    """The child: read a pickled Job on stdin (only the daemon writes that pipe), publish,
    print what was written as one JSON line. A bug ends in a traceback on stderr, status 1."""
    job: Job = pickle.load(sys.stdin.buffer)
    store = Store.open(job.url)
    try:
        files = publish_day(store, job)
    except OSError as exc:
        where = exc.filename or next(iter(job.roots.values()))
        print(json.dumps({"where": str(where), "why": reason(exc)}))
        return CANNOT_WRITE
    except DBAPIError as exc:  # the server went away, the file is locked or gone...
        first = (str(exc.orig).strip() or type(exc.orig).__name__).splitlines()[0]
        print(json.dumps({"why": first}))
        return CANNOT_READ
    finally:
        store.close()
    print(json.dumps({"files": [str(f) for f in files]}))
    return 0


if __name__ == "__main__":
    sys.stdout.flush()
    code = main()
    sys.stdout.flush()
    os._exit(code)  # nothing left worth collecting: skip the interpreter's tear-down
