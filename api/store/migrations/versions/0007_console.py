"""The console's sessions and scenarios (schema version 7): `api.console.sessions` and
`api.console.scenarios` read and write them.

Its DDL is frozen: written out here, never taken from the current tables.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
STAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "console_sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("key_id", sa.String(32), nullable=False),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", STAMP, nullable=False),
        sa.Column("expires_at", STAMP, nullable=False),
    )
    op.create_index("ix_console_sessions_expires_at", "console_sessions", ["expires_at"])
    op.create_table(
        "console_scenarios",
        sa.Column("scenario_id", sa.String(40), primary_key=True),
        sa.Column("comparison_id", sa.String(40), nullable=False),
        sa.Column("key_id", sa.String(32), nullable=False),
        sa.Column("baseline_job_id", sa.String(40), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("difference", sa.Text, nullable=False),
        sa.Column("job_id", sa.String(40), nullable=False),
        sa.Column("created_at", STAMP, nullable=False),
    )
    op.create_index("ix_console_scenarios_comparison_id", "console_scenarios", ["comparison_id"])
