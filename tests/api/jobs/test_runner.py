"""api/jobs/runner.py: the server's job runner on a real store: it starts each queued job
in a planning process of its own, in the job's directory; a job whose input is gone, or
whose runner died too often, fails saying why; a planning process killed from outside
fails its job naming the signal; the process of a job cancelled, or past its time limit,
is ended by the runner (SIGKILL when it does not heed SIGTERM) and the next job takes its
slot; stopping the runner puts its running jobs back in the queue. (Jobs run to the end
by the runner of a real server: tests/api/routes/test_plans.py.)"""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from api.jobs.files import JobFiles
from api.jobs.records import JobRecords, PlanJob
from api.jobs.runner import JobRunner, RunnerConfig, absolute
from api.store import Store
from tests.api.jobs.conftest import a_job, gone, planning_process, two_lane_orders
from tests.helpers import DATA

WEEK = {"horizon_days": 7, "time_limit_s": 60}


@pytest.fixture
def config(database_url: str, tmp_path: Path) -> RunnerConfig:
    return RunnerConfig(
        root=tmp_path / "plans",
        database_url=database_url,
        network_dir=DATA / "plan_two_lanes",
        scheduler=None,
        concurrency=1,
        lease_seconds=30,
        max_attempts=3,
        poll_seconds=0.1,
        overrun_seconds=0.5,
        kill_grace_seconds=1.0,
    )


@pytest.fixture
def records(config: RunnerConfig) -> Iterator[JobRecords]:
    store = Store(config.database_url)
    store.upgrade()
    yield JobRecords(store)
    store.dispose()


def queue(
    records: JobRecords,
    config: RunnerConfig,
    job_id: str,
    orders: bytes | None,
    options: dict[str, float] = WEEK,
) -> None:
    """A queued job, with its uploaded orders unless `orders` is None."""
    if orders is not None:
        files = JobFiles(config.root, job_id)
        files.dir.mkdir(parents=True)
        files.orders("csv").write_bytes(orders)
    records.create(a_job(job_id, options=options))


def until(check: Callable[[], PlanJob | None], seconds: float = 60) -> PlanJob:
    """Poll until `check` answers a job."""
    deadline = time.monotonic() + seconds
    while (found := check()) is None:
        assert time.monotonic() < deadline, "the runner did not get there"
        time.sleep(0.05)
    return found


def ended(runner: JobRunner, records: JobRecords, job_id: str) -> Callable[[], PlanJob | None]:
    """One round of the runner, then the job if it has ended."""

    def check() -> PlanJob | None:
        runner.tick()
        job = records.get(job_id)
        return job if job is not None and job.state not in ("queued", "running") else None

    return check


def test_a_job_whose_orders_are_gone_fails_without_a_process(
    records: JobRecords, config: RunnerConfig
) -> None:
    """No orders file in the plans directory: one round fails the job as input_lost."""
    queue(records, config, "plan_lost", None)
    JobRunner(records, config).tick()
    job = records.get("plan_lost")
    assert job is not None and job.state == "failed" and job.error is not None
    assert job.error["code"] == "input_lost" and job.attempts == 1
    assert not JobFiles(config.root, "plan_lost").dir.exists()


def test_the_jobs_of_a_dead_runner_are_taken_back(
    records: JobRecords, config: RunnerConfig
) -> None:
    """Two jobs of a runner silent for an hour (lease 30 s, 3 attempts): the one started
    3 times fails as interrupted; the other is queued again and tried (its input is gone
    here, so it fails as input_lost, on attempt 2)."""
    long_ago = datetime.now(UTC) - timedelta(hours=1)
    for job_id, attempts in (("plan_tired", 3), ("plan_lost", 1)):
        stale = a_job(job_id, state="running", owner="gone:1:dead", attempts=attempts,
                      created_at=long_ago, started_at=long_ago, heartbeat_at=long_ago)  # fmt: skip
        records.create(stale)
    JobRunner(records, config).tick()
    tired, lost = records.get("plan_tired"), records.get("plan_lost")
    assert tired is not None and tired.state == "failed" and tired.error is not None
    assert tired.error["code"] == "interrupted" and "3 times" in tired.error["detail"]
    assert lost is not None and lost.state == "failed" and lost.error is not None
    assert (lost.error["code"], lost.attempts) == ("input_lost", 2)


