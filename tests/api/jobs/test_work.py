"""api/jobs/work.py: the planning process of one job, run on a real store and the
plan_two_lanes network: it plans the job's orders, writes every result file, records the
outcome; a cancelled job stops at its next stage; a bad table fails the job with its
problems (by file name, never a server path), rows made outside the window of dates
included; a job past its time limit fails naming the stage; a job taken over by another
runner is left to it."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from api.jobs import work
from api.jobs.files import JobFiles
from api.jobs.records import JobRecords, PlanJob
from api.jobs.views import MAX_LISTED, STAGES
from api.store import Store
from tests.api.jobs.conftest import a_job, two_lane_orders
from tests.helpers import DATA

TWO_LANES = DATA / "plan_two_lanes"
WEEK = {"horizon_days": 7, "time_limit_s": 60}


def claimed(
    records: JobRecords,
    root: Path,
    orders: bytes,
    job_id: str = "plan_w",
    options: dict[str, Any] = WEEK,
    at: datetime | None = None,
) -> PlanJob:
    """A job with its uploaded orders, claimed by runner-1 (now, or `at`); over a week
    (one Tuesday departure of each lane)."""
    files = JobFiles(root, job_id)
    files.dir.mkdir(parents=True, exist_ok=True)
    files.orders("csv").write_bytes(orders)
    records.create(a_job(job_id, options=options))
    job = records.claim_next("runner-1", now=at)
    assert job is not None and job.job_id == job_id
    return job


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The plans directory; the process runs in its job's directory, as the runner
    starts it."""
    plans = tmp_path / "plans"
    (plans / "plan_w").mkdir(parents=True)
    monkeypatch.chdir(plans / "plan_w")
    return plans


def test_a_job_is_planned_and_its_files_and_outcome_recorded(tmp_path: Path, root: Path) -> None:
    """150 one-kilo orders on the two lanes over a week: succeeded; the plan (CSV and
    Parquet, the same rows), summary and report written, no temporary file left; 100
    orders by rail (its 100 kg) and 50 by air; shipping EUR 400 = 100 x (1 rail + 1 post)
    + 50 x (3 air + 1 post), plus one EUR 50 pallet for the air; every stage done; the
    outcome's figures are the summary's."""
    store = Store(f"sqlite:///{tmp_path / 'glocal.sqlite3'}")
    store.upgrade()
    records = JobRecords(store)
    job = claimed(records, root, two_lane_orders(150))
    work.run(records, job, "runner-1", root, TWO_LANES, None)
    done = records.get(job.job_id)
    store.dispose()
    assert done is not None
    assert done.state == "succeeded", done.error
    files = JobFiles(root, job.job_id)
    plan = pd.read_csv(files.plan_csv, dtype=str, keep_default_na=False)
    assert pd.read_parquet(files.plan_parquet).astype(str).equals(plan.astype(str))
    assert sorted(p.name for p in files.dir.iterdir()) == [
        "orders.csv", "plan.csv", "plan.parquet", "report.html", "summary.json",
    ]  # fmt: skip
    assert plan["route"].value_counts().to_dict() == {
        "lanes-rail+post-es": 100,
        "lanes-air+post-es": 50,
    }
    assert round(plan["shipping"].astype(float).sum(), 2) == 400.00
    assert [(p["stage"], p["state"]) for p in done.progress] == [(s, "done") for s in STAGES]
    assert done.outcome is not None
    assert done.outcome["orders"] == {"input": 150, "planned": 150, "unplanned": 0, "invalid": 0}
    figures = json.loads(files.summary.read_text())
    assert (figures["optimized"]["freight"], figures["optimized"]["consolidation_units"]) == (
        400.0, 50.0
    )  # fmt: skip
    assert done.outcome["cost"] == figures["optimized"]["cost"]
    assert done.owner is None and done.finished_at is not None


def test_a_bad_table_fails_the_job_with_its_problems_by_file_name(
    records: JobRecords, root: Path
) -> None:
    """150 rows of -1 kg: failed as invalid_plan_input (422); the first 100 problems
    listed, each at orders.csv:LINE, the other 50 counted; no path of the server in it."""
    job = claimed(records, root, two_lane_orders(150, weight_kg=-1))
    work.run(records, job, "runner-1", root, TWO_LANES, None)
    failed = records.get(job.job_id)
    assert failed is not None and failed.state == "failed" and failed.error is not None
    error = failed.error
    assert (error["code"], error["status"]) == ("invalid_plan_input", 422)
    assert error["detail"] == "orders.csv: 150 invalid row(s):"
    assert len(error["errors"]) == MAX_LISTED == 100 and error["errors_omitted"] == 50
    assert error["errors"][0] == {
        "field": "orders.csv:2: weight_kg", "message": "must be a number > 0, got '-1'"
    }  # fmt: skip
    assert str(root) not in json.dumps(error)


def with_created_at(orders: bytes, line: int, created_at: str) -> bytes:
    """The CSV with the created_at of file line `line` changed."""
    lines = orders.decode().splitlines()
    lines[line - 1] = lines[line - 1].replace("2026-11-09T09:00:00+08:00", created_at)
    return ("\n".join(lines) + "\n").encode()


