"""The plans page: upload an orders table with its options, watch the job's progress live
(HTMX polls its status part each second until the job ends), then its KPIs and the
downloads. The job is the same as a `POST /v1/plans` makes (`api.jobs.service`)."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse
from starlette.datastructures import FormData
from starlette.responses import Response

from api.console.forms import options_of, uploaded
from api.console.guard import CheckedForm, PlanVisitor
from api.console.kpis import jobs_of, plan_kpis
from api.console.render import page
from api.jobs import service
from api.jobs.files import JobFiles
from api.jobs.options import MEDIA_TYPES, PlanOptions
from api.jobs.records import FINAL, PlanJob
from api.jobs.views import job_view
from api.problems import ProblemError

router = APIRouter(prefix="/console/plans", include_in_schema=False)
DOWNLOADS = {
    "plan.csv": ("plan_csv", "text/csv"),
    "summary.json": ("summary", "application/json"),
    "report.html": ("report", "text/html"),
}


@router.get("")
async def plans_page(request: Request, visitor: PlanVisitor) -> Response:
    jobs = jobs_of(request)
    listed = await jobs.store.call(jobs.records.of_key, visitor.key.key_id, 50)
    services = sorted(s.id for s in jobs.network.services)
    return page(
        request,
        "plans.html",
        visitor,
        active="plans",
        jobs=[job_view(j) for j in listed],
        services=services,
        defaults=PlanOptions(),
    )


def options_from_form(form: FormData) -> PlanOptions:
    """The plan options of the upload form; a 422 naming the field that is wrong."""
    scale = [line.strip() for line in str(form.get("scale_capacity", "")).splitlines()]
    values: dict[str, Any] = {
        "horizon_days": form.get("horizon_days") or 14,
        "time_limit_s": form.get("time_limit_s") or 60,
        "hard_deadlines": form.get("hard_deadlines") == "on",
        "skip_invalid": form.get("skip_invalid") == "on",
        "demand": form.get("demand") or 1.0,
        "close": [str(c) for c in form.getlist("close") if c],
        "scale_capacity": [s for s in scale if s],
    }
    return options_of(PlanOptions, values)


@router.post("")
async def upload_plan(request: Request, visitor: PlanVisitor, form: CheckedForm) -> Response:
    options = options_from_form(form)
    body, input_format = await uploaded(form, "orders", "an orders file")
    assert input_format in MEDIA_TYPES
    job = await service.create_from_bytes(
        jobs_of(request), visitor.key, body, input_format, options
    )
    return Response(status_code=303, headers={"Location": f"/console/plans/{job.job_id}"})


async def _owned(request: Request, visitor: PlanVisitor, job_id: str) -> PlanJob:
    return await service.owned(jobs_of(request), visitor.key, job_id)


async def _job_context(request: Request, job: PlanJob) -> dict[str, Any]:
    kpis = None
    if job.state in FINAL:
        kpis = await asyncio.to_thread(plan_kpis, jobs_of(request), job)
    return {"job": job_view(job), "kpis": kpis, "final": job.state in FINAL}


@router.get("/{job_id}")
async def plan_page(request: Request, job_id: str, visitor: PlanVisitor) -> Response:
    job = await _owned(request, visitor, job_id)
    context = await _job_context(request, job)
    return page(request, "plan.html", visitor, active="plans", **context)


@router.get("/{job_id}/status")
async def plan_status(request: Request, job_id: str, visitor: PlanVisitor) -> Response:
    """The job's progress (polled), or its results once it has ended."""
    job = await _owned(request, visitor, job_id)
    context = await _job_context(request, job)
    return page(request, "plan_status.html", visitor, **context)


@router.get("/{job_id}/files/{name}")
async def plan_file(request: Request, job_id: str, name: str, visitor: PlanVisitor) -> Response:
    if name not in DOWNLOADS:
        raise ProblemError(404, "unknown_file", f"a plan has no file {name!r}")
    attribute, media = DOWNLOADS[name]
    path = await service.result_file(jobs_of(request), visitor.key, job_id, attribute)
    assert path == getattr(JobFiles(jobs_of(request).root, job_id), attribute)
    return FileResponse(path, media_type=media, filename=f"{job_id}-{name}")
