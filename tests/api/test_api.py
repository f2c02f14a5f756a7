"""The HTTP API over a real uvicorn server (tiny network, real SQLite file): auth, rate
limits, caps, errors as problem+json, health, metrics, OpenAPI."""

from __future__ import annotations

import copy
import json
import time
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import httpx
import pytest

from api.schemas import SPANISH_ORDER
from api.store import Store
from tests.api.live import LiveServer, add_key

PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def keys(tiny_api: tuple[LiveServer, str]) -> dict[str, str]:
    database = tiny_api[1]
    return {
        "quote": add_key(database, "quote"),
        "promise": add_key(database, "promise"),
        "admin": add_key(database, "admin"),
    }


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def tiny_order(**changes: Any) -> dict[str, Any]:
    """The Spanish example order, shipped from the tiny network's origin."""
    order = copy.deepcopy(SPANISH_ORDER)
    order["origin"] = "CN-YIW-WH"
    order.update(changes)
    return order


def assert_problem(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["status"] == status and body["code"] == code
    assert body["type"] == f"urn:glocal:problem:{code}"
    assert body["title"] and body["detail"]
    assert body["request_id"] == response.headers["x-request-id"]
    return body


def test_health_and_readiness(client: httpx.Client) -> None:
    """/healthz answers; /readyz says the network is loaded and the database reachable."""
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json() == {"status": "ready", "network": True, "database": True}


def test_request_id_is_echoed_or_made(client: httpx.Client) -> None:
    """A sane X-Request-ID comes back as sent; otherwise the server makes one."""
    sent = client.get("/healthz", headers={"X-Request-ID": "checkout-42.a"})
    assert sent.headers["x-request-id"] == "checkout-42.a"
    made = client.get("/healthz", headers={"X-Request-ID": "bad id\twith spaces"})
    assert len(made.headers["x-request-id"]) == 32


def test_no_key_bad_key_wrong_scope(client: httpx.Client, keys: dict[str, str]) -> None:
    """401 without a key or with a wrong one (with WWW-Authenticate); 403 without the scope."""
    missing = assert_problem(client.get("/v1/network"), 401, "unauthorized")
    assert "Authorization: Bearer" in missing["detail"]
    wrong = client.get("/v1/network", headers=bearer(keys["quote"][:-2] + "xx"))
    assert_problem(wrong, 401, "unauthorized")
    assert wrong.headers["www-authenticate"] == "Bearer"
    basic = client.get("/v1/network", headers={"Authorization": "Basic dXNlcjpwYXNz"})
    assert_problem(basic, 401, "unauthorized")
    denied = client.get("/v1/network", headers=bearer(keys["promise"]))
    assert "'quote' scope" in assert_problem(denied, 403, "missing_scope")["detail"]
    post = client.post("/v1/quotes", json=tiny_order(), headers=bearer(keys["promise"]))
    assert_problem(post, 403, "missing_scope")


def test_network_summary_and_carriers(client: httpx.Client, keys: dict[str, str]) -> None:
    """The tiny network's figures, checkable on paper; admin keys may read them too."""
    summary = client.get("/v1/network", headers=bearer(keys["quote"])).json()
    assert summary["network"] == "tiny"
    assert summary["services_by_carrier"] == {"feeder": 1, "lastmile": 3, "skyline": 1}
    assert summary["reach"]["CN-YIW-WH"] == {"ES": ["air", "road", "postal", "courier"],
                                             "PT": ["air", "road"]}  # fmt: skip
    carriers = client.get("/v1/carriers", headers=bearer(keys["admin"])).json()["carriers"]
    assert [c["id"] for c in carriers] == ["feeder", "lastmile", "skyline"]
    skyline = carriers[2]
    assert skyline["name"] == "Test Air"
    assert skyline["services"] == [
        {"id": "skyline-pvg-mad", "name": "skyline-pvg-mad", "from": "CN-PVG-AIR",
         "to": "ES-MAD-HUB", "mode": "air"}
    ]  # fmt: skip


def test_rate_limit_is_429_with_retry_after(tiny_api: tuple[LiveServer, str]) -> None:
    """A key of 0.1 request/s with a burst of 2: two pass, the third waits 10 s."""
    key = add_key(tiny_api[1], "quote", rate=0.1, burst=2)
    with httpx.Client(base_url=tiny_api[0].url) as c:
        codes = [c.get("/v1/network", headers=bearer(key)).status_code for _ in range(2)]
        limited = c.get("/v1/network", headers=bearer(key))
    assert codes == [200, 200]
    assert_problem(limited, 429, "rate_limited")
    assert limited.headers["retry-after"] == "10"


def test_invalid_order_lists_every_problem_by_field(
    client: httpx.Client, keys: dict[str, str]
) -> None:
    """A 422 names each bad field by its path, all at once."""
    order = tiny_order(destination={"country": "XX", "postal_code": "1"})
    order["parcels"] = [{"length_cm": 10, "width_cm": 10, "height_cm": 10}]
    order["items"] = [dict(SPANISH_ORDER["items"][0], hs_code="12"), "not an item"]
    del order["created_at"]
    body = assert_problem(
        client.post("/v1/quotes", json=order, headers=bearer(keys["quote"])), 422, "invalid_order"
    )
    fields = {e["field"]: e["message"] for e in body["errors"]}
    assert set(fields) == {
        "destination.country",
        "parcels[0].weight_kg",
        "items[0].hs_code",
        "items[1]",
        "created_at",
    }
    assert fields["items[0].hs_code"] == "must be 6-10 digits"


def test_caps_on_lists_and_malformed_json(client: httpx.Client, keys: dict[str, str]) -> None:
    """Too many parcels is a 422 on `parcels`; a body that is not JSON is a 400."""
    parcel = SPANISH_ORDER["parcels"][0]
    many = client.post(
        "/v1/quotes", json=tiny_order(parcels=[parcel] * 51), headers=bearer(keys["quote"])
    )
    body = assert_problem(many, 422, "invalid_order")
    assert body["errors"] == [{"field": "parcels", "message": "at most 50 per request, got 51"}]
    broken = client.post(
        "/v1/quotes",
        content=b'{"order_id": ',
        headers={**bearer(keys["quote"]), "Content-Type": "application/json"},
    )
    assert_problem(broken, 400, "malformed_json")


def test_oversized_bodies_are_413(client: httpx.Client, keys: dict[str, str]) -> None:
    """Over the cap (64 KiB here) is refused, declared or streamed in chunks."""
    big = json.dumps(tiny_order(padding="x" * 70_000)).encode()
    declared = client.post("/v1/quotes", content=big, headers=bearer(keys["quote"]))
    assert_problem(declared, 413, "body_too_large")

    def chunks() -> Iterator[bytes]:
        for start in range(0, len(big), 8192):
            yield big[start : start + 8192]

    with httpx.Client(base_url=str(client.base_url)) as fresh:
        streamed = fresh.post("/v1/quotes", content=chunks(), headers=bearer(keys["quote"]))
    assert "content-length" not in streamed.request.headers
    assert_problem(streamed, 413, "body_too_large")


def test_unknown_quote_route_and_method(client: httpx.Client, keys: dict[str, str]) -> None:
    """An unknown quote id, route or method is a problem too."""
    missing = client.get("/v1/quotes/q_doesnotexist", headers=bearer(keys["quote"]))
    assert "q_doesnotexist" in assert_problem(missing, 404, "quote_not_found")["detail"]
    assert_problem(client.get("/v2/anything"), 404, "not_found")
    assert_problem(client.delete("/healthz"), 405, "method_not_allowed")


def test_metrics_count_by_route_and_status(client: httpx.Client, keys: dict[str, str]) -> None:
    """Requests are counted by route template and status; latency is a histogram."""
    client.get("/v1/quotes/q_a", headers=bearer(keys["quote"]))
    client.get("/v1/quotes/q_b", headers=bearer(keys["quote"]))
    text = client.get("/metrics").text
    line = 'glocal_http_requests_total{method="GET",route="/v1/quotes/{quote_id}",status="404"}'
    count = next(float(x.split()[-1]) for x in text.splitlines() if x.startswith(line))
    assert count >= 2
    assert "glocal_http_request_duration_seconds_bucket{" in text
    assert "q_a" not in text


def flushed_usage(
    database: str, key_id: str, done: Callable[[dict[tuple[str, date, str], int]], bool]
) -> dict[tuple[str, date, str], int]:
    """A key's stored usage once `done` holds of it (the server flushes it every second),
    or as it is after five seconds."""
    store = Store(database)
    deadline = time.monotonic() + 5
    while not done(usage := store.usage(key_id)) and time.monotonic() < deadline:
        time.sleep(0.1)
    store.dispose()
    return usage


def test_quote_posts_are_counted_as_routed(
    tiny_api: tuple[LiveServer, str], client: httpx.Client
) -> None:
    """POST /v1/quotes is counted under its route template, by status, and toward its
    key's usage; the same path with another method, or with a trailing slash, is routed
    as FastAPI routes it (405, 307)."""
    key = add_key(tiny_api[1], "quote")
    assert client.post("/v1/quotes", json=tiny_order(), headers=bearer(key)).status_code == 201
    assert client.post("/v1/quotes", content=b"{", headers=bearer(key)).status_code == 400
    assert_problem(client.get("/v1/quotes", headers=bearer(key)), 405, "method_not_allowed")
    slash = client.post("/v1/quotes/", json=tiny_order(), headers=bearer(key))
    assert slash.status_code == 307 and slash.headers["location"].endswith("/v1/quotes")
    text = client.get("/metrics").text
    for status in ("201", "400"):
        line = f'glocal_http_requests_total{{method="POST",route="/v1/quotes",status="{status}"}}'
        assert any(x.startswith(line) for x in text.splitlines()), line
    usage = flushed_usage(tiny_api[1], key.split("_")[1], lambda u: bool(u))
    assert {route for _, _, route in usage} >= {"/v1/quotes"}


def test_usage_is_written_to_the_store(
    tiny_api: tuple[LiveServer, str], client: httpx.Client
) -> None:
    """Each authorised request counts toward its key's usage, flushed to the database."""
    key = add_key(tiny_api[1], "quote")
    for _ in range(3):
        assert client.get("/v1/carriers", headers=bearer(key)).status_code == 200
    usage = flushed_usage(tiny_api[1], key.split("_")[1], lambda u: sum(u.values()) >= 3)
    assert sum(usage.values()) == 3


def test_openapi_documents_bodies_examples_and_problems(client: httpx.Client) -> None:
    """The OpenAPI document has the order schema with examples and problem responses."""
    spec = client.get("/openapi.json").json()
    post = spec["paths"]["/v1/quotes"]["post"]
    body = post["requestBody"]["content"]["application/json"]
    assert body["schema"] == {"$ref": "#/components/schemas/OrderRequest"}
    assert set(body["examples"]) == {"spain", "brazil"}
    assert post["responses"]["422"]["content"][PROBLEM]["schema"]["$ref"].endswith("ProblemDetails")
    order = spec["components"]["schemas"]["OrderRequest"]
    assert order["properties"]["parcels"]["maxItems"] == 50
    assert spec["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    docs = client.get("/docs")
    assert docs.status_code == 200 and "swagger" in docs.text.lower()
