"""``pip install .`` gives a working agendum outside the source tree.

The wheel is built from this checkout and installed, without its dependencies, into a clean
virtual environment; the dependencies come from the test's own environment through
PYTHONPATH (which adds folders but runs no ``.pth`` file, so the checkout's editable install
stays out). Every command then runs from an empty folder, so nothing can be imported from
the tree: a module, template or migration missing from the packaging fails here.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT.parent / "shared" / "reference" / "scribe2-samples" / "sample-public.txt"
# the tree's folders and where the wheel puts them
SOURCES = {"bot": "bot", "plugins": "bot/plugins", "migrations": "bot/migrations"}


def _run(args: list[str], **kw: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, timeout=300, check=False,
                          **kw)  # type: ignore[call-overload]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    built = _run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out),
                  str(ROOT)])
    assert built.returncode == 0, built.stderr
    [found] = out.glob("agendum-*.whl")
    return found


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A clean venv with only the wheel; returns the environment to run it in."""
    venv = tmp_path_factory.mktemp("venv")
    made = _run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    assert made.returncode == 0, made.stderr
    python = venv / "bin" / "python"
    put = _run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q",
                "--no-deps", str(wheel)])
    assert put.returncode == 0, put.stderr
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "AGENDUM"))}
    env["PYTHONPATH"] = sysconfig.get_paths()["purelib"]  # the dependencies, not the tree
    env["PATH"] = f"{venv / 'bin'}:{env.get('PATH', '')}"
    return env


def test_the_wheel_holds_every_module_and_data_file(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {f"{target}/{path.relative_to(ROOT / folder)}"
                for folder, target in SOURCES.items()
                for path in (ROOT / folder).rglob("*")
                if path.is_file() and path.suffix in (".py", ".j2", ".js", ".css", ".svg", ".mako")
                and "__pycache__" not in path.parts}
    assert len(expected) > 60
    assert sorted(expected - names) == []


def test_the_installed_command_works_outside_the_tree(installed: dict[str, str],
                                                      tmp_path: Path) -> None:
    where = _run(["python", "-c", "import bot, bot.plugins, bot.migrations; print(bot.__file__)"],
                 cwd=tmp_path, env=installed)
    assert where.returncode == 0, where.stderr
    assert not where.stdout.startswith(str(ROOT)), where.stdout
    version = _run(["agendum", "--version"], cwd=tmp_path, env=installed)
    assert version.returncode == 0 and version.stdout.strip(), version.stderr


def test_the_installed_minutes_equal_the_trees(installed: dict[str, str], tmp_path: Path) -> None:
    ours = _run(["agendum", "minutes", str(SAMPLE)], cwd=tmp_path, env=installed)
    tree = _run([sys.executable, "-m", "bot", "minutes", str(SAMPLE)], cwd=ROOT)
    assert ours.returncode == 0, ours.stderr
    assert "<h1>" in ours.stdout
    assert ours.stdout == tree.stdout


def test_the_installed_bot_checks_its_config_and_migrates_a_database(
        installed: dict[str, str], tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text((ROOT / "config.example.toml").read_text())
    checked = _run(["agendum", "check-config", "-c", "config.toml"], cwd=tmp_path,
                   env=installed)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "bot.zakim_nick = " in checked.stdout
    migrated = _run(["agendum", "db", "upgrade", "-c", "config.toml"], cwd=tmp_path,
                    env=installed)
    assert migrated.returncode == 0, migrated.stdout + migrated.stderr
    assert list(tmp_path.glob("*.db")), "the example config's SQLite file was not made"
