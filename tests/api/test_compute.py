"""api/compute.py: engine work in a thread pool, bounded by a deadline per request."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from api.compute import Compute, Deadline
from api.problems import ProblemError


def test_work_runs_off_the_event_loop_and_answers() -> None:
    compute = Compute(2, 5.0)
    loop_thread = threading.get_ident()
    worked_in = asyncio.run(compute.run(lambda _: threading.get_ident()))
    assert worked_in != loop_thread
    compute.close()


def test_past_the_deadline_the_request_stops_waiting_and_the_work_is_told() -> None:
    """The caller gets a 503 with Retry-After at the deadline; work that checks its
    deadline between steps stops soon after, freeing its thread."""
    compute = Compute(1, 0.2)
    steps: list[int] = []

    def slow(deadline: Deadline) -> None:
        for step in range(100):
            if deadline.passed():
                return
            steps.append(step)
            time.sleep(0.05)

    start = time.perf_counter()
    with pytest.raises(ProblemError) as caught:
        asyncio.run(compute.run(slow))
    assert time.perf_counter() - start < 1.0
    assert (caught.value.status, caught.value.code) == (503, "request_timeout")
    assert caught.value.headers == {"Retry-After": "1"}
    assert asyncio.run(compute.run(lambda _: "next")) == "next"  # the thread was freed
    assert len(steps) < 20
    compute.close()


def test_an_error_of_the_work_reaches_the_request() -> None:
    compute = Compute(1, 5.0)

    def broken(_: Deadline) -> None:
        raise ProblemError(422, "invalid_order", "bad")

    with pytest.raises(ProblemError) as caught:
        asyncio.run(compute.run(broken))
    assert caught.value.status == 422
    compute.close()
