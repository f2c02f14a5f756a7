"""`/v1/quotes`: quote an order; read a stored quote back."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from api import services
from api.deps import QuoteKey, StateDep, json_payload
from api.openapi import json_body, problems
from api.schemas import BRAZILIAN_ORDER, SPANISH_ORDER, OrderRequest, QuoteResponse
from api.store import StoredQuote

router = APIRouter(prefix="/v1/quotes", tags=["quotes"])


@router.post(
    "",
    status_code=201,
    response_model=QuoteResponse,
    summary="Quote an order",
    openapi_extra=json_body(OrderRequest, {"spain": SPANISH_ORDER, "brazil": BRAZILIAN_ORDER}),
    responses=problems(400, 401, 403, 413, 415, 422, 429, 503),
)
async def create_quote(request: Request, key: QuoteKey) -> Response:
    """Ranked shipping options for one order: price in the buyer's currency, duties and
    taxes, incoterm, delivery promise. The answer is kept and can be read back for
    `GLOCAL_QUOTE_TTL_DAYS` (30) days at the `Location` it gives."""
    stored = await services.create_quote(request.app.state.glocal, key, await json_payload(request))
    location = f"{router.prefix}/{stored.quote_id}"
    return _json(stored, 201, {"Location": location})


@router.get(
    "/{quote_id}",
    response_model=QuoteResponse,
    summary="Read a stored quote",
    responses=problems(401, 403, 404, 422, 429),
)
async def read_quote(quote_id: str, state: StateDep, key: QuoteKey) -> Response:
    """A quote made by this key (any key's, with the `admin` scope) in the last 30 days,
    byte for byte as it was answered."""
    return _json(await services.stored_quote(state, key, quote_id), 200)


def _json(stored: StoredQuote, status: int, headers: dict[str, str] | None = None) -> Response:
    """The stored JSON as it is: no second validation and encoding of a large answer (the
    contract is checked by the tests against `QuoteResponse`)."""
    return Response(stored.body, status, headers, media_type="application/json")
