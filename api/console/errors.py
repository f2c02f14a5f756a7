"""The error page: problem+json's human twin.

On a console path, every error the API would answer as `application/problem+json`
(`api.problems`) is answered as a page instead, made from that same problem document:
its status, title and detail, the fields at fault, the request id to quote, and what to
do about it. The API's own handlers make the document; this only renders it, so the two
never say different things. An HTMX request gets the page's error block alone, to show in
place.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from api.console.render import page
from api.problems import ProblemError
from carriers.errors import GlocalError

Handler = Callable[[Request, Exception], Awaitable[Response] | Response]
PREFIX = "/console"
KEPT_HEADERS = ("retry-after", "x-request-id")

# What a person can do about a problem, by code, then by status.
ADVICE_BY_CODE = {
    "not_signed_in": "Sign in again with your API key.",
    "csrf_failed": "Reload the page and send the form again: a form is accepted only "
    "from a page of this session.",
    "missing_scope": "Ask for a key with that scope, or use the pages your key opens.",
    "unknown_plan": "Pick the plan again from the list of plans.",
    "plan_not_ready": "Wait until the plan has finished, then try again.",
    "invalid_plan_input": "Fix the orders table (its columns are those of `glocal plan`) "
    "and upload it again.",
}
ADVICE_BY_STATUS = {
    400: "Check what you sent and send it again.",
    404: "Go back to the console's home page and follow a link from there.",
    413: "Send a smaller file.",
    422: "Correct the fields listed below and send the form again.",
    429: "Wait a moment, then try again.",
    503: "The server cannot use its storage right now: try again in a few seconds.",
}


def advice(problem: dict[str, Any]) -> str:
    found = ADVICE_BY_CODE.get(str(problem.get("code")))
    if found is None:
        found = ADVICE_BY_STATUS.get(int(problem.get("status", 500)))
    return found or "Try again; if it goes on, give the request id to whoever runs this server."


def human_twin(request: Request, response: Response) -> Response:
    """The page of a problem+json response."""
    problem = json.loads(bytes(response.body))
    headers = {k: v for k, v in response.headers.items() if k.lower() in KEPT_HEADERS}
    visitor = getattr(request.state, "console_visitor", None)
    return page(
        request,
        "error.html",
        visitor,
        status=response.status_code,
        headers=headers,
        problem=problem,
        advice=advice(problem),
    )


def _twin(handler: Handler) -> Callable[[Request, Exception], Awaitable[Response]]:
    async def on_error(request: Request, exc: Exception) -> Response:
        made = handler(request, exc)
        response = made if isinstance(made, Response) else await made
        path = request.url.path
        if path.startswith(PREFIX) and not path.startswith(f"{PREFIX}/static/"):
            return human_twin(request, response)
        return response

    return on_error


def install(app: FastAPI) -> None:
    """Wrap the app's problem handlers (`api.problems.register` first) with the twin."""
    for cls in (ProblemError, GlocalError, RequestValidationError, StarletteHTTPException):
        app.add_exception_handler(cls, _twin(app.exception_handlers[cls]))
