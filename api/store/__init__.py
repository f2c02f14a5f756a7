"""The service's store: API keys, quotes, usage and plan jobs, in SQLite or PostgreSQL.

database.py    Store: opening a database by URL, and every read and write
tables.py      the tables, as the latest migration leaves them
schema.py      upgrading a database in place (Alembic, migrations/versions/)
"""

from api.store.database import Store, StoredKey, StoredQuote, engine_url
from api.store.schema import head
from api.store.tables import metadata, plan_jobs, quotes, webhook_secrets

__all__ = [
    "Store",
    "StoredKey",
    "StoredQuote",
    "engine_url",
    "head",
    "metadata",
    "plan_jobs",
    "quotes",
    "webhook_secrets",
]
