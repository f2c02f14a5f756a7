"""`/v1/quotes`: quote an order; read a stored quote back."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.routing import APIRoute
from starlette.types import ASGIApp, Receive, Scope, Send

from api import services
from api.deps import QuoteKey, StateDep, quote_key
from api.openapi import json_body, problems
from api.problems import ProblemError, from_glocal_error, problem_response
from api.schemas import BRAZILIAN_ORDER, SPANISH_ORDER, OrderRequest, QuoteResponse
from api.store import StoredQuote
from carriers.errors import GlocalError

router = APIRouter(prefix="/v1/quotes", tags=["quotes"])


@router.post(
    "",
    status_code=201,
    response_model=QuoteResponse,
    summary="Quote an order",
    openapi_extra=json_body(OrderRequest, {"spain": SPANISH_ORDER, "brazil": BRAZILIAN_ORDER}),
    responses=problems(400, 401, 403, 413, 422, 429),
)
async def create_quote(request: Request, key: QuoteKey) -> Response:
    """Ranked shipping options for one order: price in the buyer's currency, duties and
    taxes, incoterm, delivery promise. The answer is kept and can be read back for
    `GLOCAL_QUOTE_TTL_DAYS` (30) days at the `Location` it gives."""
    stored = await services.create_quote(request.app.state.glocal, key, await request.body())
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


class QuoteIntake:
    """`POST /v1/quotes`, the server's hottest request, handed to the route's own function
    (`create_quote`, with the same key check and the same problem+json answers) without
    going through FastAPI's exception middleware, routers and dependency solving: 0.28 M
    instructions of the 7.5 M such a request cost (measured in process). The route declared
    above stays what the OpenAPI document shows and what serves any other method or path.
    A plain ASGI middleware, inside `RequestContext` (request id, body cap, metrics, 500)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.route = next(
            r for r in router.routes if isinstance(r, APIRoute) and r.endpoint is create_quote
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] != router.prefix:
            await self.app(scope, receive, send)
            return
        scope["route"] = self.route  # what metrics and usage count it under, as routed
        request = Request(scope, receive)
        try:
            response = await create_quote(request, await quote_key(request))
        except ProblemError as exc:
            response = problem_response(request, exc)
        except GlocalError as exc:
            response = problem_response(request, from_glocal_error(exc))
        await response(scope, receive, send)
