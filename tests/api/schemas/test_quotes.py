"""api/schemas/quotes.py: `quote_body` writes a quote exactly as `QuoteResponse` declares
it, on a hand-checkable network and on the default world's markets."""

from __future__ import annotations

from typing import Any

import pytest

from api.schemas import QuoteResponse, quote_body
from bench.orders import random_orders
from routing.network import Network, load_network
from routing.orders import parse_order
from routing.quote import quote
from tests.helpers import DATA

ORDER: dict[str, Any] = {
    "order_id": "T1",
    "origin": "CN-YIW-WH",
    "destination": {"country": "ES", "postal_code": "28013"},
    "parcels": [{"weight_kg": 1.2, "length_cm": 30, "width_cm": 20, "height_cm": 10}],
    "items": [
        {
            "description": "bluetooth speaker",
            "hs_code": "851822",
            "category": "electronics",
            "quantity": 1,
            "unit_value": {"amount": "20.00", "currency": "EUR"},
        }
    ],
    "created_at": "2026-11-26T10:00:00+08:00",
    "seller": {"ioss_registered": True},
    "locale": "es-ES",
}


@pytest.fixture(scope="module")
def world() -> Network:
    return load_network()


def test_the_body_has_the_contract_fields_amounts_as_decimal_strings() -> None:
    """On the three-route network: the total a person can add up (EUR 16.30), legs with
    `from`/`to`, a tax line stating its rate, rule and source, a Spanish summary."""
    body = quote_body(quote(parse_order(ORDER), load_network(DATA / "three_routes")))
    assert list(body) == ["quote_id", "at", "currency", "fx", "options", "excluded"]
    option = body["options"][0]
    assert list(option) == [
        "option_id", "route", "incoterm", "tags", "legs", "charges", "shipping",
        "duties_and_taxes", "total", "promise", "co2e_kg", "messages", "summary",
    ]  # fmt: skip
    assert option["total"] == {"amount": "16.30", "currency": "EUR"}
    assert set(option["legs"][0]) == {"carrier", "service", "mode", "from", "to"}
    duty = next(c for c in option["charges"] if c["kind"] == "tax")
    assert duty["rate"] == "0.21" and duty["rule_id"] and duty["source"]
    assert "base" not in next(c for c in option["charges"] if c["kind"] == "freight")
    assert "entrega" in option["summary"]


def test_every_body_is_exactly_what_the_model_declares(world: Network) -> None:
    """Read back through `QuoteResponse` and written out again, 300 quotes of the default
    world's markets come out unchanged: no member the model lacks (it would be dropped),
    none it requires missing, every type as declared."""
    for document in random_orders(300, seed=7, spread_hours=24 * 60):
        body = quote_body(quote(parse_order(document), world))
        model = QuoteResponse.model_validate(body)
        assert model.model_dump(mode="json", by_alias=True, exclude_unset=True) == body
