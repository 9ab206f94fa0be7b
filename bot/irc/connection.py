"""One IRC connection, kept alive, on top of ``irc.client_aio`` (the protocol core).

The library parses lines and sends commands; this module adds what it lacks (see the
stack brief): CAP negotiation with SASL PLAIN and server-time, reconnect with backoff and
jitter, a watchdog for silent servers, nick regain, a token-bucket writer that never blocks
the loop, CR/LF sanitising, UTF-8 aware splitting, and lenient decoding of odd bytes.

It turns what the server says into :class:`bot.core.events.Event` values and hands them to the
``sink``; it knows nothing about commands, plugins or the database.
"""

from __future__ import annotations

import asyncio
import base64
import codecs
import contextlib
import logging
import random
import socket
import ssl
import sys
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from irc.client import Event as IrcEvent
from irc.client_aio import AioConnection, AioReactor, IrcProtocol
from irc.connection import AioFactory
from jaraco.stream.buffer import LineBuffer

from bot.config import IrcConfig
from bot.core.events import Event, Kind, utcnow
from bot.core.names import fold
from bot.core.text import TokenBucket, reason, sanitize, split_utf8, text_budget

log = logging.getLogger(__name__)

# cap-notify: the server says when a capability comes or goes (CAP NEW / CAP DEL), so SASL
# can be used as soon as services are back, without reconnecting.
WANTED_CAPS = {"server-time", "message-tags", "account-tag", "cap-notify", "batch",
               "draft/chathistory"}
# Batches that replay what was said before: a chathistory answer (IRCv3, or InspIRCd's +H
# replay on join) and ZNC's buffer playback. Their lines are marked ``history``.
HISTORY_BATCHES = {"chathistory", "draft/chathistory", "znc.in/playback"}
HISTORY_LIMIT = 100  # lines per CHATHISTORY request when the server names no limit
DRAIN_BUDGET = 0.002  # seconds of parsing before the loop gets to read the sockets again
RECEIVE_BUFFER = 4 << 20  # ask the kernel for room to absorb a flood (it may give less)
HOLD_BACK_PAUSE = 0.005  # seconds to wait while the database writer is behind
SASL_TIMEOUT = 10.0  # seconds to wait for services before registering without an account
_RMEM_MAX = "/proc/sys/net/core/rmem_max"
# Lines still parsed from a connection that has since dropped: they were said, so they are
# logged; its protocol traffic (welcome, CAP, membership) no longer matters.
_STILL_SAID = {"pubmsg", "action", "pubnotice", "topic"}
_ALT_SUFFIXES = ("_", "__", "___", "1", "2", "3")
_QUICKACK: int | None = getattr(socket, "TCP_QUICKACK", None)  # Linux only


def _latin1_fallback(err: UnicodeError) -> tuple[str, int]:
    """Decode only the bytes that are not UTF-8 as latin-1; valid UTF-8 around them stays."""
    assert isinstance(err, UnicodeDecodeError)
    bad = err.object[err.start : err.end]
    return bytes(bad).decode("latin-1"), err.end


codecs.register_error("agendum-latin1", _latin1_fallback)


def widen_receive_buffer(sock: socket.socket | None, limit_file: str = _RMEM_MAX) -> None:
    """Ask for a large socket receive buffer where the system allows it.

    A fixed size turns off the kernel's own tuning, so only do it where the allowed
    maximum is large; elsewhere autotuning is the better bet.
    """
    try:
        allowed = int(Path(limit_file).read_text())
    except (OSError, ValueError):
        return
    if sock is not None and allowed >= RECEIVE_BUFFER:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RECEIVE_BUFFER)


def send_at_once(sock: Any) -> None:
    """Let small writes leave at once (TCP_NODELAY) and ACK what arrives at once.

    A reply is one small write: Nagle's algorithm would hold it while the server has not yet
    ACKed our last line, and servers delay their ACKs by up to 40 ms. (asyncio sets
    TCP_NODELAY on its TCP transports already; this keeps it so whatever carries the bytes.)
    """
    if sock is None or sock.family not in (socket.AF_INET, socket.AF_INET6):
        return
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    ack_at_once(sock)


