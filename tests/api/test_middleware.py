"""api/middleware.py over a real uvicorn server: request ids, body caps (413, an upload's
own cap), an unhandled error as a 500 problem without internals, and each request counted
and logged under its route template."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from api.log import JsonFormatter
from api.settings import Settings
from tests.api.live import (
    TINY,
    LiveServer,
    add_key,
    assert_problem,
    bearer,
    flushed_usage,
    start_server,
    tiny_order,
)


@pytest.fixture(scope="module")
def keys(tiny_api: tuple[LiveServer, str]) -> dict[str, str]:
    return {"quote": add_key(tiny_api[1], "quote")}


def test_request_id_is_echoed_or_made(client: httpx.Client) -> None:
    """A sane X-Request-ID comes back as sent; otherwise the server makes one."""
    sent = client.get("/healthz", headers={"X-Request-ID": "checkout-42.a"})
    assert sent.headers["x-request-id"] == "checkout-42.a"
    made = client.get("/healthz", headers={"X-Request-ID": "bad id\twith spaces"})
    assert len(made.headers["x-request-id"]) == 32


def json_bearer(key: str) -> dict[str, str]:
    return {**bearer(key), "Content-Type": "application/json"}


def test_oversized_bodies_are_413(client: httpx.Client, keys: dict[str, str]) -> None:
    """Over the cap (64 KiB here) is refused, declared or streamed in chunks."""
    big = json.dumps(tiny_order(padding="x" * 70_000)).encode()
    declared = client.post("/v1/quotes", content=big, headers=json_bearer(keys["quote"]))
    assert_problem(declared, 413, "body_too_large")

    def chunks() -> Iterator[bytes]:
        for start in range(0, len(big), 8192):
            yield big[start : start + 8192]

    with httpx.Client(base_url=str(client.base_url)) as fresh:
        streamed = fresh.post("/v1/quotes", content=chunks(), headers=json_bearer(keys["quote"]))
    assert "content-length" not in streamed.request.headers
    assert_problem(streamed, 413, "body_too_large")


def test_quote_posts_are_counted_as_routed(
    tiny_api: tuple[LiveServer, str], client: httpx.Client
) -> None:
    """POST /v1/quotes is counted under its route template, by status, and toward its
    key's usage; the same path with another method, or with a trailing slash, is routed
    as FastAPI routes it (405, 307)."""
    key = add_key(tiny_api[1], "quote")
    assert client.post("/v1/quotes", json=tiny_order(), headers=bearer(key)).status_code == 201
    assert client.post("/v1/quotes", content=b"{", headers=json_bearer(key)).status_code == 400
    assert_problem(client.get("/v1/quotes", headers=bearer(key)), 405, "method_not_allowed")
    slash = client.post("/v1/quotes/", json=tiny_order(), headers=bearer(key))
    assert slash.status_code == 307 and slash.headers["location"].endswith("/v1/quotes")
    text = client.get("/metrics").text
    for status in ("201", "400"):
        line = f'glocal_http_requests_total{{method="POST",route="/v1/quotes",status="{status}"}}'
        assert any(x.startswith(line) for x in text.splitlines()), line
    usage = flushed_usage(tiny_api[1], key.split("_")[1], lambda u: bool(u))
    assert {route for _, _, route in usage} >= {"/v1/quotes"}


def test_an_unexpected_failure_is_a_500_problem_without_internals(tmp_path: Path) -> None:
    """With the quotes table gone from under the server, a quote is a 500 problem that
    gives the request id and nothing of the database or the code."""
    database = f"sqlite:///{tmp_path / 'broken.sqlite3'}"
    live = start_server(Settings(network=TINY, database_url=database))
    key = add_key(database, "quote")
    engine = sa.create_engine(database)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE quotes"))
    engine.dispose()
    try:
        failed = httpx.post(f"{live.url}/v1/quotes", json=tiny_order(), headers=bearer(key))
    finally:
        live.stop()
    assert failed.status_code == 500
    assert failed.headers["content-type"] == "application/problem+json"
    body = failed.json()
    assert body["code"] == "internal_error"
    assert body["request_id"] == failed.headers["x-request-id"] in body["detail"]
    leaks = ("sqlite", "no such table", "operationalerror", "traceback", "services.py")
    assert not any(word in failed.text.lower() for word in leaks)


def test_an_upload_is_held_to_its_own_cap_not_the_body_cap(client: httpx.Client) -> None:
    """70 kB is over the server's 64 KiB body cap but far under the orders upload's: POSTed
    to /v1/plans it gets through to the key check (401), with a trailing slash to FastAPI's
    redirect (307); POSTed to /v1/quotes it is a 413."""
    upload = b"order_id\n" + b"x" * 70_000
    csv = {"Content-Type": "text/csv"}
    assert client.post("/v1/plans", content=upload, headers=csv).status_code == 401
    assert client.post("/v1/plans/", content=upload, headers=csv).status_code == 307
    assert_problem(client.post("/v1/quotes", content=upload), 413, "body_too_large")


class Lines(logging.Handler):
    """The access log's lines, formatted as the server writes them, in its own thread."""

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(JsonFormatter())
        self.lines: list[dict[str, Any]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(json.loads(self.format(record)))


def test_the_access_line_names_the_route_status_request_and_key_id_never_the_key(
    tiny_api: tuple[LiveServer, str], client: httpx.Client
) -> None:
    """One line per request: route template, path, status, the request's id and the key
    id; the key's secret appears nowhere in it."""
    key = add_key(tiny_api[1], "quote")
    access = logging.getLogger("glocal.access")
    lines = Lines()
    access.addHandler(lines)
    try:
        headers = {**bearer(key), "X-Request-ID": "access-line-1"}
        assert client.get("/v1/quotes/q_missing", headers=headers).status_code == 404
        deadline = time.monotonic() + 5
        while not (mine := [x for x in lines.lines if x["path"] == "/v1/quotes/q_missing"]):
            assert time.monotonic() < deadline, "no access line was written"
            time.sleep(0.02)
    finally:
        access.removeHandler(lines)
    [line] = mine
    assert line["route"] == "/v1/quotes/{quote_id}" and line["status"] == 404
    assert line["request_id"] == "access-line-1"
    assert line["key_id"] == key.split("_")[1]
    assert key.split("_", 2)[2] not in json.dumps(line)
