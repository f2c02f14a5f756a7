"""api/usage.py: requests counted in memory per key, UTC day and route, added to the
store's totals at each flush; a flush the database refuses keeps its counts for the next
one. On a real SQLite file and a real PostgreSQL when one is configured."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from api.store import Store
from api.usage import UsageMeter


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    s = Store(database_url)
    s.upgrade()
    yield s
    s.dispose()


def today() -> date:
    return datetime.now(UTC).date()


def test_counts_are_added_to_the_stored_totals_at_each_flush(store: Store) -> None:
    """k1: 3 quotes and 1 network read, k2: 2 quotes, flushed (6 requests); then 1 more
    quote of k1, flushed (1): today's rows are k1 quotes 3 + 1 = 4, k1 network 1, k2
    quotes 2; a flush with nothing counted says 0."""
    meter = UsageMeter(store)
    for key, route, n in (("k1", "/v1/quotes", 3), ("k1", "/v1/network", 1),
                          ("k2", "/v1/quotes", 2)):  # fmt: skip
        for _ in range(n):
            meter.count(key, route)
    assert meter.flush() == 6
    meter.count("k1", "/v1/quotes")
    assert meter.flush() == 1
    assert meter.flush() == 0
    day = today()
    assert store.usage() == {
        ("k1", day, "/v1/quotes"): 4,
        ("k1", day, "/v1/network"): 1,
        ("k2", day, "/v1/quotes"): 2,
    }


def test_a_refused_flush_keeps_its_counts_for_the_next(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The background flush into a database without its tables (an error of the
    database, not of a request) is logged and loses nothing: once the tables are there,
    a later flush writes the counts of before and after."""
    store = Store(f"sqlite:///{tmp_path / 'usage.sqlite3'}")  # not upgraded yet
    meter = UsageMeter(store)

    def refused() -> bool:
        return any("usage flush failed" in r.getMessage() for r in caplog.records)

    async def until(done: Callable[[], Awaitable[bool]]) -> None:
        for _ in range(1000):
            if await done():
                return
            await asyncio.sleep(0.01)
        raise AssertionError("it did not happen")

    async def run() -> None:
        flushing = asyncio.create_task(meter.flush_every(0.01))
        meter.count("k1", "/v1/quotes")
        meter.count("k1", "/v1/quotes")
        await until(lambda: asyncio.sleep(0, refused()))
        await asyncio.to_thread(store.upgrade)
        meter.count("k1", "/v1/quotes")
        await until(lambda: asyncio.to_thread(lambda: store.requests_by_key() == {"k1": 3}))
        flushing.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await flushing

    logger = logging.getLogger("glocal.usage")  # the app's log config may not propagate it
    logger.addHandler(caplog.handler)
    try:
        asyncio.run(run())
    finally:
        logger.removeHandler(caplog.handler)
    assert store.usage() == {("k1", today(), "/v1/quotes"): 3}
    store.dispose()
