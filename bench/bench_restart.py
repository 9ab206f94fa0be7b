"""Benchmark a restart: the time from ``agendum run`` starting to its first answer to
``Zakim, q?``, with 1,000,000 stored events in the replay window, without and with a snapshot.

A real ngIRCd on loopback, the bot as a real process on a SQLite file. The events are
realistic meetings (joins, ``present+``, ``agenda+``, the queue, scribed lines, questions,
actions, ``end meeting``) in ten channels over the last 20 hours, written with the store's
bulk path (``Store.insert_events``) and indexed for search, as a running install has them.
Then:

1. **No snapshot.** The bot replays every event of the window (and saves a snapshot once
   done); a client in the channel sends ``Zakim, q?`` as soon as Zakim joins. SIGTERM.
2. **With a snapshot.** The same database, now with the snapshot the previous run took at
   shutdown: ``--runs`` starts, each timed the same way.
3. **A snapshot and a tail.** As after a ``kill -9``: ``--tail`` more events (10 minutes of
   meetings) stored after the snapshot before each of ``--runs`` starts.

Prints a table and, as the last line, the results as JSON. Exit status 0 when the start with a
snapshot answers within ``--target`` seconds (2 by default). See bench/README.md.

    .venv/bin/python bench/bench_restart.py [--events 1000000] [--runs 3] [--keep]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # for tests.support and bench_bot

from bench.bench_bot import Raw  # noqa: E402
from bot.core.events import Event, Kind  # noqa: E402
from bot.storage.store import Store, upgrade  # noqa: E402
from tests.support.daemon import AgendumProcess  # noqa: E402
from tests.support.ircd import IrcServer  # noqa: E402

NETWORK = "local"  # the config's default [irc] network
CHANNELS = [f"#wg{i}" for i in range(10)]
PEOPLE = ["anssik", "jsbell", "McCool", "zkis", "dom", "ningxin", "RafaelC", "reillyg",
          "Joshua_Lochner", "chair"]
WORDS = ["the", "spec", "should", "define", "how", "graph", "builder", "handles", "operators",
         "with", "dynamic", "shapes", "and", "we", "need", "a", "test", "for", "that", "before",
         "next", "CR", "transition", "so", "implementers", "can", "check", "interop", "across",
         "backends", "issue", "pull", "request"]


def sentence(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 14)))


def meeting(rng: random.Random, n: int) -> Iterator[tuple[str, Kind, str]]:
    """One meeting's (nick, kind, text): about 300 events, as a W3C call has them."""
    people = rng.sample(PEOPLE, 7)
    chair = people[0]
    for nick in people:
        yield nick, Kind.JOIN, ""
    yield chair, Kind.MESSAGE, "Zakim, start meeting"
    yield chair, Kind.MESSAGE, f"Meeting: Weekly call {n}"
    for i in range(1, 6):
        yield chair, Kind.MESSAGE, f"agenda+ topic {i} of call {n}"
    for nick in people:
        yield nick, Kind.MESSAGE, "present+"
    yield chair, Kind.MESSAGE, f"scribe+ {people[1]}"
    yield chair, Kind.MESSAGE, "Zakim, next agendum"
    for _ in range(rng.randint(250, 320)):
        nick, roll = rng.choice(people), rng.random()
        if roll < 0.05:
            yield nick, Kind.MESSAGE, rng.choice(["q+", "q+ to ask about tests", "q-"])
        elif roll < 0.08:
            yield chair, Kind.MESSAGE, f"ack {rng.choice(people)}"
        elif roll < 0.09:
            yield nick, Kind.MESSAGE, rng.choice(["q?", "Zakim, q?"])
        elif roll < 0.10:
            yield chair, Kind.MESSAGE, "Zakim, next agendum"
        elif roll < 0.11:
            yield nick, Kind.MESSAGE, f"question+ {sentence(rng)}?"
        elif roll < 0.115:
            yield chair, Kind.MESSAGE, f"ACTION: {nick} to {sentence(rng)}"
        elif roll < 0.12:
            yield nick, Kind.MESSAGE, f"RESOLUTION: {sentence(rng)}"
        elif roll < 0.13:
            yield nick, Kind.ACTION, "waves"
        elif roll < 0.14:
            yield chair, Kind.MESSAGE, f"Topic: {sentence(rng)}"
        else:
            yield people[1], Kind.MESSAGE, f"{nick}: {sentence(rng)}"
    yield chair, Kind.MESSAGE, "Zakim, end meeting"
    for nick in people:
        yield nick, Kind.PART, ""


def events(count: int, seed: int = 1, hours: float = 20.0) -> Iterator[Event]:
    """``count`` events of meetings in turn in the ten channels, over the last ``hours``."""
    rng = random.Random(seed)
    start = datetime.now(UTC) - timedelta(hours=hours)
    step = timedelta(hours=hours * 0.975) / count
    made, n = 0, 0
    while True:
        channel = CHANNELS[n % len(CHANNELS)]
        n += 1
        for nick, kind, text in meeting(rng, n):
            yield Event(start + step * made, NETWORK, channel, kind, nick, text)
            made += 1
            if made == count:
                return


def fill(url: str, count: int) -> dict[str, float]:
    """Migrate, insert ``count`` events in batches through the bulk path, index them."""
    upgrade(url)
    store = Store.open(url)
    t0 = time.perf_counter()
    batch: list[Event] = []
    for event in events(count):
        batch.append(event)
        if len(batch) == 10_000:
            store.insert_events(batch)
            batch.clear()
    store.insert_events(batch)
    inserted = time.perf_counter() - t0
    store.index_pending()  # a running install's events are indexed: no catching up at start
    indexed = time.perf_counter() - t0 - inserted
    store.close()
    return {"insert_s": round(inserted, 1), "index_s": round(indexed, 1)}


