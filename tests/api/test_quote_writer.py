"""api/quote_writer.py: the quotes answered in one turn of the event loop are committed
in one transaction, each request returning only once its own quote is stored; a failed
commit raises in every request of its batch and the writer goes on (StoreUnavailable when
the database file cannot be written, made so for real: tests/api/store/readonly.py); one
quote at a time is written at once. On a real SQLite file and a real PostgreSQL when one
is configured."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from api.quote_writer import QuoteWriter
from api.store import Store, StoredQuote
from carriers.errors import StoreUnavailable
from tests.api.store.readonly import unwritable

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def a_quote(quote_id: str) -> StoredQuote:
    return StoredQuote(quote_id, "k1", "o-1", "ES", NOW, NOW + timedelta(days=30), "{}")


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    s = Store(database_url)
    s.upgrade()
    yield s
    s.dispose()


@pytest.fixture
def commits(store: Store) -> list[int]:
    """How many quotes each committed transaction on the store inserted (SQLAlchemy's own
    events: nothing of glocal is replaced)."""
    counted: list[int] = []
    pending = [0]

    @event.listens_for(store.engine, "after_execute")
    def inserted(conn: sa.Connection, clause: object, many: list[dict], *_: object) -> None:
        if isinstance(clause, sa.Insert) and clause.table.name == "quotes":
            pending[0] += len(many) or 1  # one row comes as the single parameters

    @event.listens_for(store.engine, "commit")
    def committed(conn: sa.Connection) -> None:
        if pending[0]:
            counted.append(pending[0])
            pending[0] = 0

    return counted


def stored(store: Store, *quote_ids: str) -> list[bool]:
    return [store.quote(q, now=NOW) is not None for q in quote_ids]


def test_quotes_answered_together_are_committed_together(store: Store, commits: list[int]) -> None:
    """Ten requests saving at once: one transaction of ten quotes, and each request's
    quote is in the store when its save returns."""
    writer = QuoteWriter(store)

    async def request(n: int) -> bool:
        await writer.save(a_quote(f"q{n}"))
        return stored(store, f"q{n}") == [True]

    async def ten() -> list[bool]:
        return await asyncio.gather(*(request(n) for n in range(10)))

    assert asyncio.run(ten()) == [True] * 10
    assert commits == [10]


def test_one_quote_at_a_time_is_written_at_once(store: Store, commits: list[int]) -> None:
    """Requests one after the other: a commit each, nothing waits for company."""
    writer = QuoteWriter(store)

    async def three() -> None:
        for n in range(3):
            await writer.save(a_quote(f"q{n}"))

    asyncio.run(three())
    assert commits == [1, 1, 1]
    assert stored(store, "q0", "q1", "q2") == [True] * 3


def test_a_failed_commit_raises_in_each_request_of_its_batch(store: Store) -> None:
    """A batch holding a quote id already stored fails whole: both of its requests raise
    the database's error, neither new quote is kept; the next batch is written."""
    writer = QuoteWriter(store)

    async def run() -> Sequence[object]:
        await writer.save(a_quote("taken"))
        batch = await asyncio.gather(
            writer.save(a_quote("new")), writer.save(a_quote("taken")), return_exceptions=True
        )
        await writer.save(a_quote("after"))
        return batch

    outcomes = asyncio.run(run())
    assert all(isinstance(o, sa.exc.IntegrityError) for o in outcomes), outcomes
    assert stored(store, "new", "after") == [False, True]


def test_a_cancelled_request_does_not_stop_its_batch(store: Store) -> None:
    """A request cancelled while it waits (its client went away): the others of its
    batch still get their quotes stored and return."""
    writer = QuoteWriter(store)

    async def run() -> None:
        gone = asyncio.create_task(writer.save(a_quote("gone")))
        kept = asyncio.create_task(writer.save(a_quote("kept")))
        await asyncio.sleep(0)  # both are waiting on the batch now
        gone.cancel()
        await kept
        with pytest.raises(asyncio.CancelledError):
            await gone

    asyncio.run(run())
    assert stored(store, "kept") == [True]


def test_a_commit_the_database_cannot_write_fails_each_request_of_its_batch(
    tmp_path: Path,
) -> None:
    """Three requests saving at once while the database file cannot be written: each
    raises StoreUnavailable (none is told its quote is stored, none waits forever); once
    the file can be written, the next request's quote is stored."""
    path = tmp_path / "quotes.sqlite3"
    store = Store(f"sqlite:///{path}")
    store.upgrade()
    writer = QuoteWriter(store)

    async def three() -> Sequence[object]:
        saves = (writer.save(a_quote(f"q{n}")) for n in range(3))
        return await asyncio.wait_for(asyncio.gather(*saves, return_exceptions=True), 30)

    asyncio.run(writer.save(a_quote("before")))
    with unwritable(path):
        outcomes = asyncio.run(three())
    assert [type(o) for o in outcomes] == [StoreUnavailable] * 3, outcomes
    asyncio.run(writer.save(a_quote("after")))
    assert stored(store, "q0", "q1", "q2", "after") == [False, False, False, True]
    store.dispose()
