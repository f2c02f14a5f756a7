"""Per-key usage: requests counted in memory per (key id, UTC day, route), written to the
store every few seconds and at shutdown, so a request never waits on a usage write. While
the database cannot be written, the counts are kept for the next flush."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from datetime import UTC, date, datetime

from sqlalchemy.exc import SQLAlchemyError

from api.store import Store
from carriers.errors import StoreUnavailable

log = logging.getLogger("glocal.usage")
Counts = Counter[tuple[str, date, str]]


class UsageMeter:
    def __init__(self, store: Store) -> None:
        self._store = store
        self._counts: Counts = Counter()

    def count(self, key_id: str, route: str) -> None:
        self._counts[(key_id, datetime.now(UTC).date(), route)] += 1

    def _take(self) -> Counts:
        counts, self._counts = self._counts, Counter()
        return counts

    def flush(self) -> int:
        """Write the counts gathered since the last flush; returns how many requests (0,
        the counts kept and the reason logged, when the database cannot be written)."""
        counts = self._take()
        try:
            self._store.add_usage(counts)
        except StoreUnavailable as exc:
            self._failed(counts, exc)
            return 0
        return sum(counts.values())

    async def flush_every(self, seconds: float) -> None:
        """Flush forever, every `seconds`, off the event loop (a background task)."""
        while True:
            await asyncio.sleep(seconds)
            counts = self._take()
            try:
                await asyncio.to_thread(self._store.add_usage, counts)
            except StoreUnavailable as exc:  # the database failing: next time
                self._failed(counts, exc)
            except SQLAlchemyError:  # not a fault (its tables gone?): next time, with why
                log.exception("usage flush failed; keeping the counts for the next one")
                self._counts.update(counts)

    def _failed(self, counts: Counts, exc: StoreUnavailable) -> None:
        self._counts.update(counts)
        log.warning(
            "usage flush failed; keeping the counts for the next one",
            extra={"error": exc.message, "requests": sum(counts.values())},
        )
