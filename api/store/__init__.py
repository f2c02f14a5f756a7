"""The service's store: API keys, quotes, usage, plan jobs, promise models, bookings and
the console's sessions and scenarios, in SQLite or PostgreSQL.

database.py    Store: checking a database URL, opening it, and every read and write
faults.py      a failure of the database (not of the request) as StoreUnavailable
tables.py      the tables, as the latest migration leaves them
schema.py      upgrading a database in place (Alembic, migrations/versions/)
bookings.py    shipments and the capacity they sold per departure, never oversold
"""

from api.store.bookings import (
    CapacityExhausted,
    DepartureRow,
    Shipment,
    ShipmentStore,
    Take,
)
from api.store.database import Store, StoredKey, StoredQuote, check_database_url, engine_url
from api.store.schema import head
from api.store.tables import (
    console_scenarios,
    console_sessions,
    heartbeat,
    metadata,
    plan_jobs,
    promise_models,
    quotes,
    webhook_secrets,
)

__all__ = [
    "CapacityExhausted",
    "DepartureRow",
    "Shipment",
    "ShipmentStore",
    "Store",
    "StoredKey",
    "StoredQuote",
    "Take",
    "check_database_url",
    "console_scenarios",
    "console_sessions",
    "engine_url",
    "head",
    "heartbeat",
    "metadata",
    "plan_jobs",
    "promise_models",
    "quotes",
    "webhook_secrets",
]
