"""``make demo`` (``python -m demo`` from the repository): a whole meeting on this machine.

Starts a throw-away IRC server on loopback, runs agendum (a real ``agendum run`` process on
SQLite), plays a short scripted W3C-style meeting through simulated participants, asks
RRSAgent for the minutes, serves the published files over HTTP and prints where to read
them. While it runs, anyone can join the channel with an IRC client.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import http.server
import os
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from tests.support.ircd import IrcServer  # the same throw-away server the tests use

CHANNEL = "#demo"

# (speaker, line): what a small working group says during a call.
SCRIPT: list[tuple[str, str]] = [
    ("anssik", "Meeting: Demo Working Group Teleconference"),
    ("anssik", "Zakim, start meeting"),
    ("anssik", "Chair: Anssi"),
    ("anssik", "present+ Anssi, Rafael, Joshua"),
    ("anssik", "scribe+ anssik"),
    ("anssik", "agenda+ Welcome and introductions"),
    ("anssik", "agenda+ CR snapshot"),
    ("anssik", "agenda+ Next steps"),
    ("anssik", "Zakim, take up next agendum"),
    ("anssik", "anssik: welcome everyone, let's start with the speaker queue"),
    ("anssik", "close this agendum"),
    ("anssik", "move to next agendum"),
    ("RafaelCintron", "q+ to ask about the CR snapshot"),
    ("Joshua_Lochner", "q+"),
    ("anssik", "q?"),
    ("anssik", "ack RafaelCintron"),
    ("anssik", "Rafael: the snapshot looks good to us"),
    ("anssik", "... we support publishing it"),
    ("anssik", "ack next"),
    ("anssik", "Joshua: +1, and we have tests ready"),
    ("anssik", "RESOLUTION: publish the CR snapshot"),
    ("Joshua_Lochner", "question+ When is the next snapshot?"),
    ("anssik", "close this agendum"),
    ("anssik", "move to next agendum"),
    ("anssik", "ACTION: anssik to send the transition request"),
    ("anssik", "Zakim, end meeting"),
]


class Participant:
    """A simulated person on IRC: connects, joins, says lines. Asyncio, no threads."""

    def __init__(self, nick: str) -> None:
        self.nick = nick
        self.reader: asyncio.StreamReader
        self.writer: asyncio.StreamWriter
        self.heard: asyncio.Queue[str] = asyncio.Queue()
        self.said_by_bots: list[str] = []

    async def connect(self, port: int) -> None:
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", port)
        self.send(f"NICK {self.nick}")
        self.send(f"USER {self.nick.lower()[:10]} 0 * :demo participant")
        asyncio.get_running_loop().create_task(self._read())

    def send(self, line: str) -> None:
        self.writer.write(line.encode() + b"\r\n")

    async def _read(self) -> None:
        while line := await self.reader.readline():
            text = line.decode("utf-8", "replace").rstrip("\r\n")
            if text.startswith("PING"):
                self.send("PONG" + text[4:])
            await self.heard.put(text)

    async def wait_for(self, needle: str, timeout: float = 20.0) -> str:
        async def scan() -> str:
            while True:
                line = await self.heard.get()
                if needle in line:
                    return line

        return await asyncio.wait_for(scan(), timeout)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve_files(root: Path, port: int) -> http.server.ThreadingHTTPServer:
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *a, **k: None  # type: ignore[attr-defined]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def write_config(workdir: Path, irc_port: int, base_url: str) -> Path:
    path = workdir / "config.toml"
    path.write_text(
        f"""# written by `make demo`; see config.example.toml for every option
[irc]
host = "127.0.0.1"
port = {irc_port}
channels = ["{CHANNEL}"]
send_rate = 5.0

[storage]
url = "sqlite:///agendum.db"

