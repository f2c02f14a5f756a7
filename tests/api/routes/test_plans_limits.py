"""`/v1/plans` at its limits, on a real uvicorn server (loopback), a real SQLite file and
the real planner in its own process: a job whose planning process stalls is ended when
its client cancels it (the process is gone, not left running) and the queued job after it
runs to the end; a job given less time than it needs fails naming the stage and the
limit; rows made in 2060 or 9999 are named by their line, or listed as invalid with
skip_invalid while the rest is planned."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from api.settings import Settings
from routing.plan import sample_orders
from tests.api.jobs.conftest import gone, planning_process
from tests.api.live import LiveServer, add_key, start_server

DONE = ("succeeded", "failed", "cancelled")
WEEK = {"horizon_days": 7, "time_limit_s": 60}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, str]]:
    """A server on the default network planning one job at a time; its URL and a key."""
    base = tmp_path_factory.mktemp("plan-limits")
    database = f"sqlite:///{base / 'glocal.sqlite3'}"
    settings = Settings(
        database_url=database,
        plans_dir=base / "plans",
        rate_limit=1000,
        rate_burst=1000,
        plan_poll_seconds=0.2,
        plan_max_upload_bytes=1_000_000,
    )
    key = add_key(database, "plan")
    live = start_server(settings)
    yield live, key
    live.stop()


@pytest.fixture
def http(server: tuple[LiveServer, str]) -> Iterator[httpx.Client]:
    live, key = server
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "text/csv"}
    with httpx.Client(base_url=live.url, headers=headers, timeout=30) as client:
        yield client


def orders_csv(n: int, seed: int, **rows: str) -> bytes:
    """n sample orders; `rows` maps a row's index (as text) to its created_at."""
    frame = sample_orders(n, seed=seed)
    for index, created_at in rows.items():
        frame.loc[int(index), "created_at"] = created_at
    return frame.to_csv(index=False).encode()


def post(http: httpx.Client, body: bytes, **params: Any) -> str:
    answer = http.post("/v1/plans", content=body, params={**WEEK, **params})
    assert answer.status_code == 202, answer.text
    return str(answer.json()["job_id"])


def wait_for(http: httpx.Client, job_id: str, seconds: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = http.get(f"/v1/plans/{job_id}").json()
        if job["state"] in DONE:
            return dict(job)
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} did not end: {job}")


def started(job_id: str, seconds: float = 30) -> int:
    """The pid of the job's planning process, once the runner has started it."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            return planning_process(job_id)[0]
        except AssertionError:  # not started yet
            time.sleep(0.02)
    raise AssertionError(f"no planning process for {job_id}")


def test_a_stalled_job_cancelled_ends_and_the_next_job_runs(http: httpx.Client) -> None:
    """The first job's planning process stalls (SIGSTOP: it heeds nothing, SIGTERM
    included) while a second job waits in the queue: DELETE answers at once; the runner
    ends the stalled process (SIGKILL after its grace), the job is cancelled naming the
    stage, and the second job takes the slot and plans all its orders."""
    stalled = post(http, orders_csv(300, seed=41))
    pid = started(stalled)
    os.kill(pid, signal.SIGSTOP)
    queued = post(http, orders_csv(200, seed=42))
    assert http.get(f"/v1/plans/{queued}").json()["state"] == "queued"
    began = time.monotonic()
    asked = http.delete(f"/v1/plans/{stalled}")
    assert asked.status_code == 202 and asked.json()["cancel_requested"] is True
    ended = wait_for(http, stalled, seconds=20)
    assert time.monotonic() - began < 15
    assert ended["state"] == "cancelled", ended
    assert ended["error"]["code"] == "cancelled"
    assert ended["error"]["detail"] == "cancelled during the start-up stage"
    assert gone(pid)
    after = wait_for(http, queued)
    assert after["state"] == "succeeded", after["error"]
    assert after["outcome"]["orders"]["input"] == 200 and after["attempts"] == 1


def test_a_job_given_too_little_time_fails_naming_the_stage_and_limit(
    http: httpx.Client,
) -> None:
    """time_limit_s 0.01 covers the whole job, so the planning process finds it spent
    before its first stage: failed (422) naming the load stage and the limit, no plan."""
    job_id = post(http, orders_csv(50, seed=43), time_limit_s=0.01)
    failed = wait_for(http, job_id)
    assert failed["state"] == "failed", failed
    assert (failed["error"]["code"], failed["error"]["status"]) == ("invalid_plan_input", 422)
    assert failed["error"]["detail"].startswith(
        "the plan ran past its time limit of 0.01 s (time_limit_s) in the load stage;"
    )
    assert http.get(f"/v1/plans/{job_id}/result").status_code == 409


def test_rows_made_in_2060_or_9999_are_named_or_skipped(http: httpx.Client) -> None:
    """Rows 3 and 6 made in 2060 and 9999: the job fails naming orders.csv:4 and
    orders.csv:7 (header on line 1) with the range of dates it takes; with skip_invalid
    the other 48 orders are planned and the two listed as invalid, by line."""
    body = orders_csv(50, seed=44, **{"2": "2060-11-09T09:00:00+08:00",
                                      "5": "9999-11-09T09:00:00+08:00"})  # fmt: skip
    failed = wait_for(http, post(http, body))
    assert failed["state"] == "failed", failed
    assert failed["error"]["detail"] == "orders.csv: 2 invalid row(s):"
    named = [(e["field"], e["message"]) for e in failed["error"]["errors"]]
    assert [field for field, _ in named] == ["orders.csv:4: created_at", "orders.csv:7: created_at"]
    assert named[0][1].startswith("must be from ") and named[0][1].endswith("got 2060-11-09")
    assert named[1][1].endswith("got 9999-11-09")
    skipped_id = post(http, body, skip_invalid=True)
    skipped = wait_for(http, skipped_id)
    assert skipped["state"] == "succeeded", skipped["error"]
    orders = skipped["outcome"]["orders"]
    assert (orders["input"], orders["invalid"]) == (50, 2)
    assert orders["planned"] + orders["unplanned"] == 48
    plan = http.get(f"/v1/plans/{skipped_id}/result").text.splitlines()
    invalid = [line for line in plan if ",invalid," in line]
    assert len(invalid) == 2 and "line 4: created_at" in invalid[0]
    assert "line 7: created_at" in invalid[1]
