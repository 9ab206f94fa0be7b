"""Benchmark agendum with many meetings at once: a real ngIRCd on loopback, the bot as a process.

Target: with 200 channels holding meetings at once and 2,000 lines per second across them,
command -> reply p99 under 20 ms on loopback and resident memory under 150 MB.

A load process (8 raw clients ``load0``.., each in every channel) sends ``--rate`` meeting-like
lines a second to random channels; meanwhile a probe client sends ``Zakim, q?`` to random idle
channels ``--probes-per-s`` times a second and times send -> Zakim's ``I see ...`` there. The bot's
RSS is sampled every 100 ms. Prints a table (one column per run), then all results as one JSON
line. See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import random
import re
import shutil
import socket
import statistics
import sys
import tempfile
import threading
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # for bench.*, tests.support

from bench.bench_bot import (
    BOT_ALARMS,
    BOTS,
    CONFIG,
    IRCD_ALARMS,
    Database,
    Raw,
    cpu_s,
    parse,
    pct,
    proc_mb,
)
from tests.support.daemon import AgendumProcess
from tests.support.ircd import IrcServer

LOAD_CLIENTS = 8
WARMUP_S = 3.0
PROBE_TIMEOUT_S = 5.0
BUCKET = (1000.0, 200)  # send_rate, send_burst: never the bottleneck
COUNT_SQL = "SELECT count(*) FROM events WHERE kind='message' AND nick LIKE 'load%'"
SPEAKERS = ("alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi")
TEXT = ("we discussed the proposal and agreed to revisit it next week after a review of the "
        "draft spec with the editors, since tests are still missing for this feature")
WORD_STARTS = [0, *(i + 1 for i, ch in enumerate(TEXT[:60]) if ch == " ")]
TOPICS = ("the schedule", "tests", "i18n review", "the charter", "horizontal review")
COMMANDS = ("q+", "q+ to ask about {w}", "q-", "ack next", "present+ Name_{n}",
            "agenda+ topic {n}", "question+ why {n}?")  # Zakim commands valid unaddressed
TARGETS = {"p99_ms": 20.0, "rss_mb": 150.0}


def meeting_line(rng: random.Random, seq: int) -> str:
    """~85 % scribe/chat text of 40-90 characters, ~15 % unaddressed Zakim commands."""
    if rng.random() < 0.15:
        return rng.choice(COMMANDS).format(w=rng.choice(TOPICS), n=rng.randrange(50))
    start = rng.choice(WORD_STARTS)
    words = TEXT[start:start + rng.randint(30, 80)].rsplit(" ", 1)[0]
    return f"{rng.choice(SPEAKERS)}: {words} {seq}"


def join_all(raw: Raw, channels: list[str]) -> None:
    raw.send(*(f"JOIN {c}" for c in channels))
    for _ in channels:
        raw.wait(lambda p, c, a: c == "366")  # end of NAMES: joined


def wait_bots(raw: Raw, channels: list[str], timeout: float = 120.0) -> None:
    missing, deadline = list(channels), time.monotonic() + timeout
    while missing := [c for c in missing if not set(BOTS) <= raw.names(c)]:
        if time.monotonic() > deadline:
            raise TimeoutError(f"{BOTS} did not join {len(missing)} channels, e.g. {missing[0]}")
        time.sleep(0.2)


# ---- the load process ----------------------------------------------------------------------

def drain(c: Raw, lock: threading.Lock, stop: threading.Event, out: dict[str, list[str]]) -> None:
    """Keep ngIRCd's send queue to ``c`` empty; answer PING; note ERROR and early EOF."""
    tail = b""
    while data := c.sock.recv(1 << 18):
        buf = tail + data
        tail = buf[buf.rfind(b"\n") + 1:]
        for m in re.finditer(rb"(?m)^(PING|ERROR)\b([^\r\n]*)", buf[:len(buf) - len(tail)]):
            if m[1] == b"PING":
                with lock:
                    c.sock.sendall(b"PONG" + m[2] + b"\r\n")
            elif not stop.is_set():
                out["errors"].append(f"{c.nick}: {m[0].decode(errors='replace')}")
        time.sleep(0.005)  # read in batches: fewer wake-ups, the kernel buffers meanwhile
    if not stop.is_set():
        out["disconnected"].append(c.nick)


