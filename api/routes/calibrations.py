"""`/v1/promise-calibrations`: the learned promise model the server serves (`api.calibration`)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from api import services
from api.deps import AdminKey, PromiseKey, StateDep, json_payload
from api.openapi import problems
from api.schemas import PromiseCalibration

router = APIRouter(prefix="/v1/promise-calibrations", tags=["promises"])
MODEL_BODY = {
    "requestBody": {
        "required": True,
        "description": "A learned promise model, as `glocal promise calibrate HISTORY "
        "--model M.json` (or `--append`) writes it.",
        "content": {"application/json": {"schema": {"type": "object"}}},
    }
}


@router.post(
    "",
    status_code=201,
    response_model=PromiseCalibration,
    summary="Make a learned promise model live",
    openapi_extra=MODEL_BODY,
    responses=problems(400, 401, 403, 413, 415, 422, 429, 503),
)
async def post_calibration(
    request: Request, response: Response, state: StateDep, key: AdminKey
) -> dict[str, Any]:
    """Check the model field by field (422 naming each bad one, the live model kept),
    store it and serve it: at once on this server process, on the others within
    `GLOCAL_PROMISE_POLL_SECONDS`. Quotes and promises on the lanes it knows then take
    their dates from it (`promise.source` is `learned`, `promise.calibration` its id)."""
    answer = await services.post_calibration(state, key, await json_payload(request))
    response.headers["Location"] = f"{router.prefix}/current"
    return answer


@router.get(
    "/current",
    response_model=PromiseCalibration,
    summary="The live learned promise model",
    responses=problems(401, 403, 404, 429),
)
async def current_calibration(state: StateDep, key: PromiseKey) -> dict[str, Any]:
    """The model this server process serves; 404 when none is (the schedule-based engine
    promises everything)."""
    return services.current_calibration(state)
