"""A throw-away IRC network with services: InspIRCd 3 + Atheme 7, on 127.0.0.1.

Standard library only (no pytest import).  It is what SASL and IRCv3 tests need and
ngIRCd/miniircd lack: InspIRCd offers ``sasl``, ``server-time``, ``message-tags``,
``msgid``, ``account-tag``, ``echo-message``, ``batch`` and history replayed on join to
channels with mode ``+H lines:time`` (``chanhistory``); SASL itself is answered by Atheme's
SaslServ, linked to InspIRCd over a server port::

    from tests.support.services import ServicesNetwork

    with ServicesNetwork() as net:          # both daemons up and linked
        net.register("zakimacct", "s3cret") # a NickServ account, usable for SASL PLAIN
        print(net.host, net.port)           # the (plaintext) client port

Debian packages: ``apt-get install inspircd atheme-services`` (binaries
``/usr/sbin/inspircd`` and ``/usr/bin/atheme-services``; override with
``INSPIRCD_BIN`` / ATHEME_BIN).  Their system services are not used: every file
(configs, logs, database, pid files) lives in ``workdir``, both processes run in the
foreground in their own session, and every port is bound to ``host`` only.

``start()`` returns once a probe client registered (001) and NickServ answered it,
which means Atheme has linked and burst.  ``start(services=False)`` starts InspIRCd
alone (no SASL offered), ``start_services()`` brings Atheme in later and
``stop_services()`` stops it alone.  Logs:
``inspircd_log``, ``atheme_log`` (``log_text()`` returns the tails of all of them, for
failure reports).

Run ``python -m tests.support.services`` to start a network by hand.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

__all__ = ["ServicesError", "ServicesNetwork", "available"]

SERVER_NAME = "irc.agendum.test"
SERVICES_NAME = "services.agendum.test"
NETWORK = "AgendumTest"
OPER_PASSWORD = "oper-secret"  # OPER tester <it>: KILL a client to test reconnects

_LIVE: weakref.WeakSet[ServicesNetwork] = weakref.WeakSet()


@atexit.register
def _stop_all() -> None:
    """Normal interpreter exit: stop networks whose owner forgot (or crashed)."""
    for net in list(_LIVE):
        with contextlib.suppress(Exception):
            net.stop()


class ServicesError(RuntimeError):
    """The network could not be started, or services refused a request."""


def _make_pdeathsig() -> Callable[[], None] | None:
    """preexec_fn: the daemon gets SIGTERM when the spawning thread dies (Linux only).

    So a test run that is killed (SIGKILL) leaves no daemon behind.  Neither InspIRCd
    (``--runasroot``) nor Atheme changes credentials, which would clear it.
    """
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None

    def preexec() -> None:
        prctl(1, int(signal.SIGTERM), 0, 0, 0)  # PR_SET_PDEATHSIG

    return preexec


_PDEATHSIG = _make_pdeathsig()


def _free_port(host: str) -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def _find(env: str, name: str, *fallbacks: str) -> str | None:
    if os.environ.get(env):
        return os.environ[env]
    found = shutil.which(name)
    if found:
        return found
    return next((f for f in fallbacks if os.access(f, os.X_OK)), None)


def inspircd_binary() -> str | None:
    return _find("INSPIRCD_BIN", "inspircd", "/usr/sbin/inspircd")


def atheme_binary() -> str | None:
    return _find("ATHEME_BIN", "atheme-services", "/usr/bin/atheme-services",
                 "/usr/sbin/atheme-services")


def available() -> bool:
    """Whether both daemons are installed."""
    return inspircd_binary() is not None and atheme_binary() is not None


def _atheme_modules_dir() -> str:
    """Atheme resolves ``modules/...`` against its libdir; Debian's is multiarch."""
    if os.environ.get("ATHEME_MODULES"):
        return os.environ["ATHEME_MODULES"]
    candidates = [
        *sorted(Path("/usr/lib").glob("*/atheme/modules")),
        Path("/usr/lib/atheme/modules"),
        Path("/usr/local/lib/atheme/modules"),
    ]
    for c in candidates:
        if (c / "protocol").is_dir():
            return str(c)
    return "modules"  # let Atheme use its built-in path


