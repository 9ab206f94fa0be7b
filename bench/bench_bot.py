"""Benchmark agendum end to end: a real ngIRCd on loopback, the bot as a real process.

Idle RSS, ``Zakim, q?`` reply latency (alone, and right after a relayed ``q+``), logging
throughput and loss under a channel flood, RSS after it, SIGTERM shutdown, replies after
quiet moments with the shipped token bucket.
Prints a table, then the results as one JSON line. See bench/README.md.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import re
import shutil
import socket
import sqlite3
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # for tests.support

from tests.support.daemon import AgendumProcess  # noqa: E402
from tests.support.ircd import IrcServer  # noqa: E402

CHANNEL = "#bench"
BOTS = ("Zakim", "RRSAgent", "gb")
FILLER = "the quick brown fox jumps over the lazy dog 0123456789"
PEOPLE = 4  # participants taking turns in the q+ / q? / q- phase
RELAY_CHANNEL = "#relay"  # that phase's channel: Zakim is invited, the other personas are not
BENCH_BUCKET = (100.0, 20)  # send_rate, send_burst: never the bottleneck at 20 q?/s
DEFAULT_BUCKET = (2.0, 5)  # the shipped defaults (config.example.toml)
CONFIG = """\
[irc]
port = {port}
channels = ["{channel}"]
send_rate = {rate}
send_burst = {burst}
[github]
api_url = "http://127.0.0.1:9"
[storage]
url = "{url}"
[log]
level = "INFO"
"""
BOT_ALARMS = ("connection lost", "reconnecting", "Traceback", " ERROR ")
IRCD_ALARMS = ("write buffer", "exhausted", "sendq", "flood", "excess")
COUNT_SQL = "SELECT count(*) FROM events WHERE kind = 'message' AND nick LIKE 'blast%'"


def parse(line: str) -> tuple[str, str, list[str]]:
    """``:prefix CMD a b :trailing`` -> (prefix, CMD, [a, b, trailing])."""
    prefix = ""
    if line.startswith(":"):
        prefix, _, line = line[1:].partition(" ")
    head, sep, trailing = line.partition(" :")
    parts = head.split()
    return prefix, parts[0] if parts else "", parts[1:] + ([trailing] if sep else [])


class Raw:
    """A minimal blocking IRC client on a plain socket (no threads, no library)."""

    def __init__(self, port: int, nick: str, *, quickack: bool = False) -> None:
        """``quickack``: ACK at once, every read (ngIRCd never sets TCP_NODELAY, so a client
        that delays its ACKs sees up to 40 ms of Nagle wait that is the server's)."""
        self.nick, self.buf, self.quickack = nick, b"", quickack
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.send(f"NICK {nick}", f"USER {nick} 0 * :agendum bench")
        self.wait(lambda p, c, a: c == "001")

    def send(self, *lines: str) -> None:
        self.sock.sendall("".join(f"{x}\r\n" for x in lines).encode())

    def wait(self, pred: Any, timeout: float = 20.0) -> tuple[str, str, list[str]]:
        """Read lines (answering PING) until ``pred(prefix, cmd, args)`` holds."""
        deadline = time.monotonic() + timeout
        while True:
            while b"\n" not in self.buf:
                self.sock.settimeout(max(0.001, deadline - time.monotonic()))
                data = self.sock.recv(65536)
                if self.quickack:  # Linux turns quick ACKs off again: set it after every read
                    self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
                if not data:
                    raise ConnectionError(f"{self.nick}: the server closed the connection")
                self.buf += data
            raw, self.buf = self.buf.split(b"\n", 1)
            msg = parse(raw.rstrip(b"\r").decode("utf-8", "replace"))
            if msg[1] == "PING":
                self.send("PONG :" + (msg[2][0] if msg[2] else ""))
            elif pred(*msg):
                return msg

    def join(self, channel: str) -> None:
        self.send(f"JOIN {channel}")
        self.wait(lambda p, c, a: c == "366")  # end of NAMES: joined

    def names(self, channel: str) -> set[str]:
        self.send(f"NAMES {channel}")
        found: set[str] = set()
        while (msg := self.wait(lambda p, c, a: c in ("353", "366")))[1] == "353":
            found |= {n.lstrip("~&@%+") for n in msg[2][-1].split()}
        return found

    def wait_bots(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while not set(BOTS) <= self.names(CHANNEL):
            if time.monotonic() > deadline:
                raise TimeoutError(f"{BOTS} did not join {CHANNEL}")
            time.sleep(0.1)


def proc_mb(pid: int, field: str = "VmRSS") -> float:  # from /proc/<pid>/status
    m = re.search(rf"^{field}:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text(), re.M)
    return round(int(m.group(1)) / 1024, 1) if m else float("nan")


def cpu_s(pid: int) -> float:  # user + system CPU seconds so far
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Database:
    """The bot's database, fresh (PostgreSQL: created/dropped via `postgres`), read directly."""

    def __init__(self, kind: str, workdir: Path) -> None:
        self.path, self.conn = workdir / "bench.db", None
        self.pg = importlib.import_module("tests.support.pg") if kind == "postgresql" else None
        self.url = self.pg.create_database("agendum_bench_") if self.pg else f"sqlite:///{self.path}"

    def query(self, sql: str) -> list[Any]:
        if self.conn is None:
            self.conn = (self.pg.psycopg.connect(self.url.replace("+psycopg", ""), autocommit=True)
                         if self.pg else sqlite3.connect(self.path, isolation_level=None))
        return list(self.conn.execute(sql).fetchall())

    def drop(self) -> None:
        if self.conn is not None:
            self.conn.close()
        if self.pg:
            self.pg.drop_database(self.url)


def start_bot(srv: IrcServer, workdir: Path, url: str, bucket: tuple[float, int]) -> AgendumProcess:
    bot = AgendumProcess(workdir, irc_port=srv.port, db_url=url, channels=[CHANNEL])
    bot.config_path.write_text(CONFIG.format(port=srv.port, channel=CHANNEL, url=url,
                                             rate=bucket[0], burst=bucket[1]))
    return bot.start()


def round_trips(lat: Raw, n: int, interval: float) -> list[float]:
    """``Zakim, q?`` -> Zakim's reply, one at a time, paced; milliseconds each."""
    out, start = [], time.perf_counter()
    for i in range(n):
        time.sleep(max(0.0, start + i * interval - time.perf_counter()))
        t0 = time.perf_counter()
        lat.send(f"PRIVMSG {CHANNEL} :Zakim, q?")
        lat.wait(lambda p, c, a: c == "PRIVMSG" and p.startswith("Zakim!") and a[0] == CHANNEL)
        out.append((time.perf_counter() - t0) * 1000)
    return out


def after_relayed_lines(people: list[Raw], channel: str, n: int) -> list[float]:
    """``q+``, ``q?``, ``q-`` from each participant in turn, back to back; ms to each ``q?``'s
    reply.

    Zakim has just replied on its connection, so Linux takes it for an interactive one and
    delays its ACKs (up to 40 ms); ``q-`` and ``q+`` get no reply to carry an ACK; and ngIRCd,
    without TCP_NODELAY, holds the next small line in its Nagle buffer until that ACK comes.
    """
    out = []
    for i in range(n):
        who = people[i % len(people)]
        who.send(f"PRIVMSG {channel} :q+")
        t0 = time.perf_counter()
        who.send(f"PRIVMSG {channel} :q?")
        who.wait(lambda p, c, a, mine=f" {who.nick} on the speaker queue":  # not someone else's
                 c == "PRIVMSG" and p.startswith("Zakim!") and mine in a[-1])
        out.append((time.perf_counter() - t0) * 1000)
        who.send(f"PRIVMSG {channel} :q-")
    return out


def relayed_phase(port: int, n: int) -> list[float]:
    """PEOPLE participants invite Zakim alone to RELAY_CHANNEL, then take turns, back to back.

    Only Zakim's connection hears that channel: in ``#bench`` a copy of each line also
    reaches RRSAgent's and gb's connections, which rarely write and so ACK at once, and the
    first copy to arrive is the one handled, which would hide a stall on Zakim's.
    """
    people = [Raw(port, f"person{i}", quickack=True) for i in range(PEOPLE)]
    for who in people:
        who.join(RELAY_CHANNEL)
    people[0].send(f"INVITE Zakim {RELAY_CHANNEL}")
    people[0].wait(lambda p, c, a: c == "JOIN" and p.startswith("Zakim!"))
    after_relayed_lines(people, RELAY_CHANNEL, 10)  # warm-up
    ms = after_relayed_lines(people, RELAY_CHANNEL, n)
    for who in people:
        who.send("QUIT :done")
    return ms


def pct(values: list[float], q: float) -> float:
    return round(sorted(values)[round(q / 100 * (len(values) - 1))], 2)


def blast(srv: IrcServer, db: Database, pid: int, n_lines: int, n_clients: int) -> dict[str, Any]:
    """Each client floods its share of distinct lines; time until all are in the database."""
    clients = [Raw(srv.port, f"blast{i}") for i in range(n_clients)]
    for c in clients:
        c.join(CHANNEL)
        c.sock.settimeout(None)  # blocking from now on: sendall must not time out
    shares = [range(i, n_lines, n_clients) for i in range(n_clients)]
    payloads = [b"".join(f"PRIVMSG {CHANNEL} :c{i} n{j} {FILLER}\r\n".encode() for j in share)
                for i, share in enumerate(shares)]
    quitting, stop, go = threading.Event(), threading.Event(), threading.Barrier(n_clients + 1)
    early_eof, errors, relayed, peak = [], [], {}, [0.0]  # filled by the threads below

    def drain(c: Raw, others: int) -> None:  # keep ngIRCd's 32 KiB sendq to us empty
        got = 0
        while data := c.sock.recv(1 << 18):
            got += data.count(b"\n")
            if got >= others and c.nick not in relayed:  # the other blasters' lines are in
                relayed[c.nick] = time.perf_counter()
            if (m := re.search(rb"(?:^|\n)(ERROR :[^\r\n]*)", data)) and not quitting.is_set():
                errors.append(f"{c.nick}: {m.group(1).decode(errors='replace')}")
        if not quitting.is_set():
            early_eof.append(c.nick)

    def send(c: Raw, payload: bytes) -> None:
        go.wait()
        c.sock.sendall(payload)  # as fast as ngIRCd reads it

    def sample() -> None:
        while not stop.wait(0.05):
            peak[0] = max(peak[0], proc_mb(pid))

    threads = [threading.Thread(target=drain, args=(c, n_lines - len(sh)), daemon=True)
               for c, sh in zip(clients, shares, strict=True)]
    threads += [threading.Thread(target=send, args=x) for x in zip(clients, payloads, strict=True)]
    threads.append(threading.Thread(target=sample, daemon=True))
    for t in threads:
        t.start()
    cpu0, t0 = cpu_s(pid), time.perf_counter()
    go.wait()
    stored, last_change, done_at = 0, t0, None
    while time.perf_counter() - last_change < 30:  # give up after 30 s without progress
        time.sleep(0.1)
        if (now := db.query(COUNT_SQL)[0][0]) != stored:
            stored, last_change = now, time.perf_counter()
        if stored >= n_lines:
            done_at = time.perf_counter()
            break
    stop.set()
    quitting.set()
    cpu = cpu_s(pid) - cpu0
    for c in clients:
        c.send("QUIT :done")
    for t in threads:
        t.join(10)
    rows = db.query(COUNT_SQL.replace("count(*)", "text"))
    pairs = {tuple(r[0].split(" ", 2)[:2]) for r in rows}
    expected = {(f"c{i}", f"n{j}") for i, share in enumerate(shares) for j in share}
    elapsed = (done_at or last_change) - t0
    return {
        "ingest_s": round(elapsed, 3),
        "ingest_lines_per_s": round(n_lines / elapsed) if done_at else 0,
        "relay_s": round(max(relayed.values()) - t0, 3) if relayed else None,
        "bot_cpu_s": round(cpu, 2),
        "bot_cpu_us_per_line": round(cpu / max(1, len(rows)) * 1e6, 1),
        "stored": len(rows), "lost": len(expected - pairs), "duplicates": len(rows) - len(pairs),
        "rss_peak_sampled_mb": peak[0],
        "blasters_disconnected": sorted(early_eof),
        "blaster_errors": errors[:3],
    }


def run(a: argparse.Namespace, tmp: Path, r: dict[str, Any]) -> None:
    srv = IrcServer("ngircd").start()
    db = Database(a.db, tmp)
    bots: list[AgendumProcess] = []
    try:
        bots.append(bot := start_bot(srv, tmp / "bot", db.url, BENCH_BUCKET))
        assert bot.proc is not None
        pid = bot.proc.pid
        lat = Raw(srv.port, "lat")
        lat.join(CHANNEL)
        lat.wait_bots()
        time.sleep(1.0)
        r["rss_idle_mb"] = proc_mb(pid)
        print(f"latency: 10 warm-up, then {a.roundtrips} round trips at 20/s", flush=True)
        round_trips(lat, 10, 0.05)
        ms = round_trips(lat, a.roundtrips, 0.05)
        r["latency_ms"] = {"n": len(ms), **{f"p{q}": pct(ms, q) for q in (50, 90, 99)},
                           "max": round(max(ms), 2)}
        print(f"after relayed lines: {a.relayed} rounds of q+, q?, q- from {PEOPLE} people "
              f"in turn in {RELAY_CHANNEL}, where only Zakim is", flush=True)
        ms = relayed_phase(srv.port, a.relayed)
        r["after_relayed_ms"] = {"n": len(ms), **{f"p{q}": pct(ms, q) for q in (50, 90, 99)},
                                 "max": round(max(ms), 2)}
        if not a.skip_default_bucket:  # control for the default-bucket phase: same spacing
            print("quiet moments: 10 round trips 2 s apart", flush=True)
            r["quiet_ms"] = [round(x, 2) for x in round_trips(lat, 10, 2.0)]
        print(f"blast: {a.clients} clients x {a.lines // a.clients} lines", flush=True)
        lat.send(f"PART {CHANNEL}")  # it does not read during the blast: ngIRCd would drop it
        r.update(blast(srv, db, pid, a.lines, a.clients))
        r["rss_after_blast_mb"] = proc_mb(pid)
        time.sleep(2.0)
        r["rss_after_pause_mb"], r["rss_hwm_mb"] = proc_mb(pid), proc_mb(pid, "VmHWM")
        lat.join(CHANNEL)
        r["bots_in_channel"] = set(BOTS) <= lat.names(CHANNEL)
        r["latency_after_blast_p50_ms"] = pct(round_trips(lat, 20, 0.05), 50)
        bot_log, ircd_log = bot.log_text(), srv.log_text()
        r["bot_log_alarms"] = {k: bot_log.count(k) for k in BOT_ALARMS if k in bot_log}
        r["bot_registrations"] = bot_log.count("registered as")  # 3 = one per persona
        r["ircd_log_alarms"] = [ln for ln in ircd_log.splitlines()
                                if any(k in ln.lower() for k in IRCD_ALARMS)][:4]
        t = time.perf_counter()
        r["exit_code"] = bot.terminate(15)
        r["shutdown_s"] = round(time.perf_counter() - t, 2)
        if not a.skip_default_bucket:
            print("default bucket: 10 round trips 2 s apart (new bot, fresh SQLite)", flush=True)
            bots.append(b2 := start_bot(srv, tmp / "dflt", f"sqlite:///{tmp}/d.db", DEFAULT_BUCKET))
            lat.wait_bots()
            r["default_bucket_ms"] = [round(x, 2) for x in round_trips(lat, 10, 2.0)]
            r["default_bucket_exit_code"] = b2.terminate(15)
    finally:
        for b in bots:
            b.stop()
        srv.stop()
        db.drop()


def report(r: dict[str, Any]) -> None:
    lat, rel, ms = r["latency_ms"], r["after_relayed_ms"], "{} / {}".format
    down = (r["bot_registrations"] != len(BOTS) or not r["bots_in_channel"]
            or "connection lost" in r["bot_log_alarms"])
    rss = (r["rss_idle_mb"], r["rss_peak_sampled_mb"], r["rss_after_pause_mb"])
    rows: list[tuple[str, Any, str, bool | None]] = [
        ("RSS idle (MB)", r["rss_idle_mb"], "< 60", rss[0] < 60),
        ("reply p50 / p90 (ms)", ms(lat["p50"], lat["p90"]), "", None),
        ("reply p99 / max (ms)", ms(lat["p99"], lat["max"]), "p99 < 5", lat["p99"] < 5),
        ("q? after q+, p50 / p90 (ms)", ms(rel["p50"], rel["p90"]), "", None),
        ("q? after q+, p99 / max (ms)", ms(rel["p99"], rel["max"]), "p99 < 40",
         rel["p99"] < 40),
        ("ngIRCd relayed the burst in (s)", r["relay_s"], "", None),
        ("all lines stored after (s)", r["ingest_s"], "", None),
        ("ingest (lines/s)", r["ingest_lines_per_s"], ">= 10000", r["ingest_lines_per_s"] >= 1e4),
        ("bot CPU (s) / per line (us)", ms(r["bot_cpu_s"], r["bot_cpu_us_per_line"]), "", None),
        ("lines lost", ms(r["lost"], r["lines"]), "0", r["lost"] == 0),
        ("duplicate rows", r["duplicates"], "0", r["duplicates"] == 0),
        ("bot disconnected", down, "no", not down),
        ("blasters disconnected", r["blasters_disconnected"] or "none", "", None),
        ("RSS peak sampled / VmHWM (MB)", ms(rss[1], r["rss_hwm_mb"]), "< 60", rss[1] < 60),
        ("RSS after blast / +2 s (MB)", ms(r["rss_after_blast_mb"], rss[2]), "flat", max(rss) < 60),
        ("reply p50 after blast (ms)", r["latency_after_blast_p50_ms"], "", None),
        ("SIGTERM: exit code / s", ms(r["exit_code"], r["shutdown_s"]), "0", r["exit_code"] == 0),
    ]
    if "default_bucket_ms" in r:  # a fixed 1/rate delay would add 500 ms to every reply
        dflt, ctl = r["default_bucket_ms"], r["quiet_ms"]
        rows.append(("2 s apart, bench bucket p50 / max", ms(pct(ctl, 50), max(ctl)), "", None))
        rows.append(("2 s apart, default bucket p50 / max", ms(pct(dflt, 50), max(dflt)), "< 100",
                     max(dflt) < 100))
    print(f"\n{r['db']:<38}{'value':>18}  {'target':<10}ok")
    for name, value, target, ok in rows:
        print(f"{name:<38}{value!s:>18}  {target:<10}{'' if ok is None else 'yes' if ok else 'NO'}")
    for alarm in filter(None, [r["bot_log_alarms"], *r["ircd_log_alarms"], *r["blaster_errors"]]):
        print("alarm:", alarm)
    r["targets_met"] = all(ok for *_, ok in rows if ok is not None)
    print(json.dumps(r, separators=(",", ":")))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lines", type=int, default=50000)
    ap.add_argument("--clients", type=int, default=5)
    ap.add_argument("--roundtrips", type=int, default=500)
    ap.add_argument("--relayed", type=int, default=200, help="rounds of q+, q?, q-")
    ap.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    ap.add_argument("--skip-default-bucket", action="store_true", help="skip the 2 s apart phases")
    ap.add_argument("--keep", action="store_true", help="keep the work dir (logs, SQLite file)")
    a = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="agendum-bench-"))
    r: dict[str, Any] = {"db": a.db, "lines": a.lines, "clients": a.clients,
                         "cpus": os.cpu_count(), "loadavg_before": os.getloadavg()[0]}
    print(f"bench: benchmark bot runs with [irc] send_rate = {BENCH_BUCKET[0]}, send_burst = "
          f"{BENCH_BUCKET[1]} (shipped: {DEFAULT_BUCKET[0]}, {DEFAULT_BUCKET[1]}), log level "
          f"INFO; {r['cpus']} CPUs, load {r['loadavg_before']:.2f}; work dir {tmp}", flush=True)
    try:
        run(a, tmp, r)
    finally:
        if not a.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    report(r)
    return 0 if r["targets_met"] else 1


if __name__ == "__main__":
    sys.exit(main())
