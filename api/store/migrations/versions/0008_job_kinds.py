"""Jobs of more than one kind (schema version 8): `plan_jobs.kind` says what a job runs,
`plan` (a batch plan, `POST /v1/plans`) or `design` (a season's lane booking design, the
console's designs page). The jobs made before it are plans.

Its DDL is frozen: written out here, never taken from the current tables.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"


def upgrade() -> None:
    op.add_column(
        "plan_jobs",
        sa.Column("kind", sa.String(16), nullable=False, server_default="plan"),
    )
