"""The drafting child (``bot.publish.draft``, started by ``bot.publish.worker``): real child
processes on a real SQLite file. It writes what ``publish_day`` writes in-process, and every
way it can fail comes back as a short reason for the channel and one line for the log."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.core.events import Event, Kind
from bot.core.plugin import Settings
from bot.publish.draft import publish_day
from bot.publish.worker import CannotWrite, DraftFailed, Job, _outcome, run_job
from bot.storage.store import Store, upgrade

NETWORK, CHANNEL, DAY = "net", "#wg", "2024-03-07"
SETTINGS = Settings(nicks={"zakim": "Zakim", "rrsagent": "RRSAgent", "gb": "gb"},
                    base_url="https://example.test/pub")


@pytest.fixture
def url(sqlite_url: str) -> Iterator[str]:
    """A SQLite store with a short meeting of DAY, RRSAgent logging."""
    upgrade(sqlite_url)
    store = Store.open(sqlite_url)
    at = datetime(2024, 3, 7, 14, tzinfo=UTC)
    said = [(Kind.JOIN, "RRSAgent", ""), (Kind.MESSAGE, "alice", "Meeting: Budget"),
            (Kind.MESSAGE, "alice", "Topic: costs"), (Kind.MESSAGE, "bob", "they rose, café"),
            (Kind.MESSAGE, "bob", "RESOLUTION: adopt it")]
    store.insert_events([Event(at.replace(minute=i), NETWORK, CHANNEL, kind, nick, text)
                         for i, (kind, nick, text) in enumerate(said)])
    store.close()
    yield sqlite_url


def job(url: str, root: Path) -> Job:
    return Job(url=url, network=NETWORK, channel=CHANNEL, day=DAY, settings=SETTINGS,
               roots={"public": root / "public", "member": root / "r" / "member",
                      "team": root / "r" / "team"})


def contents(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): p.read_text(encoding="utf-8")
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_the_child_writes_what_publish_day_writes_here(url: str, tmp_path: Path) -> None:
    written = asyncio.run(run_job(job(url, tmp_path / "child")))
    store = Store.open(url)
    try:
        publish_day(store, job(url, tmp_path / "here"))
    finally:
        store.close()
    assert sorted(Path(f).name for f in written) == [
        f"07-wg-{s}" for s in ("irc.html", "irc.txt", "minutes.html", "minutes.json",
                               "minutes.md")]
    child, here = contents(tmp_path / "child"), contents(tmp_path / "here")
    assert child == here
    assert "adopt it" in child["public/2024/03/07-wg-minutes.html"]


def test_a_publish_folder_that_is_a_file_is_named(url: str, tmp_path: Path) -> None:
    (tmp_path / "public").write_text("not a folder")
    with pytest.raises(CannotWrite) as failed:
        asyncio.run(run_job(job(url, tmp_path)))
    assert str(failed.value) == "the publish folder cannot be written (not a directory)"
    assert failed.value.log.startswith(f"cannot write {tmp_path / 'public'}")
    assert failed.value.log.endswith(": not a directory")


def test_a_database_that_cannot_be_read_is_said(tmp_path: Path) -> None:
    missing = f"sqlite:///{tmp_path / 'no' / 'such.db'}"
    with pytest.raises(DraftFailed) as failed:
        asyncio.run(run_job(job(missing, tmp_path)))
    assert str(failed.value) == ("the log cannot be read from the database (unable to open "
                                 "database file)")
    assert not (tmp_path / "public").exists()


def test_a_child_that_takes_too_long_is_stopped(url: str, tmp_path: Path) -> None:
    with pytest.raises(DraftFailed) as failed:
        asyncio.run(run_job(job(url, tmp_path), timeout=0.05))
    assert str(failed.value) == "drawing the minutes took longer than 0 s"
    assert failed.value.log == "the minutes worker was stopped after 0 s"


def test_a_bug_in_the_child_says_see_my_log_and_logs_its_traceback() -> None:
    traceback = ('Traceback (most recent call last):\n  File "x.py", line 1, in <module>\n'
                 "KeyError: 'day'")
    with pytest.raises(DraftFailed) as failed:
        _outcome(1, "", traceback)
    assert str(failed.value) == "something went wrong drawing the minutes (see my log)"
    assert failed.value.log.startswith("the minutes worker failed with status 1: KeyError: "
                                       "'day'\nTraceback")


def test_a_killed_child_is_named_by_its_signal() -> None:
    with pytest.raises(DraftFailed) as failed:
        _outcome(-15, "", "")
    assert str(failed.value) == "the process drawing them was killed (SIGTERM)"
    assert failed.value.log == "the minutes worker was killed by SIGTERM"
