"""A real ZNC bouncer between a test IRC server and agendum, on 127.0.0.1.

One ZNC user per persona (``zakim``, ``rrsagent``, ``gb``: ZNC takes the user from the
client's USER line, and agendum sends the persona's nick there), all with one password
(agendum's ``[irc] password``, sent as PASS), each with a network pointing at the upstream
server and the test channel. While no client is attached ZNC keeps the channel's lines and
plays them back on attach, with ``server-time`` and in a ``znc.in/playback`` batch (with
``auto_clear=False`` it keeps them while a client is attached too).

Debian package ``znc``; its system service is not used: config and data live in ``workdir``,
ZNC runs in the foreground, bound to 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

USERS = ("zakim", "rrsagent", "gb")


def available() -> bool:
    return shutil.which("znc") is not None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


_USER = """
<User {user}>
    <Pass password>
        Method = plain
        Hash = {password}
    </Pass>
    Nick = {nick}
    AltNick = {nick}_
    Ident = {user}
    RealName = {nick} via ZNC
    Admin = false
    ChanBufferSize = {buffer}
    AutoClearChanBuffer = {auto_clear}
    MultiClients = true
    <Network test>
        Server = 127.0.0.1 {upstream}
        FloodRate = 1000.00
        FloodBurst = 1000
        <Chan {channel}>
            Buffer = {buffer}
        </Chan>
    </Network>
</User>
"""


class Znc:
    """``with Znc(upstream_port, "#meeting", nicks={"zakim": "Zakim", ...}) as znc: znc.port``"""

    def __init__(self, upstream: int, channel: str, nicks: dict[str, str], *,
                 password: str = "bouncer-secret", buffer: int = 5000,
                 auto_clear: bool = True) -> None:
        """``auto_clear``: ZNC's AutoClearChanBuffer (false keeps the buffer while attached,
        so a playback overlaps what the client has seen)."""
        self.upstream, self.channel, self.nicks = upstream, channel, nicks
        self.password, self.buffer = password, buffer
        self.auto_clear = auto_clear
        self.port = _free_port()
        self.workdir = Path(tempfile.mkdtemp(prefix="agendum-znc-"))
        self.proc: subprocess.Popen[bytes] | None = None

    def _config(self) -> str:
        users = "".join(_USER.format(user=user, nick=nick, password=self.password,
                                     buffer=self.buffer, upstream=self.upstream,
                                     auto_clear=str(self.auto_clear).lower(),
                                     channel=self.channel)
                        for user, nick in self.nicks.items())
        return f"""Version = 1.8.2
MaxBufferSize = {self.buffer}
ConnectDelay = 0
ServerThrottle = 0
<Listener test>
    Host = 127.0.0.1
    Port = {self.port}
    IPv4 = true
    IPv6 = false
    SSL = false
    AllowIRC = true
    AllowWeb = false
</Listener>
{users}"""

    @property
    def log_path(self) -> Path:
        return self.workdir / "znc.out"

    def start(self) -> Znc:
        (self.workdir / "configs").mkdir(parents=True, exist_ok=True)
        (self.workdir / "configs" / "znc.conf").write_text(self._config())
        cmd = ["znc", "--foreground", f"--datadir={self.workdir}"]
        drop: dict[str, Any] = {}
        if os.geteuid() == 0:  # as root ZNC waits 30 s before it starts: run it as nobody
            nobody = pwd.getpwnam("nobody")
            for path in [self.workdir, *self.workdir.rglob("*")]:
                os.chown(path, nobody.pw_uid, nobody.pw_gid)
            drop = {"user": nobody.pw_uid, "group": nobody.pw_gid, "extra_groups": []}
        with open(self.log_path, "ab") as out:
            self.proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, start_new_session=True,
                                         **drop)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"znc exited with {self.proc.returncode}: "
                                   f"{self.log_path.read_text(errors='replace')[-2000:]}")
            with contextlib.suppress(OSError):
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return self
            time.sleep(0.1)
        raise RuntimeError(f"znc did not listen on {self.port}: {self.log_text()}")

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-3000:]
        except OSError:
            return ""

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> Znc:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