def test_rows_made_outside_the_window_are_named_or_skipped(records: JobRecords, root: Path) -> None:
    """With the window of dates (`dates={}`: two years back, one ahead, within the data):
    rows made in 2060 and 9999 fail the job naming each by orders.csv:LINE; the same table
    with skip_invalid plans the three others and lists the two as invalid."""
    orders = with_created_at(two_lane_orders(5), 3, "2060-11-09T09:00:00+08:00")
    orders = with_created_at(orders, 5, "9999-11-09T09:00:00+08:00")
    job = claimed(records, root, orders)
    work.run(records, job, "runner-1", root, TWO_LANES, None, dates={})
    failed = records.get(job.job_id)
    assert failed is not None and failed.state == "failed" and failed.error is not None
    assert failed.error["detail"] == "orders.csv: 2 invalid row(s):"
    fields = [(e["field"], e["message"].rsplit(", got ", 1)[1]) for e in failed.error["errors"]]
    assert fields == [
        ("orders.csv:3: created_at", "2060-11-09"),
        ("orders.csv:5: created_at", "9999-11-09"),
    ]
    assert all(e["message"].startswith("must be from ") for e in failed.error["errors"])
    skipping = claimed(records, root, orders, "plan_s", {**WEEK, "skip_invalid": True})
    work.run(records, skipping, "runner-1", root, TWO_LANES, None, dates={})
    done = records.get("plan_s")
    assert done is not None and done.state == "succeeded", done.error
    assert done.outcome is not None
    assert done.outcome["orders"] == {"input": 5, "planned": 3, "unplanned": 0, "invalid": 2}


def test_a_job_past_its_time_limit_fails_naming_the_stage(records: JobRecords, root: Path) -> None:
    """A job claimed an hour ago with 60 s to run (its process started late): it fails
    before its load stage, as invalid_plan_input naming the stage and the limit, and
    writes no plan."""
    an_hour_ago = datetime.now(UTC) - timedelta(hours=1)
    job = claimed(records, root, two_lane_orders(3), at=an_hour_ago)
    work.run(records, job, "runner-1", root, TWO_LANES, None)
    failed = records.get(job.job_id)
    assert failed is not None and failed.state == "failed" and failed.error is not None
    assert (failed.error["code"], failed.error["status"]) == ("invalid_plan_input", 422)
    assert failed.error["detail"].startswith(
        "the plan ran past its time limit of 60 s (time_limit_s) in the load stage;"
    )
    assert failed.progress == [] and not JobFiles(root, job.job_id).plan_csv.exists()


def test_a_cancelled_job_stops_at_its_next_stage(records: JobRecords, root: Path) -> None:
    """Cancel asked before the process starts: it stops as cancelled at the load stage
    (409 problem saying so), and writes no plan."""
    job = claimed(records, root, two_lane_orders(3))
    records.cancel(job.job_id)
    work.run(records, job, "runner-1", root, TWO_LANES, None)
    ended = records.get(job.job_id)
    assert ended is not None and ended.state == "cancelled" and ended.error is not None
    assert (ended.error["status"], ended.error["detail"]) == (
        409,
        "cancelled during the load stage",
    )
    assert not JobFiles(root, job.job_id).plan_csv.exists()


def test_a_job_taken_over_by_another_runner_is_left_alone(records: JobRecords, root: Path) -> None:
    """The process of runner-1 finds the job running under runner-2 (it was taken back
    and claimed again): it stops without touching the job."""
    job = claimed(records, root, two_lane_orders(3))
    records.requeue(job.job_id, "runner-1")
    records.claim_next("runner-2")
    work.run(records, job, "runner-1", root, TWO_LANES, None)
    now = records.get(job.job_id)
    assert now is not None and (now.state, now.owner, now.progress) == ("running", "runner-2", [])


def test_main_does_nothing_for_a_job_that_is_not_its_owners(
    database_url: str, root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`python -m api.jobs.work JOB OWNER` for a job of another owner, or none: exit 0,
    the job as it was."""
    store = Store(database_url)
    store.upgrade()
    records = JobRecords(store)
    job = claimed(records, root, two_lane_orders(3))
    monkeypatch.setenv("GLOCAL_DATABASE_URL", database_url)
    assert work.main([job.job_id, "runner-9", "--root", str(root)]) == 0
    assert work.main(["plan_missing", "runner-1", "--root", str(root)]) == 0
    assert records.get(job.job_id) == job
    store.dispose()


def test_main_takes_the_window_of_dates_from_its_options(
    database_url: str, root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`--dates-back-days 0 --dates-ahead-days 0`: only today's orders may be planned, so
    orders made on 2026-11-09 fail the job, each row named (the runner passes the
    server's GLOCAL_DATES_BACK_DAYS and GLOCAL_DATES_AHEAD_DAYS so)."""
    assert datetime.now(UTC).date().isoformat() != "2026-11-09"
    store = Store(database_url)
    store.upgrade()
    records = JobRecords(store)
    job = claimed(records, root, two_lane_orders(2))
    monkeypatch.setenv("GLOCAL_DATABASE_URL", database_url)
    argv = [job.job_id, "runner-1", "--root", str(root), "--network", str(TWO_LANES)]
    assert work.main([*argv, "--dates-back-days", "0", "--dates-ahead-days", "0"]) == 0
    failed = records.get(job.job_id)
    store.dispose()
    assert failed is not None and failed.state == "failed" and failed.error is not None
    assert [e["field"] for e in failed.error["errors"]] == [
        "orders.csv:2: created_at",
        "orders.csv:3: created_at",
    ]
    assert "days before today" in failed.error["errors"][0]["message"]


def test_the_checked_map_maps_like_map(records: JobRecords) -> None:
    """The map the planner's blocks go through gives map's results, in order."""
    records.create(a_job("plan_m"))
    job = records.claim_next("runner-1")
    assert job is not None
    reporter = work.Reporter(records, job, "runner-1")
    assert list(reporter.checked_map(map)(lambda x: x * x, range(5))) == [0, 1, 4, 9, 16]
