"""api/store/schema.py: a database brought to the latest revision in place (Alembic), on
a real SQLite file and a real PostgreSQL when one is configured: a new one, one of an
earlier revision, one made before Alembic, and one of a later glocal, refused."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from api.auth import new_key
from api.jobs.records import JobRecords
from api.store import (
    Store,
    engine_url,
    head,
    heartbeat,
    metadata,
    plan_jobs,
    promise_models,
    quotes,
    webhook_secrets,
)
from api.store.tables import console_scenarios, console_sessions, departures, shipments
from carriers.errors import StoreError
from tests.api.jobs.conftest import a_job
from tests.api.store.conftest import NOW, quote_row

CONSOLE = (console_sessions, console_scenarios)  # version 7's

# The schema glocal 0.1 wrote (version 1, before Alembic): an in-place upgrade starts there.
V1_DDL = (
    "CREATE TABLE glocal_schema (version INTEGER PRIMARY KEY, applied_at TIMESTAMP NOT NULL)",
    "CREATE TABLE api_keys (key_id VARCHAR(32) PRIMARY KEY, name TEXT NOT NULL, "
    "scopes TEXT NOT NULL, salt VARCHAR(64) NOT NULL, key_hash VARCHAR(128) NOT NULL, "
    "created_at TIMESTAMP NOT NULL, revoked_at TIMESTAMP)",
    "CREATE TABLE quotes (quote_id VARCHAR(64) PRIMARY KEY, key_id VARCHAR(32) NOT NULL, "
    "order_id TEXT NOT NULL, market VARCHAR(8) NOT NULL, created_at TIMESTAMP NOT NULL, "
    "expires_at TIMESTAMP NOT NULL, body TEXT NOT NULL)",
    "INSERT INTO glocal_schema VALUES (1, '2026-01-01 00:00:00')",
    "INSERT INTO api_keys VALUES ('0123456789ab', 'old', 'quote', 'aa', 'bb', "
    "'2026-01-01 00:00:00', NULL)",
)


def test_fresh_database_is_migrated_to_the_latest_and_upgrade_is_idempotent(
    database_url: str,
) -> None:
    """An empty database runs every migration; upgrading again changes nothing; the
    migrated database takes the readiness check's write (its heartbeat table is there)."""
    store = Store(database_url)
    assert store.version() is None
    assert store.upgrade() == head() == "0008"
    assert store.upgrade() == head()
    assert store.version() == head()
    assert store.writable()
    store.dispose()


def test_the_migrations_build_exactly_the_tables_the_store_describes(store: Store) -> None:
    """Alembic's own comparison finds no difference between the migrated database and
    api.store.tables (columns, types, nullability, indexes, constraints)."""
    with store.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []


def test_a_database_of_the_last_release_upgrades_in_place(database_url: str) -> None:
    """A database made by glocal before Alembic (version 3: its tables as create_all made
    them, all but the later heartbeat and promise models, stamped in glocal_schema) is
    taken over in place:
    every row kept, the legacy version table replaced by Alembic's, the schema the same as
    a new database's. (The tables of later revisions, quotes.bookable and plan_jobs.kind are
    left out; the job kept is a plan.)"""
    engine = sa.create_engine(engine_url(database_url))
    made = NOW - timedelta(days=3)
    with engine.begin() as conn:
        later = (heartbeat, promise_models, departures, shipments, *CONSOLE)
        metadata.create_all(conn, tables=[t for t in metadata.sorted_tables if t not in later])
        conn.execute(sa.text("ALTER TABLE quotes DROP COLUMN bookable"))
        conn.execute(sa.text("ALTER TABLE plan_jobs DROP COLUMN kind"))  # version 8's
        conn.execute(sa.text("CREATE TABLE glocal_schema (version INTEGER PRIMARY KEY, "
                             "applied_at TIMESTAMP NOT NULL)"))  # fmt: skip
        conn.execute(sa.text("INSERT INTO glocal_schema VALUES (3, '2026-11-01 00:00:00')"))
        legacy_quote = {
            k: v for k, v in vars(quote_row("q_kept", "k1", made)).items() if k != "bookable"
        }
        conn.execute(quotes.insert(), [legacy_quote])
        conn.execute(plan_jobs.insert(), [a_plan_job()])
    engine.dispose()
    store = Store(database_url)
    key = new_key("old", ["quote"], now=NOW)
    store.add_key(key.stored)
    assert store.version() == "0003"
    assert store.upgrade() == head()
    assert store.version() == head()
    assert not sa.inspect(store.engine).has_table("glocal_schema")
    assert store.quote("q_kept", now=NOW) == quote_row("q_kept", "k1", made)
    assert store.key(key.stored.key_id) == key.stored
    with store.engine.connect() as conn:
        assert conn.execute(sa.select(plan_jobs.c.job_id)).scalars().all() == ["plan_kept"]
        assert conn.execute(sa.select(plan_jobs.c.kind)).scalars().all() == ["plan"]
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []
    store.dispose()