# ---- configuration templates ------------------------------------------------------------

_INSPIRCD_CONF = """\
# Written by tests/support/services.py: local tests only, loopback only.
<server name="{server}" description="agendum test server" network="{network}" id="0AG">
<admin name="test" nick="test" email="test@localhost">
<bind address="{host}" port="{port}" type="clients">
<bind address="{host}" port="{link_port}" type="servers">

<connect name="test" allow="*"
         timeout="60" pingfreq="120"
         commandrate="100000000" fakelag="no" threshold="1000000"
         hardsendq="16777216" softsendq="16777216" recvq="1048576"
         localmax="1000" globalmax="1000" maxconnwarn="off"
         resolvehostnames="no" useident="no" limit="5000" modes="">

<class name="All" commands="*" privs="*" usermodes="*" chanmodes="*">
<type name="Admin" classes="All">
<oper name="tester" password="{oper_password}" host="*@{host}" type="Admin">

<files motd="{dir}/motd.txt">
<channels users="100" opers="100">
<dns server="127.0.0.1" timeout="1">
<pid file="{dir}/inspircd.pid">
<log method="file" type="* -USERINPUT -USEROUTPUT" level="default" target="{dir}/inspircd.log">
<options prefixquit="Quit: " syntaxhints="no" announcets="yes" hostintopic="yes"
         pingwarning="15" splitwhois="no" exemptchanops="">
<security hideserver="" userstats="Pu" customversion="" flatlinks="no" hidesplits="no"
          hideulines="no" hidebans="no" maxtargets="20" runasuser="" runasgroup="">
<performance quietbursts="yes" softlimit="4096" somaxconn="128" netbuffersize="65536"
             clonesonconnect="no" timeskipwarn="0">
<limits maxnick="30" maxchan="64" maxmodes="20" maxident="11" maxreal="130" maxquit="255"
        maxtopic="307" maxkick="255" maxaway="200" maxline="512">

# IRCv3
<module name="cap">
<module name="ircv3">
<module name="ircv3_servertime">
<module name="ircv3_ctctags">
<module name="ircv3_msgid">
<module name="ircv3_accounttag">
<module name="ircv3_echomessage">
<module name="ircv3_capnotify">
<module name="ircv3_batch">

# history replayed on join to channels with mode +H lines:time (the bot's gap filling)
<module name="chanhistory">
<chanhistory maxlines="20000" prefixmsg="yes" bots="yes">

# services link: Atheme connects to the servers port; SASL is relayed to it
<module name="spanningtree">
<module name="services_account">
<module name="sasl">
<module name="chghost">
<module name="cban">
<module name="svshold">
<sasl target="{services}" requiressl="no">
<link name="{services}" ipaddr="{host}" port="{link_port}" allowmask="{host}/32"
      timeout="60" sendpass="{link_password}" recvpass="{link_password}">
<uline server="{services}" silent="yes">
"""

