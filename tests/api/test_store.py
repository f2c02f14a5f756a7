"""api/store on a real SQLite file, and on a real PostgreSQL when one is configured."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from api.auth import new_key
from api.store import Store, StoredQuote, engine_url, head, metadata, plan_jobs, quotes
from carriers.errors import StoreError

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
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


@pytest.fixture
def store(database_url: str) -> Store:
    s = Store(database_url)
    s.upgrade()
    yield s
    s.dispose()


def quote_row(quote_id: str, key_id: str, created: datetime, days: int = 30) -> StoredQuote:
    body = json.dumps({"quote_id": quote_id, "options": [{"total": {"amount": "12.30"}}]})
    return StoredQuote(quote_id, key_id, "o-1", "ES", created, created + timedelta(days=days), body)


def test_fresh_database_is_migrated_to_the_latest_and_upgrade_is_idempotent(
    database_url: str,
) -> None:
    """An empty database runs every migration; upgrading again changes nothing."""
    store = Store(database_url)
    assert store.version() is None
    assert store.upgrade() == head() == "0003"
    assert store.upgrade() == head()
    assert store.version() == head()
    assert store.ping()
    store.dispose()


def test_the_migrations_build_exactly_the_tables_the_store_describes(store: Store) -> None:
    """Alembic's own comparison finds no difference between the migrated database and
    api.store.tables (columns, types, nullability, indexes, constraints)."""
    with store.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []


def test_a_database_of_the_last_release_upgrades_in_place(database_url: str) -> None:
    """A database made by glocal before Alembic (version 3: its tables as create_all made
    them, stamped in glocal_schema) is taken over in place: every row kept, the legacy
    version table replaced by Alembic's, the schema the same as a new database's."""
    engine = sa.create_engine(engine_url(database_url))
    made = NOW - timedelta(days=3)
    with engine.begin() as conn:
        metadata.create_all(conn)
        conn.execute(sa.text("CREATE TABLE glocal_schema (version INTEGER PRIMARY KEY, "
                             "applied_at TIMESTAMP NOT NULL)"))  # fmt: skip
        conn.execute(sa.text("INSERT INTO glocal_schema VALUES (3, '2026-11-01 00:00:00')"))
        conn.execute(quotes.insert(), [vars(quote_row("q_kept", "k1", made))])
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


def test_keys_round_trip_and_revoke(store: Store) -> None:
    """A key reads back as written (aware UTC times, scopes, limits); revoking is once."""
    made = new_key("checkout", ["quote", "promise"], rate_per_s=5.0, burst=10, now=NOW)
    store.add_key(made.stored)
    assert store.key(made.stored.key_id) == made.stored
    assert [k.key_id for k in store.all_keys()] == [made.stored.key_id]
    assert store.revoke(made.stored.key_id, at=NOW)
    assert not store.revoke(made.stored.key_id)
    revoked = store.key(made.stored.key_id)
    assert revoked is not None and revoked.revoked_at == NOW
    assert store.key("nope") is None


def test_quotes_are_kept_until_they_expire_then_purged(store: Store) -> None:
    """A stored quote reads back until its expiry; purging removes only expired ones."""
    store.save_quote(quote_row("q_old", "k1", NOW - timedelta(days=31)))
    store.save_quote(quote_row("q_new", "k1", NOW - timedelta(days=1)))
    found = store.quote("q_new", now=NOW)
    assert found is not None and json.loads(found.body)["options"][0]["total"]["amount"] == "12.30"
    assert found.created_at == NOW - timedelta(days=1)
    assert store.quote("q_old", now=NOW) is None
    assert store.purge_quotes(now=NOW) == 1
    assert store.purge_quotes(now=NOW) == 0
    assert store.quote("q_new", now=NOW) is not None


def test_a_batch_of_quotes_is_stored_whole_or_not_at_all(store: Store) -> None:
    """A batch that fails (a quote id already taken) stores none of its quotes, raises,
    and leaves the store writing the next batch."""
    store.save_quotes([quote_row("q1", "k1", NOW)])
    with pytest.raises(Exception, match=r"(?i)unique|duplicate"):
        store.save_quotes([quote_row("q2", "k1", NOW), quote_row("q1", "k1", NOW)])
    assert store.quote("q2", now=NOW) is None
    store.save_quotes([quote_row("q2", "k1", NOW), quote_row("q3", "k1", NOW)])
    assert store.quote("q2", now=NOW) is not None and store.quote("q3", now=NOW) is not None


def test_sqlite_quotes_are_written_as_sqlalchemy_writes_them(tmp_path: Path) -> None:
    """SQLite's quotes go in on the writer's held connection: the columns hold what a
    pooled connection's insert writes (times in UTC, same text)."""
    store = Store(f"sqlite:///{tmp_path / 'q.sqlite3'}")
    store.upgrade()
    madrid = NOW.astimezone(timezone(timedelta(hours=1))) + timedelta(microseconds=7)
    store.save_quotes([quote_row("held", "k1", madrid)])
    with store.engine.begin() as conn:
        conn.execute(quotes.insert(), [vars(quote_row("core", "k1", madrid))])
        rows = conn.execute(sa.text("SELECT created_at, expires_at FROM quotes")).all()
    assert rows[0] == rows[1]
    assert rows[0][0] == "2026-11-26 12:00:00.000007"
    store.dispose()


def test_usage_adds_up_across_flushes(store: Store) -> None:
    """Usage counts are added to what is stored, per key, day and route."""
    day = date(2026, 11, 26)
    store.add_usage({("k1", day, "/v1/quotes"): 2, ("k2", day, "/v1/quotes"): 1})
    store.add_usage({("k1", day, "/v1/quotes"): 5, ("k1", day, "/v1/network"): 1})
    assert store.usage("k1") == {("k1", day, "/v1/quotes"): 7, ("k1", day, "/v1/network"): 1}
    assert store.requests_by_key() == {"k1": 8, "k2": 1}


def test_background_checkpoints_leave_the_log_to_checkpoint(tmp_path: Path) -> None:
    """With background checkpoints, commits do not copy the log into the database (the
    server's event loop never waits on that fsync); `checkpoint` does, and nothing is lost."""
    path = tmp_path / "wal.sqlite3"
    store = Store(f"sqlite:///{path}", background_checkpoints=True)
    store.upgrade()
    wide = "x" * 20_000  # five pages a quote: 300 of them pass SQLite's 1000-page checkpoint
    for i in range(60):
        store.save_quotes([
            replace(quote_row(f"q{i}-{j}", "k", NOW), body=wide) for j in range(5)
        ])  # fmt: skip
    assert path.stat().st_size < 1_000_000 < 6_000_000 < Path(f"{path}-wal").stat().st_size
    store.checkpoint()
    assert path.stat().st_size > 6_000_000  # the quotes are in the database file now
    assert store.quote("q59-4", NOW) is not None
    store.dispose()
