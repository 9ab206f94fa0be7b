"""The ``agendum`` command line as a user runs it: a real process, real files, real databases."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.seed import SEED


def agendum(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
    )


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ("[irc]\nhost = 'h'\nport = 70000\n", "config.toml:3: irc.port"),
        ("[irc]\nchannels = ['nohash']\n", "config.toml:2: irc.channels"),
        ("[bot]\nzakim_nick = '9lives'\n", "config.toml:2: bot.zakim_nick"),
        ("[irc]\nhost = \n", "config.toml:2"),
        ("[storage]\nurl = 'not a url'\n", "config.toml:2: storage.url"),
        ("[irc]\nprot = 6667\n", "config.toml:2: irc.prot"),
    ],
)
def test_invalid_config_exits_2_naming_file_key_and_line(
    tmp_path: Path, content: str, needle: str
) -> None:
    write(tmp_path / "config.toml", content)
    for command in (["check-config"], ["run"], ["db", "upgrade"]):
        result = agendum(*command, cwd=tmp_path)
        assert result.returncode == 2, (command, result.stderr)
        assert needle in result.stderr, result.stderr


def test_missing_config_exits_2(tmp_path: Path) -> None:
    result = agendum("check-config", "-c", "nowhere.toml", cwd=tmp_path)
    assert result.returncode == 2
    assert "nowhere.toml" in result.stderr


def test_check_config_prints_settings_with_secrets_masked(tmp_path: Path) -> None:
    write(
        tmp_path / "custom.toml",
        "[irc]\npassword = 'hunter2'\nsasl_username = 'zakim'\nsasl_password = 's3cret'\n"
        "[storage]\nurl = 'postgresql+psycopg://u:dbpass@localhost/agendum'\n",
    )
    result = agendum("check-config", cwd=tmp_path, env={"AGENDUM_CONFIG": "custom.toml"})
    assert result.returncode == 0, result.stderr
    for secret in ("hunter2", "s3cret", "dbpass"):
        assert secret not in result.stdout
    assert 'irc.sasl_username = "zakim"' in result.stdout
    assert "bot.zakim_nick" in result.stdout


def test_db_upgrade_on_sqlite_and_postgresql(tmp_path: Path, db_url: str) -> None:
    write(tmp_path / "config.toml", f"[storage]\nurl = '{db_url}'\n")
    first = agendum("db", "upgrade", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "revision 0004" in first.stdout
    again = agendum("db", "upgrade", cwd=tmp_path)
    assert again.returncode == 0 and "revision 0004" in again.stdout


def test_relative_sqlite_path_resolves_next_to_the_config(tmp_path: Path) -> None:
    conf_dir = tmp_path / "etc"
    conf_dir.mkdir()
    write(conf_dir / "config.toml", "[storage]\nurl = 'sqlite:///data.db'\n")
    result = agendum("db", "upgrade", "-c", str(conf_dir / "config.toml"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (conf_dir / "data.db").exists()
    assert not (tmp_path / "data.db").exists()


def test_minutes_command_renders_a_log_file(tmp_path: Path) -> None:
    result = agendum(
        "minutes",
        "--date",
        "2024-03-07",
        "-MEMB",
        str(SEED),
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "WebML WG Teleconference" in result.stdout
    assert "Call for Consensus: WebNN API CR Snapshot" in result.stdout
    assert result.stdout.startswith("<!DOCTYPE html>")
    assert "member.css" in result.stdout  # an abbreviation, in any case, as in scribe.perl


def test_unknown_subcommand_is_a_usage_error(tmp_path: Path) -> None:
    result = agendum("frobnicate", cwd=tmp_path)
    assert result.returncode == 2
    assert "invalid choice" in result.stderr