def ack_at_once(sock: Any) -> None:
    """ACK the segments that arrive next at once (Linux only; the kernel drops back to
    delayed ACKs on its own, so this is set again after every read).

    The server does not use TCP_NODELAY (ngIRCd), so a line it relays right after another
    waits in its Nagle buffer until we ACK the first: up to 40 ms with a delayed ACK.
    """
    if _QUICKACK is not None and sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.IPPROTO_TCP, _QUICKACK, 1)


def decode_line(raw: bytes) -> str:
    """UTF-8, with any stray byte kept as its latin-1 character: a line is never lost."""
    return raw.rstrip(b"\r").decode("utf-8", "agendum-latin1")


class _Protocol(IrcProtocol):
    def connection_lost(self, exc: Exception | None) -> None:
        self.connection.session._lost(self.connection, exc)


class _Connection(AioConnection):
    """The library's connection with lenient decoding and events routed to our session."""

    buffer_class = LineBuffer  # unused: process_data below does the splitting and decoding
    protocol_class = _Protocol
    session: Session

    chunks: deque[bytes]  # received, not yet split into lines
    raw_lines: deque[bytes]  # split, not yet decoded and parsed
    partial = b""  # the start of a line whose end has not arrived
    draining = False
    sock: Any = None  # the socket under the transport, for options set on every read

    def process_data(self, new_data: bytes) -> None:
        """Only take the bytes off the socket; they are parsed a little at a time.

        Any work here slows reading, and a server with a small send queue (ngIRCd: 32 KiB)
        drops a client that falls behind during a flood. Raw chunks are also the most
        compact way to hold a backlog.
        """
        ack_at_once(self.sock)
        self.session.last_seen = time.monotonic()
        self.chunks.append(new_data)
        if not self.draining:
            self.draining = True
            self.reactor.loop.call_soon(self._drain)

    def _drain(self) -> None:
        """Parse for at most DRAIN_BUDGET seconds, then let the loop read sockets again."""
        loop, session, raw_lines = self.reactor.loop, self.session, self.raw_lines
        if session.paused or (session.hold_back is not None and session.hold_back()):
            loop.call_later(HOLD_BACK_PAUSE, self._drain)  # let the database catch up first
            return
        wanted = session.raw_filter  # drops the other connection's copies unparsed
        deadline = time.perf_counter() + DRAIN_BUDGET
        done = 0
        while raw_lines or self.chunks:
            if not raw_lines:
                *complete, self.partial = (self.partial + self.chunks.popleft()).split(b"\n")
                raw_lines.extend(complete)
                continue
            line = decode_line(raw_lines.popleft())
            if line and (wanted is None or wanted(session, line)):
                try:
                    self._process_line(line)
                except Exception:  # a line we cannot parse must not kill the connection
                    log.exception("%s: could not handle %r", session.wanted_nick, line)
                if session.paused:  # the daemon looks something up before the next line
                    loop.call_later(HOLD_BACK_PAUSE, self._drain)
                    return
            done += 1
            if done % 16 == 0 and time.perf_counter() > deadline:
                loop.call_soon(self._drain)
                return
        self.draining = False

    def _handle_event(self, event: IrcEvent) -> None:
        self.session._handle(self, event)


def _tags(event: IrcEvent) -> dict[str, str | None]:
    return {t["key"]: t["value"] for t in (event.tags or [])}


def _event_time(tags: dict[str, str | None]) -> datetime:
    stamp = tags.get("time")
    if stamp:
        with contextlib.suppress(ValueError):
            return datetime.fromisoformat(stamp).astimezone(UTC)
    return utcnow()


def history_reference(after: datetime | None, msgid: str | None) -> str:
    """Where a CHATHISTORY request starts: the last stored line's msgid, else its time."""
    if msgid:
        return f"msgid={msgid}"
    if after is None:
        return "*"
    return "timestamp=" + after.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


@dataclass
class _Batch:
    """An open ``BATCH``: its type, target, and (for history) how far it got."""

    kind: str
    target: str
    lines: int = 0
    last_time: datetime | None = None
    last_msgid: str | None = None


def _plain_offered(sasl: str | None) -> bool:
    """Whether a ``sasl`` or ``sasl=MECH,...`` capability allows PLAIN (no list: maybe)."""
    if sasl is None:
        return False
    mechs = sasl.partition("=")[2]
    return not mechs or "PLAIN" in mechs.upper().split(",")


