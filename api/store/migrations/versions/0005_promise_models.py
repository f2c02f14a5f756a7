"""Learned promise models posted to the server (`POST /v1/promise-calibrations`), one row
per calibration, the live one the highest `seq` (schema version 5); read and written by
`api.calibration.records`.

Its DDL is frozen: written out here, never taken from the current tables.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"


def upgrade() -> None:
    op.create_table(
        "promise_models",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("model_id", sa.String(40), nullable=False),
        sa.Column("key_id", sa.String(32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("bytes", sa.BigInteger, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
    )
