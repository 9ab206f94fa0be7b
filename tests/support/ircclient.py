"""A small synchronous IRC client for tests (plain sockets + one reader thread).

Standard library only.  Typical use::

    c = IrcTestClient(srv.host, srv.port, "alice").connect()   # waits for 001
    c.join("#meeting")                                          # waits for own JOIN
    c.say("#meeting", "hello")
    line = c.wait_for(command="PRIVMSG", nick="agendum", text=r"queue")
    c.wait_for(r"PRIVMSG #meeting :.*hello")   # a str is a regex searched in line.raw
    c.wait_for(lambda ln: ln.command == "KICK")
    assert "agendum" in c.names("#meeting")
    c.quit()

Every received line is kept in ``c.lines``.  ``wait_for`` returns the oldest
received line that matches and was not returned by an earlier ``wait_for``;
lines it skips stay available to later calls, so the order in which a test waits
for two things doesn't matter.  ``c.drain()`` marks everything received so far
as consumed (to ignore older output).  PING is answered by the reader thread.
Bytes are decoded as UTF-8 with errors="replace"; ``line.raw_bytes`` keeps them.
"""

from __future__ import annotations

import contextlib
import re
import socket
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = [
    "IrcClientError",
    "IrcConnectionClosed",
    "IrcTestClient",
    "IrcWaitTimeout",
    "ParsedLine",
    "irc_lower",
    "parse_line",
]

DEFAULT_TIMEOUT = 10.0

_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ[]\\~", "abcdefghijklmnopqrstuvwxyz{}|^")


def irc_lower(s: str) -> str:
    """RFC 1459 case folding (what ngIRCd and miniircd use for nicks/channels)."""
    return s.translate(_LOWER)


class IrcClientError(AssertionError):
    """The server refused something the test asked for (an error numeric)."""


class IrcWaitTimeout(TimeoutError):
    """``wait_for`` saw no matching line in time."""


class IrcConnectionClosed(ConnectionError):
    """The connection is closed and no matching line is left."""


@dataclass
class ParsedLine:
    raw: str  # decoded line without CR LF
    raw_bytes: bytes
    tags: dict[str, str]
    prefix: str | None  # "nick!user@host" or a server name
    command: str  # upper-cased: "PRIVMSG", "001", ...
    params: list[str]  # all parameters, the trailing one included (last)
    received_at: float = field(default_factory=time.monotonic)
    consumed: bool = field(default=False, repr=False, compare=False)

    @property
    def prefix_nick(self) -> str | None:
        """Nick of the sender (or the server name for server messages)."""
        if self.prefix is None:
            return None
        return self.prefix.split("!", 1)[0].split("@", 1)[0]

    @property
    def target(self) -> str | None:
        """First parameter: the channel/nick of PRIVMSG/NOTICE/JOIN/..."""
        return self.params[0] if self.params else None

    @property
    def text(self) -> str:
        """The trailing (last) parameter, or "" when there are no parameters."""
        return self.params[-1] if self.params else ""

    @property
    def is_action(self) -> bool:
        t = self.text
        return self.command == "PRIVMSG" and t.startswith("\x01ACTION ")

    @property
    def action_text(self) -> str | None:
        """Text of a CTCP ACTION (/me), else None."""
        if not self.is_action:
            return None
        return self.text[len("\x01ACTION "):].rstrip("\x01")

    def __str__(self) -> str:
        return self.raw


def parse_line(raw_bytes: bytes) -> ParsedLine:
    """Parse one IRC line (without CR LF)."""
    raw = raw_bytes.decode("utf-8", errors="replace")
    rest = raw
    tags: dict[str, str] = {}
    if rest.startswith("@"):
        tag_str, _, rest = rest[1:].partition(" ")
        for item in tag_str.split(";"):
            k, _, v = item.partition("=")
            tags[k] = v
        rest = rest.lstrip(" ")
    prefix = None
    if rest.startswith(":"):
        prefix, _, rest = rest[1:].partition(" ")
        rest = rest.lstrip(" ")
    trailing = None
    if " :" in rest:
        rest, trailing = rest.split(" :", 1)
    elif rest.startswith(":"):
        rest, trailing = "", rest[1:]
    words = rest.split()
    command = words[0].upper() if words else ""
    params = words[1:]
    if trailing is not None:
        params.append(trailing)
    return ParsedLine(raw=raw, raw_bytes=raw_bytes, tags=tags, prefix=prefix,
                      command=command, params=params)


Predicate = Callable[[ParsedLine], bool] | str | re.Pattern[str] | None


