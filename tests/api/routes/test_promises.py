"""api/routes/promises.py: POST /v1/promises over the real server on the tiny network
(Spain and Portugal only)."""

from __future__ import annotations

import copy
from typing import Any

import httpx
import pytest

from api.schemas import PROMISE_REQUEST
from tests.api.live import LiveServer, add_key


@pytest.fixture(scope="module")
def promise_key(tiny_api: tuple[LiveServer, str]) -> dict[str, str]:
    return {"Authorization": f"Bearer {add_key(tiny_api[1], 'promise')}"}


def request(*destinations: tuple[str, str], **product: Any) -> dict[str, Any]:
    body = copy.deepcopy(PROMISE_REQUEST)
    body["destinations"] = [{"country": c, "postal_code": p} for c, p in destinations]
    body["product"].update(product)
    return body


def test_promises_per_destination(client: httpx.Client, promise_key: dict[str, str]) -> None:
    """Each destination gets dates in order and a price range; an uncovered one says why."""
    asked = request(("ES", "28013"), ("PT", "1000-001"), ("FR", "75001"))
    answer = client.post("/v1/promises", json=asked, headers=promise_key)
    assert answer.status_code == 200, answer.text
    spain, portugal, france = answer.json()["destinations"]
    for place, country in ((spain, "ES"), (portugal, "PT")):
        assert place["country"] == country and place["options"] >= 1
        low, high = (place["price_range"][k]["amount"] for k in ("min", "max"))
        assert 0 < float(low) <= float(high)
        dates = place["fastest"]
        assert dates["p50"] <= dates["p90"] <= dates["p95"]
        assert place["currency"] == "EUR"
    assert france == {
        "country": "FR", "postal_code": "75001", "options": 0, "currency": "EUR",
        "reasons": ["no_coverage"],
    }  # fmt: skip
    assert answer.json()["at"] == PROMISE_REQUEST["at"]


def test_promise_problems_name_request_fields(
    client: httpx.Client, promise_key: dict[str, str]
) -> None:
    """The engine's findings come back under the request's own field paths."""
    bad = client.post(
        "/v1/promises",
        json=request(("ES", "28013"), ("XX", "1"), hs_code="12345x"),
        headers=promise_key,
    )
    assert bad.status_code == 422
    assert bad.headers["content-type"] == "application/problem+json"
    assert bad.json()["code"] == "invalid_request"
    assert [e["field"] for e in bad.json()["errors"]] == ["product.hs_code"]
    country = client.post(
        "/v1/promises", json=request(("ES", "28013"), ("XX", "1")), headers=promise_key
    )
    assert country.status_code == 422
    assert country.json()["errors"] == [
        {"field": "destinations[1].country", "message": "unknown ISO 3166-1 alpha-2 country 'XX'"}
    ]
    origin = client.post(
        "/v1/promises", json=request(("ES", "28013"), origin="CN-XXX-WH"), headers=promise_key
    )
    assert origin.json()["errors"] == [
        {"field": "product.origin", "message": "unknown node 'CN-XXX-WH'"}
    ]
    many = client.post("/v1/promises", json=request(*[("ES", "28013")] * 201), headers=promise_key)
    assert many.json()["errors"] == [
        {"field": "destinations", "message": "at most 200 per request, got 201"}
    ]


def test_promises_need_the_promise_scope(
    tiny_api: tuple[LiveServer, str], client: httpx.Client
) -> None:
    quote_only = {"Authorization": f"Bearer {add_key(tiny_api[1], 'quote')}"}
    denied = client.post("/v1/promises", json=request(("ES", "28013")), headers=quote_only)
    assert denied.status_code == 403
