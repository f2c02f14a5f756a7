"""api/jobs/design_work.py: the design process of one job, run on a real store and the
default world: a one-week forecast designed, its booking replayed over two scenarios,
every file written and the outcome recorded from the summary; a bad forecast fails the
job naming forecast.csv:line and field; a job past its limit fails in a design's words;
a cancelled job stops at its next stage; main leaves alone a job that is not its own
design."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from api.jobs import design_work
from api.jobs.files import JobFiles
from api.jobs.records import JobRecords, PlanJob
from api.jobs.views import DESIGN_STAGES
from api.store import Store
from tests.api.jobs.conftest import a_job

TINY = Path(__file__).parents[2] / "data" / "design_season" / "forecast.csv"
QUICK = {"time_limit_s": 120, "scenarios": 2, "weeks": 1}


def claimed(
    records: JobRecords,
    root: Path,
    forecast: bytes,
    job_id: str = "design_w",
    options: dict[str, Any] = QUICK,
    at: datetime | None = None,
) -> PlanJob:
    """A design job with its uploaded forecast, claimed by runner-1 (now, or `at`)."""
    files = JobFiles(root, job_id)
    files.dir.mkdir(parents=True, exist_ok=True)
    files.upload("design", "csv").write_bytes(forecast)
    records.create(a_job(job_id, options=options, kind="design"))
    job = records.claim_next("runner-1", now=at)
    assert job is not None and job.job_id == job_id
    return job


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The plans directory; the process runs in its job's directory, as the runner
    starts it."""
    plans = tmp_path / "plans"
    (plans / "design_w").mkdir(parents=True)
    monkeypatch.chdir(plans / "design_w")
    return plans


def test_a_design_job_writes_its_files_and_records_its_outcome(
    records: JobRecords, root: Path
) -> None:
    """Succeeded, every stage done; bookings.csv, summary.json (with the robustness table
    of two scenarios) and report.html beside the forecast; the booked units of the
    bookings are the summary's; the outcome's figures are the summary's."""
    job = claimed(records, root, TINY.read_bytes())
    design_work.run(records, job, "runner-1", root, None)
    done = records.get(job.job_id)
    assert done is not None and done.state == "succeeded", done.error
    assert [(p["stage"], p["state"]) for p in done.progress] == [(s, "done") for s in DESIGN_STAGES]
    files = JobFiles(root, job.job_id)
    assert sorted(p.name for p in files.dir.iterdir()) == [
        "bookings.csv", "forecast.csv", "report.html", "summary.json",
    ]  # fmt: skip
    summary = json.loads(files.summary.read_text())
    rows = list(csv.DictReader(files.bookings.open()))
    assert sum(int(r["units"]) for r in rows) == summary["booked"]["units"] > 0
    table = summary["robustness"]
    assert len(table["scenarios"]) == 2
    assert table["worst_cost"] == max(r["cost"] for r in table["scenarios"])
    assert "Robustness" in files.report.read_text()
    assert done.outcome is not None
    assert done.outcome["cost"] == summary["cost"]["total"]
    assert done.outcome["units"] == summary["booked"]["units"]
    assert done.outcome["worst_cost"] == table["worst_cost"]
    assert done.outcome["weeks"] == 1


def test_a_design_without_scenarios_has_no_robustness_table(
    records: JobRecords, root: Path
) -> None:
    job = claimed(records, root, TINY.read_bytes(), options={**QUICK, "scenarios": 0})
    design_work.run(records, job, "runner-1", root, None)
    done = records.get(job.job_id)
    assert done is not None and done.state == "succeeded", done.error
    assert "robustness" not in json.loads(JobFiles(root, job.job_id).summary.read_text())
    assert done.outcome is not None and done.outcome["expected_cost"] is None


def test_a_bad_forecast_fails_the_job_naming_line_and_field(
    records: JobRecords, root: Path
) -> None:
    """A row of -5 kg: failed as invalid_plan_input, at forecast.csv:2 (by file name,
    never the server's path)."""
    lines = TINY.read_text().splitlines()
    lines[1] = lines[1].replace(",3000,", ",-5,")
    job = claimed(records, root, ("\n".join(lines) + "\n").encode())
    design_work.run(records, job, "runner-1", root, None)
    failed = records.get(job.job_id)
    assert failed is not None and failed.state == "failed" and failed.error is not None
    assert failed.error["code"] == "invalid_plan_input"
    assert [e["field"] for e in failed.error["errors"]] == ["forecast.csv:2: kg"]
    assert str(root) not in json.dumps(failed.error)


def test_a_job_past_its_time_limit_fails_in_a_designs_words(
    records: JobRecords, root: Path
) -> None:
    an_hour_ago = datetime.now(UTC) - timedelta(hours=1)
    job = claimed(records, root, TINY.read_bytes(), at=an_hour_ago)
    design_work.run(records, job, "runner-1", root, None)
    failed = records.get(job.job_id)
    assert failed is not None and failed.state == "failed" and failed.error is not None
    assert failed.error["detail"].startswith(
        "the design ran past its time limit of 120 s (time_limit_s) in the load stage;"
    )
    assert not JobFiles(root, job.job_id).bookings.exists()


def test_a_cancelled_job_stops_at_its_next_stage(records: JobRecords, root: Path) -> None:
    job = claimed(records, root, TINY.read_bytes())
    records.cancel(job.job_id)
    design_work.run(records, job, "runner-1", root, None)
    ended = records.get(job.job_id)
    assert ended is not None and ended.state == "cancelled" and ended.error is not None
    assert ended.error["detail"] == "cancelled during the load stage"


def test_main_leaves_alone_a_job_that_is_not_its_own_design(
    database_url: str, root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another owner's design, a plan job, no job at all: exit 0, the jobs as they were."""
    store = Store(database_url)
    store.upgrade()
    records = JobRecords(store)
    job = claimed(records, root, TINY.read_bytes())
    records.create(a_job("plan_p"))
    plan = records.claim_next("runner-1")
    monkeypatch.setenv("GLOCAL_DATABASE_URL", database_url)
    assert design_work.main([job.job_id, "runner-9", "--root", str(root)]) == 0
    assert design_work.main(["plan_p", "runner-1", "--root", str(root)]) == 0
    assert design_work.main(["design_missing", "runner-1", "--root", str(root)]) == 0
    assert records.get(job.job_id) == job and records.get("plan_p") == plan
    store.dispose()
