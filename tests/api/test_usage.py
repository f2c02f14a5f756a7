"""api/usage.py: requests counted in memory per key, UTC day and route, added to the
store's totals at each flush; a flush the database refuses (no tables yet, a file that
cannot be written, made so for real: tests/api/store/readonly.py) keeps its counts for
the next one and logs one line. On a real SQLite file and a real PostgreSQL when one is
configured."""

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
from tests.api.store.readonly import unwritable


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


def test_a_flush_the_file_refuses_keeps_its_counts_and_logs_one_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """flush() (as at shutdown) while the database file cannot be written: it says 0,
    logs the reason in one record without a traceback, and keeps the 2 counts; once the
    file can be written, the next flush writes them with the one counted since (3)."""
    path = tmp_path / "usage.sqlite3"
    store = Store(f"sqlite:///{path}")
    store.upgrade()
    meter = UsageMeter(store)
    meter.count("k1", "/v1/quotes")
    meter.count("k1", "/v1/quotes")
    logger = logging.getLogger("glocal.usage")
    logger.addHandler(caplog.handler)
    try:
        with unwritable(path):
            assert meter.flush() == 0
    finally:
        logger.removeHandler(caplog.handler)
    [record] = {r for r in caplog.records if r.name == "glocal.usage"}  # (caught twice
    # when the logger also propagates to caplog's own handler)
    assert record.getMessage().startswith("usage flush failed") and record.exc_info is None
    assert record.__dict__["requests"] == 2
    meter.count("k1", "/v1/quotes")
    assert meter.flush() == 3
    assert store.usage() == {("k1", today(), "/v1/quotes"): 3}
    store.dispose()
