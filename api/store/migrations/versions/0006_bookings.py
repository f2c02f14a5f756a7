"""Bookings: what each quote's options take (quotes.bookable), the capacity sold per
departure and the shipments booked (schema version 6); read and written by
`api.store.bookings`.

Its DDL is frozen: written out here, never taken from the current tables.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
STAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.add_column("quotes", sa.Column("bookable", sa.Text))
    op.create_table(
        "departures",
        sa.Column("service_id", sa.String(100), primary_key=True),
        sa.Column("departure_date", sa.Date, primary_key=True),
        sa.Column("capacity_g", sa.BigInteger),
        sa.Column("capacity_cm3", sa.BigInteger),
        sa.Column("sold_g", sa.BigInteger, nullable=False),
        sa.Column("sold_cm3", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "shipments",
        sa.Column("shipment_id", sa.String(40), primary_key=True),
        sa.Column("key_id", sa.String(32), nullable=False),
        sa.Column("quote_id", sa.String(64), nullable=False),
        sa.Column("option_id", sa.Text, nullable=False),
        sa.Column("idempotency_key", sa.String(255)),
        sa.Column("request_hash", sa.String(64), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("created_at", STAMP, nullable=False),
        sa.Column("cancelled_at", STAMP),
        sa.Column("load_g", sa.BigInteger, nullable=False),
        sa.Column("load_cm3", sa.BigInteger, nullable=False),
        sa.Column("departures", sa.Text, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.UniqueConstraint("key_id", "idempotency_key", name="uq_shipments_idempotency"),
    )