def load_main(port: int, channels: list[str], rate: float, conn: Connection) -> None:
    """Child process: join, report "ready", then on ("go", seconds) pace the lines and report."""
    clients = [Raw(port, f"load{i}") for i in range(LOAD_CLIENTS)]
    locks = [threading.Lock() for _ in clients]
    stop, out = threading.Event(), {"errors": list[str](), "disconnected": list[str]()}
    for c, lock in zip(clients, locks, strict=True):
        join_all(c, channels)
        c.sock.settimeout(None)
        threading.Thread(target=drain, args=(c, lock, stop, out), daemon=True).start()
    conn.send("ready")
    seconds = conn.recv()[1]
    rng, sent, tick, lag = random.Random(1), 0, 0, 0.0
    t0 = time.monotonic()
    while (now := time.monotonic()) < t0 + seconds:
        lag = max(lag, now - (t0 + tick * 0.01))
        due = int(rate * (now - t0)) - sent  # from the clock, so late ticks catch up
        batches: list[list[str]] = [[] for _ in clients]
        for seq in range(sent, sent + due):
            line = f"PRIVMSG {rng.choice(channels)} :{meeting_line(rng, seq)}\r\n"
            batches[rng.randrange(len(clients))].append(line)
        for c, lock, batch in zip(clients, locks, batches, strict=True):
            if batch:
                with lock:
                    c.sock.sendall("".join(batch).encode())
        sent, tick = sent + due, tick + 1
        time.sleep(max(0.0, t0 + tick * 0.01 - time.monotonic()))
    elapsed = time.monotonic() - t0
    stop.set()
    for c, lock in zip(clients, locks, strict=True):
        with lock:
            c.sock.sendall(b"QUIT :done\r\n")
    conn.send({"sent": sent, "elapsed_s": elapsed, "pacer_max_lag_ms": round(lag * 1000, 1),
               **out})


# ---- the probe ---------------------------------------------------------------------------

class Probe:
    """``Zakim, q?`` to one idle channel at a time; a reader thread times Zakim's ``I see``.

    ngIRCd does not set TCP_NODELAY, so while it streams the channels' traffic to the probe, a
    reply waits in ngIRCd's Nagle buffer for the probe's delayed ACK (Linux: 40 ms). With
    ``quickack`` the probe ACKs every read at once, so that delay of the measuring client
    itself is not counted.
    """

    def __init__(self, port: int, channels: list[str], quickack: bool) -> None:
        self.raw, self.channels, self.quickack = Raw(port, "probe"), channels, quickack
        join_all(self.raw, channels)
        wait_bots(self.raw, channels)
        self.lock = threading.Lock()
        self.pending: dict[str, tuple[float, bool]] = {}  # channel -> (sent at, counted)
        self.dead: set[str] = set()  # timed out: a late reply must not match a new probe
        self.ms: list[float] = []
        self.failures = 0
        self.raw.sock.settimeout(None)
        threading.Thread(target=self.read, daemon=True).start()

    def read(self) -> None:
        buf = self.raw.buf
        while data := self.raw.sock.recv(1 << 18):
            now = time.perf_counter()
            if self.quickack:  # ACK at once, every time: Linux turns quick ACKs off again
                self.raw.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
            *lines, buf = (buf + data).split(b"\n")
            for line in lines:
                if line.startswith(b"PING"):
                    with self.lock:
                        self.raw.send("PONG" + line[4:].decode().rstrip("\r"))
                elif line.startswith(b":Zakim!"):
                    _, cmd, args = parse(line.decode("utf-8", "replace").rstrip("\r"))
                    if cmd == "PRIVMSG" and args[-1].startswith("I see"):
                        with self.lock:
                            t0, counted = self.pending.pop(args[0], (0.0, False))
                        if counted:
                            self.ms.append((now - t0) * 1000)

    def expire(self, now: float) -> None:
        with self.lock:
            for ch, (t0, counted) in list(self.pending.items()):
                if now - t0 > PROBE_TIMEOUT_S:
                    del self.pending[ch]
                    self.dead.add(ch)
                    self.failures += counted

    def run(self, seconds: float, per_s: float, counted: bool) -> None:
        start, n = time.perf_counter(), 0
        while (now := time.perf_counter()) < start + seconds:
            self.expire(now)
            with self.lock:
                idle = [c for c in self.channels if c not in self.pending and c not in self.dead]
                if idle:
                    ch = random.choice(idle)
                    self.pending[ch] = (time.perf_counter(), counted)
                    self.raw.send(f"PRIVMSG {ch} :Zakim, q?")
            n += 1
            time.sleep(max(0.0, start + n / per_s - time.perf_counter()))

    def finish(self) -> None:
        """Wait for the outstanding probes; unanswered ones count as failures."""
        deadline = time.perf_counter() + PROBE_TIMEOUT_S + 0.5
        while self.pending and time.perf_counter() < deadline:
            time.sleep(0.05)
        self.expire(float("inf"))