class IrcTestClient:
    """Synchronous test client; see the module docstring."""

    def __init__(
        self,
        host: str,
        port: int,
        nick: str,
        *,
        user: str | None = None,
        realname: str = "agendum test client",
        password: str | None = None,
        tls: bool = False,
        ca_file: str | None = None,
        server_hostname: str = "localhost",
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        self.host = host
        self.port = port
        self.nick = nick
        self.user = user or nick[:9]
        self.realname = realname
        self.password = password
        self.tls = tls
        self.ca_file = ca_file
        self.server_hostname = server_hostname
        self.timeout = timeout
        self.lines: list[ParsedLine] = []
        self.sent: list[bytes] = []
        self.closed = False
        self.close_reason: str | None = None
        self._sock: socket.socket | None = None
        self._reader: threading.Thread | None = None
        self._cond = threading.Condition()
        self._send_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"<IrcTestClient {self.nick} {self.host}:{self.port}>"

    # -- connection ---------------------------------------------------------

    def connect(self, timeout: float | None = None) -> IrcTestClient:
        """Connect and register; returns once numeric 001 arrived.

        Lines from an earlier connection of this client are marked consumed.
        """
        timeout = self.timeout if timeout is None else timeout
        sock = socket.create_connection((self.host, self.port), timeout=timeout)
        if self.tls:
            ctx = ssl.create_default_context(cafile=self.ca_file)
            sock = ctx.wrap_socket(sock, server_hostname=self.server_hostname)
        sock.settimeout(None)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.drain()  # a new session: lines of an earlier connection don't match any more
        with self._cond:
            self._sock = sock
            self.closed = False
            self.close_reason = None
        self._reader = threading.Thread(
            target=self._read_loop, args=(sock,), name=f"irc-{self.nick}", daemon=True
        )
        self._reader.start()
        if self.password:
            self.raw(f"PASS {self.password}")
        self.raw(f"NICK {self.nick}")
        self.raw(f"USER {self.user} 0 * :{self.realname}")
        welcome = self._wait_or_error(
            lambda ln: ln.command == "001",
            errors={"431", "432", "433", "436", "437", "464", "465", "ERROR"},
            timeout=timeout,
            what="registration (001)",
        )
        if welcome.params:
            self.nick = welcome.params[0]
        return self

    def reconnect(self, timeout: float | None = None) -> IrcTestClient:
        """Close (if needed) and connect again with the same nick."""
        self.close()
        return self.connect(timeout)

    def close(self) -> None:
        """Drop the TCP connection without QUIT."""
        with self._cond:
            sock, self._sock = self._sock, None
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        if self._reader is not None and self._reader is not threading.current_thread():
            self._reader.join(5)
        self._reader = None

    def quit(self, message: str = "bye", timeout: float = 5.0) -> None:
        """Send QUIT, wait (briefly) for the server to close, then close."""
        if self._sock is not None and not self.closed:
            with contextlib.suppress(OSError):
                self.raw(f"QUIT :{message}")
            self.wait_closed(timeout, raise_on_timeout=False)
        self.close()

    def __enter__(self) -> IrcTestClient:
        return self.connect() if self._sock is None else self

    def __exit__(self, *exc: object) -> None:
        self.quit()

    # -- sending ------------------------------------------------------------

    def raw(self, line: str | bytes) -> None:
        """Send one line (str as UTF-8, or raw bytes, e.g. invalid UTF-8); adds CR LF."""
        data = line.encode("utf-8") if isinstance(line, str) else bytes(line)
        if not data.endswith(b"\n"):
            data += b"\r\n"
        sock = self._sock
        if sock is None:
            raise IrcConnectionClosed(f"{self.nick}: not connected")
        with self._send_lock:
            sock.sendall(data)
            self.sent.append(data)

    def say(self, target: str, text: str) -> None:
        """PRIVMSG to a channel or nick."""
        self.raw(f"PRIVMSG {target} :{text}")

    privmsg = say

    def action(self, target: str, text: str) -> None:
        """CTCP ACTION (/me)."""
        self.raw(f"PRIVMSG {target} :\x01ACTION {text}\x01")

    def notice(self, target: str, text: str) -> None:
        self.raw(f"NOTICE {target} :{text}")

    def join(self, channel: str, key: str | None = None, timeout: float | None = None
             ) -> ParsedLine:
        """JOIN and wait for the own JOIN echo and the end of NAMES (366)."""
        self.raw(f"JOIN {channel}" + (f" {key}" if key else ""))
        chan = irc_lower(channel)
        echo = self._wait_or_error(
            lambda ln: ln.command == "JOIN" and self._is_me(ln.prefix_nick)
            and bool(ln.params) and irc_lower(ln.params[0]) == chan,
            errors={"403", "405", "471", "473", "474", "475", "476", "477", "479"},
            error_filter=lambda ln: chan in (irc_lower(p) for p in ln.params),
            timeout=timeout,
            what=f"JOIN {channel}",
        )
        self.wait_for(lambda ln: ln.command == "366" and len(ln.params) > 1
                      and irc_lower(ln.params[1]) == chan, timeout=timeout)
        return echo

    def part(self, channel: str, reason: str | None = None, timeout: float | None = None
             ) -> ParsedLine:
        """PART and wait for the own PART echo."""
        self.raw(f"PART {channel}" + (f" :{reason}" if reason else ""))
        chan = irc_lower(channel)
        return self._wait_or_error(
            lambda ln: ln.command == "PART" and self._is_me(ln.prefix_nick)
            and bool(ln.params) and irc_lower(ln.params[0]) == chan,
            errors={"403", "442"},
            timeout=timeout,
            what=f"PART {channel}",
        )

    def invite(self, nick: str, channel: str, timeout: float | None = None) -> ParsedLine:
        """INVITE and wait for RPL_INVITING (341).  (miniircd has no INVITE.)"""
        self.raw(f"INVITE {nick} {channel}")
        return self._wait_or_error(
            lambda ln: ln.command == "341",
            errors={"401", "403", "421", "442", "443", "482"},
            timeout=timeout,
            what=f"INVITE {nick} {channel}",
        )

    def change_nick(self, new: str, timeout: float | None = None) -> ParsedLine:
        """NICK and wait for the server's NICK echo."""
        self.raw(f"NICK {new}")
        old = self.nick
        line = self._wait_or_error(
            lambda ln: ln.command == "NICK" and ln.prefix_nick is not None
            and irc_lower(ln.prefix_nick) == irc_lower(old),
            errors={"431", "432", "433", "436", "437"},
            timeout=timeout,
            what=f"NICK {new}",
        )
        self.nick = line.text or new
        return line

    def names(self, channel: str, timeout: float | None = None) -> set[str]:
        """Nicks currently in ``channel`` (via NAMES; mode prefixes stripped)."""
        self.raw(f"NAMES {channel}")
        chan = irc_lower(channel)
        result: set[str] = set()
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        while True:
            ln = self.wait_for(
                lambda ln: (ln.command == "353" and len(ln.params) >= 3
                            and irc_lower(ln.params[-2]) == chan)
                or (ln.command == "366" and len(ln.params) > 1
                    and irc_lower(ln.params[1]) == chan),
                timeout=max(0.0, deadline - time.monotonic()),
            )
            if ln.command == "366":
                return result
            result.update(n.lstrip("@+%&~!") for n in ln.text.split() if n)

    def wait_names(self, channel: str, predicate: Callable[[set[str]], bool],
                   timeout: float | None = None, poll: float = 0.1) -> set[str]:
        """Poll NAMES until ``predicate(nicks)`` holds; returns the nick set."""
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        while True:
            nicks = self.names(channel, timeout=max(0.5, deadline - time.monotonic()))
            if predicate(nicks):
                return nicks
            if time.monotonic() >= deadline:
                raise IrcWaitTimeout(f"{self.nick}: NAMES {channel} = {sorted(nicks)}; "
                                     "condition not met")
            time.sleep(poll)

    # -- receiving ----------------------------------------------------------

    def _is_me(self, nick: str | None) -> bool:
        return nick is not None and irc_lower(nick) == irc_lower(self.nick)

    def _read_loop(self, sock: socket.socket) -> None:
        buf = b""
        reason = "closed by server"
        try:
            while True:
                data = sock.recv(65536)
                if not data:
                    break
                buf += data
                while b"\n" in buf:
                    raw, buf = buf.split(b"\n", 1)
                    raw = raw.rstrip(b"\r")
                    if not raw:
                        continue
                    ln = parse_line(raw)
                    if ln.command == "PING":
                        with contextlib.suppress(OSError):
                            self.raw(b"PONG :" + (ln.text.encode() if ln.params else b""))
                    with self._cond:
                        self.lines.append(ln)
                        self._cond.notify_all()
        except (OSError, ValueError) as e:
            reason = f"{type(e).__name__}: {e}"
        finally:
            with self._cond:
                if self._sock is sock or self._sock is None:
                    self.closed = True
                    self.close_reason = reason
                self._cond.notify_all()

    @staticmethod
    def _matcher(pred: Predicate, command: str | None, nick: str | None,
                 target: str | None, text: str | re.Pattern[str] | None
                 ) -> Callable[[ParsedLine], bool]:
        checks: list[Callable[[ParsedLine], bool]] = []
        if isinstance(pred, str):
            rx = re.compile(pred)
            checks.append(lambda ln: rx.search(ln.raw) is not None)
        elif isinstance(pred, re.Pattern):
            checks.append(lambda ln: pred.search(ln.raw) is not None)
        elif pred is not None:
            checks.append(pred)
        if command is not None:
            cmd = command.upper()
            checks.append(lambda ln: ln.command == cmd)
        if nick is not None:
            lnick = irc_lower(nick)
            checks.append(lambda ln: ln.prefix_nick is not None
                          and irc_lower(ln.prefix_nick) == lnick)
        if target is not None:
            ltarget = irc_lower(target)
            checks.append(lambda ln: ln.target is not None
                          and irc_lower(ln.target) == ltarget)
        if text is not None:
            trx = re.compile(text) if isinstance(text, str) else text
            checks.append(lambda ln: trx.search(ln.text) is not None)
        return lambda ln: all(c(ln) for c in checks)

    def wait_for(
        self,
        pred: Predicate = None,
        timeout: float | None = None,
        *,
        command: str | None = None,
        nick: str | None = None,
        target: str | None = None,
        text: str | re.Pattern[str] | None = None,
    ) -> ParsedLine:
        """Return (and consume) the oldest unconsumed received line that matches.

        ``pred``: a callable on ParsedLine, or a regex (str/Pattern) searched in
        ``line.raw``.  Keyword filters are ANDed: ``command`` (exact), ``nick``
        (sender, case-insensitive), ``target`` (first param), ``text`` (regex
        searched in the trailing parameter).  Raises IrcWaitTimeout, or
        IrcConnectionClosed as soon as the connection is gone and nothing matches.
        """
        match = self._matcher(pred, command, nick, target, text)
        timeout = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for ln in self.lines:
                    if not ln.consumed and match(ln):
                        ln.consumed = True
                        return ln
                if self.closed:
                    raise IrcConnectionClosed(
                        f"{self.nick}: connection closed ({self.close_reason}) without a "
                        f"matching line; last lines:\n{self._tail()}"
                    )
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise IrcWaitTimeout(
                        f"{self.nick}: no matching line within {timeout}s "
                        f"(pred={pred!r} command={command} nick={nick} target={target} "
                        f"text={text!r}); unconsumed lines:\n{self._tail(unconsumed=True)}"
                    )
                self._cond.wait(remaining)

    def assert_no(
        self,
        pred: Predicate = None,
        within: float = 1.0,
        *,
        command: str | None = None,
        nick: str | None = None,
        target: str | None = None,
        text: str | re.Pattern[str] | None = None,
    ) -> None:
        """Assert that no unconsumed matching line arrives within ``within`` seconds."""
        try:
            ln = self.wait_for(pred, within, command=command, nick=nick, target=target,
                               text=text)
        except (IrcWaitTimeout, IrcConnectionClosed):
            return
        raise AssertionError(f"{self.nick}: unexpected line: {ln.raw}")

    def wait_closed(self, timeout: float | None = None, raise_on_timeout: bool = True
                    ) -> bool:
        """Wait until the server closed the connection."""
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        with self._cond:
            while not self.closed:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    if raise_on_timeout:
                        raise IrcWaitTimeout(f"{self.nick}: connection still open")
                    return False
                self._cond.wait(remaining)
        return True

    def drain(self) -> list[ParsedLine]:
        """Mark every line received so far as consumed; returns those lines."""
        with self._cond:
            out = [ln for ln in self.lines if not ln.consumed]
            for ln in out:
                ln.consumed = True
            return out

    def messages(self, target: str | None = None, nick: str | None = None) -> list[ParsedLine]:
        """All received PRIVMSG/NOTICE lines (consumed or not), optionally filtered."""
        m = self._matcher(None, None, nick, target, None)
        with self._cond:
            return [ln for ln in self.lines
                    if ln.command in ("PRIVMSG", "NOTICE") and m(ln)]

    def _wait_or_error(
        self,
        ok: Callable[[ParsedLine], bool],
        errors: set[str],
        timeout: float | None,
        what: str,
        error_filter: Callable[[ParsedLine], bool] | None = None,
    ) -> ParsedLine:
        def is_error(ln: ParsedLine) -> bool:
            return ln.command in errors and (error_filter is None or error_filter(ln))

        ln = self.wait_for(lambda ln: ok(ln) or is_error(ln), timeout)
        if not ok(ln):
            raise IrcClientError(f"{self.nick}: {what} refused: {ln.raw}")
        return ln

    def _tail(self, n: int = 15, unconsumed: bool = False) -> str:
        lines = [ln for ln in self.lines if not (unconsumed and ln.consumed)]
        return "\n".join("  " + ln.raw for ln in lines[-n:]) or "  (none)"