def backoff_delay(
    attempt: int, low: float, high: float, jitter: Callable[[], float] = random.random
) -> float:
    """Exponential backoff capped at ``high``, with jitter taking off up to half.

    Jitter keeps two personas (or many bots) from hammering a recovering server in step.
    """
    base = min(high, low * 2 ** min(attempt, 32))
    return base * (0.5 + 0.5 * jitter())


Sink = Callable[["Session", Event], None]
HistoryDone = Callable[["Session", str], None]
Dropped = Callable[["Session", list[str]], None]


class Session:
    """A connection serving one or two personas, with everything needed to stay connected."""

    def __init__(
        self,
        *,
        cfg: IrcConfig,
        nick: str,
        realname: str,
        network: str,
        sink: Sink,
        on_invite: Callable[[Session, str, str], None] | None = None,
        on_private: Callable[[Session, str, str], None] | None = None,
        on_membership: Callable[[Session, str, bool], None] | None = None,
        on_history_done: HistoryDone | None = None,
        on_dropped: Dropped | None = None,
    ) -> None:
        self.cfg = cfg
        self.wanted_nick = nick
        self.realname = realname
        self.network = network
        self.sink = sink
        self.on_invite = on_invite
        self.on_private = on_private
        self.on_membership = on_membership
        self.on_history_done = on_history_done  # a replay of a channel's history ended
        self.on_dropped = on_dropped  # the connection dropped while in these channels
        # True while the daemon looks something up that the next lines need (what is
        # stored, before a replay is matched against it): parsing waits.
        self.paused = False
        self.caps: set[str] = set()  # acknowledged by the server
        self._batches: dict[str, _Batch] = {}
        self._history_asked: dict[str, int] = {}  # channel key -> limit of the open request
        # Returns False for a raw line that should not even be parsed (a duplicate).
        self.raw_filter: Callable[[Session, str], bool] | None = None
        # Returns True while parsing should wait: unparsed lines are smaller than events.
        self.hold_back: Callable[[], bool] | None = None
        self.wanted: dict[str, str] = {}  # channel key -> name: where we want to be
        self.joined: dict[str, str] = {}  # channel key -> name: where we are
        self.members: dict[str, set[str]] = {}  # channel key -> folded nicks, for QUIT/NICK
        self.conn: _Connection | None = None
        self.registered = asyncio.Event()
        self.stopping = False
        self.last_seen = time.monotonic()
        self.out: deque[tuple[str, Event | None]] = deque()
        self._out_ready = asyncio.Event()
        self._cap_offered: set[str] = set()
        self._cap_done = False
        self._sasl_timer: asyncio.TimerHandle | None = None  # set while SASL is under way
        self.logged_in = False  # SASL succeeded (or the server says we are logged in)
        self._sasl_refused = False  # the credentials were refused: asking again won't help
        self._rechecking = False  # our own CAP LS after registration: is sasl offered now?
        self._lost_event = asyncio.Event()
        self._lost_reason = ""
        self.connects = 0
        self.bucket = TokenBucket(cfg.send_rate, cfg.send_burst)

    # ---- public API ---------------------------------------------------------------------

    @property
    def nick(self) -> str:
        return self.conn.real_nickname if self.conn is not None else self.wanted_nick

    def is_connected(self) -> bool:
        return self.conn is not None and self.conn.is_connected() and self.registered.is_set()

    def in_channel(self, channel: str) -> bool:
        return fold(channel) in self.joined

    def join(self, channel: str) -> None:
        self.wanted[fold(channel)] = channel
        if self.is_connected():
            self._send_in_turn(f"JOIN {channel}")

    def part(self, channel: str, message: str = "") -> None:
        """Leave once the lines queued before have gone out: a goodbye said after the PART
        would never reach a ``+n`` channel, yet would have been logged as said."""
        # Out as of now: a Join right after (bye, then start meeting) must send JOIN even if
        # this connection has not yet read the server's echo of the PART.
        self.wanted.pop(fold(channel), None)
        self.joined.pop(fold(channel), None)
        if self.is_connected():
            self._send_in_turn(
                f"PART {channel} :{sanitize(message)}" if message else f"PART {channel}")

    def _send_in_turn(self, line: str) -> None:
        """Send after the lines already queued, so JOIN, PART and what is said keep order."""
        if self.out:
            self.out.append((line, None))
            self._out_ready.set()
        else:
            self._send_now(line)

    def say(self, target: str, text: str, *, action: bool = False, notice: bool = False) -> None:
        """Queue ``text`` for ``target``, split under the line limit and paced by the bucket."""
        command = "NOTICE" if notice else "PRIVMSG"
        budget = text_budget(self.nick, command, target) - (len("\x01ACTION \x01") if action else 0)
        kind = Kind.ACTION if action else Kind.NOTICE if notice else Kind.MESSAGE
        for piece in split_utf8(sanitize(text), budget):
            body = f"\x01ACTION {piece}\x01" if action else piece
            record = None
            if target[:1] in "#&+!":
                record = Event(
                    utcnow(), self.network, target, kind, self.nick, piece, from_bot=True
                )
            self.out.append((f"{command} {target} :{body}", record))
        self._out_ready.set()

    async def run(self) -> None:
        """Connect, serve until the connection drops, back off, and do it again, forever.

        Each failed or lost connection is one log line saying why and when the next try
        is. Only ``quit`` ends this loop: whatever else goes wrong, the bot comes back.
        """
        attempt = 0
        while not self.stopping:
            why, served = await self._connect_and_serve()
            if self.stopping:
                break
            if served:  # it worked for a while: start the backoff anew
                attempt = 0
            delay = backoff_delay(attempt, self.cfg.reconnect_min, self.cfg.reconnect_max)
            attempt += 1
            log.warning("%s: %s; retrying in %.1fs (attempt %d)", self.wanted_nick, why,
                        delay, attempt)
            await asyncio.sleep(delay)

    async def _connect_and_serve(self) -> tuple[str, bool]:
        """One connection's life: why it ended (a phrase for the log), and whether it got
        as far as registering."""
        where = f"{self.cfg.host}:{self.cfg.port}"
        served = False
        try:
            try:
                await asyncio.wait_for(self._connect(), timeout=30)
            except TimeoutError:
                return f"cannot connect to {where}: no answer in 30s", served
            except OSError as exc:
                return f"cannot connect to {where}: {reason(exc)}", served
            try:
                await asyncio.wait_for(self.registered.wait(), timeout=60)
            except TimeoutError:
                return f"connected to {where}, but not registered within 60s", served
            served = True
            await self._serve()
            return f"connection to {where} lost ({self._lost_reason})", served
        except Exception as exc:  # a bug of ours: say so loudly, then come back all the same
            log.exception("%s: connection to %s failed unexpectedly", self.wanted_nick, where)
            return f"connection to {where} failed unexpectedly ({exc!r})", served
        finally:
            self._drop()

    async def quit(self, message: str = "agendum shutting down") -> None:
        self.stopping = True
        conn = self.conn
        if conn is None or not conn.is_connected():
            return
        try:
            self._send_now(f"QUIT :{sanitize(message)}")
        except Exception:
            return
        try:
            await asyncio.wait_for(self._lost_event.wait(), timeout=3)
        except TimeoutError:
            self._drop()

    # ---- connection life cycle --------------------------------------------------------

    async def _connect(self) -> None:
        reactor = AioReactor(loop=asyncio.get_running_loop())
        conn = _Connection(reactor)
        conn.session = self
        conn.chunks, conn.raw_lines = deque(), deque()
        self.conn = conn
        self._lost_event.clear()
        self._lost_reason = ""
        self.registered.clear()
        self._cap_offered, self._cap_done = set(), False
        self._stop_sasl_timer()  # one left from a connection lost during SASL
        self.logged_in = self._sasl_refused = self._rechecking = False
        self.caps, self._batches, self._history_asked = set(), {}, {}
        self._nick_attempt = 0
        kwargs: dict[str, Any] = {}
        if self.cfg.tls:
            ctx = ssl.create_default_context(cafile=self.cfg.ca_file or None)
            if not self.cfg.tls_verify:
                ctx.check_hostname = False
                ctx.verify_mode = ssl.CERT_NONE
            kwargs["ssl"] = ctx
        base = AioFactory(**kwargs)

        async def factory(protocol: Any, address: Any) -> Any:
            transport, proto = await base(protocol, address)
            conn.sock = transport.get_extra_info("socket")
            widen_receive_buffer(conn.sock)
            send_at_once(conn.sock)
            transport.write(b"CAP LS 302\r\n")  # before NICK/USER: holds registration for CAP
            return transport, proto

        self.last_seen = time.monotonic()
        await conn.connect(
            self.cfg.host,
            self.cfg.port,
            self.wanted_nick,
            password=self.cfg.password or None,
            username=self.wanted_nick.lower()[:10],
            ircname=self.realname,
            connect_factory=factory,
        )
        self.connects += 1

    async def _serve(self) -> None:
        tasks = [
            asyncio.create_task(self._writer()),
            asyncio.create_task(self._watchdog()),
            asyncio.create_task(self._regain_nick()),
            asyncio.create_task(self._recheck_sasl()),
        ]
        try:
            await self._lost_event.wait()
        finally:
            for task in tasks:
                task.cancel()

    def _lost(self, conn: _Connection, exc: Exception | None) -> None:
        if conn is not self.conn:
            return
        if exc is not None:
            self._lost_reason = reason(exc)
        elif not self._lost_reason:  # an ERROR line may have said why already
            self._lost_reason = "closed by the server"
        log.debug("%s: connection lost (%s)", self.wanted_nick, self._lost_reason)
        self._lost_event.set()

    def _drop(self) -> None:
        """Close what is left of the connection; one that never connected has no transport."""
        transport = getattr(self.conn, "transport", None)
        if transport is not None:
            transport.abort()
        if self.joined and self.on_dropped is not None and not self.stopping:
            self.on_dropped(self, list(self.joined.values()))
        self.paused = False
        self.joined.clear()  # ``wanted`` stays: those channels are rejoined on reconnect
        self.members.clear()
        self.registered.clear()

    async def _writer(self) -> None:
        while True:
            if not self.out:
                self._out_ready.clear()
                await self._out_ready.wait()
                continue
            wait = self.bucket.delay(time.monotonic())
            if wait > 0:
                await asyncio.sleep(wait)
                continue
            line, record = self.out.popleft()
            self.bucket.take(time.monotonic())
            self._send_now(line)
            if record is not None:
                self.sink(self, record)

    async def _watchdog(self) -> None:
        idle = self.cfg.idle_timeout
        while True:
            await asyncio.sleep(idle / 6)
            silent = time.monotonic() - self.last_seen
            if silent > idle:
                self._lost_reason = f"the server was silent for {silent:.0f}s"
                self._drop()
                self._lost_event.set()
                return
            if silent > idle / 3:
                self._send_now(f"PING :{int(time.time())}")

    async def _regain_nick(self) -> None:
        while True:
            await asyncio.sleep(self.cfg.nick_regain_interval)
            if fold(self.nick) != fold(self.wanted_nick):
                self._send_now(f"NICK {self.wanted_nick}")

    async def _recheck_sasl(self) -> None:
        """Not logged in though SASL is configured: ask now and then whether it is offered.

        For servers that do not say so (no cap-notify; InspIRCd 3 when services relink).
        """
        while True:
            await asyncio.sleep(self.cfg.sasl_recheck_interval)
            if (self._want_sasl() and not self.logged_in and not self._sasl_refused
                    and self._sasl_timer is None):
                self._cap_offered, self._rechecking = set(), True
                self._send_now("CAP LS 302")

    def _send_now(self, line: str) -> None:
        """Write a line immediately (protocol traffic and paced output both end here)."""
        conn = self.conn
        if conn is None or not conn.is_connected() or conn.transport is None:
            return
        conn.transport.write(conn._prep_message(sanitize(line)))

    # ---- what the server says ----------------------------------------------------------

    def _handle(self, conn: _Connection, ev: IrcEvent) -> None:
        if conn is not self.conn and ev.type not in _STILL_SAID:
            return  # a dropped connection's backlog: keep what people said, nothing else
        if self._batches and ev.type not in _STILL_SAID and self._replayed(ev):
            return  # a replayed join, part or quit is no news about who is here now
        handler = getattr(self, f"_on_{ev.type}", None)
        if handler is not None:
            handler(ev)

    def _on_ping(self, ev: IrcEvent) -> None:
        self._send_now(f"PONG :{ev.target}")

    def _on_cap(self, ev: IrcEvent) -> None:
        args = list(ev.arguments)
        sub = args[0].upper() if args else ""
        caps = args[-1].split() if len(args) > 1 else []
        if sub == "LS":
            more = len(args) > 2 and args[1] == "*"
            self._cap_offered |= set(caps)
            if more:
                return
            offered = {c.split("=", 1)[0]: c for c in self._cap_offered}
            if self._cap_done:  # our recheck, after registration
                self._recheck_done(offered)
                return
            want = WANTED_CAPS & offered.keys()
            if self._want_sasl() and _plain_offered(offered.get("sasl")):
                want.add("sasl")
            if want:
                self._send_now("CAP REQ :" + " ".join(sorted(want)))
            else:
                self._cap_end()
        elif sub == "ACK":
            acked = set(caps)
            self.caps |= acked
            if "sasl" in acked and self._want_sasl():
                self._start_sasl()
            else:
                self._cap_end()
        elif sub == "NAK":
            self._cap_end()
        elif sub == "NEW":
            self._cap_new({c.split("=", 1)[0]: c for c in caps})
        elif sub == "DEL":
            self._cap_del(set(caps))

    def _recheck_done(self, offered: dict[str, str]) -> None:
        """The answer to ``_recheck_sasl``'s CAP LS: log in if sasl is offered now."""
        if not self._rechecking:
            return
        self._rechecking = False
        if _plain_offered(offered.get("sasl")) and not self.logged_in:
            log.info("%s: SASL offered again (CAP LS); logging in", self.wanted_nick)
            self._send_now("CAP REQ :sasl")

    def _cap_new(self, offered: dict[str, str]) -> None:
        """Services are back (cap-notify): log in on this connection, without reconnecting."""
        if "sasl" not in offered or not self._want_sasl():
            return
        if self.logged_in or self._sasl_timer is not None:
            log.info("%s: SASL offered again (CAP NEW); already %s", self.wanted_nick,
                     "logged in" if self.logged_in else "logging in")
        elif not _plain_offered(offered["sasl"]):
            log.error("%s: SASL offered again (CAP NEW) but without PLAIN (%s); not logging in",
                      self.wanted_nick, offered["sasl"])
        else:
            log.info("%s: SASL offered again (CAP NEW); logging in", self.wanted_nick)
            self._send_now("CAP REQ :sasl")

    def _cap_del(self, gone: set[str]) -> None:
        """Services went away (cap-notify): forget SASL until it is offered again."""
        if "sasl" not in gone or not self._want_sasl():
            return
        if self._sasl_timer is not None:  # under way: abort it (and finish registering)
            self._send_now("AUTHENTICATE *")
            self._cap_end()
        log.warning("%s: SASL withdrawn (CAP DEL): services are gone; %s", self.wanted_nick,
                    "the account stays logged in" if self.logged_in
                    else "logging in when they are back")

    def _start_sasl(self) -> None:
        self._send_now("AUTHENTICATE PLAIN")
        self._stop_sasl_timer()
        loop = asyncio.get_running_loop()
        self._sasl_timer = loop.call_later(SASL_TIMEOUT, self._sasl_timed_out)

    def _want_sasl(self) -> bool:
        return bool(self.cfg.sasl_username and self.cfg.sasl_password)

    def _on_authenticate(self, ev: IrcEvent) -> None:
        if ev.target != "+":
            return
        blob = f"\0{self.cfg.sasl_username}\0{self.cfg.sasl_password}".encode()
        encoded = base64.b64encode(blob).decode()
        chunks = [encoded[i : i + 400] for i in range(0, len(encoded), 400)]
        for chunk in chunks:
            self._send_now(f"AUTHENTICATE {chunk}")
        if not chunks or len(chunks[-1]) == 400:
            self._send_now("AUTHENTICATE +")

    def _on_saslsuccess(self, ev: IrcEvent) -> None:
        self.logged_in = True
        log.info("%s: SASL login succeeded", self.wanted_nick)
        self._cap_end()

    def _on_loggedin(self, ev: IrcEvent) -> None:
        self.logged_in = True

    def _on_loggedout(self, ev: IrcEvent) -> None:
        self.logged_in = False

    def _sasl_failed(self, ev: IrcEvent) -> None:
        log.error("%s: SASL login failed (%s)", self.wanted_nick, ev.type)
        self._sasl_refused = ev.type in ("saslfail", "nicklocked")
        self._cap_end()

    _on_saslfail = _on_sasltoolong = _on_saslaborted = _on_nicklocked = _sasl_failed
    _on_saslalready = _on_saslsuccess

    def _sasl_timed_out(self) -> None:
        self._sasl_timer = None
        log.error("%s: SASL login timed out; continuing without an account", self.wanted_nick)
        self._send_now("AUTHENTICATE *")
        self._cap_end()

    def _stop_sasl_timer(self) -> None:
        if self._sasl_timer is not None:
            self._sasl_timer.cancel()
            self._sasl_timer = None

    def _cap_end(self, *, send: bool = True) -> None:
        """SASL, if any, is over; before registration, so is CAP negotiation."""
        self._stop_sasl_timer()
        if not self._cap_done:
            self._cap_done = True
            if send:
                self._send_now("CAP END")

    def _on_welcome(self, ev: IrcEvent) -> None:
        self._cap_end(send=False)  # registered: CAP negotiation, if any, is over
        self.registered.set()
        log.info("%s: registered as %s", self.wanted_nick, self.nick)
        names = list(self.wanted.values())
        while names:  # several channels per JOIN, each line well under the limit
            batch: list[str] = []
            while names and len(",".join([*batch, names[0]])) < 400:
                batch.append(names.pop(0))
            self._send_now("JOIN " + ",".join(batch or [names.pop(0)]))

    def _nick_taken(self, ev: IrcEvent) -> None:
        if self.registered.is_set():
            return  # a regain attempt failed; keep the fallback nick and try later
        suffix = _ALT_SUFFIXES[min(self._nick_attempt, len(_ALT_SUFFIXES) - 1)]
        self._nick_attempt += 1
        alt = (self.wanted_nick + suffix)[:30]
        if self.conn is not None:
            self.conn.real_nickname = alt
        self._send_now(f"NICK {alt}")

    _on_nicknameinuse = _on_unavailresource = _on_erroneusnickname = _nick_taken

    def _record(self, ev: IrcEvent, channel: str, kind: Kind, text: str = "") -> None:
        tags = _tags(ev)
        when, msgid = _event_time(tags), tags.get("msgid")
        nick = sys.intern(ev.source.nick) if ev.source else ""
        text = text.replace("\0", "\ufffd")  # PostgreSQL text cannot hold NUL
        batch = self._batches.get(tags.get("batch") or "")
        history = batch is not None and batch.kind in HISTORY_BATCHES
        if batch is not None and history:
            batch.lines += 1
            batch.last_time, batch.last_msgid = when, msgid
        event = Event(when, self.network, sys.intern(channel), kind, nick, text, msgid=msgid,
                      history=history)
        self.sink(self, event)

    # ---- history: replays after a reconnect ---------------------------------------------

    def _replayed(self, ev: IrcEvent) -> bool:
        batch = self._batches.get(_tags(ev).get("batch") or "")
        return batch is not None and batch.kind in HISTORY_BATCHES

    def request_history(self, channel: str, after: datetime | None,
                        msgid: str | None = None) -> bool:
        """Ask for what was said in ``channel`` after the last stored line (IRCv3
        ``draft/chathistory``); False where the server does not offer it."""
        if "draft/chathistory" not in self.caps:
            return False
        limit = self._history_limit()
        self._history_asked[fold(channel)] = limit
        if after is None and msgid is None:
            self._send_now(f"CHATHISTORY LATEST {channel} * {limit}")
        else:
            self._send_now(f"CHATHISTORY AFTER {channel} {history_reference(after, msgid)} "
                           f"{limit}")
        return True

    def _history_limit(self) -> int:
        value = getattr(self.conn.features, "chathistory", None) if self.conn else None
        try:
            limit = int(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return HISTORY_LIMIT
        return limit if limit > 0 else HISTORY_LIMIT

    def _on_batch(self, ev: IrcEvent) -> None:
        ref = ev.target or ""
        args = list(ev.arguments)
        if ref.startswith("+"):
            self._batches[ref[1:]] = _Batch(args[0] if args else "", args[1] if len(args) > 1
                                            else "")
            return
        batch = self._batches.pop(ref[1:], None)
        if batch is None or batch.kind not in HISTORY_BATCHES or not batch.target:
            return
        limit = self._history_asked.pop(fold(batch.target), None)
        if limit is not None and batch.lines >= limit:  # a full page: there may be more
            self.request_history(batch.target, batch.last_time, batch.last_msgid)
            return
        if self.on_history_done is not None:
            self.on_history_done(self, batch.target)

    def _on_pubmsg(self, ev: IrcEvent) -> None:
        self._record(ev, ev.target, Kind.MESSAGE, ev.arguments[0] if ev.arguments else "")

    def _on_action(self, ev: IrcEvent) -> None:
        if ev.target and ev.target[:1] in "#&+!":
            self._record(ev, ev.target, Kind.ACTION, ev.arguments[0] if ev.arguments else "")

    def _on_pubnotice(self, ev: IrcEvent) -> None:
        text = ev.arguments[0] if ev.arguments else ""
        if ev.source and "!" not in ev.source and text.startswith("Replaying up to "):
            return  # InspIRCd's preface to a +H replay (prefixmsg): the server, not a person
        self._record(ev, ev.target, Kind.NOTICE, text)

    def _on_privmsg(self, ev: IrcEvent) -> None:
        if self.on_private is not None and ev.source:
            self.on_private(self, ev.source.nick, ev.arguments[0] if ev.arguments else "")

    def _on_invite(self, ev: IrcEvent) -> None:
        if self.on_invite is not None and ev.arguments and ev.source:
            self.on_invite(self, ev.source.nick, ev.arguments[0])

    def _on_topic(self, ev: IrcEvent) -> None:
        self._record(ev, ev.target, Kind.TOPIC, ev.arguments[0] if ev.arguments else "")

    def _on_mode(self, ev: IrcEvent) -> None:
        self._record(ev, ev.target, Kind.MODE, " ".join(ev.arguments))

    def _on_join(self, ev: IrcEvent) -> None:
        channel, who = ev.target, ev.source.nick
        key = fold(channel)
        if fold(who) == fold(self.nick):
            self.joined[key] = channel
            self.wanted.setdefault(key, channel)
            self.members[key] = set()
            if self.on_membership is not None:
                self.on_membership(self, channel, True)
        self.members.setdefault(key, set()).add(fold(who))
        self._record(ev, channel, Kind.JOIN)

    def _on_part(self, ev: IrcEvent) -> None:
        channel = ev.target
        self._record(ev, channel, Kind.PART, ev.arguments[0] if ev.arguments else "")
        self._left(channel, ev.source.nick)

    def _on_kick(self, ev: IrcEvent) -> None:
        channel = ev.target
        victim = ev.arguments[0] if ev.arguments else ""
        reason = ev.arguments[1] if len(ev.arguments) > 1 else ""
        self._record(ev, channel, Kind.KICK, f"{victim} {reason}".strip())
        if fold(victim) == fold(self.nick):
            self.wanted.pop(fold(channel), None)  # kicked: don't force our way back in
        self._left(channel, victim)

    def _left(self, channel: str, who: str) -> None:
        key = fold(channel)
        if fold(who) == fold(self.nick):
            self.joined.pop(key, None)
            self.members.pop(key, None)
            if self.on_membership is not None:
                self.on_membership(self, channel, False)
        else:
            self.members.get(key, set()).discard(fold(who))

    def _on_quit(self, ev: IrcEvent) -> None:
        who = fold(ev.source.nick)
        for key, nicks in self.members.items():
            if who in nicks:
                nicks.discard(who)
                self._record(ev, self.joined.get(key, key), Kind.QUIT,
                             ev.arguments[0] if ev.arguments else "")

    def _on_nick(self, ev: IrcEvent) -> None:
        old, new = fold(ev.source.nick), ev.target
        for key, nicks in self.members.items():
            if old in nicks:
                nicks.discard(old)
                nicks.add(fold(new))
                self._record(ev, self.joined.get(key, key), Kind.NICK, new)

    def _on_namreply(self, ev: IrcEvent) -> None:
        if len(ev.arguments) < 3:
            return
        key = fold(ev.arguments[1])
        names = {fold(n.lstrip("~&@%+")) for n in ev.arguments[2].split()}
        self.members.setdefault(key, set()).update(names)

    def _on_error(self, ev: IrcEvent) -> None:
        """The server closes the link (``ERROR :…``): after our QUIT that is the goodbye."""
        self._lost_reason = f"server said: {ev.target}"
        level = logging.DEBUG if self.stopping else logging.WARNING
        log.log(level, "%s: server closes the link: %s", self.wanted_nick, ev.target)
