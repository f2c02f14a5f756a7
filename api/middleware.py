"""The request middleware (plain ASGI, around every request):

- gives the request an id (the client's `X-Request-ID` when it is sane, else a new one),
  returns it in `X-Request-ID` and puts it in every log line written meanwhile;
- caps the body: a declared `Content-Length` over the cap is answered 413 at once, and a
  body that grows over it while read raises `BodyTooLarge` (413 too); uploads (`POST` to a
  path of `upload_caps`, e.g. an orders table to `/v1/plans`) have a cap of their own;
- turns an exception nothing else handled into a 500 problem with the request id and no
  internals, logging the traceback; a client that hangs up before its body has arrived is
  logged with status 499 (nginx's "client closed request"), with nobody left to answer;
- counts and times the request (Prometheus) and writes one access log line: method, route
  template, path, status, duration, the key id (never the key).
"""

from __future__ import annotations

import json
import logging
import random
import re
import time

from starlette.requests import ClientDisconnect
from starlette.routing import Match, Router
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.log import REQUEST_ID
from api.metrics import Metrics
from api.problems import PROBLEM_JSON, ProblemError, problem_body

log = logging.getLogger("glocal.access")
errors = logging.getLogger("glocal.api")
_SANE_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")
CLIENT_CLOSED = 499


def _request_id(headers: list[tuple[bytes, bytes]]) -> str:
    for name, value in headers:
        if name == b"x-request-id":
            text = value.decode("latin-1")
            if _SANE_ID.match(text):
                return text
    return f"{random.getrandbits(128):032x}"  # needs no crypto randomness: no syscall


def _content_length(headers: list[tuple[bytes, bytes]]) -> int | None:
    for name, value in headers:
        if name == b"content-length":
            return int(value) if value.isdigit() else None
    return None


class RequestContext:
    def __init__(
        self,
        app: ASGIApp,
        *,
        metrics: Metrics,
        router: Router,
        max_body: int,
        upload_caps: dict[str, int] | None = None,
    ) -> None:
        self.app = app
        self.metrics = metrics
        self.router = router
        self.max_body = max_body
        self.upload_caps = upload_caps or {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        request_id = _request_id(scope["headers"])
        state = scope.setdefault("state", {})
        state["request_id"] = request_id
        token = REQUEST_ID.set(request_id)
        status = [500, False]  # status sent, response started

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[:] = [message["status"], True]
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode()))
                message["headers"] = headers
            await send(message)

        cap = self.max_body
        if scope["method"] == "POST":
            cap = self.upload_caps.get(scope["path"].rstrip("/"), cap)
        try:
            length = _content_length(scope["headers"])
            if length is not None and length > cap:
                await self._problem(scope, send_with_id, 413, "body_too_large", request_id, cap)
            else:
                await self.app(scope, self._capped(receive, cap), send_with_id)
        except ClientDisconnect:
            status[0] = CLIENT_CLOSED
        except Exception:
            errors.exception("unhandled error", extra={"path": scope["path"]})
            if status[1]:
                raise  # the answer has begun: only closing the connection is left
            await self._problem(scope, send_with_id, 500, "internal_error", request_id)
        finally:
            self._record(scope, int(status[0]), time.perf_counter() - start)
            REQUEST_ID.reset(token)

    def _capped(self, receive: Receive, cap: int) -> Receive:
        seen = 0

        async def capped() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > cap:
                    raise ProblemError(
                        413,
                        "body_too_large",
                        f"the request body is over {cap} bytes",
                        headers={"Connection": "close"},
                    )
            return message

        return capped

    async def _problem(
        self,
        scope: Scope,
        send: Send,
        status: int,
        code: str,
        request_id: str,
        cap: int | None = None,
    ) -> None:
        detail = {
            413: f"the request body is over {cap or self.max_body} bytes",
            500: f"an unexpected error; quote request id {request_id} to support",
        }[status]
        title = {413: "Content too large", 500: "Internal server error"}[status]
        body = problem_body(
            status, code, title, detail, request_id=request_id, instance=scope["path"]
        )
        payload = json.dumps(body).encode()
        headers = [
            (b"content-type", PROBLEM_JSON.encode()),
            (b"content-length", b"%d" % len(payload)),
        ]
        if status == 413:
            headers.append((b"connection", b"close"))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": payload})

    def _record(self, scope: Scope, status: int, seconds: float) -> None:
        route = self._route(scope)
        method = scope["method"]
        self.metrics.observe(method, route, status, seconds)
        log.info(
            "request",
            extra={
                "method": method,
                "route": route,
                "path": scope["path"],
                "status": status,
                "duration_ms": round(seconds * 1000, 3),
                "key_id": scope.get("state", {}).get("key_id"),
            },
        )

    def _route(self, scope: Scope) -> str:
        """The route template that served (or would serve) the request."""
        route = scope.get("route")
        if route is not None:
            return str(getattr(route, "path", "unmatched"))
        for candidate in self.router.routes:
            match, _ = candidate.matches(scope)
            if match is not Match.NONE:
                return str(getattr(candidate, "path", "unmatched"))
        return "unmatched"