[publish]
dir = "public"
base_url = "{base_url}"
""",
        encoding="utf-8",
    )
    return path


async def play(irc_port: int, pace: float) -> str:
    people = {nick: Participant(nick) for nick in dict.fromkeys(n for n, _ in SCRIPT)}
    for person in people.values():
        await person.connect(irc_port)
        await person.wait_for(" 001 ")
        person.send(f"JOIN {CHANNEL}")
    chair = people["anssik"]
    await chair.wait_for(" JOIN ")  # ":nick!u@h JOIN #demo" (some servers add a colon)
    for bot in ("Zakim", "RRSAgent"):  # wait until both personas are in the channel
        for _ in range(100):
            chair.send(f"NAMES {CHANNEL}")
            line = await chair.wait_for(" 353 ")
            if bot.lower() in line.lower():
                break
            await asyncio.sleep(0.2)
    for nick, line in SCRIPT:
        print(f"  <{nick}> {line}")
        people[nick].send(f"PRIVMSG {CHANNEL} :{line}")
        await asyncio.sleep(pace)
        show_bot_lines(chair)
    deadline = time.monotonic() + 20
    while not (url := MINUTES_URL.search("\n".join(chair.said_by_bots))):
        if time.monotonic() > deadline:
            raise TimeoutError("RRSAgent did not announce the minutes")
        await asyncio.sleep(0.1)
        show_bot_lines(chair)
    for person in people.values():
        person.send("QUIT :demo over")
    return url.group(1)


MINUTES_URL = re.compile(r"I have made the request to generate (\S+)")
BOT_LINE = re.compile(r"^:(Zakim|RRSAgent)!\S+ PRIVMSG #\S+ :(.*)$")


def show_bot_lines(person: Participant) -> None:
    """Print what Zakim and RRSAgent said since last time, as an IRC client shows it."""
    while not person.heard.empty():
        m = BOT_LINE.match(person.heard.get_nowait())
        if m:
            nick, text = m.groups()
            if text.startswith("\x01ACTION "):
                print(f"  * {nick} {text[8:].rstrip(chr(1))}")
            else:
                print(f"  <{nick}> {text}")
            person.said_by_bots.append(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dir", default="demo-out", help="where the demo keeps its files")
    parser.add_argument("--pace", type=float, default=0.4, help="seconds between lines")
    parser.add_argument("--stay", action=argparse.BooleanOptionalAction, default=None,
                        help="keep running after the meeting (default: when on a terminal)")
    args = parser.parse_args(argv)
    stay = sys.stdin.isatty() if args.stay is None else args.stay

    workdir = Path(args.dir).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    irc_port = 6667 if _port_free(6667) else free_port()
    http_port = 8000 if _port_free(8000) else free_port()
    base_url = f"http://127.0.0.1:{http_port}"
    config = write_config(workdir, irc_port, base_url)
    (workdir / "public").mkdir(exist_ok=True)
    web = serve_files(workdir / "public", http_port)

    with IrcServer(port=irc_port) as ircd:
        print(f"IRC server ({ircd.kind}) on 127.0.0.1:{irc_port}; join {CHANNEL} with any "
              "IRC client to watch or take part")
        bot = subprocess.Popen(
            [sys.executable, "-m", "bot", "run", "-c", str(config)],
            stdout=open(workdir / "agendum.log", "ab"),  # noqa: SIM115
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        try:
            print(f"agendum is running (log: {workdir / 'agendum.log'}); the meeting:")
            minutes_url = asyncio.run(play(irc_port, args.pace))
            relative = minutes_url.removeprefix(base_url + "/")
            print(f"\nMinutes:  {minutes_url}")
            print(f"File:     {workdir / 'public' / relative}")
            print(f"IRC log:  {minutes_url.replace('-minutes.html', '-irc.txt')}")
            print(f"Database: {workdir / 'agendum.db'}")
            if stay:
                print(f"\nStill running: /server 127.0.0.1 {irc_port}, /join {CHANNEL}. "
                      "Ctrl-C to stop.")
                with contextlib.suppress(KeyboardInterrupt):
                    while bot.poll() is None:
                        time.sleep(0.5)
        finally:
            if bot.poll() is None:
                bot.terminate()
                bot.wait(15)
            web.shutdown()
    return 0 if bot.returncode == 0 else 1


def _port_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


if __name__ == "__main__":
    raise SystemExit(main())
