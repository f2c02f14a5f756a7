"""Fixtures of the plan jobs' tests: a job record made to order, and the job records of
a migrated store on each database of `database_url` (tests/api/conftest.py)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from api.jobs.records import JobRecords, PlanJob
from api.store import Store
from routing.plan import COLUMNS

FAST = {"time_limit_s": 10, "horizon_days": 14}


def a_job(
    job_id: str, key_id: str = "k1", idempotency_key: str | None = None, **changes: Any
) -> PlanJob:
    """A queued job of `key_id` (any field changed by name)."""
    fields: dict[str, Any] = {
        "job_id": job_id,
        "key_id": key_id,
        "state": "queued",
        "request_hash": f"hash-{job_id}",
        "options": FAST,
        "input_format": "csv",
        "input_bytes": 10,
        "created_at": datetime.now(UTC),
        "idempotency_key": idempotency_key,
    }
    return PlanJob(**(fields | changes))


@pytest.fixture
def records(database_url: str) -> Iterator[JobRecords]:
    """The job records of a fresh, migrated store."""
    store = Store(database_url)
    store.upgrade()
    yield JobRecords(store)
    store.dispose()


def two_lane_orders(n: int, weight_kg: float = 1.0) -> bytes:
    """n one-parcel orders Yiwu -> Madrid of `weight_kg`, made on Monday 2026-11-09, as
    CSV: on tests/data/plan_two_lanes 100 kg go by rail and the rest by air (its README)."""
    row = (f"CN-YIW-WH,ES,28001,{weight_kg},10,10,10,10.00,EUR,apparel,610910,none,false,"
           "2026-11-09T09:00:00+08:00,")  # fmt: skip
    lines = [",".join(COLUMNS)] + [f"T{i:04d},{row}" for i in range(n)]
    return ("\n".join(lines) + "\n").encode()


def planning_process(job_id: str) -> tuple[int, list[str]]:
    """The pid and arguments of this test process's child that plans `job_id` (the
    runner, in a server's thread or alone, starts it)."""
    found = []
    for proc in Path("/proc").iterdir():
        try:  # stat: "pid (comm) state ppid ...", comm may hold spaces and ")"
            ppid = int(proc.joinpath("stat").read_text().rpartition(")")[2].split()[1])
            args = proc.joinpath("cmdline").read_bytes().decode().split("\0")[:-1]
        except (OSError, ValueError, IndexError):  # not a process, or gone by now
            continue
        if ppid == os.getpid() and job_id in args:
            found.append((int(proc.name), args))
    assert len(found) == 1, found
    return found[0]


def gone(pid: int) -> bool:
    """No process has this id any more (ended and reaped)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False