def test_a_planning_process_killed_from_outside_fails_its_job_naming_the_signal(
    records: JobRecords, config: RunnerConfig
) -> None:
    """One round starts `python -m api.jobs.work JOB OWNER --root ROOT --network DIR` in
    the job's directory; SIGKILL to it (the kernel's out-of-memory killer does that): the
    next round fails the job as internal_error, naming SIGKILL and the log."""
    queue(records, config, "plan_killed", two_lane_orders(3))
    runner = JobRunner(records, config)
    runner.tick()
    pid, command = planning_process("plan_killed")
    files = JobFiles(config.root, "plan_killed")
    root, network = str(config.root), str(config.network_dir)
    assert command == [sys.executable, "-m", "api.jobs.work", "plan_killed", runner.owner,
                       "--root", root, "--network", network]  # fmt: skip
    assert Path(f"/proc/{pid}/cwd").resolve() == files.dir.resolve()
    os.kill(pid, signal.SIGKILL)
    job = until(ended(runner, records, "plan_killed"))
    assert job.state == "failed" and job.error is not None
    assert job.error["code"] == "internal_error"
    assert "ended by signal SIGKILL (out of memory?)" in job.error["detail"]
    assert "planner.log" in job.error["detail"] and files.log.exists()


def test_the_window_of_dates_is_passed_to_the_planning_process(
    records: JobRecords, config: RunnerConfig
) -> None:
    """A runner configured with the server's window of dates (GLOCAL_DATES_BACK_DAYS and
    GLOCAL_DATES_AHEAD_DAYS) starts each planning process with them."""
    job_id = f"plan_dates_{records.engine.dialect.name}"  # the other database's may still exit
    queue(records, config, job_id, two_lane_orders(3))
    dated = replace(config, dates_back_days=30, dates_ahead_days=7)
    runner = JobRunner(records, dated)
    runner.tick()
    _, command = planning_process(job_id)
    assert command[-4:] == ["--dates-back-days", "30", "--dates-ahead-days", "7"]
    until(ended(runner, records, job_id))


def stalled(runner: JobRunner, job_id: str) -> int:
    """One round starts the job's planning process; SIGSTOP stalls it at once (in its
    start-up, before it holds any lock of the store) until the end of time: its pid."""
    runner.tick()
    pid, _ = planning_process(job_id)
    os.kill(pid, signal.SIGSTOP)
    return pid


def test_a_stalled_job_cancelled_is_ended_and_the_next_job_runs(
    records: JobRecords, config: RunnerConfig
) -> None:
    """A job's process stalls (SIGSTOP: SIGTERM cannot end it either) and its client
    cancels it: the next round ends the process (SIGKILL after the grace), records the job
    as cancelled during its start-up, and starts the queued job in the slot, which plans
    to the end."""
    queue(records, config, "plan_stuck", two_lane_orders(3))
    queue(records, config, "plan_next", two_lane_orders(3))
    runner = JobRunner(records, config)
    pid = stalled(runner, "plan_stuck")
    assert records.get("plan_next").state == "queued"  # type: ignore[union-attr]
    records.cancel("plan_stuck")
    started = time.monotonic()
    runner.tick()
    assert time.monotonic() - started < config.kill_grace_seconds + 5
    assert gone(pid)
    stuck = records.get("plan_stuck")
    assert stuck is not None and stuck.state == "cancelled" and stuck.error is not None
    assert (stuck.error["status"], stuck.error["detail"]) == (
        409,
        "cancelled during the start-up stage",
    )
    assert records.get("plan_next").state == "running"  # type: ignore[union-attr]
    next_pid, _ = planning_process("plan_next")
    done = until(ended(runner, records, "plan_next"))
    assert done.state == "succeeded", done.error

    def reaped() -> PlanJob | None:  # its process ended and reaped by a round
        runner.tick()
        return done if gone(next_pid) else None

    until(reaped)


