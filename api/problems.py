"""Every error as `application/problem+json` (RFC 9457).

A problem has `type` (a stable URN, `urn:glocal:problem:<code>`), `title`, `status`,
`detail`, `instance` (the request path), `code` and the `request_id`; a 422 adds `errors`,
a list of {`field`, `message`} with field paths such as `items[1].hs_code`.

Where problems come from:

- `ProblemError`, raised by the doors (auth, rate limit, caps, unknown quote id);
- glocal's own errors (`carriers.errors`): a bad order, an unknown node or currency, no
  feasible route are the client's (4xx); a broken network or rule file is ours (500);
- FastAPI's request validation and Starlette's HTTP errors (404 no such route, 405);
- anything else: a 500 with the request id and no internals (see `api.middleware`).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from carriers.errors import GlocalError, Problem, StoreUnavailable

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger("glocal.api")
STORE_RETRY_AFTER_S = 5  # what a 503 store_unavailable asks a client to wait

# glocal's error codes that are the client's to fix, with their HTTP status and title.
CLIENT_ERRORS: dict[str, tuple[int, str]] = {
    "invalid_order": (422, "The order is invalid"),
    "unknown_node": (422, "Unknown node"),
    "unknown_country": (422, "No data for this country"),
    "unknown_currency": (422, "Unknown currency"),
    "no_feasible_route": (422, "No route can carry this order"),
}
HTTP_TITLES = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    409: "Conflict",
    413: "Content too large",
    415: "Unsupported media type",
    422: "Unprocessable content",
    429: "Too many requests",
    500: "Internal server error",
    503: "Service unavailable",
}


class ProblemError(Exception):
    """An HTTP problem raised by the doors; rendered by `problem_response`."""

    def __init__(
        self,
        status: int,
        code: str,
        detail: str,
        *,
        title: str | None = None,
        errors: Iterable[Problem] = (),
        headers: dict[str, str] | None = None,
        extensions: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.title = title or HTTP_TITLES.get(status, "Error")
        self.detail = detail
        self.errors = tuple(errors)
        self.headers = headers or {}
        self.extensions = extensions or {}  # more members of the problem document


def problem_body(
    status: int,
    code: str,
    title: str,
    detail: str,
    *,
    request_id: str | None,
    instance: str | None = None,
    errors: Iterable[Problem] = (),
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": f"urn:glocal:problem:{code}",
        "title": title,
        "status": status,
        "detail": without_paths(detail),
        "code": code,
    }
    if instance is not None:
        body["instance"] = instance
    if request_id is not None:
        body["request_id"] = request_id
    listed = [{"field": p.field, "message": without_paths(p.message)} for p in errors]
    if listed or status == 422:
        body["errors"] = listed
    return body


# A file path of the server (/srv/glocal/data/fx.csv): a client is shown its last part only.
_SERVER_PATH = re.compile(r"(?<![\w.:/])/(?:[^\s/:'\"]+/)+(?=[^\s/:'\".]+\.\w+)")


def without_paths(text: str) -> str:
    """`text` with the directories of any absolute path taken out (`fx.csv:12` stays)."""
    return _SERVER_PATH.sub("", text)


def problem_response(request: Request, exc: ProblemError) -> Response:
    body = problem_body(
        exc.status,
        exc.code,
        exc.title,
        exc.detail,
        request_id=request.scope.get("state", {}).get("request_id"),
        instance=request.url.path,
        errors=exc.errors,
    )
    body.update(exc.extensions)
    return Response(
        json.dumps(body, ensure_ascii=False).encode(),
        status_code=exc.status,
        media_type=PROBLEM_JSON,
        headers=exc.headers,
    )


def from_glocal_error(exc: GlocalError) -> ProblemError:
    """A domain error as a problem: the client's to fix (4xx), or ours (500, no internals)."""
    if exc.code in CLIENT_ERRORS:
        status, title = CLIENT_ERRORS[exc.code]
        return ProblemError(status, exc.code, exc.message, title=title, errors=exc.problems)
    if exc.problems and exc.problems[0].where == "order":
        return ProblemError(422, exc.code, exc.message, errors=exc.problems)
    if isinstance(exc, StoreUnavailable):  # the database or disk failing: the log says why
        log.warning("database unavailable", extra={"code": exc.code, "error": exc.message})
        return ProblemError(
            503,
            exc.code,
            "the service cannot use its storage right now; try again shortly",
            headers={"Retry-After": str(STORE_RETRY_AFTER_S)},
        )
    log.error("server-side data error", extra={"code": exc.code, "error": exc.message})
    return ProblemError(500, "internal_error", "the service could not answer; see its logs")


def field_path(loc: Iterable[Any]) -> str:
    """('items', 1, 'hs_code') -> 'items[1].hs_code'."""
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def register(app: FastAPI) -> None:
    """Install the problem+json handlers on an app."""

    async def on_problem(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ProblemError)
        return problem_response(request, exc)

    async def on_glocal(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, GlocalError)
        return problem_response(request, from_glocal_error(exc))

    async def on_validation(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        # loc starts with where the field is (body, path, query, header)
        found = [Problem("request", field_path(e["loc"][1:]), e["msg"]) for e in exc.errors()]
        detail = "; ".join(f"{p.field}: {p.message}" for p in found)
        return problem_response(request, ProblemError(422, "invalid_request", detail, errors=found))

    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        code = HTTP_TITLES.get(exc.status_code, "error").lower().replace(" ", "_")
        detail = exc.detail if isinstance(exc.detail, str) else HTTP_TITLES.get(exc.status_code)
        problem = ProblemError(exc.status_code, code, str(detail), headers=dict(exc.headers or {}))
        return problem_response(request, problem)

    app.add_exception_handler(ProblemError, on_problem)
    app.add_exception_handler(GlocalError, on_glocal)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
