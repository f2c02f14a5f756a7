"""api/store/database.py: the Store's reads and writes (keys, quotes, usage) on a real
SQLite file, and on a real PostgreSQL when one is configured; the URLs it refuses, in one
line, before anything is made; what it does while its file cannot be written (made so for
real: tests/api/store/readonly.py)."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace
from datetime import date, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa

from api.auth import new_key
from api.store import Store, check_database_url, engine_url, quotes
from carriers.errors import StoreError, StoreUnavailable
from tests.api.store.conftest import NOW, quote_row
from tests.api.store.readonly import unwritable


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


@pytest.mark.parametrize(
    ("given", "opened"),
    [
        ("postgresql://u:p@db/glocal", "postgresql+psycopg://u:p@db/glocal"),
        ("postgres://u:p@db/glocal", "postgresql+psycopg://u:p@db/glocal"),
        ("postgresql+psycopg://u:p@db/glocal", "postgresql+psycopg://u:p@db/glocal"),
        ("sqlite:///glocal.sqlite3", "sqlite:///glocal.sqlite3"),
    ],
)
def test_a_postgresql_url_is_opened_with_psycopg_3(given: str, opened: str) -> None:
    """Both spellings of a PostgreSQL URL mean psycopg 3, the driver glocal installs; any
    other URL is left as given."""
    assert engine_url(given) == opened


def test_a_sqlite_file_in_a_missing_directory_is_refused_and_nothing_is_made(
    tmp_path: Path,
) -> None:
    """`sqlite:///.../a/b/glocal.sqlite3` where a/ is not there: one line naming the
    directory, and no directory or file is made; a file where the directory should be is
    refused too."""
    path = tmp_path / "a" / "b" / "glocal.sqlite3"
    with pytest.raises(StoreError) as raised:
        Store(f"sqlite:///{path}")
    assert raised.value.message == (
        f"the database's directory {path.parent} does not exist; create it first"
    )
    assert list(tmp_path.iterdir()) == []
    (tmp_path / "a").write_text("")
    with pytest.raises(StoreError, match="is not a directory"):
        check_database_url(f"sqlite:///{tmp_path / 'a' / 'glocal.sqlite3'}")


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("sqlite://", "in-memory"),
        ("sqlite:///", "in-memory"),
        ("sqlite:///:memory:", "in-memory"),
        ("sqlite:///file:shared?mode=memory&uri=true", "in-memory"),
        ("mysql://x", "is mysql://..., not one glocal uses"),
        ("postgresql+asyncpg://u:s3cret@db/glocal", "is postgresql+asyncpg://..., not one"),
        ("not a url", "is not a URL"),
        ("", "is not a URL"),
    ],
)
def test_a_url_glocal_cannot_serve_from_is_one_line(url: str, says: str) -> None:
    """In-memory SQLite (each connection its own empty database), another database or
    driver, not a URL: a StoreError of one line saying so and what to give, no password."""
    with pytest.raises(StoreError) as raised:
        check_database_url(url)
    message = raised.value.message
    assert says in message and "\n" not in message and "s3cret" not in message
    assert "sqlite:///path/to/glocal.sqlite3" in message


@pytest.mark.parametrize(
    "url",
    [
        "sqlite:///glocal.sqlite3",
        "sqlite+pysqlite:///glocal.sqlite3",
        "postgresql://u:p@db/glocal",
        "postgres://u:p@db/glocal",
        "postgresql+psycopg://u:p@db/glocal",
    ],
)
def test_the_urls_glocal_serves_from_pass(url: str) -> None:
    """A SQLite file in an existing directory (here the working directory) and
    PostgreSQL by psycopg, in each spelling."""
    check_database_url(url)


def test_a_database_that_does_not_answer_is_not_ready() -> None:
    """writable() is False, not an exception, when nothing listens at the URL
    (readiness); a write there is StoreUnavailable."""
    store = Store("postgresql://u:p@127.0.0.1:1/none")
    assert store.writable() is False
    with pytest.raises(StoreUnavailable):
        store.save_quotes([quote_row("q1", "k1", NOW)])
    store.dispose()


def test_a_file_that_cannot_be_written_is_not_writable_until_it_can(tmp_path: Path) -> None:
    """While the database file cannot be written: writable() is False, a batch of
    quotes is StoreUnavailable, stored quotes still read. Once it can: writable() is True
    at the first asking, and the quote writer's held connection (broken by the fault) is
    replaced, so the next batch is stored."""
    path = tmp_path / "ro.sqlite3"
    store = Store(f"sqlite:///{path}", background_checkpoints=True)
    store.upgrade()
    store.save_quotes([quote_row("before", "k1", NOW)])
    assert store.writable()
    with unwritable(path):
        assert store.writable() is False
        with pytest.raises(StoreUnavailable):
            store.save_quotes([quote_row("during", "k1", NOW)])
        assert store.quote("before", now=NOW) is not None
        assert store.writable() is False
    assert store.writable()
    store.save_quotes([quote_row("after", "k1", NOW)])
    assert [store.quote(q, now=NOW) is not None for q in ("during", "after")] == [False, True]
    store.dispose()


def test_keys_are_listed_oldest_first(store: Store) -> None:
    """all_keys() lists keys by creation time, whatever order they were added in."""
    made = [new_key(name, ["quote"], now=NOW - timedelta(days=days)) for name, days in
            (("b", 1), ("a", 3), ("c", 0))]  # fmt: skip
    for key in made:
        store.add_key(key.stored)
    assert [k.name for k in store.all_keys()] == ["a", "b", "c"]


def test_call_from_the_event_loop_returns_the_methods_answer(store: Store) -> None:
    """`await store.call(method, *args)` answers what the method does, on either
    database (in place on SQLite, in a thread on PostgreSQL)."""
    made = new_key("loop", ["plan"], now=NOW)
    store.add_key(made.stored)

    async def read() -> tuple[object, object]:
        return await store.call(store.key, made.stored.key_id), await store.call(store.key, "x")

    assert asyncio.run(read()) == (made.stored, None)


def test_an_empty_usage_flush_writes_nothing(store: Store) -> None:
    """Adding no counts is a no-op: no rows, no error."""
    store.add_usage({})
    assert store.usage() == {} and store.requests_by_key() == {}
