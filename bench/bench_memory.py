"""The daemon's memory across a big day: a 20,000- and a 100,000-line day, then
``RRSAgent, draft minutes``. Drafting must not grow the daemon.

For each size, on a fresh ngIRCd, bot and database: idle RSS once the personas are in the
channel; the day (lines of ``bench/loggen.py``, sent by one client per speaker, in bursts of
``--burst`` lines, each stored before the next); RSS 2 s after the day and ``--settle``
seconds later; then ``RRSAgent, draft minutes`` and RSS while and after it is drafted.

RSS is the daemon's own (``VmRSS``, ``VmHWM`` in ``/proc/PID/status`` of the ``agendum run``
process): a child process it starts is not counted, which is the point of drafting in one.
The kernel's peak (``VmHWM``) is reset (``/proc/PID/clear_refs``) before each phase, so each
phase has a peak of its own; a sampler reads ``VmRSS`` every 20 ms as well. Prints a table,
then the results as one JSON line. See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # for tests.support and bench.*

from bench.bench_bot import Database, Raw, proc_mb  # noqa: E402
from bench.loggen import generate  # noqa: E402
from tests.support.daemon import AgendumProcess  # noqa: E402
from tests.support.ircd import IrcServer  # noqa: E402

CHANNEL = "#bench"
BOTS = ("Zakim", "RRSAgent", "gb")
CONFIG = """\
[irc]
port = {port}
channels = ["{channel}"]
send_rate = 100
send_burst = 20
[github]
api_url = "http://127.0.0.1:9"
[storage]
url = "{url}"
[publish]
dir = "{publish}"
base_url = "https://example.test/pub"
[log]
level = "INFO"
"""
LIMIT_MB = 60  # the daemon's peak while drafting, on SQLite
BACK_MB = 5  # after the draft, back within this of idle; nor may drafting add more
COUNT_SQL = "SELECT count(*) FROM events WHERE kind = 'message' AND nick LIKE 's\\_%' ESCAPE '\\'"
_LINE = re.compile(r"\d\d:\d\d:\d\d <([^>]+)> (.*)")
# Lines that would make the bot act or talk during the day: the day is about logging.
_SKIP = re.compile(r"(?i)^(zakim|rrsagent|gb|trackbot)\b|^(q[-+?]|ack\b|agenda[-+?]|"
                   r"queue\b|s/|i/)")
# Issue references make gb ask GitHub (here a closed port): a lookup imports aiohttp, 8 MB.
_LOOKUP = re.compile(r"#\d|github\.com/")


def day_lines(n: int, lookups: bool = False) -> dict[str, list[str]]:
    """The day's lines by speaker (``s_<nick>``; the bots' own lines dropped, and issue
    references unless ``lookups``), ``n`` in all."""
    by_nick: dict[str, list[str]] = defaultdict(list)
    kept, seed = 0, 1
    while kept < n:
        for raw in generate(n, seed).splitlines():
            m = _LINE.fullmatch(raw)
            if not m or m[1] in BOTS or m[1] in ("trackbot", "Zakim") or _SKIP.match(m[2]) \
                    or (not lookups and _LOOKUP.search(m[2])):
                continue
            by_nick[f"s_{m[1][:20]}"].append(m[2].encode()[:400].decode(errors="ignore"))
            kept += 1
            if kept == n:
                break
        seed += 1
    return by_nick


class Peak:
    """Samples the daemon's VmRSS every 20 ms in a thread; ``.mb`` is the highest seen."""

    def __init__(self, pid: int) -> None:
        self.pid, self.mb, self._stop = pid, 0.0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Peak:
        Path(f"/proc/{self.pid}/clear_refs").write_text("5")  # VmHWM := VmRSS from now on
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            self.mb = max(self.mb, proc_mb(self.pid))

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(5)
        self.hwm = proc_mb(self.pid, "VmHWM")


