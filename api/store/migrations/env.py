"""Alembic's environment for glocal's store: migrations run on the connection `upgrade`
hands over (`config.attributes["connection"]`), inside its transaction, which holds the
lock that keeps two processes from upgrading at once (`api.store.schema`)."""

from __future__ import annotations

from alembic import context

from api.store.tables import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata)
with context.begin_transaction():
    context.run_migrations()
