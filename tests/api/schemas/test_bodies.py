"""api/schemas/bodies.py: each writer fills exactly the shape its model declares. A quote
on a hand-checkable network and 300 of the default world's markets, a product page's
promises shipping or not, and the network's summary and carriers are read back through
`QuoteResponse`, `PromiseResponse`, `NetworkSummary` and `CarriersResponse` unchanged."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from api.schemas import (
    CarriersResponse,
    NetworkSummary,
    PromiseResponse,
    QuoteResponse,
    carriers_body,
    promises_body,
    quote_body,
    summary_body,
)
from bench.orders import random_orders
from routing.network import Network, load_network
from routing.network.summary import summarize
from routing.orders import parse_order
from routing.quote import product_order, product_promises, quote
from tests.helpers import DATA, SPEAKER_ORDER, random_network

ORDER: dict[str, Any] = {**SPEAKER_ORDER, "locale": "es-ES"}


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


PRODUCT = {
    "origin": "CN-YIW-WH", "weight_kg": 0.8, "length_cm": 30, "width_cm": 20,
    "height_cm": 10, "category": "electronics", "hs_code": "851830",
    "value": {"amount": "39.90", "currency": "EUR"}, "battery": "in_equipment",
}  # fmt: skip


def test_shipping_and_unserved_destinations_are_written_as_declared() -> None:
    """Spain ships (a price range, the cheapest and the fastest window); Japan has no
    last mile (no prices, its reasons); both read back through the model unchanged."""
    at = datetime(2026, 11, 26, 2, tzinfo=UTC)
    destinations = [("ES", "28013"), ("JP", "100-0001")]
    product = parse_order(product_order(PRODUCT, destinations[0], at))
    body = promises_body(at, product_promises(load_network(), product, destinations, at))
    spain, japan = body["destinations"]
    assert spain["options"] > 0 and spain["price_range"]["min"] == spain["cheapest"]["total"]
    assert spain["cheapest"]["p90"] >= spain["fastest"]["p90"]
    assert japan == {"country": "JP", "postal_code": "100-0001", "options": 0,
                     "currency": "JPY", "reasons": ["no_coverage"]}  # fmt: skip
    model = PromiseResponse.model_validate(body)
    assert model.model_dump(mode="json", exclude_unset=True) == body


def test_the_summary_names_the_network_and_leaves_out_where_it_lies(tiny: Network) -> None:
    """The tiny network: 5 nodes, 5 services, 3 carriers; named as given, no server path;
    read back through its model unchanged."""
    body = summary_body(summarize(tiny), "tiny")
    assert next(iter(body)) == "network" and "source" not in body
    assert (body["network"], body["nodes"], body["services"], body["carriers"]) == ("tiny", 5, 5, 3)
    assert body["services_by_carrier"] == {"feeder": 1, "lastmile": 3, "skyline": 1}
    assert body["origins"] == ["CN-YIW-WH", "ES-MAD-HUB"]
    assert NetworkSummary.model_validate(body).model_dump(mode="json") == body
    assert summary_body(summarize(tiny), None)["network"] is None


def test_carriers_are_listed_by_id_with_their_names_and_services(tiny: Network) -> None:
    """Sorted by id, each with its display name; a carrier named in the network but
    offering nothing is listed with no services."""
    named = Network(tiny.nodes, tiny.services, carrier_names={**tiny.carrier_names, "idle": "Idle"})
    carriers = carriers_body(named)["carriers"]
    assert [(c["id"], c["name"], len(c["services"])) for c in carriers] == [
        ("feeder", "Test Feeder", 1),
        ("idle", "Idle", 0),
        ("lastmile", "Test Last Mile", 3),
        ("skyline", "Test Air", 1),
    ]
    lastmile = [s["id"] for s in carriers[2]["services"]]
    assert lastmile == sorted(lastmile)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000))
def test_every_service_is_listed_once_under_its_carrier(seed: int) -> None:
    """On a random network (its carrier unnamed, so named by its id): each service once,
    under its own carrier, and the body is what `CarriersResponse` declares."""
    network = random_network(seed)
    body = carriers_body(network)
    listed = [(c["id"], s["id"]) for c in body["carriers"] for s in c["services"]]
    assert sorted(listed) == sorted((s.carrier, s.id) for s in network.services)
    assert all(c["name"] == c["id"] for c in body["carriers"])
    model = CarriersResponse.model_validate(body)
    assert model.model_dump(mode="json", by_alias=True) == body