_ATHEME_CONF = """\
/* Written by tests/support/services.py: local tests only, loopback only. */
loadmodule "{modules}/protocol/inspircd";
loadmodule "{modules}/backend/opensex";
loadmodule "{modules}/crypto/pbkdf2v2";
loadmodule "{modules}/nickserv/main";
loadmodule "{modules}/nickserv/help";
loadmodule "{modules}/nickserv/register";
loadmodule "{modules}/nickserv/identify";
loadmodule "{modules}/nickserv/logout";
loadmodule "{modules}/nickserv/info";
loadmodule "{modules}/nickserv/status";
loadmodule "{modules}/saslserv/main";
loadmodule "{modules}/saslserv/plain";

serverinfo {{
    name = "{services}";
    desc = "agendum test services";
    numeric = "0AS";
    recontime = 1;
    netname = "{network}";
    hidehostsuffix = "users.agendum.test";
    adminname = "test";
    adminemail = "test@agendum.test";
    registeremail = "noreply@agendum.test";
    mta = "/bin/false";
    loglevel = {{ error; info; admin; network; wallops; }};
    maxlogins = 10;
    maxusers = 0;
    mdlimit = 30;
    emaillimit = 10;
    emailtime = 300;
    auth = none;
    casemapping = rfc1459;
}};

uplink "{server}" {{
    host = "{host}";
    password = "{link_password}";
    port = {link_port};
}};

nickserv {{
    nick = "NickServ";
    user = "NickServ";
    host = "{services}";
    real = "Nickname Services";
    maxnicks = 5;
    expire = 0;
}};

saslserv {{
    nick = "SaslServ";
    user = "SaslServ";
    host = "{services}";
    real = "SASL Authentication Agent";
}};

logfile "{dir}/atheme-account.log" {{ register; set; }};

general {{
    flood_msgs = 0;
    flood_time = 0;
    commit_interval = 5;
    uplink_sendq_limit = 1048576;
    language = "en";
    immune_level = immune;
    /* no ratelimit_uses/ratelimit_period: NickServ REGISTER is never throttled */
}};
"""


# ---- a minimal raw client ---------------------------------------------------------------


class _Probe:
    """Registers with NICK/USER and reads lines; enough to talk to NickServ."""

    def __init__(self, host: str, port: int, nick: str, timeout: float) -> None:
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.buf = b""
        self.nick = nick
        self.send(f"NICK {nick}")
        self.send(f"USER {nick[:9]} 0 * :agendum services probe")

    def send(self, line: str) -> None:
        self.sock.sendall(line.encode() + b"\r\n")

    def lines(self, deadline: float) -> Iterator[tuple[str, str, list[str]]]:
        """Yield (prefix nick, command, params) until the deadline (TimeoutError)."""
        while True:
            while b"\n" in self.buf:
                raw, self.buf = self.buf.split(b"\n", 1)
                line = raw.rstrip(b"\r").decode("utf-8", "replace")
                if line.startswith("@"):
                    line = line.split(" ", 1)[1] if " " in line else ""
                prefix = ""
                if line.startswith(":"):
                    prefix, _, line = line[1:].partition(" ")
                head, sep, trailing = line.partition(" :")
                words = head.split()
                if not words:
                    continue
                params = words[1:] + ([trailing] if sep else [])
                if words[0] == "PING":
                    self.send("PONG :" + (params[-1] if params else ""))
                    continue
                yield prefix.split("!", 1)[0], words[0].upper(), params
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("no matching line in time")
            self.sock.settimeout(remaining)
            data = self.sock.recv(65536)
            if not data:
                raise ConnectionError("server closed the connection")
            self.buf += data

    def wait_welcome(self, deadline: float) -> None:
        for _nick, cmd, params in self.lines(deadline):
            if cmd == "001":
                return
            if cmd in ("432", "433", "465", "ERROR"):
                raise ServicesError(f"probe {self.nick} refused: {cmd} {params}")

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.send("QUIT :probe done")
        self.sock.close()


# ---- the network -------------------------------------------------------------------------


