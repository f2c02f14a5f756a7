"""Plan jobs (state, progress, webhook delivery) and one webhook signing secret per API
key (schema version 3); read and written by `api.jobs`.

Its DDL is frozen: written out here, never taken from the current tables.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
STAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "plan_jobs",
        sa.Column("job_id", sa.String(40), primary_key=True),
        sa.Column("key_id", sa.String(32), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("idempotency_key", sa.String(255)),
        sa.Column("request_hash", sa.String(64), nullable=False),
        sa.Column("options", sa.Text, nullable=False),
        sa.Column("input_format", sa.String(16), nullable=False),
        sa.Column("input_bytes", sa.BigInteger, nullable=False),
        sa.Column("created_at", STAMP, nullable=False),
        sa.Column("started_at", STAMP),
        sa.Column("finished_at", STAMP),
        sa.Column("heartbeat_at", STAMP),
        sa.Column("owner", sa.String(80)),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("cancel_requested", sa.Boolean, nullable=False),
        sa.Column("progress", sa.Text, nullable=False),
        sa.Column("error", sa.Text),
        sa.Column("outcome", sa.Text),
        sa.Column("callback_url", sa.Text),
        sa.Column("callback_state", sa.String(16)),
        sa.Column("callback_attempts", sa.Integer, nullable=False),
        sa.Column("callback_next_at", STAMP),
        sa.Column("callback_error", sa.Text),
        sa.UniqueConstraint("key_id", "idempotency_key", name="uq_plan_jobs_idempotency"),
    )
    op.create_index("ix_plan_jobs_state", "plan_jobs", ["state"])
    op.create_table(
        "webhook_secrets",
        sa.Column("key_id", sa.String(32), primary_key=True),
        sa.Column("secret", sa.String(128), nullable=False),
        sa.Column("created_at", STAMP, nullable=False),
    )
