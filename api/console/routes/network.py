"""The network page: a map of nodes and lanes (Leaflet over Natural Earth's country
outlines, no tiles), coloured by mode, weighed by the last plan's utilisation; a lane's
services in a panel (an HTMX swap, from the map or from the lanes table)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from api.console import lanes
from api.console.guard import QuoteVisitor
from api.console.kpis import last_summary
from api.console.render import page
from api.deps import AppState

router = APIRouter(prefix="/console/network", include_in_schema=False)


@router.get("")
async def network_page(request: Request, visitor: QuoteVisitor) -> Response:
    data = await _map_data(request, visitor.key.key_id if visitor.can("plan") else None)
    return page(request, "network.html", visitor, active="network", data=data)


@router.get("/lanes.json")
async def lanes_json(request: Request, visitor: QuoteVisitor) -> dict[str, Any]:
    """What the map draws (the page's script fetches it)."""
    return await _map_data(request, visitor.key.key_id if visitor.can("plan") else None)


@router.get("/lanes/{lane}")
async def lane_panel(request: Request, lane: str, visitor: QuoteVisitor) -> Response:
    state: AppState = request.app.state.glocal
    services = lanes.lane_services(state.network, lane)
    status = 200 if services else 404
    return page(request, "lane.html", visitor, status=status, lane=lane, services=services)


async def _map_data(request: Request, key_id: str | None) -> dict[str, Any]:
    state: AppState = request.app.state.glocal
    summary = None if key_id is None else await last_summary(request, key_id)
    data = lanes.map_data(state.network, lanes.utilisation_by_service(summary))
    data["plan"] = None if summary is None else summary.get("job_id")
    return data
