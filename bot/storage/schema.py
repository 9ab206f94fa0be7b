"""Table definitions (SQLAlchemy Core). The schema is created and changed only by migrations;
these objects describe it for queries and for ``alembic revision --autogenerate``."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# SQLite only auto-increments an INTEGER PRIMARY KEY; PostgreSQL gets a 64-bit identity.
BigId = BigInteger().with_variant(Integer(), "sqlite")

events = Table(
    "events",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("network", String(64), nullable=False),
    Column("channel", String(200), nullable=False),
    Column("channel_key", String(200), nullable=False),
    Column("ts", DateTime(), nullable=False),  # UTC, naive
    Column("kind", String(16), nullable=False),
    Column("nick", String(100), nullable=False),
    Column("text", Text(), nullable=False),
    Column("from_bot", Boolean(), nullable=False),
    Column("msgid", String(128), nullable=True),
    Index("ix_events_network_channel_key_ts", "network", "channel_key", "ts"),
)

channels = Table(
    "channels",
    metadata,
    Column("network", String(64), primary_key=True),
    Column("persona", String(16), primary_key=True),
    Column("channel_key", String(200), primary_key=True),
    Column("channel", String(200), nullable=False),
    Column("joined", Boolean(), nullable=False),
    Column("updated_at", DateTime(), nullable=False),
)

# Values a plugin keeps beyond the replay window ("save this conference description").
channel_values = Table(
    "channel_values",
    metadata,
    Column("network", String(64), primary_key=True),
    Column("channel_key", String(200), primary_key=True),
    Column("key", String(64), primary_key=True),
    Column("channel", String(200), nullable=False),
    Column("value", Text(), nullable=False),
    Column("updated_at", DateTime(), nullable=False),
)

# The plugins' state after the network's events up to ``event_id`` (bot.core.snapshot): a
# cache that spares a restart the replay of the whole window; never the truth.
snapshots = Table(
    "snapshots",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("network", String(64), nullable=False),
    Column("version", String(64), nullable=False),  # bot.core.snapshot.version of the writer
    Column("event_id", BigInteger(), nullable=False),  # the last event folded in
    Column("created_at", DateTime(), nullable=False),  # UTC, naive, the bot's clock
    Column("payload", Text(), nullable=False),
    Index("ix_snapshots_network_id", "network", "id"),
)


# Full-text search structures that migration 0003 creates with the database's own DDL
# (SQLite FTS5, a PostgreSQL GIN index); schema comparisons must leave them alone.
SEARCH_INDEX_NAMES = ("events_fts", "ix_events_text_fts")


def is_declared(name: str | None) -> bool:
    """False for the search structures above (``events_fts`` and its shadow tables)."""
    return not (name or "").startswith(SEARCH_INDEX_NAMES)
