"""`/v1/network`, `/v1/carriers`: what the loaded network holds (computed at start-up)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from api.deps import ApiKey, StateDep
from api.openapi import problems
from api.schemas import CarriersResponse, NetworkSummary

router = APIRouter(
    prefix="/v1",
    tags=["network"],
    dependencies=[Depends(ApiKey("quote"))],
    responses=problems(401, 403, 429),
)


@router.get("/network", response_model=NetworkSummary, summary="Summary of the network")
async def network_summary(state: StateDep) -> dict[str, Any]:
    """Counts by node kind, mode and carrier; what each origin reaches, by which modes."""
    return state.summary


@router.get("/carriers", response_model=CarriersResponse, summary="Carriers and services")
async def carriers(state: StateDep) -> dict[str, Any]:
    """Every carrier of the network with its services (lane offers)."""
    return state.carriers