def send_day(srv: IrcServer, db: Database, lines: dict[str, list[str]], burst: int) -> float:
    """Each speaker joins; the lines go out a burst at a time, each stored before the next."""
    clients = {nick: Raw(srv.port, nick) for nick in lines}
    for c in clients.values():
        c.join(CHANNEL)
        c.sock.settimeout(None)
    stop = threading.Event()

    def drain(c: Raw) -> None:  # ngIRCd drops a client whose 32 KiB send queue fills up
        while not stop.is_set() and c.sock.recv(1 << 18):
            pass

    for c in clients.values():
        threading.Thread(target=drain, args=(c,), daemon=True).start()
    total = sum(map(len, lines.values()))
    queue = [(nick, text) for nick, texts in lines.items() for text in texts]
    order = sorted(range(total), key=lambda i: (i * 7919) % total)  # speakers interleaved
    t0 = time.perf_counter()
    for start in range(0, total, burst):
        chunk: dict[str, list[bytes]] = defaultdict(list)
        for i in order[start:start + burst]:
            nick, text = queue[i]
            chunk[nick].append(f"PRIVMSG {CHANNEL} :{text}\r\n".encode())
        senders = [threading.Thread(target=clients[n].sock.sendall, args=(b"".join(p),))
                   for n, p in chunk.items()]
        for t in senders:
            t.start()
        for t in senders:
            t.join()
        wait_stored(db, min(total, start + burst))
    elapsed = time.perf_counter() - t0
    stop.set()
    for c in clients.values():
        c.send("QUIT :done")
    return elapsed


def wait_stored(db: Database, n: int, patience: float = 60.0) -> None:
    stored, last = -1, time.monotonic()
    while stored < n:
        now = db.query(COUNT_SQL)[0][0]
        if now != stored:
            stored, last = now, time.monotonic()
        elif time.monotonic() - last > patience:
            raise RuntimeError(f"only {stored} of {n} lines stored after {patience:.0f} s "
                               "without progress")
        time.sleep(0.1)


def draft(chair: Raw, timeout: float) -> tuple[str, float]:
    t0 = time.perf_counter()
    chair.send(f"PRIVMSG {CHANNEL} :RRSAgent, draft minutes")
    msg = chair.wait(lambda p, c, a: c == "PRIVMSG" and p.startswith("RRSAgent!")
                     and "generate" in a[-1], timeout=timeout)
    return msg[2][-1], time.perf_counter() - t0


def one_size(a: argparse.Namespace, n: int, tmp: Path) -> dict[str, Any]:
    r: dict[str, Any] = {"lines": n}
    srv = IrcServer("ngircd").start()
    db = Database(a.db, tmp)
    bot = AgendumProcess(tmp / "bot", irc_port=srv.port, db_url=db.url, channels=[CHANNEL])
    bot.config_path.write_text(CONFIG.format(port=srv.port, channel=CHANNEL, url=db.url,
                                             publish=tmp / "public"))
    try:
        bot.start()
        assert bot.proc is not None
        pid = bot.proc.pid
        chair = Raw(srv.port, "chair")
        chair.join(CHANNEL)
        chair.wait_bots()
        time.sleep(2.0)
        r["rss_idle_mb"] = proc_mb(pid)
        lines = day_lines(n, a.lookups)
        print(f"{n} lines from {len(lines)} speakers in bursts of {a.burst}", flush=True)
        chair.send(f"PART {CHANNEL}")  # it does not read during the day
        with Peak(pid) as day:
            r["day_s"] = round(send_day(srv, db, lines, a.burst), 1)
        r["rss_day_peak_mb"], r["hwm_day_mb"] = day.mb, day.hwm
        time.sleep(2.0)
        r["rss_after_day_mb"] = proc_mb(pid)
        time.sleep(a.settle)  # the search index catches up, freed memory goes back
        r["rss_before_draft_mb"] = proc_mb(pid)
        chair.join(CHANNEL)
        print("draft minutes", flush=True)
        with Peak(pid) as drafting:
            r["said"], took = draft(chair, a.timeout)
        r["draft_s"] = round(took, 2)
        r["rss_draft_peak_mb"], r["hwm_draft_mb"] = drafting.mb, drafting.hwm
        time.sleep(2.0)
        r["rss_after_draft_mb"] = proc_mb(pid)
        time.sleep(3.0)
        r["rss_after_draft_5s_mb"] = proc_mb(pid)
        with Peak(pid) as grep:  # RRSAgent searches the day's log in the daemon itself
            t0 = time.perf_counter()
            chair.send(f"PRIVMSG {CHANNEL} :RRSAgent, grep max 3 consensus")
            chair.wait(lambda p, c, a: c == "PRIVMSG" and p.startswith("RRSAgent!"),
                       timeout=a.timeout)
            r["grep_s"] = round(time.perf_counter() - t0, 2)
            time.sleep(1.0)
        r["rss_grep_peak_mb"], r["hwm_grep_mb"] = grep.mb, grep.hwm
        time.sleep(2.0)
        r["rss_after_grep_mb"] = proc_mb(pid)
        minutes = list((tmp / "public").glob("*/*/*-bench-minutes.html"))
        r["minutes_kb"] = round(minutes[0].stat().st_size / 1024) if minutes else None
        r["bot_log_errors"] = [ln for ln in bot.log_text().splitlines()
                               if " ERROR " in ln or " CRITICAL " in ln][:3]
        r["exit_code"] = bot.terminate(30)
    finally:
        bot.stop()
        srv.stop()
        db.drop()
    return r


