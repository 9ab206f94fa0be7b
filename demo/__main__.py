"""``make demo`` (``python -m demo`` from the repository): a whole meeting on this machine.

Starts a throw-away IRC server on loopback, runs agendum (a real ``agendum run`` process on
SQLite, serving its own web pages with ``[web] in_run``), plays a short scripted W3C-style
meeting through simulated participants, asks RRSAgent for the minutes and prints where to
read them. While it runs, anyone can join the channel with an IRC client. Each run starts
from a clean database, so a second run on the same day does not minute the meeting twice.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from types import FrameType
from urllib.parse import quote

from bot.core.paths import channel_slug
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


# What a run leaves in --dir, and so what the next run removes (and nothing else).
DB_FILES = ("agendum.db", "agendum.db-wal", "agendum.db-shm", "agendum.db-journal")
LOG_FILE = "agendum.log"
PUBLISH_DIRS = ("public", "restricted")
SEARCH_WORD = "snapshot"  # said in the meeting: the printed search URL finds it


def clean(workdir: Path) -> None:
    """Remove the previous run's database, log and published pages: agendum replays the
    day's stored events at start, so a second run would minute every topic and action twice."""
    for name in (*DB_FILES, LOG_FILE):
        (workdir / name).unlink(missing_ok=True)
    pages = f"[0-9][0-9][0-9][0-9]/[0-9][0-9]/[0-9][0-9]-{channel_slug(CHANNEL)}-*"
    for root in (workdir / d for d in PUBLISH_DIRS):
        for path in root.glob(pages):
            path.unlink()
        for folder in [*root.glob("[0-9]*/[0-9]*"), *root.glob("[0-9]*"), root]:
            with contextlib.suppress(OSError):  # not empty (someone else's files), or absent
                folder.rmdir()


def write_config(workdir: Path, irc_port: int, web_port: int) -> Path:
    path = workdir / "config.toml"
    path.write_text(
        f"""# written by `make demo`; see config.example.toml for every option
[irc]
host = "127.0.0.1"
port = {irc_port}
channels = []  # the chair invites Zakim, as at W3C
send_rate = 5.0

[storage]
url = "sqlite:///agendum.db"

[publish]
dir = "public"
base_url = "http://127.0.0.1:{web_port}"

[web]  # agendum run serves its own pages: logs, minutes, index, search, live view
in_run = true
host = "127.0.0.1"
port = {web_port}
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
        await person.wait_for(" JOIN ")  # in turn: the chair is first, so it may invite
    chair = people["anssik"]
    # As at W3C, the chair invites Zakim; "start meeting" brings RRSAgent, which says where
    # it logs (a bot already in the channel would have said it before anyone could hear).
    async with asyncio.timeout(30):
        while True:  # agendum may still be connecting: wait until Zakim is on the server
            chair.send("ISON Zakim")
            if "zakim" in (await chair.wait_for(" 303 ")).partition(" :")[2].lower():
                break
            await asyncio.sleep(0.2)
        chair.send(f"INVITE Zakim {CHANNEL}")
        while not (await chair.wait_for(" JOIN ")).startswith(":Zakim!"):
            pass
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
    signal.signal(signal.SIGTERM, _interrupt)  # stop as Ctrl-C does: the bot and ircd too

    workdir = Path(args.dir).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    clean(workdir)
    irc_port = 6667 if _port_free(6667) else free_port()
    web_port = 8000 if _port_free(8000) else free_port()
    base_url = f"http://127.0.0.1:{web_port}"
    config = write_config(workdir, irc_port, web_port)

    with IrcServer(port=irc_port) as ircd, open(workdir / LOG_FILE, "wb") as log:
        print(f"IRC server ({ircd.kind}) on 127.0.0.1:{irc_port}; join {CHANNEL} with any "
              "IRC client to watch or take part")
        bot = subprocess.Popen(
            [sys.executable, "-m", "bot", "run", "-c", str(config)],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        try:
            print(f"agendum is running (log: {workdir / LOG_FILE}); the meeting:")
            minutes_url = asyncio.run(play(irc_port, args.pace))
            wait_for_web(base_url)
            print_urls(minutes_url, base_url, workdir, served=stay)
            if stay:
                print(f"\nStill running: /server 127.0.0.1 {irc_port}, /join {CHANNEL}. "
                      "Ctrl-C to stop.", flush=True)
                with contextlib.suppress(KeyboardInterrupt):
                    while bot.poll() is None:
                        time.sleep(0.5)
        finally:
            stop(bot)
    return 0 if bot.returncode == 0 else 1


def stop(bot: subprocess.Popen[bytes]) -> None:
    """SIGTERM (agendum quits IRC politely and exits 0); SIGKILL if it hangs, so no bot
    outlives the demo and keeps its database and port."""
    if bot.poll() is None:
        bot.terminate()
    try:
        bot.wait(15)
    except subprocess.TimeoutExpired:
        print("agendum did not stop within 15 s; killed it", file=sys.stderr)
        bot.kill()
        bot.wait()


def print_urls(minutes_url: str, base_url: str, workdir: Path, served: bool) -> None:
    """Where to read the meeting: agendum's own pages, as the bot serves them."""
    until = "until Ctrl-C" if served else "only while the demo ran; the files stay"
    print(f"\nagendum's own web pages, served by the bot ({until}):")
    print(f"Minutes:  {minutes_url}")
    print(f"IRC log:  {minutes_url.removesuffix('-minutes.html')}-irc")
    print(f"Index:    {base_url}/")
    print(f"Live:     {base_url}/live/{quote(channel_slug(CHANNEL))}")
    print(f"Search:   {base_url}/search?q={SEARCH_WORD}")
    relative = minutes_url.removeprefix(base_url + "/")
    print(f"File:     {workdir / 'public' / relative}")
    print(f"Database: {workdir / 'agendum.db'}")


def wait_for_web(base_url: str, timeout: float = 15.0) -> None:
    """The printed URLs must work: wait until the bot's web side answers."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(base_url + "/", timeout=2):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _port_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


if __name__ == "__main__":
    raise SystemExit(main())
