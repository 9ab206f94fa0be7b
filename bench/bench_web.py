"""Benchmark the record's web side and ``draft minutes`` with 1,000 stored meetings.

Targets (issue 5): ``draft minutes`` for a 2-hour meeting (~1,500 lines) replies in under
300 ms; the web index and a minutes page answer in under 50 ms p99 with 1,000 stored
meetings; search across 1,000 meetings under 200 ms.

Builds a database of ``--meetings`` meetings of ``--lines`` lines (realistic lines from
``bench/loggen.py``, each meeting with a word of its own), spread over channels and days,
some member- or team-only; drafts the minutes of a sample exactly as the bot does
(``Agendum.write_minutes``: the log read back, folded through RRSAgent, five files written)
and times it; then starts ``agendum serve`` as a process and times real HTTP requests on
one keep-alive connection. Prints a table and one JSON line.

    .venv/bin/python bench/bench_web.py [--meetings 1000] [--lines 1500] [--db postgresql]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.loggen import generate  # noqa: E402
from bot.config import load_config  # noqa: E402
from bot.core.events import Event, Kind  # noqa: E402
from bot.core.paths import relative_name  # noqa: E402
from bot.core.record import visibility_key  # noqa: E402
from bot.daemon import Agendum  # noqa: E402
from bot.storage.store import Store, upgrade  # noqa: E402

LINE = re.compile(r"(\d\d):(\d\d):(\d\d) <([^>]+)> (.*)")
FIRST_DAY = datetime(2025, 1, 6, 14, 0, tzinfo=UTC)
CONFIG = """\
[irc]
network = "bench"
[storage]
url = "{url}"
[publish]
dir = "public"
restricted_dir = "restricted"
base_url = "http://127.0.0.1:{port}/minutes"
[web]
port = {port}
member_password = "m"
team_password = "t"
[log]
level = "WARNING"
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def pct(values: list[float], q: float) -> float:
    return round(sorted(values)[round(q / 100 * (len(values) - 1))], 2)


def meeting_lines(n_lines: int, seed: int) -> list[tuple[int, str, str]]:
    """(seconds from the start, nick, text) of one generated meeting, within one day."""
    out = []
    for raw in generate(n_lines, seed).splitlines():
        if m := LINE.fullmatch(raw):
            h, mi, s = int(m[1]), int(m[2]), int(m[3])
            out.append((h * 3600 + mi * 60 + s, m[4], m[5]))
    base = out[0][0]
    return [((t - base) % 86400 % 7200 if t >= base else 0, nick, text) for t, nick, text in out]


