"""A small scripted IRC server that speaks IRCv3 ``draft/chathistory``, for client tests.

No packaged server here offers ``draft/chathistory`` (ngIRCd has none, InspIRCd 3 only
replays on join), so the client side is tested against this one. It speaks the messages
of the spec that a client meets: ``CAP LS 302`` offering ``draft/chathistory``, ``batch``,
``server-time`` and ``message-tags``; ``CHATHISTORY=<limit>`` in ISUPPORT; every channel
line stamped with ``time`` and ``msgid``; and ``CHATHISTORY AFTER|LATEST`` answered in a
``BATCH +ref chathistory <target>`` … ``BATCH -ref``, at most ``limit`` lines a time.
It keeps only the last ``keep`` lines of a channel, like a server with a history window.
Registration, JOIN/PART, PRIVMSG/NOTICE, PING and QUIT are enough of the rest.

Standard library only; one thread per client, on 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import itertools
import socket
import socketserver
import threading
from dataclasses import dataclass
from datetime import UTC, datetime

NAME = "history.agendum.test"
CAPS = ("batch", "draft/chathistory", "message-tags", "server-time")


@dataclass(frozen=True)
class Said:
    """A line the server keeps for history."""

    msgid: str
    time: datetime
    source: str
    command: str
    channel: str
    text: str

    def line(self, batch: str | None = None) -> str:
        stamp = self.time.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
        tags = f"time={stamp};msgid={self.msgid}" + (f";batch={batch}" if batch else "")
        return f"@{tags} :{self.source} {self.command} {self.channel} :{self.text}"


def _fold(name: str) -> str:
    return name.lower()


def _parse(line: str) -> tuple[str, list[str]]:
    if line.startswith("@"):
        line = line.partition(" ")[2]
    if line.startswith(":"):
        line = line.partition(" ")[2]
    head, sep, trailing = line.partition(" :")
    words = head.split()
    return (words[0].upper() if words else ""), words[1:] + ([trailing] if sep else [])


class _Client(socketserver.StreamRequestHandler):
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.nick = "*"
        self.caps: set[str] = set()
        self.lock = threading.Lock()
        self.registered = False
        self.negotiating = False
        self.user_given = False

    @property
    def source(self) -> str:
        return f"{self.nick}!{self.nick.lower()[:10]}@127.0.0.1"

    def send(self, line: str, *, tags: str = "") -> None:
        if tags and ("message-tags" in self.caps or "server-time" in self.caps):
            line = f"@{tags} {line}"
        with self.lock, contextlib.suppress(OSError):
            self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        try:
            for raw in self.rfile:
                line = raw.decode("utf-8", "replace").rstrip("\r\n")
                if line:
                    self.on_line(line)
        except (OSError, ValueError):
            pass
        finally:
            self.server.leave_all(self, "Connection closed")

    def on_line(self, line: str) -> None:
        command, params = _parse(line)
        handler = getattr(self, f"do_{command.lower()}", None)
        if handler is not None:
            handler(params)

    def do_cap(self, params: list[str]) -> None:
        sub = params[0].upper() if params else ""
        if sub == "LS":
            self.negotiating = True  # registration waits for CAP END
            self.send(f":{NAME} CAP {self.nick} LS :{' '.join(CAPS)}")
        elif sub == "REQ":
            wanted = params[-1].split()
            if all(c in CAPS for c in wanted):
                self.caps |= set(wanted)
                self.send(f":{NAME} CAP {self.nick} ACK :{' '.join(wanted)}")
            else:
                self.send(f":{NAME} CAP {self.nick} NAK :{' '.join(wanted)}")
        elif sub == "END":
            self.welcome()

    def do_nick(self, params: list[str]) -> None:
        if not params:
            return
        if not self.server.claim(self, params[0]):
            self.send(f":{NAME} 433 {self.nick} {params[0]} :Nickname is already in use")
            return
        self.nick = params[0]

    def do_user(self, params: list[str]) -> None:
        self.user_given = True
        if not self.negotiating:  # a client that never said CAP is registered at once
            self.welcome()

    def welcome(self) -> None:
        if self.registered or self.nick == "*" or not self.user_given:
            return
        self.registered = True
        self.send(f":{NAME} 001 {self.nick} :Welcome to the history test server")
        self.send(f":{NAME} 005 {self.nick} CHANTYPES=# CHATHISTORY={self.server.limit} "
                  ":are supported by this server")
        self.send(f":{NAME} 376 {self.nick} :End of MOTD")

    def do_ping(self, params: list[str]) -> None:
        self.send(f":{NAME} PONG {NAME} :{params[-1] if params else ''}")

    def do_join(self, params: list[str]) -> None:
        for channel in params[0].split(",") if params else []:
            self.server.join(self, channel)

    def do_names(self, params: list[str]) -> None:
        channel = params[0] if params else "*"
        self.server.names(self, channel)

    def do_part(self, params: list[str]) -> None:
        if params:
            self.server.part(self, params[0], params[1] if len(params) > 1 else "")

    def do_privmsg(self, params: list[str], command: str = "PRIVMSG") -> None:
        if len(params) >= 2 and params[0].startswith("#"):
            self.server.speak(self, command, params[0], params[1])

    def do_notice(self, params: list[str]) -> None:
        self.do_privmsg(params, "NOTICE")

    def do_quit(self, params: list[str]) -> None:
        self.server.leave_all(self, params[0] if params else "")
        with contextlib.suppress(OSError):
            self.request.shutdown(socket.SHUT_RDWR)

    def do_chathistory(self, params: list[str]) -> None:
        """``AFTER <target> msgid=…|timestamp=… <limit>`` or ``LATEST <target> * <limit>``."""
        self.server.requests.append(" ".join(params))
        if len(params) < 4 or params[0].upper() not in ("AFTER", "LATEST"):
            self.send(f"FAIL CHATHISTORY INVALID_PARAMS {' '.join(params)} :bad request")
            return
        sub, target, ref = params[0].upper(), params[1], params[2]
        limit = min(int(params[3]), self.server.limit)
        lines = self.server.history(target)
        if sub == "LATEST":
            chosen = lines[-limit:]
        else:
            chosen = [s for s in lines if self.server.after(s, ref, lines)][:limit]
        ref_id = f"h{next(self.server.batches)}"
        self.send(f":{NAME} BATCH +{ref_id} chathistory {target}")
        for s in chosen:
            self.send(s.line(ref_id))
        self.send(f":{NAME} BATCH -{ref_id}")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, limit: int, keep: int) -> None:
        super().__init__(("127.0.0.1", 0), _Client)
        self.limit = limit
        self.keep = keep
        self.lock = threading.RLock()
        self.nicks: dict[str, _Client] = {}
        self.channels: dict[str, dict[str, _Client]] = {}
        self.kept: dict[str, list[Said]] = {}
        self.msgids = itertools.count(1)
        self.batches = itertools.count(1)
        self.requests: list[str] = []

    def claim(self, client: _Client, nick: str) -> bool:
        with self.lock:
            holder = self.nicks.get(_fold(nick))
            if holder is not None and holder is not client:
                return False
            self.nicks.pop(_fold(client.nick), None)
            self.nicks[_fold(nick)] = client
            return True

    def join(self, client: _Client, channel: str) -> None:
        with self.lock:
            members = self.channels.setdefault(_fold(channel), {})
            if _fold(client.nick) in members:
                return
            members[_fold(client.nick)] = client
            for member in members.values():
                member.send(f":{client.source} JOIN {channel}", tags=self._time())
        self.names(client, channel)

    def names(self, client: _Client, channel: str) -> None:
        with self.lock:
            names = " ".join(c.nick for c in self.channels.get(_fold(channel), {}).values())
        client.send(f":{NAME} 353 {client.nick} = {channel} :{names}")
        client.send(f":{NAME} 366 {client.nick} {channel} :End of /NAMES list.")

    def part(self, client: _Client, channel: str, reason: str) -> None:
        with self.lock:
            members = self.channels.get(_fold(channel), {})
            if members.pop(_fold(client.nick), None) is None:
                return
            for member in [client, *members.values()]:
                member.send(f":{client.source} PART {channel} :{reason}", tags=self._time())

    def leave_all(self, client: _Client, reason: str) -> None:
        with self.lock:
            if self.nicks.get(_fold(client.nick)) is client:
                del self.nicks[_fold(client.nick)]
            told: set[int] = set()
            for members in self.channels.values():
                if members.pop(_fold(client.nick), None) is not client:
                    continue
                for member in members.values():
                    if id(member) not in told:
                        told.add(id(member))
                        member.send(f":{client.source} QUIT :{reason}", tags=self._time())

    def speak(self, client: _Client, command: str, channel: str, text: str) -> None:
        with self.lock:
            said = Said(f"m{next(self.msgids)}", datetime.now(UTC), client.source, command,
                        channel, text)
            kept = self.kept.setdefault(_fold(channel), [])
            kept.append(said)
            del kept[:-self.keep]
            for member in self.channels.get(_fold(channel), {}).values():
                if member is not client:
                    member.send(said.line())

    def history(self, channel: str) -> list[Said]:
        with self.lock:
            return list(self.kept.get(_fold(channel), []))

    @staticmethod
    def after(said: Said, ref: str, lines: list[Said]) -> bool:
        kind, _, value = ref.partition("=")
        if kind == "msgid":
            ids = [s.msgid for s in lines]
            if value not in ids:
                return True  # fell out of the window: everything kept is after it
            return ids.index(said.msgid) > ids.index(value)
        if kind == "timestamp":
            return said.time > datetime.fromisoformat(value.replace("Z", "+00:00"))
        return True

    @staticmethod
    def _time() -> str:
        return "time=" + datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


class ChathistoryServer:
    """``with ChathistoryServer(limit=10, keep=1000) as srv: srv.port``."""

    def __init__(self, *, limit: int = 100, keep: int = 1000) -> None:
        self._server = _Server(limit, keep)
        self.host, self.port = self._server.server_address[:2]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True,
                                        name="chathistory-server")

    @property
    def requests(self) -> list[str]:
        """Every CHATHISTORY request received, as its parameters."""
        return list(self._server.requests)

    def __enter__(self) -> ChathistoryServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