def report(db: str, results: list[dict[str, Any]]) -> bool:
    rows = [("idle RSS", "rss_idle_mb"),
            ("peak during the day (sampled / VmHWM)", ("rss_day_peak_mb", "hwm_day_mb")),
            ("RSS 2 s after the day / at the draft", ("rss_after_day_mb", "rss_before_draft_mb")),
            ("peak while drafting (sampled / VmHWM)", ("rss_draft_peak_mb", "hwm_draft_mb")),
            ("RSS 2 s / 5 s after the draft", ("rss_after_draft_mb", "rss_after_draft_5s_mb")),
            ("draft minutes reply (s)", "draft_s"),
            ("grep: peak (VmHWM) / 3 s after", ("hwm_grep_mb", "rss_after_grep_mb")),
            ("minutes.html (KB)", "minutes_kb")]
    print(f"\n{db + ', daemon only (MB)':<42}" + "".join(f"{r['lines']:>18,}" for r in results))
    for name, key in rows:
        cells = [" / ".join(str(r[k]) for k in key) if isinstance(key, tuple) else str(r[key])
                 for r in results]
        print(f"{name:<42}" + "".join(f"{c:>18}" for c in cells))
    ok = True
    cap = LIMIT_MB if db == "sqlite" else float("inf")  # psycopg alone costs 9 MB
    for r in results:
        peak = max(r["hwm_draft_mb"], r["rss_draft_peak_mb"])
        grew = peak - r["rss_before_draft_mb"]
        back = r["rss_after_draft_5s_mb"] - r["rss_idle_mb"]
        met = (peak < cap and back <= BACK_MB and grew <= BACK_MB
               and r["said"].startswith("I have made the request"))
        ok &= met
        cap_text = f"< {cap} MB" if db == "sqlite" else "no cap on PostgreSQL"
        print(f"{r['lines']:,} lines: draft peak {peak} MB ({grew:+.1f} while drafting, "
              f"{cap_text}), after the draft idle {back:+.1f} MB (<= +{BACK_MB}): "
              f"{'met' if met else 'NOT met'}; RRSAgent: {r['said']}")
        for line in r["bot_log_errors"]:
            print("alarm:", line)
    return ok


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="20000,100000", help="lines in the day, comma-separated")
    ap.add_argument("--burst", type=int, default=20000, help="lines sent before waiting for "
                    "them to be stored")
    ap.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    ap.add_argument("--timeout", type=float, default=600.0, help="seconds to wait for the draft")
    ap.add_argument("--settle", type=float, default=10.0, help="seconds between the day's "
                    "last line stored + 2 s and the draft request")
    ap.add_argument("--lookups", action="store_true", help="keep the issue references, "
                    "which gb looks up (on a closed port: no GitHub here)")
    ap.add_argument("--keep", action="store_true", help="keep the work dirs (logs, minutes)")
    a = ap.parse_args()
    print(f"bench_memory: {a.db}, lookups {'on' if a.lookups else 'off'}, {os.cpu_count()} "
          f"CPUs, load {os.getloadavg()[0]:.2f}", flush=True)
    results = []
    for n in (int(x) for x in a.sizes.split(",")):
        tmp = Path(tempfile.mkdtemp(prefix="agendum-mem-"))
        try:
            results.append(one_size(a, n, tmp))
        finally:
            if a.keep:
                print("kept", tmp)
            else:
                shutil.rmtree(tmp, ignore_errors=True)
    ok = report(a.db, results)
    print(json.dumps({"db": a.db, "lookups": a.lookups, "results": results}, separators=(",", ":")))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
