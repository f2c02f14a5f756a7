"""Per-key rate limits (api_keys.rate_per_s, .burst) and the usage table (schema version 2).

Its DDL is frozen: written out here, never taken from the current tables.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    op.add_column("api_keys", sa.Column("rate_per_s", sa.Float))
    op.add_column("api_keys", sa.Column("burst", sa.Integer))
    op.create_table(
        "usage",
        sa.Column("key_id", sa.String(32), primary_key=True),
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("route", sa.String(100), primary_key=True),
        sa.Column("requests", sa.BigInteger, nullable=False),
    )
