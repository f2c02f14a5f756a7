"""api/routes/quotes.py: POST and GET /v1/quotes over a real server on the tiny network,
with the quotes stored in a real SQLite file and, when configured, a real PostgreSQL."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from api.schemas import SPANISH_ORDER, QuoteResponse
from api.settings import Settings
from tests.api.live import TINY, add_key, bearer, start_server


@pytest.fixture
def api(database_url: str) -> Iterator[tuple[httpx.Client, str]]:
    """A server on the tiny network over `database_url`; (client, database URL)."""
    live = start_server(Settings(network=TINY, database_url=database_url, key_cache_seconds=0))
    with httpx.Client(base_url=live.url, timeout=30) as client:
        yield client, database_url
    live.stop()


def tiny_order(**changes: Any) -> dict[str, Any]:
    order = copy.deepcopy(SPANISH_ORDER)
    order.update(changes)
    return order


def test_quote_is_the_contract_and_reads_back(api: tuple[httpx.Client, str]) -> None:
    """The answer is the quote contract, field for field; its owner and admins read it
    back unchanged; another key cannot see it."""
    client, database = api
    owner, other, admin = (add_key(database, s) for s in ("quote", "quote", "admin"))
    posted = client.post("/v1/quotes", json=tiny_order(), headers=bearer(owner))
    assert posted.status_code == 201, posted.text
    answer = posted.json()
    parsed = QuoteResponse.model_validate(answer)
    assert parsed.model_dump(mode="json", by_alias=True, exclude_unset=True) == answer
    assert answer["currency"] == "EUR" and answer["options"]
    assert {leg["service"] for leg in answer["options"][0]["legs"]} == {
        "feeder-yiw-pvg", "skyline-pvg-mad", "lastmile-es-courier",
    }  # fmt: skip
    location = posted.headers["location"]
    assert client.get(location, headers=bearer(owner)).content == posted.content
    assert client.get(location, headers=bearer(admin)).json() == answer
    hidden = client.get(location, headers=bearer(other))
    assert hidden.status_code == 404
    assert hidden.headers["content-type"] == "application/problem+json"
    metrics = client.get("/metrics").text
    assert 'glocal_quotes_total{market="ES"} 1.0' in metrics


def test_domain_errors_are_422_with_the_field(api: tuple[httpx.Client, str]) -> None:
    """An unknown origin and a field of the wrong JSON type are named by field."""
    client, database = api
    key = add_key(database, "quote")
    unknown = client.post("/v1/quotes", json=tiny_order(origin="CN-XXX-WH"), headers=bearer(key))
    assert unknown.status_code == 422
    assert unknown.json()["errors"] == [{"field": "origin", "message": "unknown node 'CN-XXX-WH'"}]
    wrong = client.post("/v1/quotes", json=tiny_order(seller=[True]), headers=bearer(key))
    assert wrong.status_code == 422, wrong.text
    assert [e["field"] for e in wrong.json()["errors"]] == ["seller"]
    locale = client.post("/v1/quotes", json=tiny_order(locale=["es"]), headers=bearer(key))
    assert locale.status_code == 422, locale.text
    assert [e["field"] for e in locale.json()["errors"]] == ["locale"]


def test_no_route_is_a_422_with_the_reasons(api: tuple[httpx.Client, str]) -> None:
    """The tiny network has no last mile in France: a problem, with the engine's reasons."""
    client, database = api
    key = add_key(database, "quote")
    france = tiny_order(destination={"country": "FR", "postal_code": "75001"})
    refused = client.post("/v1/quotes", json=france, headers=bearer(key))
    assert refused.status_code == 422
    body = refused.json()
    assert body["code"] == "no_feasible_route"
    assert body["detail"].endswith("from CN-YIW-WH to FR 75001 (no_coverage)")
    assert [r["code"] for e in body["excluded"] for r in e["reasons"]] == ["no_coverage"]
