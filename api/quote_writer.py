"""Group commit of quotes: the quotes answered in the same turn of the event loop are
written in one transaction, and each request waits until its own quote is committed, so
a 201 still means stored. Under load a commit serves many quotes (one WAL write or one
fsync instead of one per quote); with one request at a time it writes at once.

A commit that fails fails every request of its batch with what the store raised:
`StoreUnavailable` when the database could not be written (the API's 503 with
`Retry-After`), so no request is answered 201 for a quote that is not stored, and none
is left waiting; the next batch is tried afresh."""

from __future__ import annotations

import asyncio

from api.store import Store, StoredQuote

Waiting = list[tuple[StoredQuote, asyncio.Future[None]]]


class QuoteWriter:
    def __init__(self, store: Store) -> None:
        self._store = store
        self._waiting: Waiting = []
        self._flushing = False
        self._tasks: set[asyncio.Task[None]] = set()

    async def save(self, quote: StoredQuote) -> None:
        """Return once `quote` is committed (or raise what the database raised)."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        self._waiting.append((quote, future))
        if len(self._waiting) == 1 and not self._flushing:
            # after the requests already ready to run: they join this batch
            loop.call_soon(self._start)
        await future

    def _start(self) -> None:
        task = asyncio.create_task(self._flush())
        self._tasks.add(task)  # a reference until it is done
        task.add_done_callback(self._tasks.discard)

    async def _flush(self) -> None:
        self._flushing = True
        try:
            while self._waiting:
                batch, self._waiting = self._waiting, []
                try:
                    await self._store.call(self._store.save_quotes, [q for q, _ in batch])
                except Exception as exc:  # not swallowed: each waiting request raises it
                    _settle(batch, exc)
                else:
                    _settle(batch, None)
        finally:
            self._flushing = False


def _settle(batch: Waiting, error: Exception | None) -> None:
    for _, future in batch:
        if future.done():  # its request was cancelled
            continue
        if error is None:
            future.set_result(None)
        else:
            future.set_exception(error)
