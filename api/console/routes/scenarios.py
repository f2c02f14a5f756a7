"""The scenarios page: pick a baseline plan, define up to four what-ifs (close a lane,
scale a lane's capacity, scale demand, hard deadlines) and run them, each a plan job over
the baseline's orders; then a table of each KPI's absolute and % delta against the
baseline, coloured by better or worse, and a map of the lanes whose load changed."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request
from starlette.datastructures import FormData
from starlette.responses import Response

from api.console import lanes
from api.console.comparisons import StoredScenario, new_comparison_id, scenario_row
from api.console.guard import CheckedForm, PlanVisitor, console_state
from api.console.kpis import jobs_of, read_summary
from api.console.render import page
from api.console.scenarios import KINDS, MAX_WHATIFS, WhatIf, WhatIfError, compare, lane_deltas
from api.jobs import service
from api.jobs.files import JobFiles
from api.jobs.records import FINAL, SUCCEEDED, PlanJob
from api.problems import ProblemError
from carriers.errors import Problem

router = APIRouter(prefix="/console/scenarios", include_in_schema=False)


@router.get("")
async def scenarios_page(request: Request, visitor: PlanVisitor) -> Response:
    jobs = jobs_of(request)
    listed = await jobs.store.call(jobs.records.of_key, visitor.key.key_id, 50)
    comparisons = console_state(request).comparisons
    past = await jobs.store.call(comparisons.of_key, visitor.key.key_id)
    return page(
        request,
        "scenarios.html",
        visitor,
        active="scenarios",
        baselines=[j for j in listed if j.state == SUCCEEDED],
        services=sorted(s.id for s in jobs.network.services),
        kinds=KINDS,
        slots=range(MAX_WHATIFS),
        past=past,
    )


def whatifs_from_form(form: FormData) -> list[WhatIf]:
    """The what-ifs the form fills (a row without a kind is left out); 422 otherwise."""
    found, wrong = [], []
    for i in range(MAX_WHATIFS):
        kind = str(form.get(f"kind_{i}", ""))
        if not kind:
            continue
        try:
            found.append(
                WhatIf(
                    name=str(form.get(f"name_{i}", "")).strip() or f"what-if {i + 1}",
                    kind=kind,
                    service=str(form.get(f"service_{i}", "")),
                    factor=float(str(form.get(f"factor_{i}", "") or 1)),
                )
            )
        except (WhatIfError, ValueError) as exc:
            wrong.append(Problem("form", f"what-if {i + 1}", str(exc)))
    if not found and not wrong:
        wrong.append(Problem("form", "what-ifs", "define at least one what-if"))
    if wrong:
        detail = "; ".join(f"{p.field}: {p.message}" for p in wrong)
        raise ProblemError(422, "invalid_request", detail, errors=wrong)
    return found


def _orders(root: Any, job: PlanJob) -> bytes:
    return JobFiles(root, job.job_id).orders(job.input_format).read_bytes()


@router.post("")
async def run_scenarios(request: Request, visitor: PlanVisitor, form: CheckedForm) -> Response:
    jobs = jobs_of(request)
    baseline = await service.owned(jobs, visitor.key, str(form.get("baseline", "")))
    if baseline.state != SUCCEEDED:
        raise ProblemError(409, "plan_not_ready", f"the baseline plan is {baseline.state}")
    whatifs = whatifs_from_form(form)
    orders = await asyncio.to_thread(_orders, jobs.root, baseline)
    comparison_id, rows = new_comparison_id(), []
    for position, whatif in enumerate(whatifs):
        options = whatif.options(baseline.options)
        job = await service.create_from_bytes(
            jobs, visitor.key, orders, baseline.input_format, options
        )
        rows.append(
            scenario_row(
                comparison_id,
                visitor.key.key_id,
                baseline.job_id,
                position,
                whatif.name,
                whatif.difference(),
                job.job_id,
            )
        )
    await jobs.store.call(console_state(request).comparisons.add, rows)
    return Response(status_code=303, headers={"Location": f"/console/scenarios/{comparison_id}"})


async def _comparison(request: Request, visitor: PlanVisitor, comparison_id: str) -> dict:
    jobs = jobs_of(request)
    found: list[StoredScenario] = await jobs.store.call(
        console_state(request).comparisons.get, visitor.key.key_id, comparison_id
    )
    if not found:
        raise ProblemError(404, "unknown_comparison", f"no comparison {comparison_id!r}")
    baseline = await service.owned(jobs, visitor.key, found[0].baseline_job_id)
    runs = [await service.owned(jobs, visitor.key, s.job_id) for s in found]
    base_summary = await asyncio.to_thread(read_summary, jobs, baseline)
    summaries = [await asyncio.to_thread(read_summary, jobs, job) for job in runs]
    assert base_summary is not None
    return {
        "comparison_id": comparison_id,
        "baseline": baseline,
        "scenarios": list(zip(found, runs, summaries, strict=True)),
        "rows": compare(base_summary, summaries),
        "final": all(job.state in FINAL for job in runs),
        "base_summary": base_summary,
        "summaries": summaries,
    }


@router.get("/{comparison_id}")
async def comparison_page(request: Request, comparison_id: str, visitor: PlanVisitor) -> Response:
    context = await _comparison(request, visitor, comparison_id)
    return page(request, "comparison.html", visitor, active="scenarios", **context)


@router.get("/{comparison_id}/table")
async def comparison_table(request: Request, comparison_id: str, visitor: PlanVisitor) -> Response:
    """The comparison's table (polled until every what-if has run)."""
    context = await _comparison(request, visitor, comparison_id)
    return page(request, "comparison_table.html", visitor, **context)


@router.get("/{comparison_id}/lanes/{position}.json")
async def comparison_lanes(
    request: Request, comparison_id: str, position: int, visitor: PlanVisitor
) -> dict[str, Any]:
    """The map of one what-if: the lanes whose planned kg changed, with the change."""
    context = await _comparison(request, visitor, comparison_id)
    summaries = context["summaries"]
    if not 0 <= position < len(summaries) or summaries[position] is None:
        raise ProblemError(404, "unknown_scenario", "that what-if has no plan (yet)")
    changed = lane_deltas(context["base_summary"], summaries[position])
    data = lanes.map_data(jobs_of(request).network, {})
    by_lane: dict[str, float] = {}
    for s in jobs_of(request).network.services:
        if s.id in changed:
            by_lane[lanes.lane_id(s)] = by_lane.get(lanes.lane_id(s), 0.0) + changed[s.id]
    data["lanes"] = [
        lane | {"delta_kg": round(by_lane[lane["id"]], 3)}
        for lane in data["lanes"]
        if lane["id"] in by_lane
    ]
    return data
