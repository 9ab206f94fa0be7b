"""snapshots: the plugins' state at an event id, so a restart replays only what came after

Each row holds every plugin's state (``bot.core.snapshot``, versioned JSON) after folding
the network's events up to ``event_id``; ``version`` names the code that wrote it, and a
bot whose version differs ignores the row and replays its whole window. Rows are only a
cache: dropping them (or this table, on downgrade) loses nothing but start-up time.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-08
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "snapshots",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False,
                  autoincrement=True),
        sa.Column("network", sa.String(64), nullable=False),
        sa.Column("version", sa.String(64), nullable=False),
        sa.Column("event_id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_snapshots")),
    )
    op.create_index("ix_snapshots_network_id", "snapshots", ["network", "id"])


def downgrade() -> None:
    op.drop_index("ix_snapshots_network_id", table_name="snapshots")
    op.drop_table("snapshots")