# ---- one run -----------------------------------------------------------------------------

def start_bot(srv: IrcServer, workdir: Path, url: str, channels: list[str]) -> AgendumProcess:
    bot = AgendumProcess(workdir, irc_port=srv.port, db_url=url, channels=channels)
    bot.config_path.write_text(CONFIG.format(  # CONFIG quotes one name: join the rest inside
        port=srv.port, channel='", "'.join(channels), url=url, rate=BUCKET[0], burst=BUCKET[1]))
    return bot.start()


def wait_stored(db: Database, sent: int, quiet_s: float = 10.0) -> tuple[int, float]:
    """Poll the row count until it reaches ``sent`` or stops moving for ``quiet_s``."""
    t0 = last = time.perf_counter()
    stored = 0
    while stored < sent and time.perf_counter() - last < quiet_s:
        time.sleep(0.1)
        if (now := db.query(COUNT_SQL)[0][0]) != stored:
            stored, last = now, time.perf_counter()
    return stored, last - t0


def run_once(a: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    channels = [f"#m{i}" for i in range(a.channels)]
    srv = IrcServer("ngircd").start()
    db = Database(a.db, tmp)
    bot: AgendumProcess | None = None
    r: dict[str, Any] = {}
    try:
        t = time.perf_counter()
        bot = start_bot(srv, tmp / "bot", db.url, channels)
        assert bot.proc is not None
        pid = bot.proc.pid
        probe = Probe(srv.port, channels, not a.delayed_ack)
        r["bots_joined_s"] = round(time.perf_counter() - t, 2)
        print(f"  bots in all {len(channels)} channels after {r['bots_joined_s']} s", flush=True)
        ctx = mp.get_context("spawn")
        conn, child_conn = ctx.Pipe()
        load = ctx.Process(target=load_main, args=(srv.port, channels, a.rate, child_conn),
                           daemon=True)
        t = time.perf_counter()
        load.start()
        if not conn.poll(180) or conn.recv() != "ready":
            raise RuntimeError("the load clients did not join in time")
        r["load_joined_s"] = round(time.perf_counter() - t, 2)
        time.sleep(1.0)
        r["rss_idle_mb"] = proc_mb(pid)
        samples: list[tuple[float, float]] = []
        stop = threading.Event()

        def sample() -> None:
            while not stop.wait(0.1):
                samples.append((time.perf_counter(), proc_mb(pid)))

        threading.Thread(target=sample, daemon=True).start()
        print(f"  load: {a.rate} lines/s for {WARMUP_S} s warm-up + {a.seconds} s", flush=True)
        conn.send(("go", WARMUP_S + a.seconds))
        t_load = time.perf_counter()
        probe.run(WARMUP_S, a.probes_per_s, counted=False)
        cpu0 = cpu_s(pid)
        probe.run(a.seconds, a.probes_per_s, counted=True)
        r["bot_cpu_s"] = round(cpu_s(pid) - cpu0, 2)
        if not conn.poll(60):
            raise RuntimeError("the load process did not report")
        lg = conn.recv()
        t_end = time.perf_counter()
        load.join(10)
        probe.finish()
        r["sent"], r["achieved_rate"] = lg["sent"], round(lg["sent"] / lg["elapsed_s"])
        r["pacer_max_lag_ms"] = lg["pacer_max_lag_ms"]
        r["stored"], stored_after = wait_stored(db, lg["sent"])
        r["stored_after_s"] = round(stored_after, 2)
        r["lost"] = max(0, r["sent"] - r["stored"])
        time.sleep(2.0)
        stop.set()
        during = [mb for ts, mb in samples if t_load <= ts <= t_end] or [float("nan")]
        r["rss_peak_mb"], r["rss_after_mb"] = max(during), proc_mb(pid)
        r["rss_hwm_mb"] = proc_mb(pid, "VmHWM")
        ms = probe.ms or [float("nan")]
        r["probes"], r["probe_failures"] = len(probe.ms), probe.failures
        r["latency_ms"] = {f"p{q}": pct(ms, q) for q in (50, 90, 99)} | {"max": round(max(ms), 2)}
        r["load_disconnected"], r["load_errors"] = lg["disconnected"], lg["errors"][:3]
        r["bot_registrations"] = bot.log_text().count("registered as")  # 2: one per persona
        r["log_alarms"] = [f"{who}: {ln}" for who, text, keys in (
            ("bot", bot.log_text(), BOT_ALARMS), ("ngircd", srv.log_text(), IRCD_ALARMS))
            for ln in text.splitlines() if any(k in ln or k in ln.lower() for k in keys)][:6]
    finally:
        if bot is not None:
            bot.stop()
        srv.stop()
        db.drop()
    return r


def passed(r: dict[str, Any]) -> bool:
    rss = max(r["rss_peak_mb"], r["rss_hwm_mb"])  # VmHWM: the kernel's peak, between samples too
    return (r["latency_ms"]["p99"] < TARGETS["p99_ms"] and rss < TARGETS["rss_mb"]
            and r["probe_failures"] == 0 and r["probes"] > 0 and r["lost"] == 0)


def report(a: argparse.Namespace, runs: list[dict[str, Any]]) -> bool:
    rows: list[tuple[str, Any]] = [
        ("bots in all channels after (s)", lambda r: r["bots_joined_s"]),
        ("load clients joined in (s)", lambda r: r["load_joined_s"]),
        ("lines/s achieved (pacer lag ms)",
         lambda r: f"{r['achieved_rate']} ({r['pacer_max_lag_ms']})"),
        ("lines stored / sent", lambda r: f"{r['stored']} / {r['sent']}"),
        ("all stored after load end (s)", lambda r: r["stored_after_s"]),
        ("probes (unanswered)", lambda r: f"{r['probes']} ({r['probe_failures']})"),
        ("reply p50 / p90 (ms)", lambda r: f"{r['latency_ms']['p50']} / {r['latency_ms']['p90']}"),
        ("reply p99 / max (ms)  [p99 < 20]",
         lambda r: f"{r['latency_ms']['p99']} / {r['latency_ms']['max']}"),
        ("RSS idle / peak / after (MB) [< 150]",
         lambda r: f"{r['rss_idle_mb']} / {r['rss_peak_mb']} / {r['rss_after_mb']}"),
        ("RSS VmHWM (MB)", lambda r: r["rss_hwm_mb"]),
        (f"bot CPU s over {a.seconds} s", lambda r: r["bot_cpu_s"]),
        ("targets met", lambda r: "yes" if passed(r) else "NO"),
    ]
    print(f"\n{a.db:<40}" + "".join(f"{f'run {i + 1}':>22}" for i in range(len(runs))))
    for name, get in rows:
        print(f"{name:<40}" + "".join(f"{get(r)!s:>22}" for r in runs))
    for r in runs:
        if r["bot_registrations"] != 2:
            print(f"alarm: the bot registered {r['bot_registrations']} times (2 = no reconnect)")
        for alarm in [*r["log_alarms"], *r["load_errors"], *r["load_disconnected"]]:
            print("alarm:", alarm)
    ok = all(passed(r) for r in runs)
    p99s = [r["latency_ms"]["p99"] for r in runs]
    print(json.dumps({"db": a.db, "channels": a.channels, "rate": a.rate, "seconds": a.seconds,
                      "probes_per_s": a.probes_per_s, "cpus": os.cpu_count(),
                      "p99_ms_median": statistics.median(p99s), "targets_met": ok,
                      "runs": runs}, separators=(",", ":")))
    return ok


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--channels", type=int, default=200)
    ap.add_argument("--rate", type=float, default=2000, help="lines per second, all channels")
    ap.add_argument("--seconds", type=float, default=30, help="measured, after a 3 s warm-up")
    ap.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    ap.add_argument("--probes-per-s", type=float, default=20)
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--delayed-ack", action="store_true",
                    help="let the probe delay its ACKs (adds ngIRCd's Nagle wait, ~40 ms)")
    ap.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    a = ap.parse_args()
    print(f"bench: {a.channels} channels, {a.rate:g} lines/s, {LOAD_CLIENTS} load clients, "
          f"{a.probes_per_s:g} probes/s (TCP_QUICKACK {'off' if a.delayed_ack else 'on'}), "
          f"bot bucket {BUCKET}; {os.cpu_count()} CPUs, "
          f"load {os.getloadavg()[0]:.2f}", flush=True)
    runs = []
    for i in range(a.runs):
        print(f"run {i + 1}/{a.runs}", flush=True)
        tmp = Path(tempfile.mkdtemp(prefix="agendum-meetings-"))
        try:
            runs.append(run_once(a, tmp))
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    ok = report(a, runs)
    return 1 if a.check and not ok else 0


if __name__ == "__main__":
    sys.exit(main())
