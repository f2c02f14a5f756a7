"""`/v1/promises`: delivery promises and price ranges of a product, per destination."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from api import services
from api.deps import PromiseKey, StateDep, json_payload
from api.openapi import json_body, problems
from api.schemas import PROMISE_REQUEST, PromiseRequest, PromiseResponse

router = APIRouter(prefix="/v1/promises", tags=["promises"])


@router.post(
    "",
    response_model=PromiseResponse,
    response_model_exclude_unset=True,
    summary="Promise a product to destinations",
    openapi_extra=json_body(PromiseRequest, {"product_page": PROMISE_REQUEST}),
    responses=problems(400, 401, 403, 413, 415, 422, 429, 503),
)
async def create_promises(request: Request, state: StateDep, key: PromiseKey) -> dict[str, Any]:
    """For a merchant's product page: per destination (up to 200), the P50/P90/P95
    delivery dates of the cheapest and the fastest option and the range of prices."""
    return await services.create_promises(state, await json_payload(request))
