"""Run agendum as a real process against a real IRC server, for integration tests."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

BOOT_TIMEOUT = 20.0


class AgendumProcess:
    """``agendum run -c <config>`` in a subprocess; its output goes to ``log_path``."""

    def __init__(self, workdir: Path, *, irc_port: int, db_url: str, channels: list[str],
                 extra: str = "", zakim: str = "Zakim", rrsagent: str = "RRSAgent",
                 send_rate: float = 50.0, send_burst: int = 20, bot_extra: str = "",
                 github: str = 'api_url = "http://127.0.0.1:9"', web: str = "",
                 env: dict[str, str] | None = None) -> None:
        """``extra`` adds lines to ``[irc]``, ``bot_extra`` to ``[bot]``, ``github`` is the
        ``[github]`` section (by default a closed local port: no test reaches the internet),
        ``web`` the ``[web]`` section;
        ``env`` adds environment variables for the bot process (``AGENDUM_CLOCK_OFFSET``)."""
        self.workdir = workdir
        self.env = dict(env or {})
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.db_url = db_url
        self.publish_dir = workdir / "public"
        self.base_url = "https://example.test/pub"
        self.config_path = workdir / "config.toml"
        self.log_path = workdir / "agendum.log"
        chans = ", ".join(f'"{c}"' for c in channels)
        self.config_path.write_text(
            f"""
[irc]
host = "127.0.0.1"
port = {irc_port}
channels = [{chans}]
send_rate = {send_rate}
send_burst = {send_burst}
reconnect_min = 0.2
reconnect_max = 2.0
nick_regain_interval = 1.0
{extra}
[bot]
zakim_nick = "{zakim}"
rrsagent_nick = "{rrsagent}"
{bot_extra}

[github]
{github}

[web]
{web}

[storage]
url = "{db_url}"

[publish]
dir = "{self.publish_dir}"
base_url = "{self.base_url}"

[log]
level = "DEBUG"
""",
            encoding="utf-8",
        )
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> AgendumProcess:
        log = open(self.log_path, "ab")  # noqa: SIM115 - owned by the child process
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "run", "-c", str(self.config_path)],
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=self.workdir,
            env={**{k: v for k, v in os.environ.items() if k != "GITHUB_TOKEN"},
                 "PYTHONUNBUFFERED": "1", **self.env},
        )
        log.close()
        return self

    def terminate(self, timeout: float = 15.0) -> int:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout)

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.kill()
        self.proc.wait(10)

    def restart(self) -> AgendumProcess:
        self.kill()
        return self.start()

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def log_text(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def wait_log(self, needle: str, timeout: float = BOOT_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if needle in self.log_text():
                return
            time.sleep(0.05)
        raise AssertionError(f"{needle!r} not in agendum log:\n{self.log_text()[-3000:]}")

    def stop(self) -> None:
        if self.alive():
            try:
                self.terminate(5)
            except subprocess.TimeoutExpired:
                self.kill()
