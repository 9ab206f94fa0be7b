"""full-text search over what was said: FTS5 on SQLite, a GIN tsvector index on PostgreSQL

The web side's search must stay fast with thousands of stored meetings, which a LIKE scan
does not. Neither structure is in ``bot.storage.schema``: they are the database's own, declared as
``search_index_names`` there so schema comparisons leave them alone.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("CREATE VIRTUAL TABLE events_fts USING fts5("
                   "text, content='events', content_rowid='id', tokenize='unicode61')")
        op.execute("CREATE TRIGGER events_fts_insert AFTER INSERT ON events BEGIN "
                   "INSERT INTO events_fts(rowid, text) VALUES (new.id, new.text); END")
        op.execute("INSERT INTO events_fts(events_fts) VALUES ('rebuild')")
    else:
        op.execute("CREATE INDEX ix_events_text_fts ON events "
                   "USING gin (to_tsvector('simple', text))")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER events_fts_insert")
        op.execute("DROP TABLE events_fts")
    else:
        op.execute("DROP INDEX ix_events_text_fts")
