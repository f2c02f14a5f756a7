"""api/services.py: what the routes do with a request: read the JSON, cap and check it,
call the engine, store and count the answer; directly over an app state built on the
tiny network and a real SQLite file, and over the live server."""

from __future__ import annotations

import asyncio
import copy
import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest

from api.app import build_state
from api.auth import new_key
from api.deps import AppState
from api.metrics import Metrics
from api.problems import ProblemError
from api.schemas import PROMISE_REQUEST, SPANISH_ORDER, PromiseRequest
from api.services import (
    create_promises,
    create_quote,
    invalid,
    promise_request,
    read_json,
    stored_quote,
)
from api.settings import Settings
from api.store import StoredKey
from carriers.errors import Problem
from tests.api.live import TINY, LiveServer, add_key, assert_problem, bearer, tiny_order


@pytest.fixture(scope="module")
def keys(tiny_api: tuple[LiveServer, str]) -> dict[str, str]:
    return {"quote": add_key(tiny_api[1], "quote")}


@pytest.fixture(scope="module")
def state(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppState]:
    """What a request reads, as the app builds it: the tiny network, a fresh SQLite file,
    quotes kept 3 days."""
    database = f"sqlite:///{tmp_path_factory.mktemp('services') / 'glocal.sqlite3'}"
    settings = Settings(network=TINY, database_url=database, quote_ttl_days=3)
    built = build_state(settings, Metrics(), None)
    yield built
    built.store.dispose()


def stored_key(state: AppState, *scopes: str) -> StoredKey:
    made = new_key("services", scopes)
    state.store.add_key(made.stored)
    return made.stored


def counted(state: AppState, name: str, market: str) -> float:
    """A by-market counter's value in the state's metrics."""
    text = state.metrics.exposition().decode()
    line = f'{name}{{market="{market}"}} '
    return next((float(x.split()[-1]) for x in text.splitlines() if x.startswith(line)), 0.0)


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


def test_read_json_reads_a_body_or_says_where_it_breaks() -> None:
    """JSON bytes are read; a cut-off body or bytes that are not UTF-8 are a 400 problem."""
    assert read_json(b'{"order_id": "A-1", "parcels": [1, 2]}') == {
        "order_id": "A-1",
        "parcels": [1, 2],
    }
    for broken in (b'{"order_id": ', b"\xff\xfe{}"):
        with pytest.raises(ProblemError) as refused:
            read_json(broken)
        assert (refused.value.status, refused.value.code) == (400, "malformed_json")
        assert refused.value.detail.startswith("the body is not JSON: ")


def test_invalid_lists_every_problem_in_its_detail_and_errors() -> None:
    """Two problems: a 422 invalid_request whose detail reads both, in order."""
    found = [Problem("request", "a", "too big"), Problem("request", "b[0]", "missing")]
    problem = invalid(found)
    assert (problem.status, problem.code) == (422, "invalid_request")
    assert problem.detail == "a: too big; b[0]: missing"
    assert problem.errors == tuple(found)


def promise(*countries: str, **product: Any) -> dict[str, Any]:
    """The example promise request, to these countries (a postal code of each), product
    changed."""
    body = copy.deepcopy(PROMISE_REQUEST)
    codes = {"ES": "28013", "PT": "1000-001"}
    body["destinations"] = [
        {"country": c, "postal_code": codes.get(c.upper(), "1")} for c in countries
    ]
    body["product"].update(product)
    return body


def test_a_promise_request_over_the_cap_is_refused_before_anything_else() -> None:
    """Three destinations where two are allowed: the cap is the one problem named, even
    when the product is broken too."""
    with pytest.raises(ProblemError) as refused:
        promise_request(promise("ES", "PT", "ES", weight_kg="heavy"), max_destinations=2)
    assert [(p.field, p.message) for p in refused.value.errors] == [
        ("destinations", "at most 2 per request, got 3")
    ]
    assert isinstance(promise_request(promise("ES", "PT"), max_destinations=2), PromiseRequest)


def test_a_promise_request_names_bad_fields_and_unknown_countries_by_path() -> None:
    """A negative weight is named by its path; an unknown country by its index, upper-cased
    (a lower-case known one passes)."""
    with pytest.raises(ProblemError) as shape:
        promise_request(promise("ES", weight_kg=-1), max_destinations=5)
    assert [p.field for p in shape.value.errors] == ["product.weight_kg"]
    with pytest.raises(ProblemError) as country:
        promise_request(promise("es", "xx", "PT"), max_destinations=5)
    assert [(p.field, p.message) for p in country.value.errors] == [
        ("destinations[1].country", "unknown ISO 3166-1 alpha-2 country 'XX'")
    ]


def test_a_quote_is_stored_for_its_days_and_read_back_only_by_its_key_or_an_admin(
    state: AppState,
) -> None:
    """The Spanish order: stored under its key and market ES, for exactly 3 days, its body
    the JSON answer; counted once for ES; another quote key finds nothing (404 naming the
    3 days), an admin key finds it."""
    owner, other, admin = (stored_key(state, s) for s in ("quote", "quote", "admin"))
    before = counted(state, "glocal_quotes_total", "ES")
    stored = asyncio.run(create_quote(state, owner, json.dumps(SPANISH_ORDER).encode()))
    assert (stored.key_id, stored.market, stored.order_id) == (owner.key_id, "ES", "ES-1001")
    assert stored.expires_at - stored.created_at == timedelta(days=3)
    assert json.loads(stored.body)["quote_id"] == stored.quote_id
    assert counted(state, "glocal_quotes_total", "ES") == before + 1
    assert asyncio.run(stored_quote(state, owner, stored.quote_id)) == stored
    assert asyncio.run(stored_quote(state, admin, stored.quote_id)) == stored
    with pytest.raises(ProblemError) as hidden:
        asyncio.run(stored_quote(state, other, stored.quote_id))
    assert (hidden.value.status, hidden.value.code) == (404, "quote_not_found")
    assert "3 days" in hidden.value.detail


def test_a_product_is_promised_to_each_destination_in_turn_and_counted_by_market(
    state: AppState,
) -> None:
    """Spain, Portugal, Spain: three answers in the order asked, two counted for ES and one
    for PT."""
    before = {m: counted(state, "glocal_promise_destinations_total", m) for m in ("ES", "PT")}
    body = promise("ES", "PT", "ES")
    answer = asyncio.run(create_promises(state, json.dumps(body).encode()))
    assert [d["country"] for d in answer["destinations"]] == ["ES", "PT", "ES"]
    assert answer["at"] == "2026-11-26T10:00:00+08:00"
    after = {m: counted(state, "glocal_promise_destinations_total", m) for m in ("ES", "PT")}
    assert (after["ES"] - before["ES"], after["PT"] - before["PT"]) == (2, 1)