def time_to_first_answer(bot: AgendumProcess, client: Raw) -> dict[str, float]:
    """Start the bot; seconds until Zakim joins and until it answers ``Zakim, q?``."""
    t0, wall = time.perf_counter(), time.time()
    bot.start()
    client.wait(lambda p, c, a: c == "JOIN" and p.startswith("Zakim!"), timeout=600)
    joined = time.perf_counter() - t0
    client.send(f"PRIVMSG {CHANNELS[0]} :Zakim, q?")
    client.wait(lambda p, c, a: c == "PRIVMSG" and p.startswith("Zakim!") and
                "speaker queue" in a[-1], timeout=60)
    answered = time.perf_counter() - t0
    log = bot.log_text()
    return {"ready_s": round(logged(log, "Using selector") - wall, 3),  # imports, config
            "restored_s": round(logged(log, "restored ") - wall, 3),  # + migrations, restore
            "joined_s": round(joined, 3), "answered_s": round(answered, 3)}


def logged(log: str, needle: str) -> float:
    """When the bot's last log line holding ``needle`` was written (its local time stamp)."""
    line = [x for x in log.splitlines() if needle in x][-1]
    return datetime.strptime(line[:23], "%Y-%m-%d %H:%M:%S,%f").timestamp()


def restored_line(log: str) -> str:
    return re.findall(r"restored .*", log)[-1]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=3, help="starts with a snapshot")
    ap.add_argument("--tail", type=int, default=10_000,
                    help="events stored after the snapshot, for a third series (0: none)")
    ap.add_argument("--target", type=float, default=2.0, help="seconds, with a snapshot")
    ap.add_argument("--keep", action="store_true", help="keep the work dir")
    ap.add_argument("--db", type=Path, help="SQLite file to fill once and reuse (kept)")
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="agendum-bench-restart-"))
    path = args.db.absolute() if args.db else work / "agendum.db"
    url = f"sqlite:///{path}"
    results: dict[str, Any] = {"events": args.events, "load_before": os.getloadavg()[0]}
    if path.exists() and Store.open(url).count_events() >= args.events:
        with sqlite3.connect(path) as db:  # the first start must find no snapshot
            db.execute("DELETE FROM snapshots")
        print(f"reusing the {args.events:,} events of {path}", flush=True)
    else:
        print(f"{args.events:,} events into {path} ...", flush=True)
        results.update(fill(url, args.events))
        print(f"inserted in {results['insert_s']} s, indexed in {results['index_s']} s",
              flush=True)
    srv = IrcServer("ngircd").start()
    try:
        bot = AgendumProcess(work / "bot", irc_port=srv.port, db_url=url, channels=CHANNELS)
        client = Raw(srv.port, "timer")
        client.join(CHANNELS[0])

        full = time_to_first_answer(bot, client)
        print(f"no snapshot: {full} ({restored_line(bot.log_text())})", flush=True)
        assert bot.terminate(timeout=120) == 0, bot.log_text()[-2000:]
        assert "at shutdown" in bot.log_text(), bot.log_text()[-2000:]

        quick = []
        for _ in range(args.runs):
            quick.append(time_to_first_answer(bot, client))
            print(f"snapshot: {quick[-1]} ({restored_line(bot.log_text())})", flush=True)
            assert bot.terminate(timeout=60) == 0, bot.log_text()[-2000:]
        tailed = []  # as after a kill -9: the events stored since the last snapshot
        for run in range(args.runs if args.tail else 0):
            store = Store.open(url)
            store.insert_events(list(events(args.tail, seed=100 + run, hours=10 / 60)))
            store.close()
            tailed.append(time_to_first_answer(bot, client))
            print(f"snapshot + {args.tail:,}: {tailed[-1]} ({restored_line(bot.log_text())})",
                  flush=True)
            assert bot.terminate(timeout=60) == 0, bot.log_text()[-2000:]
        with sqlite3.connect(path) as db:
            size = db.execute("SELECT length(payload) FROM snapshots ORDER BY id DESC").fetchone()
    finally:
        srv.stop()
    median = statistics.median(q["answered_s"] for q in quick)
    results.update({
        "no_snapshot": full, "snapshot": quick,
        "no_snapshot_answered_s": full["answered_s"],
        "snapshot_answered_s": [q["answered_s"] for q in quick],
        "snapshot_answered_median_s": median, "snapshot_bytes": size[0],
        "tail": args.tail, "snapshot_and_tail": tailed,
        "snapshot_and_tail_answered_median_s": statistics.median(
            q["answered_s"] for q in tailed) if tailed else None,
        "target_s": args.target, "ok": median <= args.target,
        "load_after": os.getloadavg()[0],
    })
    print(f"\n{'':26}{'first q? answered':>20}")
    print(f"{'full replay':26}{full['answered_s']:>19.2f}s")
    print(f"{'snapshot (median)':26}{median:>19.2f}s   target <= {args.target:g}s  "
          f"{'ok' if results['ok'] else 'MISSED'}")
    if tailed:
        print(f"{f'snapshot + {args.tail:,} events':26}"
              f"{results['snapshot_and_tail_answered_median_s']:>19.2f}s")
    print(f"load average (1 min) {results['load_before']:.1f} before, "
          f"{results['load_after']:.1f} after, on {os.cpu_count()} CPUs")
    if args.keep:
        print(f"kept {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(results))
    return 0 if results["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
