"""The schema exists only through migrations, and they match what the code describes."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from bot.schema import is_declared, metadata
from bot.store import upgrade


def test_migrations_match_the_declared_schema(db_url: str) -> None:
    assert upgrade(db_url) == "0003"
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
    root = Path(__file__).resolve().parents[1]
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
        "bot/static/live.js",
        "bot/templates/web_index.html.j2",
        "bot/plugins/agenda.py",
        "bot/templates/scribe.html.j2",
        "bot/scribe/engine.py",
    ):
        assert needed in names
