"""Lines lost to a ``kill -9``: a burst from several clients, the bot killed a moment into it,
started again; how many of the burst's lines the database then holds, how many twice, and
what gap events say. Once per history source: none (ngIRCd), InspIRCd ``+H``, ZNC.

Real parts on 127.0.0.1 (tests/support): ngIRCd, InspIRCd + Atheme, ZNC; the bot as a real
process on SQLite. Prints a table, then the results as one JSON line. See bench/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sqlite3
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # for tests.support

from tests.support.daemon import AgendumProcess  # noqa: E402
from tests.support.ircclient import IrcTestClient  # noqa: E402
from tests.support.ircd import IrcServer, free_port  # noqa: E402
from tests.support.services import ServicesNetwork  # noqa: E402
from tests.support.znc import Znc  # noqa: E402

CHANNEL = "#bench"
SETTLED = "missed lines recovered from history"
PASSWORD = "bouncer-secret"


@contextlib.contextmanager
def network(kind: str, keep: int) -> Iterator[tuple[int, int, str]]:
    """(port for people, port for the bot, extra [irc] lines) of a running network."""
    if kind == "inspircd":
        with ServicesNetwork() as net:
            yield net.port, net.port, ""
        return
    ircd = IrcServer(port=free_port())
    ircd.start()
    try:
        if kind == "znc":
            nicks = {"zakim": "Zakim", "rrsagent": "RRSAgent", "gb": "gb"}
            with Znc(ircd.port, CHANNEL, nicks, password=PASSWORD, buffer=keep,
                     auto_clear=False) as znc:
                yield ircd.port, znc.port, f'password = "{PASSWORD}"'
        else:
            yield ircd.port, ircd.port, ""
    finally:
        ircd.stop()


def count(db: Path, sql: str, *args: object) -> int:
    with contextlib.closing(sqlite3.connect(db, timeout=10)) as conn:
        return int(conn.execute(sql, args).fetchone()[0])


def logging(db: Path) -> bool:
    """RRSAgent said where it logs: the bot is in the channel and writes."""
    try:
        return count(db, "SELECT count(*) FROM events WHERE text LIKE 'logging to %'") > 0
    except sqlite3.OperationalError:  # no database or no table yet
        return False


def run(kind: str, lines: int, clients: int, kill_after: float, keep: int,
        workdir: Path) -> dict[str, Any]:
    db = workdir / f"{kind}.db"
    with network(kind, keep) as (port, bot_port, extra):
        bot = AgendumProcess(workdir / kind, irc_port=bot_port, db_url=f"sqlite:///{db}",
                             channels=[CHANNEL], extra=extra)
        chair = IrcTestClient("127.0.0.1", port, "chair").connect()
        chair.join(CHANNEL)
        if kind == "inspircd":
            chair.raw(f"MODE {CHANNEL} +H {keep}:1h")
        bot.start()
        try:
            # Not NAMES: behind ZNC the personas' nicks are in the channel before the bot is.
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and not logging(db):
                time.sleep(0.2)
            senders = [IrcTestClient("127.0.0.1", port, f"blast{i}").connect()
                       for i in range(clients)]
            for s in senders:
                s.join(CHANNEL)
            per = lines // clients

            def burst(s: IrcTestClient) -> None:
                for n in range(per):
                    s.say(CHANNEL, f"burst {s.nick} {n} the quick brown fox jumps")

            threads = [threading.Thread(target=burst, args=(s,)) for s in senders]
            for t in threads:
                t.start()
            time.sleep(kill_after)
            bot.kill()
            for t in threads:
                t.join(120)
            time.sleep(2)
            sql = "SELECT count(*) FROM events WHERE nick LIKE 'blast%' AND text LIKE 'burst %'"
            before = count(db, sql)
            t0 = time.monotonic()
            bot.start()
            bot.wait_log(SETTLED, timeout=120)
            settled = time.monotonic() - t0
            time.sleep(2)
            distinct = count(db, "SELECT count(DISTINCT text) FROM events WHERE nick LIKE "
                                 "'blast%' AND text LIKE 'burst %'")
            stored = count(db, sql)
            gaps = count(db, "SELECT count(*) FROM events WHERE kind = 'gap'")
            for s in senders:
                s.quit(timeout=1)
        finally:
            bot.stop()
            chair.quit(timeout=1)
    sent = per * clients
    return {"server": kind, "sent": sent, "before_restart": before, "after_restart": distinct,
            "lost": sent - distinct, "stored_twice": stored - distinct, "gap_events": gaps,
            "restart_to_settled_s": round(settled, 1)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lines", type=int, default=15000)
    ap.add_argument("--clients", type=int, default=5)
    ap.add_argument("--kill-after", type=float, default=0.25)
    ap.add_argument("--keep", type=int, default=9000,
                    help="lines the server or bouncer keeps (+H N:1h, ZNC's buffer)")
    ap.add_argument("--server", choices=["ngircd", "inspircd", "znc", "all"], default="all")
    a = ap.parse_args()
    kinds = ["ngircd", "inspircd", "znc"] if a.server == "all" else [a.server]
    results = []
    with tempfile.TemporaryDirectory(prefix="agendum-bench-gaps-") as tmp:
        for kind in kinds:
            print(f"bench: {kind}: {a.lines} lines from {a.clients} clients, kill -9 after "
                  f"{a.kill_after}s, history keeps {a.keep}", flush=True)
            results.append(run(kind, a.lines, a.clients, a.kill_after, a.keep, Path(tmp)))
    cols = list(results[0])
    print(" | ".join(cols))
    for r in results:
        print(" | ".join(str(r[c]) for c in cols))
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
