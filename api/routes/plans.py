"""`/v1/plans`: batch plans as asynchronous jobs; `/v1/webhook-secret`: the key's secret
that signs their webhooks (`api.webhooks`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request, Response
from fastapi.responses import FileResponse

from api.deps import ApiKey
from api.jobs import service
from api.jobs.options import MEDIA_TYPES, PlanOptions
from api.jobs.service import PlanJobs
from api.jobs.views import job_view
from api.openapi import problems
from api.problems import ProblemError
from api.schemas.plans import PlanJobOut, WebhookSecret
from api.store import StoredKey

router = APIRouter(prefix="/v1", tags=["plans"])
PlanKey = Annotated[StoredKey, Depends(ApiKey("plan"))]
ORDERS_BODY = {
    "requestBody": {
        "required": True,
        "description": "The orders table (the columns of `glocal plan`), CSV or Parquet.",
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            "application/vnd.apache.parquet": {"schema": {"type": "string", "format": "binary"}},
        },
    }
}
RESULT_CONTENT = {
    "text/csv": {"schema": {"type": "string"}},
    "application/vnd.apache.parquet": {"schema": {"type": "string", "format": "binary"}},
}


async def get_jobs(request: Request) -> PlanJobs:
    jobs: PlanJobs = request.app.state.glocal_jobs
    return jobs


JobsDep = Annotated[PlanJobs, Depends(get_jobs)]


@router.post(
    "/plans",
    status_code=202,
    response_model=PlanJobOut,
    summary="Plan a batch of orders (asynchronously)",
    openapi_extra=ORDERS_BODY,
    responses=problems(400, 401, 403, 409, 413, 415, 422, 429),
)
async def create_plan(
    request: Request,
    response: Response,
    jobs: JobsDep,
    key: PlanKey,
    options: Annotated[PlanOptions, Query()],
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
) -> dict[str, Any]:
    """Queue a plan of the uploaded orders table. Answers 202 with the job at once; follow
    it at `Location`. With an `Idempotency-Key` a retried POST gets the same job back
    (`Idempotent-Replayed: true`); the same key with another request is a 409."""
    job, new = await service.create(jobs, key, request, options, idempotency_key)
    response.headers["Location"] = f"/v1/plans/{job.job_id}"
    if not new:
        response.headers["Idempotent-Replayed"] = "true"
    return job_view(job)


@router.get(
    "/plans/{job_id}",
    response_model=PlanJobOut,
    summary="A plan job's state and progress",
    responses=problems(401, 403, 404, 429),
)
async def read_plan(job_id: str, jobs: JobsDep, key: PlanKey) -> dict[str, Any]:
    """State (queued, running, succeeded, failed, cancelled), progress by stage, timings,
    the outcome of a succeeded plan or the problem of a failed one."""
    return job_view(await service.owned(jobs, key, job_id))


@router.delete(
    "/plans/{job_id}",
    status_code=202,
    response_model=PlanJobOut,
    summary="Cancel a plan job",
    responses=problems(401, 403, 404, 429),
)
async def cancel_plan(job_id: str, jobs: JobsDep, key: PlanKey) -> dict[str, Any]:
    """A queued job is cancelled at once; a running one is stopped within the runner's
    poll (its planning process ended, `cancel_requested` until then) and its slot goes to
    the next queued job; an ended job is left as it is."""
    return job_view(await service.cancel(jobs, key, job_id))


@router.get(
    "/plans/{job_id}/result",
    response_class=Response,
    summary="The plan table",
    responses={200: {"content": RESULT_CONTENT}, **problems(401, 403, 404, 406, 409, 429)},
)
async def plan_result(
    job_id: str,
    jobs: JobsDep,
    key: PlanKey,
    accept: Annotated[str | None, Header()] = None,
) -> Response:
    """One row per order (planned, unplanned or invalid): CSV, or Parquet with
    `Accept: application/vnd.apache.parquet`."""
    wanted = _negotiate(accept)
    path = await service.result_file(jobs, key, job_id, f"plan_{wanted}")
    return FileResponse(path, media_type=MEDIA_TYPES[wanted], filename=f"{job_id}.{wanted}")


@router.get(
    "/plans/{job_id}/summary",
    response_class=Response,
    summary="The plan's summary",
    responses={
        200: {"content": {"application/json": {"schema": {"type": "object"}}}},
        **problems(401, 403, 404, 409, 429),
    },
)
async def plan_summary(job_id: str, jobs: JobsDep, key: PlanKey) -> Response:
    """Totals, optimised against greedy, bounds and gaps, every departure's utilisation
    and shadow prices (the `--summary` of `glocal plan`)."""
    path = await service.result_file(jobs, key, job_id, "summary")
    return FileResponse(path, media_type="application/json")


@router.get(
    "/plans/{job_id}/report",
    response_class=Response,
    summary="The plan's report",
    responses={
        200: {"content": {"text/html": {"schema": {"type": "string"}}}},
        **problems(401, 403, 404, 409, 429),
    },
)
async def plan_report(job_id: str, jobs: JobsDep, key: PlanKey) -> Response:
    """The report (HTML with its pictures inside), as `glocal plan --report` writes it."""
    path = await service.result_file(jobs, key, job_id, "report")
    return FileResponse(path, media_type="text/html")


@router.get(
    "/webhook-secret",
    response_model=WebhookSecret,
    summary="This key's webhook secret",
    responses=problems(401, 403, 429),
)
async def webhook_secret(jobs: JobsDep, key: PlanKey) -> dict[str, str]:
    """The secret that signs this key's webhooks (made on first use)."""
    return {"secret": await jobs.store.call(jobs.records.webhook_secret, key.key_id)}


@router.post(
    "/webhook-secret",
    response_model=WebhookSecret,
    summary="Rotate this key's webhook secret",
    responses=problems(401, 403, 429),
)
async def rotate_webhook_secret(jobs: JobsDep, key: PlanKey) -> dict[str, str]:
    """A new secret; webhooks signed from now on use it."""
    return {"secret": await jobs.store.call(jobs.records.webhook_secret, key.key_id, True)}


def _negotiate(accept: str | None) -> str:
    """csv or parquet, by the Accept header (CSV when any will do)."""
    media = [part.split(";", 1)[0].strip().lower() for part in (accept or "*/*").split(",")]
    for m in media:
        if m in ("application/vnd.apache.parquet", "application/x-parquet"):
            return "parquet"
        if m in ("text/csv", "text/*", "*/*"):
            return "csv"
    raise ProblemError(
        406, "not_acceptable", "the plan is served as text/csv or application/vnd.apache.parquet"
    )
