"""The schema exists only through migrations, and they match what the code describes."""

from __future__ import annotations

import importlib.resources
import subprocess
import sys
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config as AlembicConfig
from alembic.migration import MigrationContext
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

from bot.core.events import Event, Kind
from bot.storage import store as store_module
from bot.storage.schema import is_declared, metadata
from bot.storage.store import Store, make_engine, upgrade


def test_migrations_match_the_declared_schema(db_url: str) -> None:
    assert upgrade(db_url) == "0005"
    engine = create_engine(db_url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={
            "compare_type": True,
            "include_name": lambda name, type_, parent: is_declared(name)})
        diffs = compare_metadata(context, metadata)
    engine.dispose()
    assert diffs == []


def test_wheel_installs_one_import_package_with_plugins_migrations_and_templates(
    tmp_path: Path,
) -> None:
    root = Path(__file__).resolve().parents[2]
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps",
         "-w", str(tmp_path), str(root)],
        check=True, capture_output=True, timeout=300,
    )
    (wheel,) = tmp_path.glob("agendum-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    tops = {n.split("/", 1)[0] for n in names}
    assert {t for t in tops if not t.endswith(".dist-info")} == {"bot"}
    for needed in (
        "bot/plugins/queue.py",
        "bot/migrations/env.py",
        "bot/migrations/versions/0001_events_and_channels.py",
        "bot/migrations/versions/0002_channel_values.py",
        "bot/migrations/versions/0003_full_text_search.py",
        "bot/migrations/versions/0004_index_search_off_the_insert.py",
        "bot/static/live.js",
        "bot/templates/web_index.html.j2",
        "bot/plugins/agenda.py",
        "bot/templates/scribe.html.j2",
        "bot/scribe/engine.py",
    ):
        assert needed in names


def _migrate(url: str, to: str) -> None:
    """``alembic upgrade`` or ``downgrade`` to revision ``to``, as ``upgrade`` runs it."""
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(importlib.resources.files("bot.migrations")))
    engine = make_engine(url, foreign_keys=False, poolclass=NullPool)
    try:
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            current = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
            (command.upgrade if str(current) < to else command.downgrade)(cfg, to)
    finally:
        engine.dispose()


def _said(store: Store, *texts: str) -> None:
    t = datetime(2026, 1, 5, 12, tzinfo=UTC)
    store.insert_events([Event(t, "net", "#wg", Kind.MESSAGE, "alice", x) for x in texts])


def _found(store: Store, word: str) -> list[str]:
    """The texts the search index finds ``word`` in (SQLite's FTS5, PostgreSQL's tsvector)."""
    sql = ("SELECT e.text FROM events_fts JOIN events e ON e.id = events_fts.rowid "
           "WHERE events_fts MATCH ? ORDER BY e.id" if store.engine.dialect.name == "sqlite"
           else "SELECT text FROM events WHERE to_tsvector('simple', text) @@ "
           "to_tsquery('simple', %s) ORDER BY id")
    with store.engine.connect() as conn:
        return [row[0] for row in conn.exec_driver_sql(sql, (word,))]


def _triggers(store: Store) -> list[str]:
    with store.engine.connect() as conn:
        if store.engine.dialect.name == "sqlite":
            sql = "SELECT name FROM sqlite_master WHERE type = 'trigger'"
        else:
            sql = "SELECT tgname FROM pg_trigger WHERE tgrelid = 'events'::regclass"
        return [row[0] for row in conn.exec_driver_sql(sql)]


def test_0004_takes_indexing_off_the_insert_and_its_downgrade_puts_it_back(db_url: str) -> None:
    assert upgrade(db_url) == "0005"
    store = Store.open(db_url)
    try:
        _migrate(db_url, "0003")
        assert _triggers(store) == (["events_fts_insert"] if "sqlite" in db_url else [])
        _said(store, "walnut indexed by the trigger")
        assert _found(store, "walnut") == ["walnut indexed by the trigger"]

        _migrate(db_url, "0004")
        assert _triggers(store) == []
        _said(store, "walnut stored after 0004", "walnut stored after 0004 too")
        sqlite = store.engine.dialect.name == "sqlite"
        # SQLite: inserting no longer indexes (index_pending does); PostgreSQL: as before
        assert _found(store, "walnut") == ["walnut indexed by the trigger"] + (
            [] if sqlite else ["walnut stored after 0004", "walnut stored after 0004 too"])

        _migrate(db_url, "0003")  # indexes what 0004 left unindexed, then the trigger again
        assert _triggers(store) == (["events_fts_insert"] if sqlite else [])
        _said(store, "walnut after the downgrade")
        assert _found(store, "walnut") == [
            "walnut indexed by the trigger", "walnut stored after 0004",
            "walnut stored after 0004 too", "walnut after the downgrade"]
        assert store.index_pending() == 0
        assert upgrade(db_url) == "0005"
    finally:
        store.close()


def test_the_head_read_from_the_files_is_alembics_head() -> None:
    from alembic.script import ScriptDirectory

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(importlib.resources.files("bot.migrations")))
    assert store_module.head_revision() == ScriptDirectory.from_config(cfg).get_current_head()


def test_a_start_on_a_database_at_head_starts_no_migration_child(
        db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A restart must not pay a second for Python and Alembic in a child; an older database
    still gets one."""
    assert store_module.current_revision(db_url) is None
    assert store_module.upgrade_in_child(db_url) == "0005"  # a fresh database: the child
    _migrate(db_url, "0004")
    assert store_module.upgrade_in_child(db_url) == "0005"  # one migration behind: the child

    def no_child(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"a migration child was started: {args}")

    monkeypatch.setattr(store_module.subprocess, "run", no_child)
    assert store_module.current_revision(db_url) == "0005"
    assert store_module.upgrade_in_child(db_url) == "0005"
