"""The store's tables, as the latest migration leaves them (`api/store/migrations/`).

Times are aware datetimes stored in UTC (`UtcDateTime`); only a salted hash of each API
key is kept (see `api.auth`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa


class UtcDateTime(sa.types.TypeDecorator[datetime]):
    """An aware datetime, stored in UTC, read back aware (SQLite keeps no offset)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


metadata = sa.MetaData()

api_keys = sa.Table(
    "api_keys",
    metadata,
    sa.Column("key_id", sa.String(32), primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("scopes", sa.Text, nullable=False),  # space-separated
    sa.Column("salt", sa.String(64), nullable=False),  # hex
    sa.Column("key_hash", sa.String(128), nullable=False),  # hex sha256(salt + secret)
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("revoked_at", UtcDateTime),
    sa.Column("rate_per_s", sa.Float),  # NULL: the service default
    sa.Column("burst", sa.Integer),
)

quotes = sa.Table(
    "quotes",
    metadata,
    sa.Column("quote_id", sa.String(64), primary_key=True),
    sa.Column("key_id", sa.String(32), nullable=False),
    sa.Column("order_id", sa.Text, nullable=False),
    sa.Column("market", sa.String(8), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("expires_at", UtcDateTime, nullable=False, index=True),
    sa.Column("body", sa.Text, nullable=False),  # the JSON answered, as sent
    sa.Column("bookable", sa.Text),  # JSON: what booking each option takes (api.store.bookings)
)

usage = sa.Table(
    "usage",
    metadata,
    sa.Column("key_id", sa.String(32), primary_key=True),
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("route", sa.String(100), primary_key=True),
    sa.Column("requests", sa.BigInteger, nullable=False),
)

plan_jobs = sa.Table(
    "plan_jobs",
    metadata,
    sa.Column("job_id", sa.String(40), primary_key=True),
    sa.Column("key_id", sa.String(32), nullable=False),
    sa.Column("state", sa.String(16), nullable=False, index=True),
    sa.Column("idempotency_key", sa.String(255)),
    sa.Column("request_hash", sa.String(64), nullable=False),
    sa.Column("options", sa.Text, nullable=False),  # JSON
    sa.Column("input_format", sa.String(16), nullable=False),  # csv, parquet
    sa.Column("input_bytes", sa.BigInteger, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("started_at", UtcDateTime),
    sa.Column("finished_at", UtcDateTime),
    sa.Column("heartbeat_at", UtcDateTime),
    sa.Column("owner", sa.String(80)),  # the runner that holds a running job
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("cancel_requested", sa.Boolean, nullable=False),
    sa.Column("progress", sa.Text, nullable=False),  # JSON list of stages
    sa.Column("error", sa.Text),  # JSON problem document
    sa.Column("outcome", sa.Text),  # JSON: the plan's headline figures
    sa.Column("callback_url", sa.Text),
    sa.Column("callback_state", sa.String(16)),  # pending, delivered, failed
    sa.Column("callback_attempts", sa.Integer, nullable=False),
    sa.Column("callback_next_at", UtcDateTime),
    sa.Column("callback_error", sa.Text),
    sa.Column("kind", sa.String(16), nullable=False, server_default="plan"),  # plan, design
    sa.UniqueConstraint("key_id", "idempotency_key", name="uq_plan_jobs_idempotency"),
)

# One row, rewritten by each readiness check (`Store.writable`): a real write, so a
# database that cannot be written is seen not to be ready.
heartbeat = sa.Table(
    "heartbeat",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("beat_at", UtcDateTime, nullable=False),
)

webhook_secrets = sa.Table(
    "webhook_secrets",
    metadata,
    sa.Column("key_id", sa.String(32), primary_key=True),
    sa.Column("secret", sa.String(128), nullable=False),  # HMAC needs it in clear
    sa.Column("created_at", UtcDateTime, nullable=False),
)

# Learned promise models (`api.calibration`): the live one is the highest `seq`; `body` is
# the model document as posted (`glocal promise calibrate --model` writes it).
promise_models = sa.Table(
    "promise_models",
    metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("model_id", sa.String(40), nullable=False),
    sa.Column("key_id", sa.String(32), nullable=False),  # who posted it ("file": the watched file)
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("bytes", sa.BigInteger, nullable=False),
    sa.Column("body", sa.Text, nullable=False),
)

# Capacity sold per departure, in whole grams and cm3 (exact sums); the capacity a booking
# was checked against (NULL: not limited on that dimension). A row is made by the first
# booking of the departure.
departures = sa.Table(
    "departures",
    metadata,
    sa.Column("service_id", sa.String(100), primary_key=True),
    sa.Column("departure_date", sa.Date, primary_key=True),
    sa.Column("capacity_g", sa.BigInteger),
    sa.Column("capacity_cm3", sa.BigInteger),
    sa.Column("sold_g", sa.BigInteger, nullable=False),
    sa.Column("sold_cm3", sa.BigInteger, nullable=False),
)

shipments = sa.Table(
    "shipments",
    metadata,
    sa.Column("shipment_id", sa.String(40), primary_key=True),
    sa.Column("key_id", sa.String(32), nullable=False),
    sa.Column("quote_id", sa.String(64), nullable=False),
    sa.Column("option_id", sa.Text, nullable=False),
    sa.Column("idempotency_key", sa.String(255)),
    sa.Column("request_hash", sa.String(64), nullable=False),
    sa.Column("state", sa.String(16), nullable=False),  # booked, cancelled
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("cancelled_at", UtcDateTime),
    sa.Column("load_g", sa.BigInteger, nullable=False),
    sa.Column("load_cm3", sa.BigInteger, nullable=False),
    sa.Column("departures", sa.Text, nullable=False),  # JSON [[service id, ISO date], ...]
    sa.Column("body", sa.Text, nullable=False),  # JSON: the shipment as answered
    sa.UniqueConstraint("key_id", "idempotency_key", name="uq_shipments_idempotency"),
)

# The console's sessions (`api.console.sessions`): a signed-in browser holds a random token
# in a cookie; the store keeps only its sha256, the key it stands for, the session's CSRF
# token and when it ends.
console_sessions = sa.Table(
    "console_sessions",
    metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),  # hex sha256 of the cookie
    sa.Column("key_id", sa.String(32), nullable=False),
    sa.Column("csrf_token", sa.String(64), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("expires_at", UtcDateTime, nullable=False, index=True),
)

# The console's scenarios (`api.console.scenarios`): a what-if is stored as its difference
# from a baseline plan job (which is never changed) and the plan job that ran it.
console_scenarios = sa.Table(
    "console_scenarios",
    metadata,
    sa.Column("scenario_id", sa.String(40), primary_key=True),
    sa.Column("comparison_id", sa.String(40), nullable=False, index=True),
    sa.Column("key_id", sa.String(32), nullable=False),
    sa.Column("baseline_job_id", sa.String(40), nullable=False),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("difference", sa.Text, nullable=False),  # JSON: the plan options changed
    sa.Column("job_id", sa.String(40), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
)
