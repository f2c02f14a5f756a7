"""The promises page, the merchant's: a product (weight, size, category, value) and a list
of destinations give, per destination, the P50/P90/P95 delivery dates of its cheapest and
fastest options and the range of prices (`POST /v1/promises`, `api.services`). The
calibration chart compares the learned model's nominal levels with the levels its online
correction holds them at (how well past promises held), when a learned model is live."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from api import services
from api.console.guard import CheckedForm, PromiseVisitor
from api.console.render import page
from api.deps import AppState
from api.problems import ProblemError
from api.schemas import PROMISE_REQUEST
from api.schemas.bodies import calibration_body
from carriers.errors import Problem
from carriers.model import ORIGIN_KINDS, BatteryClass, GoodsCategory

router = APIRouter(prefix="/console/promises", include_in_schema=False)
DEFAULT_DESTINATIONS = "ES 28013\nBR 01310-100\nRU 101000\nID 10110\nUS 10001"


def calibration_chart(state: AppState) -> dict[str, Any] | None:
    """Nominal against held levels of the live learned model; None without one."""
    live = state.promise.current
    if live is None:
        return None
    body = calibration_body(live)
    labels = [f"P{round(100 * level)}" for level in body["levels"]]
    return {
        "kind": "bars",
        "labels": labels,
        "series": [
            {"label": "nominal", "colour": "#8792a2", "values": [100 * v for v in body["levels"]]},
            {
                "label": "held at",
                "colour": "#0b5cad",
                "values": [round(100 * v, 2) for v in body["adaptive_levels"]],
            },
        ],
        "unit": " %",
        "axis": "level",
        "n_seen": body["n_seen"],
    }


@router.get("")
async def promises_page(request: Request, visitor: PromiseVisitor) -> Response:
    state: AppState = request.app.state.glocal
    origins = sorted(n.id for n in state.network.nodes.values() if n.kind in ORIGIN_KINDS)
    return page(
        request,
        "promises.html",
        visitor,
        active="promises",
        origins=origins,
        categories=[c.value for c in GoodsCategory],
        batteries=[b.value for b in BatteryClass],
        product=PROMISE_REQUEST["product"],
        destinations=DEFAULT_DESTINATIONS,
        chart=calibration_chart(state),
    )


def destinations(text: str) -> list[dict[str, str]]:
    """`ES 28013` (or `ES:28013`) a line -> the API's destinations."""
    found = []
    for n, line in enumerate(text.splitlines(), start=1):
        parts = line.replace(":", " ").split(None, 1)
        if not parts:
            continue
        if len(parts) != 2:
            problem = Problem("form", f"destinations line {n}", "write COUNTRY POSTAL_CODE")
            raise ProblemError(422, "invalid_request", problem.message, errors=[problem])
        found.append({"country": parts[0].upper(), "postal_code": parts[1].strip()})
    return found


def promise_body(form: Any) -> bytes:
    """The form as the JSON body of `POST /v1/promises` (the API checks every field)."""
    product = {
        "origin": form.get("origin"),
        "weight_kg": form.get("weight_kg"),
        "length_cm": form.get("length_cm"),
        "width_cm": form.get("width_cm"),
        "height_cm": form.get("height_cm"),
        "category": form.get("category"),
        "hs_code": form.get("hs_code"),
        "value": {"amount": form.get("value"), "currency": form.get("value_currency")},
        "battery": form.get("battery") or "none",
        "liquid": form.get("liquid") == "on",
    }
    body: dict[str, Any] = {
        "product": product,
        "destinations": destinations(str(form.get("destinations", ""))),
    }
    if form.get("currency"):
        body["currency"] = form.get("currency")
    return json.dumps(body).encode()


@router.post("")
async def promise(request: Request, visitor: PromiseVisitor, form: CheckedForm) -> Response:
    state: AppState = request.app.state.glocal
    answer = await services.create_promises(state, promise_body(form))
    return page(request, "promise_result.html", visitor, answer=answer)
