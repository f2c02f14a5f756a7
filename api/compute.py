"""Where quotes and promises are computed: a pool of threads beside the event loop, and a
deadline for each request.

The engines are CPU work. Run on the event loop, one slow request would hold every other
request of the worker, `/healthz` included; run here, the loop keeps reading requests and
answering probes while they compute (the engines' numpy and compiled parts let go of the
interpreter often enough for that). Past `GLOCAL_REQUEST_TIMEOUT_S` a request answers 503
with `Retry-After` and stops waiting; work that checks `Deadline.passed()` between its
steps (a promise, destination by destination) stops too, so its thread is freed.
"""

from __future__ import annotations

import asyncio
import math
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from api.problems import ProblemError

T = TypeVar("T")


class Deadline:
    """Set when the request that started a piece of work stopped waiting for it."""

    def __init__(self) -> None:
        self._expired = threading.Event()

    def passed(self) -> bool:
        return self._expired.is_set()

    def expire(self) -> None:
        self._expired.set()


class Compute:
    """A thread pool of `threads`, each request's work bounded by `timeout_s`."""

    def __init__(self, threads: int, timeout_s: float) -> None:
        self.pool = ThreadPoolExecutor(threads, thread_name_prefix="glocal-compute")
        self.timeout_s = timeout_s

    async def run(self, work: Callable[[Deadline], T]) -> T:
        """`work(deadline)` in the pool; a 503 problem when it overruns the timeout."""
        deadline = Deadline()
        future = asyncio.get_running_loop().run_in_executor(self.pool, work, deadline)
        try:
            return await asyncio.wait_for(future, self.timeout_s)
        except TimeoutError:
            deadline.expire()
            raise overrun(self.timeout_s) from None

    def close(self) -> None:
        """Stop taking work; what runs is abandoned (its requests have been answered)."""
        self.pool.shutdown(wait=False, cancel_futures=True)


def overrun(timeout_s: float) -> ProblemError:
    return ProblemError(
        503,
        "request_timeout",
        f"the answer was not ready within {timeout_s:g} s (GLOCAL_REQUEST_TIMEOUT_S); "
        "the service is busy or the request is unusually large: retry later",
        headers={"Retry-After": str(max(1, math.ceil(timeout_s)))},
    )
