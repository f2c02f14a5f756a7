"""A plan job as the API shows it (`GET /v1/plans/{id}`, and the body of its webhook),
and the problem documents of a job that ended without a plan (written by its planning
process or by the runner that ended that process, in the same words)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from api.jobs.records import DESIGN, PLAN, RUNNING, SUCCEEDED, PlanJob, reason_problem
from carriers.errors import GlocalError

# The stages of a plan job in the order they run (the planner's, between load and write).
STAGES = ("load", "aggregate", "routes", "model", "refine", "solve", "disaggregate", "write")
# The stages of a design job (api.jobs.design_work).
DESIGN_STAGES = ("load", "build", "solve", "robustness", "write")
STAGES_OF = {PLAN: STAGES, DESIGN: DESIGN_STAGES}
PREFIX = "/v1/plans"
MAX_LISTED = 100  # problems listed in a failed job's error


def _iso(at: datetime | None) -> str | None:
    return None if at is None else at.isoformat()


def _seconds(start: datetime | None, end: datetime | None) -> float | None:
    return None if start is None or end is None else round((end - start).total_seconds(), 3)


def progress(job: PlanJob) -> dict[str, Any]:
    """Every stage with its state (pending, running, done) and seconds once done."""
    seen = {p["stage"]: p for p in job.progress}
    known = STAGES_OF[job.kind]
    names = list(known) + [p["stage"] for p in job.progress if p["stage"] not in known]
    stages = []
    for name in names:
        found = seen.get(name)
        state = "pending" if found is None else found["state"]
        stages.append(
            {
                "name": name,
                "state": state,
                "seconds": None if found is None else found.get("seconds"),
            }
        )
    current = next((s["name"] for s in stages if s["state"] == "running"), None)
    done = sum(s["state"] == "done" for s in stages)
    return {
        "stage": current if job.state == RUNNING else None,
        "done": done,
        "total": len(stages),
        "stages": stages,
    }


def job_view(job: PlanJob, now: datetime | None = None) -> dict[str, Any]:
    now = now or datetime.now(UTC)
    base = f"{PREFIX}/{job.job_id}"
    links = {"self": base} if job.kind == PLAN else {}  # a design job is the console's
    if job.state == SUCCEEDED and job.kind == PLAN:
        links |= {
            "result": f"{base}/result",
            "summary": f"{base}/summary",
            "report": f"{base}/report",
        }
    end = job.finished_at or (now if job.state == RUNNING else None)
    callback = None
    if job.callback_url is not None:
        callback = {
            "url": job.callback_url,
            "state": job.callback_state,
            "attempts": job.callback_attempts,
            "last_error": job.callback_error,
        }
    return {
        "job_id": job.job_id,
        "state": job.state,
        "created_at": _iso(job.created_at),
        "started_at": _iso(job.started_at),
        "finished_at": _iso(job.finished_at),
        "timings": {
            "queued_seconds": _seconds(job.created_at, job.started_at or job.finished_at or now),
            "running_seconds": _seconds(job.started_at, end),
            "stage_seconds": {
                p["stage"]: p["seconds"] for p in job.progress if p.get("seconds") is not None
            },
        },
        "attempts": job.attempts,
        "cancel_requested": job.cancel_requested,
        "progress": progress(job),
        "options": job.options,
        "input": {"format": job.input_format, "bytes": job.input_bytes},
        "outcome": job.outcome,
        "error": job.error,
        "callback": callback,
        "links": links,
    }


def error_problem(exc: GlocalError) -> dict[str, Any]:
    """A glocal error that failed a job (a bad table, a time limit run past): 422, its
    first line as the detail, its first MAX_LISTED problems listed by `file:line: field`."""
    problem = reason_problem(exc.code, exc.message.split("\n", 1)[0], 422)
    problem["errors"] = [
        {"field": f"{p.where}: {p.field}", "message": p.message} for p in exc.problems[:MAX_LISTED]
    ]
    if len(exc.problems) > MAX_LISTED:
        problem["errors_omitted"] = len(exc.problems) - MAX_LISTED
    return problem


def cancelled_problem(stage: str) -> dict[str, Any]:
    """A running job cancelled by its client (409)."""
    return reason_problem("cancelled", f"cancelled during the {stage} stage", 409)
