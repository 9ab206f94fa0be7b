"""Benchmark the live meeting room: how soon a command typed in IRC shows on the web, and how
big the pages are.

The whole path, with real parts: ngIRCd, agendum as a process serving its pages
(``[web] in_run``), an IRC client typing, and a program reading the room's server-sent
events (as the page's EventSource does). For each of ``--events`` commands (alternately
``q+ to note N`` and ``ack alice``) it times from sending the line to receiving the first
``room`` event that shows it. ``--viewers`` more streams stay open meanwhile, as other people
watching. Then it fetches each page type once and reports its size.
Target (issue 16): each change on the page within a second.

    .venv/bin/python bench/bench_live.py [--events 200] [--viewers 10]
"""

from __future__ import annotations

import argparse
import http.client
import json
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.daemon import AgendumProcess  # noqa: E402
from tests.support.ircclient import IrcTestClient  # noqa: E402
from tests.support.ircd import IrcServer, free_port  # noqa: E402

CHANNEL = "#bench"
ROOT_PATH = "/pub"  # the path of the test daemon's base_url


class Stream(threading.Thread):
    """One viewer: reads the room events and remembers each with the time it arrived."""

    def __init__(self, port: int) -> None:
        super().__init__(daemon=True)
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.rooms: list[tuple[float, dict[str, Any]]] = []
        self.cond = threading.Condition()

    def run(self) -> None:
        self.conn.request("GET", f"{ROOT_PATH}/live/{CHANNEL[1:]}/stream")
        resp = self.conn.getresponse()
        name = ""
        while True:
            try:
                line = resp.readline().decode()
            except OSError:
                return
            if not line:
                return
            if line.startswith("event:"):
                name = line.partition(":")[2].strip()
            elif line.startswith("data:") and name == "room":
                room = json.loads(line.partition(":")[2])
                with self.cond:
                    self.rooms.append((time.perf_counter(), room))
                    self.cond.notify_all()

    def wait(self, seen: Any, since: float, timeout: float = 10.0) -> float:
        """Seconds from ``since`` to the first room (received after it) where ``seen``."""
        deadline = time.perf_counter() + timeout
        with self.cond:
            while True:
                for at, room in self.rooms:
                    if at >= since and seen(room):
                        return at - since
                left = deadline - time.perf_counter()
                if left <= 0:
                    raise TimeoutError("the room never showed the change")
                self.cond.wait(left)


def pct(values: list[float], q: float) -> float:
    return round(sorted(values)[round(q / 100 * (len(values) - 1))], 1)


def latencies(alice: IrcTestClient, stream: Stream, events: int) -> list[float]:
    """Alternately a note in the queue and alice taking the floor; milliseconds each."""
    out = []
    for i in range(events):
        time.sleep(0.05)  # paced like people typing fast, not a flood
        t0 = time.perf_counter()
        if i % 2 == 0:
            note = f"note {i}"
            alice.say(CHANNEL, f"q+ to {note}")
            out.append(stream.wait(lambda r, n=note: any(e["note"] == n for e in r["queue"]), t0))
        else:
            alice.say(CHANNEL, "ack alice")
            out.append(stream.wait(lambda r: r["floor"] and r["floor"]["name"] == "alice"
                                   and not r["queue"], t0))
    return [round(s * 1000, 1) for s in out]


def page_sizes(port: int, day: str) -> dict[str, int]:
    base = f"{ROOT_PATH}/{day[:4]}/{day[5:7]}/{day[8:]}-bench"
    paths = {"index": f"{ROOT_PATH}/", "channel": f"{ROOT_PATH}/channel/bench",
             "minutes": f"{base}-minutes.html", "log": f"{base}-irc.html",
             "search": f"{ROOT_PATH}/search?q=note", "live": f"{ROOT_PATH}/live/bench",
             "agendum.css": f"{ROOT_PATH}/static/agendum.css",
             "live.js": f"{ROOT_PATH}/static/live.js"}
    sizes = {}
    for name, path in paths.items():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", path)
        resp = conn.getresponse()
        body = resp.read()
        conn.close()
        if resp.status != 200:
            raise RuntimeError(f"{path}: HTTP {resp.status}")
        sizes[name] = len(body)
    return sizes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=200)
    parser.add_argument("--viewers", type=int, default=10)
    args = parser.parse_args()
    srv = IrcServer("ngircd").start()
    tmp = Path(tempfile.mkdtemp(prefix="bench-live-"))
    port = free_port()
    bot = AgendumProcess(tmp / "bot", irc_port=srv.port, db_url=f"sqlite:///{tmp}/a.db",
                         channels=[CHANNEL], web=f"in_run = true\nport = {port}\n").start()
    alice = IrcTestClient("127.0.0.1", srv.port, "alice").connect()
    try:
        alice.join(CHANNEL)
        alice.wait_names(CHANNEL, lambda names: {"zakim", "rrsagent"} <= {
            n.lower().lstrip("@+") for n in names}, timeout=30)
        alice.say(CHANNEL, "Meeting: Bench meeting")
        alice.say(CHANNEL, "Zakim, q?")
        alice.wait_for(nick="Zakim", text="speaker queue", timeout=10)
        streams = [Stream(port) for _ in range(1 + args.viewers)]
        for s in streams:
            s.start()
        streams[0].wait(lambda r: r["title"] == "Bench meeting", 0.0, timeout=30)
        latencies(alice, streams[0], 10)  # warm-up
        ms = latencies(alice, streams[0], args.events)
        alice.say(CHANNEL, "RRSAgent, draft minutes")
        alice.wait_for(nick="RRSAgent", text="minutes", timeout=30)
        day = time.strftime("%Y-%m-%d", time.gmtime())
        sizes = page_sizes(port, day)
        result = {"events": len(ms), "viewers": 1 + args.viewers, "p50_ms": pct(ms, 50),
                  "p90_ms": pct(ms, 90), "p99_ms": pct(ms, 99), "max_ms": max(ms),
                  "page_bytes": sizes}
        print(f"live update latency over {len(ms)} events, {1 + args.viewers} viewers: "
              f"p50 {result['p50_ms']} ms, p90 {result['p90_ms']} ms, p99 {result['p99_ms']} ms, "
              f"max {result['max_ms']} ms")
        for name, size in sizes.items():
            print(f"  {name:12} {size:>8,} bytes")
        print(json.dumps(result))
    finally:
        alice.close()
        bot.stop()
        srv.stop()


if __name__ == "__main__":
    main()
