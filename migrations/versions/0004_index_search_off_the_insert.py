"""index SQLite's full-text search off the insert path: drop the trigger of 0003

The ``AFTER INSERT`` trigger indexed every event inside the insert, which tripled its cost
(55 against 18.6 µs of CPU per row in batches of 500) and halved the bot's ingest during a
flood, its writer thread sharing the GIL with the IRC loop. ``events_fts`` stays; the rows
it lacks are indexed by ``Store.index_pending``: the bot's writer calls it when idle and at
close, the web side before a search. Events are append-only, so the highest id indexed is
where indexing resumes. PostgreSQL maintains its GIN index itself: nothing changes there.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER events_fts_insert")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # events_fts_docsize (a row per indexed event) knows what is indexed: events_fts
        # itself, with external content, would answer max(rowid) from events.
        op.execute("INSERT INTO events_fts(rowid, text) SELECT id, text FROM events "
                   "WHERE id > (SELECT coalesce(max(id), 0) FROM events_fts_docsize) ORDER BY id")
        op.execute("CREATE TRIGGER events_fts_insert AFTER INSERT ON events BEGIN "
                   "INSERT INTO events_fts(rowid, text) VALUES (new.id, new.text); END")
