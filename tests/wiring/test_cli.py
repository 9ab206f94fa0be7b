"""The ``agendum`` command line as a user runs it: a real process, real files, real databases."""

from __future__ import annotations

import importlib.metadata
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import pg
from tests.support.seed import SEED

AGENDUM = Path(sys.executable).parent / "agendum"


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
    assert "revision 0005" in first.stdout
    again = agendum("db", "upgrade", cwd=tmp_path)
    assert again.returncode == 0 and "revision 0005" in again.stdout


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


def test_help_is_plain_text_and_version_is_the_installed_one(tmp_path: Path) -> None:
    helped = agendum("--help", cwd=tmp_path)
    assert helped.returncode == 0 and "``" not in helped.stdout, helped.stdout
    assert "check-config" in helped.stdout
    version = agendum("--version", cwd=tmp_path)
    assert version.returncode == 0, version.stderr
    assert version.stdout == f"agendum {importlib.metadata.version('agendum')}\n"


def test_no_config_file_says_where_to_start(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "AGENDUM_CONFIG"}
    result = subprocess.run([sys.executable, "-m", "bot", "check-config"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=60, env=env)
    assert result.returncode == 2
    assert result.stderr == (
        "agendum: invalid configuration: config.toml: config file not found; to start:"
        " cp config.example.toml config.toml, or name one with -c FILE or $AGENDUM_CONFIG\n")


# Runs bot.cli as if psycopg were not installed: an import hook refuses it, as a missing
# package would. Cheaper than a throw-away venv, and the rest of the environment is the same.
WITHOUT_PSYCOPG = """
import sys

class NoPsycopg:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in ("psycopg", "psycopg2"):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)

sys.meta_path.insert(0, NoPsycopg())
from bot.cli import main
main()
"""


def test_postgresql_without_its_driver_is_refused_by_check_config(tmp_path: Path) -> None:
    write(tmp_path / "config.toml",
          "[storage]\nurl = 'postgresql+psycopg://u:s3cret@127.0.0.1/agendum'\n")
    for command in (["check-config"], ["run"], ["db", "upgrade"]):
        result = subprocess.run([sys.executable, "-c", WITHOUT_PSYCOPG, *command],
                                cwd=tmp_path, capture_output=True, text=True, timeout=60)
        assert result.returncode == 2, result.stderr
        assert result.stderr == (
            "agendum: invalid configuration: config.toml:2: storage.url: PostgreSQL needs the"
            " driver: pip install 'agendum[postgres]'\n")


@pytest.fixture
def shared_tmp() -> Iterator[Path]:
    """A folder an unprivileged user can read (pytest's tmp_path is root's own, mode 700)."""
    folder = Path(tempfile.mkdtemp(prefix="agendum-perm-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        for sub in folder.iterdir():
            sub.chmod(0o755)
        shutil.rmtree(folder)


@pytest.mark.parametrize(
    ("folders", "error"),
    [
        ({"dir": "ro"},
         "config.toml:2: publish.dir: cannot write here: {tmp}/ro: permission denied"),
        ({"dir": "ro/new/public"},
         "config.toml:2: publish.dir: cannot write here: {tmp}/ro: permission denied"),
        ({"restricted_dir": "ro/restricted"},
         "config.toml:3: publish.restricted_dir: cannot write here: {tmp}/ro: permission denied"),
        ({}, None),
    ],
)
def test_publish_folder_without_write_permission(
    shared_tmp: Path, folders: dict[str, str], error: str | None
) -> None:
    """As root, os.access says yes to everything: check as nobody, like a real daemon user."""
    (shared_tmp / "ro").mkdir(mode=0o555)
    (shared_tmp / "rw").mkdir()
    (shared_tmp / "rw").chmod(0o777)
    keys = {"dir": "rw/public", "restricted_dir": "rw/restricted", **folders}
    write(shared_tmp / "config.toml", "[publish]\n" + "".join(
        f"{key} = '{value}'\n" for key, value in keys.items()))
    (shared_tmp / "config.toml").chmod(0o644)
    as_user = (["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
               if os.geteuid() == 0 else [])
    result = subprocess.run([*as_user, str(AGENDUM), "check-config", "-c", "config.toml"],
                            cwd=shared_tmp, capture_output=True, text=True, timeout=60)
    if error is None:
        assert result.returncode == 0, result.stderr
    else:
        assert result.returncode == 2
        assert result.stderr == f"agendum: invalid configuration: {error.format(tmp=shared_tmp)}\n"


def assert_storage_fails_in_one_line(tmp_path: Path, url: str, reason: str) -> None:
    """Every command that opens the database says why in one line and exits 2."""
    write(tmp_path / "config.toml", f"[storage]\nurl = '{url}'\n")
    for command in (["run"], ["serve"], ["db", "upgrade"]):
        result = agendum(*command, cwd=tmp_path)
        assert (result.returncode, result.stderr) == (2, f"agendum: storage.url: {reason}\n"), \
            command


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("postgresql+psycopg://postgres:pw1234@127.0.0.1:1/test",
         "cannot connect to 127.0.0.1:1: connection refused"),
        ("sqlite:///afile/agendum.db", "cannot open {tmp}/afile/agendum.db: {tmp}/afile is a file"),
    ],
)
def test_unusable_storage_is_one_line_and_exit_2(tmp_path: Path, url: str, reason: str) -> None:
    write(tmp_path / "afile", "not a folder\n")
    assert_storage_fails_in_one_line(tmp_path, url, reason.format(tmp=tmp_path))


def test_missing_postgresql_database_is_one_line_and_exit_2(tmp_path: Path, pg_server: str) -> None:
    name = f"agendum_missing_{secrets.token_hex(4)}"
    url = pg.base_url().set(database=name)
    assert_storage_fails_in_one_line(
        tmp_path, url.render_as_string(hide_password=False),
        f'cannot connect to {url.host}:{url.port or 5432}: database "{name}" does not exist')
