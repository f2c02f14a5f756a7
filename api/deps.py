"""What routes depend on: the app's state (built once at start-up) and API-key checks.

`QuoteKey`, `PromiseKey`, ... are `Annotated` aliases: a route that takes one is served
only with a valid `Authorization: Bearer <key>` (401 otherwise) that grants the scope
(403 otherwise) and is within its rate limit (429 with Retry-After otherwise).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPBearer

from api.auth import KeyRing, RateLimiter, grants
from api.calibration import LivePromise
from api.capacity import CapacityBoard
from api.compute import Compute
from api.metrics import Metrics
from api.problems import ProblemError
from api.quote_writer import QuoteWriter
from api.settings import Settings
from api.store import ShipmentStore, Store, StoredKey
from api.usage import UsageMeter
from routing.network import Network


@dataclass
class AppState:
    """Everything a request reads, built once when the app starts."""

    settings: Settings
    network: Network
    store: Store
    quotes: QuoteWriter
    keys: KeyRing
    limiter: RateLimiter
    usage: UsageMeter
    metrics: Metrics
    compute: Compute
    promise: LivePromise  # the learned promise model this process serves, if any
    summary: dict[str, Any]
    carriers: dict[str, Any]
    shipments: ShipmentStore
    capacity: CapacityBoard


async def get_state(request: Request) -> AppState:
    state: AppState = request.app.state.glocal
    return state


StateDep = Annotated[AppState, Depends(get_state)]


class ApiKey(HTTPBearer):
    """The `Authorization: Bearer <key>` scheme (as OpenAPI states it), admitting keys
    that grant `scope`, within their rate limit. One dependency that does it all: a
    quote is the server's hottest request, and every dependency FastAPI solves per
    request costs time (this one reads the header and the app's state itself)."""

    def __init__(self, scope: str) -> None:
        super().__init__(
            scheme_name="HTTPBearer",
            description="An API key: `glocal keys create`.",
            auto_error=False,
        )
        self.scope = scope

    async def __call__(self, request: Request) -> StoredKey:  # type: ignore[override]
        state: AppState = request.app.state.glocal
        scheme, _, presented = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not presented:
            raise _unauthorized("send an API key: Authorization: Bearer <key>")
        key = state.keys.verify(presented.strip())
        if key is None:
            raise _unauthorized("the API key is not valid (unknown, mistyped or revoked)")
        request.scope.setdefault("state", {})["key_id"] = key.key_id
        if not grants(key, self.scope):
            raise ProblemError(
                403, "missing_scope", f"this key lacks the {self.scope!r} scope", title="Forbidden"
            )
        wait = state.limiter.take(key)
        if wait > 0:
            raise ProblemError(
                429,
                "rate_limited",
                f"rate limit of this key reached; retry in {wait:.2f} s",
                headers={"Retry-After": str(max(1, math.ceil(wait)))},
            )
        route = request.scope.get("route")
        state.usage.count(key.key_id, getattr(route, "path", request.url.path))
        return key


def _unauthorized(detail: str) -> ProblemError:
    return ProblemError(401, "unauthorized", detail, headers={"WWW-Authenticate": "Bearer"})


QuoteKey = Annotated[StoredKey, Depends(ApiKey("quote"))]
PromiseKey = Annotated[StoredKey, Depends(ApiKey("promise"))]
AdminKey = Annotated[StoredKey, Depends(ApiKey("admin"))]
BookKey = Annotated[StoredKey, Depends(ApiKey("book"))]


JSON_MEDIA = "application/json"


async def json_payload(request: Request) -> bytes:
    """The body of a request that must be JSON: declared `application/json` (or a
    `+json` type), else a 415 problem before a byte of it is read."""
    declared = request.headers.get("content-type", "")
    media = declared.partition(";")[0].strip().lower()
    if media != JSON_MEDIA and not (media.startswith("application/") and media.endswith("+json")):
        shown = repr(declared[:60]) if declared else "no Content-Type"
        raise ProblemError(
            415,
            "unsupported_media_type",
            f"send the body as {JSON_MEDIA} (Content-Type header), not {shown}",
        )
    return await request.body()
