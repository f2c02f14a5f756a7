"""The heartbeat table: one row, rewritten by each readiness check (`Store.writable`), so
that a database that cannot be written is not reported ready (schema version 4).

Its DDL is frozen: written out here, never taken from the current tables.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"


def upgrade() -> None:
    op.create_table(
        "heartbeat",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("beat_at", sa.DateTime(timezone=True), nullable=False),
    )
