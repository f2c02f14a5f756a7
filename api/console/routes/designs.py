"""The designs page: upload a demand forecast with its options (weeks, time limit,
scenarios of the robustness replay), watch the design job's progress live (HTMX polls its
status part each second until the job ends), then its figures and the downloads
(bookings.csv, summary.json, report.html).

The job is a plan job of kind `design` (`api.jobs.design_work`), queued in the store and
run by the server's job runner like a plan: it survives a page reload and a server
restart. The page needs the `plan` scope, as the plans page does: a design is the
planner's season-ahead plan, and the API has no scope of its own for it."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse
from starlette.datastructures import FormData
from starlette.responses import Response

from api.console.designs import design_figures, detail
from api.console.forms import options_of, uploaded
from api.console.guard import CheckedForm, PlanVisitor
from api.console.kpis import jobs_of
from api.console.render import page
from api.jobs import service
from api.jobs.design_options import DesignOptions
from api.jobs.records import DESIGN, FINAL, PlanJob
from api.jobs.views import job_view
from api.problems import ProblemError

router = APIRouter(prefix="/console/designs", include_in_schema=False)
DOWNLOADS = {
    "bookings.csv": ("bookings", "text/csv"),
    "summary.json": ("summary", "application/json"),
    "report.html": ("report", "text/html"),
}
FORM_FIELDS = ("weeks", "time_limit_s", "scenarios", "seed", "demand_quantile")


@router.get("")
async def designs_page(request: Request, visitor: PlanVisitor) -> Response:
    jobs = jobs_of(request)
    listed = await jobs.store.call(jobs.records.of_key, visitor.key.key_id, 50, DESIGN)
    return page(
        request,
        "designs.html",
        visitor,
        active="designs",
        jobs=[job_view(j) for j in listed],
        defaults=DesignOptions(),
    )


def options_from_form(form: FormData) -> DesignOptions:
    """The design options of the upload form (an empty field: its default); a 422 naming
    the field that is wrong."""
    values: dict[str, Any] = {}
    for name in FORM_FIELDS:
        given = form.get(name)
        if isinstance(given, str) and given.strip():
            values[name] = given.strip()
    return options_of(DesignOptions, values)


@router.post("")
async def upload_forecast(request: Request, visitor: PlanVisitor, form: CheckedForm) -> Response:
    options = options_from_form(form)
    body, input_format = await uploaded(form, "forecast", "a forecast file")
    job = await service.create_from_bytes(
        jobs_of(request), visitor.key, body, input_format, options
    )
    return Response(status_code=303, headers={"Location": f"/console/designs/{job.job_id}"})


async def _owned(request: Request, visitor: PlanVisitor, job_id: str) -> PlanJob:
    return await service.owned(jobs_of(request), visitor.key, job_id, DESIGN)


async def _job_context(request: Request, job: PlanJob) -> dict[str, Any]:
    figures = None
    if job.state in FINAL:
        figures = await asyncio.to_thread(design_figures, jobs_of(request).root, job)
    return {
        "job": job_view(job),
        "detail": detail(job),
        "figures": figures,
        "final": job.state in FINAL,
    }


@router.get("/{job_id}")
async def design_page(request: Request, job_id: str, visitor: PlanVisitor) -> Response:
    job = await _owned(request, visitor, job_id)
    context = await _job_context(request, job)
    return page(request, "design.html", visitor, active="designs", **context)


@router.get("/{job_id}/status")
async def design_status(request: Request, job_id: str, visitor: PlanVisitor) -> Response:
    """The job's progress (polled), or its figures once it has ended."""
    job = await _owned(request, visitor, job_id)
    context = await _job_context(request, job)
    return page(request, "design_status.html", visitor, **context)


@router.get("/{job_id}/files/{name}")
async def design_file(request: Request, job_id: str, name: str, visitor: PlanVisitor) -> Response:
    if name not in DOWNLOADS:
        raise ProblemError(404, "unknown_file", f"a design has no file {name!r}")
    attribute, media = DOWNLOADS[name]
    path = await service.result_file(jobs_of(request), visitor.key, job_id, attribute, DESIGN)
    return FileResponse(path, media_type=media, filename=f"{job_id}-{name}")