def build(store: Store, meetings: int, n_lines: int) -> list[tuple[str, str, str]]:
    """Store the meetings; return (channel, day, word of its own) for each."""
    templates = [meeting_lines(n_lines, seed) for seed in range(1, 11)]
    channels = max(1, meetings // 10)
    made = []
    for i in range(meetings):
        channel, start = f"#wg{i % channels}", FIRST_DAY + timedelta(days=i // channels)
        word = f"zqx{i:05d}"
        rows = [Event(start + timedelta(seconds=t + k / 1000), "bench", channel,
                      Kind.MESSAGE, nick, f"{text} {word}" if k % 50 == 0 else text)
                for k, (t, nick, text) in enumerate(templates[i % len(templates)])]
        store.insert_events(rows)
        made.append((channel, start.strftime("%Y-%m-%d"), word))
        if i % 10 == 3:
            store.remember_value("bench", channel, visibility_key(made[-1][1]), "member")
        elif i % 20 == 7:
            store.remember_value("bench", channel, visibility_key(made[-1][1]), "team")
    return made


def timed_gets(conn: http.client.HTTPConnection, paths: list[str],
               headers: dict[str, str] | None = None) -> tuple[list[float], set[int]]:
    times, statuses = [], set()
    for path in paths:
        t0 = time.perf_counter()
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        response.read()
        times.append((time.perf_counter() - t0) * 1000)
        statuses.add(response.status)
    return times, statuses


def run(a: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    port = free_port()
    url = (f"sqlite:///{tmp / 'bench.db'}" if a.db == "sqlite" else
           os.environ.get("AGENDUM_TEST_PG_URL",
                          "postgresql+psycopg://postgres@127.0.0.1:5432/test"))
    config = tmp / "config.toml"
    config.write_text(CONFIG.format(url=url, port=port), encoding="utf-8")
    cfg = load_config(config)
    if a.db == "postgresql":
        from sqlalchemy import create_engine, text
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS events, channels, channel_values, "
                              "alembic_version CASCADE"))
        engine.dispose()
    upgrade(cfg.storage.url)
    store = Store.open(cfg.storage.url)
    t0 = time.perf_counter()
    made = build(store, a.meetings, a.lines)
    store.index_pending()  # what the bot's writer does once idle (SQLite; PostgreSQL: nothing)
    if a.db == "postgresql":  # what autovacuum does a little after a bulk load
        with store.engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE events")
    r: dict[str, Any] = {"meetings": a.meetings, "lines_per_meeting": a.lines, "db": a.db,
                         "events": store.count_events(), "build_s": round(time.perf_counter() - t0)}
    store.close()

    bot = Agendum(cfg)  # not run: only its publishing path, exactly as draft minutes uses it
    bot.network = "bench"
    sample = made[:: max(1, len(made) // a.sample)][: a.sample]
    drafts = []
    for channel, day, _ in sample:
        t1 = time.perf_counter()
        bot.write_minutes(channel, day)
        drafts.append((time.perf_counter() - t1) * 1000)
    bot.store.close()
    r["draft_ms"] = {"p50": pct(drafts, 50), "p99": pct(drafts, 99), "max": round(max(drafts), 1)}

    server = subprocess.Popen([sys.executable, "-m", "bot", "serve", "-c", str(config)],
                              cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("agendum serve did not start") from None
                time.sleep(0.1)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        first, _ = timed_gets(conn, ["/minutes/"])  # the first builds the index
        r["index_first_ms"] = round(first[0], 1)
        index, s1 = timed_gets(conn, ["/minutes/"] * a.requests)
        pages = [f"/minutes/{relative_name(c, d, 'minutes.html')}" for c, d, _ in sample]
        minutes, s2 = timed_gets(conn, (pages * (a.requests // len(pages) + 1))[: a.requests],
                                 {"Authorization": "Basic dDp0"})  # t:t, the team password
        logs, s3 = timed_gets(conn, [p.replace("minutes.html", "irc.html") for p in pages[:20]],
                              {"Authorization": "Basic dDp0"})
        rare = [f"/minutes/search?q={w}" for _, _, w in made[:: max(1, len(made) // 30)]]
        search_rare, s4 = timed_gets(conn, rare)
        search_common, s5 = timed_gets(conn, ["/minutes/search?q=proposal"] * 30)
        r["statuses"] = sorted(s1 | s2 | s3 | s4 | s5)
        for name, values in (("index_ms", index), ("minutes_page_ms", minutes),
                             ("log_page_ms", logs), ("search_rare_ms", search_rare),
                             ("search_common_ms", search_common)):
            r[name] = {"p50": pct(values, 50), "p99": pct(values, 99),
                       "mean": round(statistics.fmean(values), 2)}
    finally:
        server.terminate()
        server.wait(10)
    return r


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--meetings", type=int, default=1000)
    parser.add_argument("--lines", type=int, default=1500)
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--sample", type=int, default=30, help="meetings whose minutes to draft")
    a = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="agendum-bench-web-") as tmp:
        r = run(a, Path(tmp))
    print(f"{r['meetings']} meetings x {r['lines_per_meeting']} lines = {r['events']} events "
          f"({r['db']}, built in {r['build_s']} s)")
    print(f"draft minutes (write_minutes)  p50 {r['draft_ms']['p50']} ms  "
          f"p99 {r['draft_ms']['p99']} ms   [target < 300 ms]")
    print(f"index (first request)          {r['index_first_ms']} ms")
    for name, label, target in (("index_ms", "index", "< 50 ms p99"),
                                ("minutes_page_ms", "minutes page", "< 50 ms p99"),
                                ("log_page_ms", "log page (from the store)", ""),
                                ("search_rare_ms", "search, a rare word", "< 200 ms"),
                                ("search_common_ms", "search, a common word", "< 200 ms")):
        v = r[name]
        print(f"{label:30} p50 {v['p50']} ms  p99 {v['p99']} ms   {target}")
    print(f"HTTP statuses seen: {r['statuses']}")
    print(json.dumps(r))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