class ServicesNetwork:
    """InspIRCd (client port ``port``, server port ``link_port``) plus a linked Atheme."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        link_port: int = 0,
        workdir: str | os.PathLike[str] | None = None,
        timeout: float = 30.0,
    ) -> None:
        ircd, services = inspircd_binary(), atheme_binary()
        if ircd is None or services is None:
            raise ServicesError(
                "InspIRCd and Atheme are needed: apt-get install inspircd atheme-services"
            )
        self.inspircd_exe: str = ircd
        self.atheme_exe: str = services
        self.host = host
        self.port = port or _free_port(host)
        self.link_port = link_port or _free_port(host)
        while self.link_port == self.port:
            self.link_port = _free_port(host)
        self.timeout = timeout
        self.server_name = SERVER_NAME
        self.services_name = SERVICES_NAME
        self.link_password = f"link{os.getpid()}x{time.monotonic_ns() % 10**6}"
        self._own_dir = workdir is None
        self._workdir = Path(workdir) if workdir is not None else None
        self._ircd: subprocess.Popen[bytes] | None = None
        self._atheme: subprocess.Popen[bytes] | None = None
        self._logs: list[BinaryIO] = []
        self._probes = 0
        self.accounts: dict[str, str] = {}
        self.startup_seconds: float | None = None

    # -- paths and state -------------------------------------------------------------

    @property
    def workdir(self) -> Path:
        if self._workdir is None:
            self._workdir = Path(tempfile.mkdtemp(prefix="agendum-services-"))
        self._workdir.mkdir(parents=True, exist_ok=True)
        return self._workdir

    @property
    def inspircd_log(self) -> Path:
        """InspIRCd's own log (links, SASL relay, errors)."""
        return self.workdir / "inspircd.log"

    @property
    def inspircd_output(self) -> Path:
        """InspIRCd's stdout/stderr (config errors at start-up end up here)."""
        return self.workdir / "inspircd.out"

    @property
    def atheme_log(self) -> Path:
        """Atheme's log (link, registrations, SASL logins)."""
        return self.workdir / "atheme.log"

    @property
    def atheme_output(self) -> Path:
        return self.workdir / "atheme.out"

    @property
    def address(self) -> tuple[str, int]:
        return (self.host, self.port)

    @property
    def running(self) -> bool:
        return all(p is not None and p.poll() is None for p in (self._ircd, self._atheme))

    @property
    def pids(self) -> tuple[int | None, int | None]:
        return (self._ircd.pid if self._ircd else None, self._atheme.pid if self._atheme else None)

    def log_text(self, tail: int = 40) -> str:
        """Tails of every log, labelled: for failure reports."""
        parts = []
        for path in (self.inspircd_output, self.inspircd_log, self.atheme_output,
                     self.atheme_log):
            try:
                lines = path.read_text(errors="replace").splitlines()
            except OSError:
                continue
            parts.append(f"--- {path} ---\n" + "\n".join(lines[-tail:] if tail else lines))
        return "\n".join(parts)

    def __repr__(self) -> str:
        return (f"<ServicesNetwork {self.host}:{self.port} link={self.link_port} "
                f"pids={self.pids}>")

    # -- life cycle -------------------------------------------------------------------

    def _write_configs(self) -> tuple[Path, Path]:
        d = self.workdir
        (d / "motd.txt").write_text("agendum test network\n")
        values = {
            "host": self.host, "port": self.port, "link_port": self.link_port,
            "dir": d, "server": self.server_name, "services": self.services_name,
            "network": NETWORK, "link_password": self.link_password,
            "modules": _atheme_modules_dir(),
            "oper_password": OPER_PASSWORD,
        }
        ircd_conf = d / "inspircd.conf"
        ircd_conf.write_text(_INSPIRCD_CONF.format(**values))
        atheme_conf = d / "atheme.conf"
        atheme_conf.write_text(_ATHEME_CONF.format(**values))
        (d / "atheme-data").mkdir(exist_ok=True)
        return ircd_conf, atheme_conf

    def _spawn(self, cmd: list[str], out: Path) -> subprocess.Popen[bytes]:
        log = open(out, "ab")  # noqa: SIM115 - closed in _terminate
        self._logs.append(log)
        log.write(f"\n=== {time.strftime('%H:%M:%S')} starting: {' '.join(cmd)}\n".encode())
        log.flush()
        # PDEATHSIG fires when the spawning *thread* ends: only use it from the main thread.
        in_main = threading.current_thread() is threading.main_thread()
        return subprocess.Popen(
            cmd,
            preexec_fn=_PDEATHSIG if in_main else None,
            cwd=self.workdir,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own session: Ctrl-C in a terminal doesn't hit it
        )

    def start(self, *, services: bool = True) -> ServicesNetwork:
        """Start InspIRCd, then Atheme; return once services answer a client.

        ``services=False``: InspIRCd alone, no SASL to offer; ``start_services`` later.
        """
        if self.running:
            return self
        t0 = time.monotonic()
        deadline = t0 + self.timeout
        ircd_conf, _ = self._write_configs()
        _LIVE.add(self)
        try:
            if self._ircd is None or self._ircd.poll() is not None:
                cmd = [self.inspircd_exe, "--nofork", f"--config={ircd_conf}"]
                if os.geteuid() == 0:
                    cmd.append("--runasroot")
                self._ircd = self._spawn(cmd, self.inspircd_output)
                self._wait_accept(deadline)  # ports bound: Atheme can link
            if services:
                self._start_atheme(deadline)
        except BaseException as e:
            self._fail(e, t0)
            raise
        self.startup_seconds = time.monotonic() - t0
        return self

    def start_services(self) -> None:
        """Start (or restart) Atheme on the running InspIRCd: services that come late."""
        t0 = time.monotonic()
        try:
            self._check_alive()
            self._start_atheme(t0 + self.timeout)
        except BaseException as e:
            self._fail(e, t0)
            raise

    def stop_services(self) -> None:
        """Stop Atheme alone (it saves its database): the link drops, InspIRCd stays up."""
        proc, self._atheme = self._atheme, None
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)

    def _start_atheme(self, deadline: float) -> None:
        if self._atheme is not None and self._atheme.poll() is None:
            return
        d = self.workdir
        self._atheme = self._spawn(
            [self.atheme_exe, "-n", "-c", str(d / "atheme.conf"), "-D", str(d / "atheme-data"),
             "-l", str(self.atheme_log), "-p", str(d / "atheme.pid")],
            self.atheme_output,
        )
        self._wait_services(deadline)

    def _fail(self, e: BaseException, t0: float) -> None:
        """Stop everything; a start-up failure becomes one ServicesError with the logs."""
        self._terminate()
        if isinstance(e, ServicesError | OSError | TimeoutError):
            raise ServicesError(
                f"services network not ready after {time.monotonic() - t0:.1f}s: {e}\n"
                f"{self.log_text(tail=30)}"
            ) from e

    def _check_alive(self) -> None:
        for name, proc in (("inspircd", self._ircd), ("atheme", self._atheme)):
            if proc is not None and proc.poll() is not None:
                raise ServicesError(f"{name} exited with status {proc.returncode}")

    def _probe(self, deadline: float, nick: str | None = None) -> _Probe:
        self._probes += 1
        nick = nick or f"probe{os.getpid() % 10000}x{self._probes}"
        probe = _Probe(self.host, self.port, nick, timeout=max(0.1, deadline - time.monotonic()))
        try:
            probe.wait_welcome(deadline)
        except BaseException:
            probe.close()
            raise
        return probe

    def _wait_accept(self, deadline: float) -> None:
        while True:
            self._check_alive()
            try:
                socket.create_connection((self.host, self.port), timeout=0.5).close()
                return
            except OSError:
                if time.monotonic() >= deadline:
                    raise TimeoutError("InspIRCd never accepted a connection") from None
                time.sleep(0.02)

    def _wait_services(self, deadline: float) -> None:
        """Until a client registers (001) and NickServ answers its HELP (Atheme linked).

        (InspIRCd completes a registration on its one-second timer tick, so every
        client, this probe included, takes about a second to get 001.)
        """
        probe = self._probe(deadline)
        try:
            while True:
                self._check_alive()
                probe.send("PRIVMSG NickServ :HELP")
                step = min(deadline, time.monotonic() + 1.0)
                try:
                    for nick, cmd, _params in probe.lines(step):
                        if cmd == "401":  # no such nick: not linked yet
                            break
                        if cmd == "NOTICE" and nick.lower() == "nickserv":
                            return
                except TimeoutError:
                    if time.monotonic() >= deadline:
                        raise TimeoutError("NickServ never answered") from None
                time.sleep(0.1)
        finally:
            probe.close()

    def _terminate(self) -> None:
        for attr in ("_atheme", "_ircd"):
            proc: subprocess.Popen[bytes] | None = getattr(self, attr)
            setattr(self, attr, None)
            if proc is None or proc.poll() is not None:
                continue
            with contextlib.suppress(ProcessLookupError):
                proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    proc.kill()
                proc.wait(5)
        for log in self._logs:
            log.close()
        self._logs.clear()

    def stop(self) -> None:
        """Stop both daemons (SIGTERM, then SIGKILL) and remove an own scratch dir."""
        self._terminate()
        _LIVE.discard(self)
        if self._own_dir and self._workdir is not None:
            shutil.rmtree(self._workdir, ignore_errors=True)
            self._workdir = None

    def __enter__(self) -> ServicesNetwork:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __del__(self) -> None:  # last resort: never leak a daemon
        for attr in ("_atheme", "_ircd"):
            proc = getattr(self, attr, None)
            if proc is not None and proc.poll() is None:
                with contextlib.suppress(Exception):
                    proc.kill()

    # -- services ---------------------------------------------------------------------

    @contextlib.contextmanager
    def services_stalled(self) -> Iterator[None]:
        """Atheme stays linked but answers nothing (SIGSTOP ... SIGCONT).

        InspIRCd still offers ``sasl`` and relays AUTHENTICATE; nobody replies.  Keep it
        well under InspIRCd's ping frequency (120 s) or the link is dropped.
        """
        proc = self._atheme
        if proc is None or proc.poll() is not None:
            raise ServicesError("Atheme is not running")
        os.kill(proc.pid, signal.SIGSTOP)
        try:
            yield
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.kill(proc.pid, signal.SIGCONT)

    def register(self, account: str, password: str, email: str | None = None,
                 timeout: float = 15.0) -> None:
        """Register NickServ account ``account`` (no e-mail verification, no throttle).

        A probe client with nick ``account`` sends ``REGISTER <password> <email>`` and
        waits for NickServ's success notice; it then quits, so the nick is free again.
        """
        if not password or any(c.isspace() for c in password):
            raise ServicesError("NickServ REGISTER takes a password without spaces")
        deadline = time.monotonic() + timeout
        email = email or f"{account.lower()}@agendum.test"
        probe = self._probe(deadline, nick=account)
        notices: list[str] = []
        try:
            probe.send(f"PRIVMSG NickServ :REGISTER {password} {email}")
            for nick, cmd, params in probe.lines(deadline):
                if cmd == "401":
                    raise ServicesError("NickServ is not on the network")
                if cmd != "NOTICE" or nick.lower() != "nickserv":
                    continue
                text = re.sub(r"[\x02\x1f\x0f]", "", params[-1] if params else "")
                notices.append(text)
                if "is now registered to" in text:
                    self.accounts[account] = password
                    return
                if re.search(r"already registered|too many|too busy|invalid|cannot|"
                             r"can't|not |must", text, re.I):
                    raise ServicesError(f"REGISTER {account} refused: {text}")
        except TimeoutError:
            raise ServicesError(
                f"no REGISTER confirmation for {account}; NickServ said {notices}"
            ) from None
        finally:
            probe.close()


def main(argv: list[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(description="start InspIRCd + Atheme on 127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--register", nargs=2, action="append", default=[],
                    metavar=("ACCOUNT", "PASSWORD"))
    a = ap.parse_args(argv)

    def on_signal(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    with ServicesNetwork(port=a.port) as net:
        for account, password in a.register:
            net.register(account, password)
        print(f"{net!r} ready in {net.startup_seconds:.2f}s, dir {net.workdir} "
              "- Ctrl-C to stop", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            while net.running:
                time.sleep(0.5)
    return 0


if __name__ == "__main__":
    sys.exit(main())
