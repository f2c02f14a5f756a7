"""api/jobs/views.py: a plan job as the API shows it: every stage with its state, the
current stage of a running job, timings worked out from its times, links to what exists;
the problem of a job that ended without a plan."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from api.jobs.views import (
    DESIGN_STAGES,
    MAX_LISTED,
    STAGES,
    cancelled_problem,
    error_problem,
    job_view,
    progress,
)
from carriers.errors import InvalidPlanInput, Problem
from tests.api.jobs.conftest import a_job

T0 = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def test_a_queued_job_has_every_stage_pending() -> None:
    """Before it runs: the eight planner stages in order, none done, no current stage."""
    shown = progress(a_job("plan_q"))
    assert [s["name"] for s in shown["stages"]] == list(STAGES) == [
        "load", "aggregate", "routes", "model", "refine", "solve", "disaggregate", "write",
    ]  # fmt: skip
    assert {s["state"] for s in shown["stages"]} == {"pending"}
    assert (shown["stage"], shown["done"], shown["total"]) == (None, 0, 8)


def test_a_design_job_has_the_stages_of_a_design_and_no_api_links() -> None:
    """A design job: load, build, solve, robustness, write; its view links to no
    `/v1/plans` address (the console serves its files)."""
    steps = [
        {"stage": "load", "state": "done", "seconds": 0.2},
        {"stage": "build", "state": "running"},
    ]
    job = a_job("design_q", kind="design", state="running", progress=steps)
    shown = progress(job)
    assert [s["name"] for s in shown["stages"]] == list(DESIGN_STAGES) == [
        "load", "build", "solve", "robustness", "write",
    ]  # fmt: skip
    assert (shown["stage"], shown["done"], shown["total"]) == ("build", 1, 5)
    done = a_job("design_s", kind="design", state="succeeded", finished_at=T0)
    assert job_view(done)["links"] == {}


def test_a_running_job_shows_its_current_stage_and_what_is_done() -> None:
    """load done in 1.5 s, aggregate running, and a stage the planner added (not one of
    the eight) done: current stage aggregate, 2 of 9 done, the added stage listed last."""
    steps = [
        {"stage": "load", "state": "done", "seconds": 1.5},
        {"stage": "aggregate", "state": "running"},
        {"stage": "extra", "state": "done", "seconds": 0.1},
    ]
    shown = progress(a_job("plan_r", state="running", progress=steps))
    assert (shown["stage"], shown["done"], shown["total"]) == ("aggregate", 2, 9)
    assert shown["stages"][0] == {"name": "load", "state": "done", "seconds": 1.5}
    assert shown["stages"][1] == {"name": "aggregate", "state": "running", "seconds": None}
    assert shown["stages"][-1]["name"] == "extra"


def test_a_job_that_is_not_running_has_no_current_stage() -> None:
    """A cancelled job whose last report said "solve running" shows no current stage."""
    steps = [{"stage": "solve", "state": "running"}]
    assert progress(a_job("plan_c", state="cancelled", progress=steps))["stage"] is None


def test_timings_of_a_finished_job_come_from_its_times() -> None:
    """Created 10:00:00, started 10:00:30, finished 10:02:00: queued 30 s, ran 90 s; the
    stage times are those reported."""
    job = a_job(
        "plan_s", state="succeeded", created_at=T0, started_at=at(30), finished_at=at(120),
        progress=[{"stage": "load", "state": "done", "seconds": 2.25}],
    )  # fmt: skip
    timings = job_view(job, now=at(999))["timings"]
    assert timings == {
        "queued_seconds": 30.0,
        "running_seconds": 90.0,
        "stage_seconds": {"load": 2.25},
    }


def test_a_running_job_has_run_until_now_and_a_queued_one_waited_until_now() -> None:
    """Running since 10:00:30, asked at 10:01:00: 30 s running; queued since 10:00:00,
    asked at 10:00:45: 45 s queued and no running time."""
    running = a_job("plan_r", state="running", created_at=T0, started_at=at(30))
    assert job_view(running, now=at(60))["timings"]["running_seconds"] == 30.0
    queued = job_view(a_job("plan_q", created_at=T0), now=at(45))["timings"]
    assert (queued["queued_seconds"], queued["running_seconds"]) == (45.0, None)


def test_only_a_succeeded_job_links_to_its_results() -> None:
    """A succeeded job links its result, summary and report; any other only itself."""
    done = job_view(a_job("plan_ok", state="succeeded"))["links"]
    assert done == {
        "self": "/v1/plans/plan_ok",
        "result": "/v1/plans/plan_ok/result",
        "summary": "/v1/plans/plan_ok/summary",
        "report": "/v1/plans/plan_ok/report",
    }
    for state in ("queued", "running", "failed", "cancelled"):
        assert job_view(a_job("plan_x", state=state))["links"] == {"self": "/v1/plans/plan_x"}


def test_the_callback_is_shown_only_when_one_was_asked_for() -> None:
    """No callback_url: callback is null; with one: its URL, state, attempts, last error."""
    assert job_view(a_job("plan_n"))["callback"] is None
    job = a_job(
        "plan_h", callback_url="https://shop.example/hook", callback_state="pending",
        callback_attempts=2, callback_error="HTTP 500",
    )  # fmt: skip
    assert job_view(job)["callback"] == {
        "url": "https://shop.example/hook",
        "state": "pending",
        "attempts": 2,
        "last_error": "HTTP 500",
    }


def test_the_view_carries_the_jobs_own_fields_as_json() -> None:
    """Times as ISO 8601 text, the input's format and size, options, outcome and error."""
    job = a_job("plan_f", state="failed", created_at=T0, finished_at=at(5), input_bytes=1234,
                error={"code": "input_lost"}, attempts=2)  # fmt: skip
    view = job_view(job, now=at(10))
    assert view["created_at"] == "2026-11-26T10:00:00+00:00"
    assert view["finished_at"] == "2026-11-26T10:00:05+00:00" and view["started_at"] is None
    assert view["input"] == {"format": "csv", "bytes": 1234}
    assert (view["state"], view["attempts"], view["error"]) == ("failed", 2, {"code": "input_lost"})
    assert view["options"] == job.options and view["outcome"] is None


def test_the_problem_of_a_failed_job_lists_its_first_problems() -> None:
    """A table with 102 bad cells: 422 with the error's first line as the detail, the
    first MAX_LISTED problems as `file:line: field` and message, the rest counted; an
    error without problems lists none."""
    bad = [Problem(f"o.csv:{n}", "weight_kg", "must be a number > 0") for n in range(2, 104)]
    problem = error_problem(InvalidPlanInput("o.csv: 102 invalid row(s)", bad))
    assert (problem["code"], problem["status"], problem["detail"]) == (
        "invalid_plan_input",
        422,
        "o.csv: 102 invalid row(s):",
    )
    assert len(problem["errors"]) == MAX_LISTED and problem["errors_omitted"] == 2
    assert problem["errors"][0] == {
        "field": "o.csv:2: weight_kg",
        "message": "must be a number > 0",
    }
    alone = error_problem(InvalidPlanInput("the plan ran past its time limit"))
    assert alone["errors"] == [] and "errors_omitted" not in alone


def test_a_cancelled_job_says_in_which_stage() -> None:
    problem = cancelled_problem("solve")
    assert (problem["code"], problem["status"], problem["detail"]) == (
        "cancelled",
        409,
        "cancelled during the solve stage",
    )