def a_plan_job() -> dict[str, object]:
    return {
        "job_id": "plan_kept", "key_id": "k1", "state": "done", "idempotency_key": None,
        "request_hash": "h", "options": "{}", "input_format": "csv", "input_bytes": 10,
        "created_at": NOW, "attempts": 1, "cancel_requested": False, "progress": "[]",
        "callback_attempts": 0,
    }  # fmt: skip


def test_upgrade_from_version_1_keeps_the_keys(database_url: str) -> None:
    """A version-1 database is upgraded in place: old keys survive, new columns appear."""
    engine = sa.create_engine(engine_url(database_url))
    with engine.begin() as conn:
        for statement in V1_DDL:
            conn.execute(sa.text(statement))
    engine.dispose()
    store = Store(database_url)
    assert store.version() == "0001"
    store.upgrade()
    assert store.version() == head()
    old = store.key("0123456789ab")
    assert old is not None and old.name == "old" and old.rate_per_s is None
    assert old.created_at == datetime(2026, 1, 1, tzinfo=UTC)
    store.add_usage({("0123456789ab", date(2026, 11, 26), "/v1/quotes"): 3})
    assert store.requests_by_key() == {"0123456789ab": 3}
    store.dispose()


def test_a_newer_schema_is_refused(store: Store) -> None:
    """A database written by a later glocal (a revision this one does not know) is not
    touched."""
    with store.engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '0099'"))
    with pytest.raises(StoreError, match="newer glocal"):
        store.upgrade()
    assert store.version() == "0099"


def test_the_v3_upgrade_adds_the_plan_tables_as_a_fresh_database_has_them(
    database_url: str,
) -> None:
    """An existing (version 2, before Alembic) database gains plan_jobs and
    webhook_secrets in place, with the columns and types of a fresh one, and works."""
    store = Store(database_url)
    with store.engine.begin() as conn:
        later = (
            plan_jobs,
            webhook_secrets,
            heartbeat,
            promise_models,
            departures,
            shipments,
            *CONSOLE,
        )
        metadata.create_all(conn, tables=[t for t in metadata.sorted_tables if t not in later])
        conn.execute(sa.text("ALTER TABLE quotes DROP COLUMN bookable"))  # version 5's
        conn.execute(sa.text("CREATE TABLE glocal_schema (version INTEGER PRIMARY KEY, "
                             "applied_at TIMESTAMP NOT NULL)"))  # fmt: skip
        conn.execute(sa.text("INSERT INTO glocal_schema VALUES (1, '2026-01-01 00:00:00')"))
        conn.execute(sa.text("INSERT INTO glocal_schema VALUES (2, '2026-02-01 00:00:00')"))
    assert store.version() == "0002"
    assert store.upgrade() == head() == "0008"
    inspector = sa.inspect(store.engine)
    for table in (plan_jobs, webhook_secrets):
        found = {c["name"]: c for c in inspector.get_columns(table.name)}
        assert list(found) == [c.name for c in table.columns]
        for column in table.columns:
            assert found[column.name]["nullable"] == column.nullable, column.name
    records = JobRecords(store)
    assert records.create(a_job("plan_up", idempotency_key="x"))[1]
    assert not records.create(a_job("plan_up2", idempotency_key="x"))[1]
    store.dispose()


def test_servers_starting_together_upgrade_a_new_database_once(database_url: str) -> None:
    """Four stores upgrading one empty database at the same moment (workers starting
    together) all reach the latest revision, without an error and with one set of tables."""
    stores = [Store(database_url) for _ in range(4)]
    with ThreadPoolExecutor(len(stores)) as pool:
        assert list(pool.map(Store.upgrade, stores)) == [head()] * 4
    with stores[0].engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []
        versions = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalars()
        assert list(versions) == [head()]
    for store in stores:
        store.dispose()
