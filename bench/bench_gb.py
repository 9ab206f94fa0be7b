"""Benchmark gb: issue lookups through a real ngIRCd and a local fake GitHub, the bot a process.

Targets: a slow or hanging GitHub never slows Zakim (``Zakim, q?`` while about 20 lookups hang:
p99 under 20 ms, p50 within 2 ms of the p50 with no gb load); a cached lookup is answered like any
command (p99 under 20 ms); a cold lookup costs GitHub's latency plus a few milliseconds.

Phases, with GitHub answering after ``--github-ms`` (default 50 ms, a transatlantic API call):
``baseline`` (q? probes alone), ``cold`` (``see #N`` for distinct N: each a request),
``cached`` (the same N again within the cache's 60 s: no request), ``hanging`` (GitHub sleeps
past the bot's 2 s timeout while references keep coming at 10 a second and q? probes are timed).
Prints a table, then the results as one JSON line. See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # for bench.*, tests.support

from bench.bench_bot import CHANNEL, Raw, pct, proc_mb, round_trips
from tests.support.daemon import AgendumProcess
from tests.support.fake_github import FakeGitHub
from tests.support.ircd import IrcServer

ISSUES = 400
TOKEN = "bench-token"


def gb_reply(number: int) -> Any:
    return lambda p, c, a: (c == "PRIVMSG" and p.startswith("gb!") and a[0] == CHANNEL
                            and f"/issues/{number} " in a[-1])


def lookups(client: Raw, numbers: list[int], interval: float) -> list[float]:
    """``see #N`` -> gb's answer naming issue N, one at a time, paced; milliseconds each."""
    out, start = [], time.perf_counter()
    for i, n in enumerate(numbers):
        time.sleep(max(0.0, start + i * interval - time.perf_counter()))
        t0 = time.perf_counter()
        client.send(f"PRIVMSG {CHANNEL} :see #{n}")
        client.wait(gb_reply(n), timeout=10)
        out.append((time.perf_counter() - t0) * 1000)
    return out


def hang(client: Raw, seconds: float, out: list[float]) -> None:
    """References at 10 a second for ``seconds`` while GitHub hangs, so about 20 requests are
    always waiting on the bot's timeout; each answer's delay, in milliseconds, as it arrives."""
    numbers = list(range(ISSUES - int(seconds * 10), ISSUES))
    sent: dict[int, float] = {}

    def read() -> None:
        for n in numbers:
            client.wait(gb_reply(n), timeout=30)
            out.append((time.perf_counter() - sent[n]) * 1000)

    reader = threading.Thread(target=read)
    start = time.perf_counter()
    for i, n in enumerate(numbers):
        time.sleep(max(0.0, start + i * 0.1 - time.perf_counter()))
        sent[n] = time.perf_counter()
        client.send(f"PRIVMSG {CHANNEL} :see #{n}")
        if i == 0:
            reader.start()
    reader.join(60)


def run(a: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    r: dict[str, Any] = {"github_ms": a.github_ms, "lookups": a.lookups,
                         "cpus": os.cpu_count(), "loadavg_before": os.getloadavg()[0]}
    github = FakeGitHub(token=TOKEN)
    github.start()
    for n in range(1, ISSUES + 1):
        github.add_issue("w3c/webnn", n, f"Issue number {n} about the API", labels=["api"])
    srv = IrcServer("ngircd").start()
    try:
        bot = AgendumProcess(
            tmp / "bot", irc_port=srv.port, db_url=f"sqlite:///{tmp}/bench.db",
            channels=[CHANNEL], send_rate=1000.0, send_burst=200,
            github=f'api_url = "{github.base}"\nweb_url = "{github.base}"\n'
                   f'token = "{TOKEN}"\ntimeout_seconds = 2.0').start()
        try:
            joe, probe = Raw(srv.port, "joe", quickack=True), Raw(srv.port, "probe", quickack=True)
            for client in (joe, probe):
                client.join(CHANNEL)
            joe.wait_bots(timeout=30)
            while "gb" not in joe.names(CHANNEL):
                time.sleep(0.1)
            joe.send(f"PRIVMSG {CHANNEL} :gb, use w3c/webnn", f"PRIVMSG {CHANNEL} :gb, delay 0")
            joe.wait(lambda p, c, a: c == "PRIVMSG" and a[-1].startswith("OK, delay"))
            round_trips(probe, 20, 0.02)  # warm-up
            r["baseline_q_ms"] = round_trips(probe, a.probes, 0.05)
            github.delay = a.github_ms / 1000
            numbers = list(range(1, a.lookups + 1))
            r["cold_ms"] = lookups(joe, numbers, 0.05)
            requests_before = len(github.requests)
            r["cached_ms"] = lookups(joe, numbers, 0.05)
            r["cached_requests"] = len(github.requests) - requests_before
            github.delay = 30.0  # GitHub hangs: every lookup waits for the 2 s timeout
            hanging: list[float] = []
            refs = threading.Thread(target=hang, args=(joe, a.probes * 0.05, hanging))
            refs.start()
            time.sleep(0.2)
            r["hanging_q_ms"] = round_trips(probe, a.probes, 0.05)
            refs.join(120)
            r["hanging_gb_ms"] = hanging
            r["rss_mb"] = proc_mb(bot.proc.pid) if bot.proc else float("nan")
        finally:
            bot.stop()
    finally:
        srv.stop()
        github.stop()
    return r


def report(r: dict[str, Any]) -> None:
    def row(name: str, values: list[float]) -> str:
        return (f"{name:<34} p50 {pct(values, 50):>8.2f}  p99 {pct(values, 99):>8.2f}  "
                f"max {max(values):>8.2f} ms  (n={len(values)})")

    print(row("Zakim q?, no gb load", r["baseline_q_ms"]))
    print(row(f"gb cold lookup (GitHub {r['github_ms']} ms)", r["cold_ms"]))
    print(row("gb cached lookup", r["cached_ms"]))
    print(row("Zakim q? while GitHub hangs", r["hanging_q_ms"]))
    print(row("gb answer while GitHub hangs", r["hanging_gb_ms"]))
    hang = pct(r["hanging_q_ms"], 99)
    base50, hang50 = pct(r["baseline_q_ms"], 50), pct(r["hanging_q_ms"], 50)
    checks = {
        "q? while GitHub hangs: p99 < 20 ms, p50 within 2 ms of no load":
        hang < 20 and hang50 <= base50 + 2,
        "cached lookup p99 < 20 ms": pct(r["cached_ms"], 99) < 20,
        "cached lookups made no request": r["cached_requests"] == 0,
        "cold lookup p50 within GitHub latency + 15 ms": pct(r["cold_ms"], 50)
        <= r["github_ms"] + 15,
    }
    for name, ok in checks.items():
        print(f"{'ok  ' if ok else 'FAIL'} {name}")
    r["targets_met"] = all(checks.values())
    print(f"RSS after: {r['rss_mb']} MB")
    print(json.dumps(r))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--github-ms", type=float, default=50.0)
    ap.add_argument("--lookups", type=int, default=200)
    ap.add_argument("--probes", type=int, default=200)
    ap.add_argument("--keep", action="store_true", help="keep the work dir (bot log, database)")
    a = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="agendum-bench-gb-"))
    try:
        r = run(a, tmp)
    finally:
        if not a.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    report(r)
    return 0 if r["targets_met"] else 1


if __name__ == "__main__":
    sys.exit(main())
