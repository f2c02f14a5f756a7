"""`/healthz` (liveness), `/readyz` (network loaded, database writable), `/metrics`."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from api.deps import StateDep
from api.metrics import CONTENT_TYPE
from api.openapi import problems
from api.problems import ProblemError
from api.schemas import Health, Readiness

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health, summary="Liveness")
async def healthz() -> dict[str, Any]:
    """The process answers."""
    return {"status": "ok"}


@router.get("/readyz", response_model=Readiness, summary="Readiness", responses=problems(503))
async def readyz(state: StateDep) -> dict[str, Any]:
    """The network is loaded and compiled, and the database takes a write (a heartbeat
    row committed, so a read-only file or disk, a full disk or a standby is not ready)."""
    network = state.network.compiled is not None
    database = await state.store.call(state.store.writable)
    if not (network and database):
        raise ProblemError(503, "not_ready", f"network loaded: {network}, database: {database}")
    return {"status": "ready", "network": network, "database": database}


@router.get(
    "/metrics",
    summary="Prometheus metrics",
    response_class=Response,
    responses={200: {"content": {CONTENT_TYPE: {"schema": {"type": "string"}}}}},
)
async def metrics(state: StateDep) -> Response:
    """Request counts and latency by route and status; quotes by market."""
    return Response(state.metrics.exposition(), media_type=CONTENT_TYPE)
