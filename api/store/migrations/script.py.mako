"""${message}

Revision ${up_revision}, after ${down_revision | comma,n}. Its DDL is frozen: written out
here, never taken from the current tables (those describe the latest revision only).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = ${repr(up_revision)}
down_revision = ${repr(down_revision)}


def upgrade() -> None:
    ${upgrades if upgrades else "pass"}
