"""channel_values: what plugins keep beyond the replay window (saved conference descriptions)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "channel_values",
        sa.Column("network", sa.String(64), nullable=False),
        sa.Column("channel_key", sa.String(200), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(200), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("network", "channel_key", "key", name=op.f("pk_channel_values")),
    )


def downgrade() -> None:
    op.drop_table("channel_values")