def test_a_job_past_its_time_limit_is_ended_as_failed_naming_the_limit(
    records: JobRecords, config: RunnerConfig
) -> None:
    """time_limit_s 1 and an overrun of 0.5 s: a process stalled past 1.5 s is ended by
    the runner and the job fails as invalid_plan_input, naming the stage it was in, the
    limit and the margin."""
    queue(records, config, "plan_slow", two_lane_orders(3), {**WEEK, "time_limit_s": 1})
    runner = JobRunner(records, config)
    pid = stalled(runner, "plan_slow")
    runner.tick()
    assert records.get("plan_slow").state == "running"  # type: ignore[union-attr]
    job = until(ended(runner, records, "plan_slow"), seconds=20)
    assert gone(pid)
    assert job.state == "failed" and job.error is not None
    assert (job.error["code"], job.error["status"]) == ("invalid_plan_input", 422)
    assert job.error["detail"] == (
        "the plan ran past its time limit of 1 s (time_limit_s) in the start-up stage; the "
        "limit covers every stage, not only the solver: give it more time or fewer orders "
        "(its planning process was ended 0.5 s past it)"
    )
    assert job.started_at is not None and job.finished_at is not None
    assert (job.finished_at - job.started_at).total_seconds() >= 1.5


def test_stopping_the_runner_puts_its_running_job_back_in_the_queue(
    records: JobRecords, config: RunnerConfig
) -> None:
    """The runner's thread starts a job; stopping the runner ends its process and the
    job is queued again, owned by nobody, its attempt counted."""
    queue(records, config, "plan_back", two_lane_orders(3))
    runner = JobRunner(records, config)
    runner.start()

    def running() -> PlanJob | None:
        job = records.get("plan_back")
        return job if job is not None and job.state == "running" else None

    until(running)
    runner.stop()
    job = records.get("plan_back")
    assert job is not None
    assert (job.state, job.owner, job.heartbeat_at, job.attempts) == ("queued", None, None, 1)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("sqlite:///glocal.sqlite3", "sqlite:///{cwd}/glocal.sqlite3"),
        ("sqlite:////srv/glocal.sqlite3", "sqlite:////srv/glocal.sqlite3"),
        ("sqlite:///:memory:", "sqlite:///:memory:"),
        ("postgresql://u:p@db/glocal", "postgresql://u:p@db/glocal"),
    ],
)
def test_a_relative_sqlite_path_is_made_absolute_for_the_planning_process(
    url: str, expected: str
) -> None:
    """The planning process runs in the job's directory: a relative SQLite file is named
    from the server's working directory; any other URL is passed as it is."""
    assert absolute(url) == expected.format(cwd=Path.cwd())


def test_a_design_job_runs_in_a_design_process_of_its_own(
    records: JobRecords, config: RunnerConfig
) -> None:
    """A queued design job (its forecast uploaded) is started as `api.jobs.design_work`,
    without the plan's window of dates, and runs to its bookings; a design job whose
    forecast is gone fails without a process."""
    job_id = f"design_run_{records.engine.dialect.name}"
    files = JobFiles(config.root, job_id)
    files.dir.mkdir(parents=True)
    forecast = DATA / "design_season" / "forecast.csv"
    files.upload("design", "csv").write_bytes(forecast.read_bytes())
    options = {"time_limit_s": 120, "scenarios": 1}
    records.create(a_job(job_id, options=options, kind="design"))
    runner = JobRunner(records, replace(config, network_dir=None, dates_back_days=30))
    runner.tick()
    _, command = planning_process(job_id)
    assert command[1:4] == ["-m", "api.jobs.design_work", job_id]
    assert "--dates-back-days" not in command
    job = until(ended(runner, records, job_id), seconds=120)
    assert job.state == "succeeded", job.error
    assert files.bookings.exists() and job.outcome is not None
    records.create(a_job("design_lost", options=options, kind="design"))
    lost = until(ended(runner, records, "design_lost"))
    assert lost.error is not None and lost.error["code"] == "input_lost"
