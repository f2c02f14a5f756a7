"""routing/quote/product.py: a product page's promise per destination (the cheapest and the
fastest option's dates and the range of totals), and the one-unit order it quotes."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from carriers.errors import InvalidOrder
from carriers.money import Money
from routing.network import Network, load_network
from routing.orders import Order, parse_order
from routing.quote import DestinationPromise, product_order, product_promises, quote
from tests.helpers import DATA

AT = datetime(2026, 11, 26, 10, tzinfo=timezone(timedelta(hours=8)))
SPEAKER: dict[str, Any] = {
    "origin": "CN-YIW-WH",
    "weight_kg": 1.2,
    "length_cm": 30,
    "width_cm": 20,
    "height_cm": 10,
    "category": "electronics",
    "hs_code": "851822",
    "value": {"amount": "20.00", "currency": "EUR"},
    "seller": {"ioss_registered": True},
}


@pytest.fixture(scope="module")
def three() -> Network:
    return load_network(DATA / "three_routes")


@pytest.fixture(scope="module")
def speaker() -> Order:
    return parse_order(product_order(SPEAKER, ("ES", "28013"), AT))


def test_the_product_is_an_order_of_one_unit() -> None:
    """The product's parcel and goods, one unit, to the destination, placed at `at`; what
    it leaves out takes the contract's defaults."""
    order = parse_order(product_order(SPEAKER, ("PT", "1000-001"), AT))
    assert (order.origin, order.destination.country, order.destination.postal_code) == (
        "CN-YIW-WH",
        "PT",
        "1000-001",
    )
    (parcel,) = order.parcels
    assert (parcel.weight_kg, parcel.dims_cm) == (1.2, (30, 20, 10))
    (item,) = order.items
    assert (item.description, item.quantity, item.unit_value) == ("product", 1, Money(2000, "EUR"))
    assert (item.battery, item.liquid) == ("none", False)
    assert order.created_at == AT and order.seller.ioss_registered


def test_a_missing_product_field_is_named_by_the_order_parser() -> None:
    """No weight, no HS code: the parser names the order fields they would have filled."""
    product = {k: v for k, v in SPEAKER.items() if k not in ("weight_kg", "hs_code")}
    with pytest.raises(InvalidOrder) as caught:
        parse_order(product_order(product, ("ES", "28013"), AT))
    assert {p.field for p in caught.value.problems} == {"parcels[0].weight_kg", "items[0].hs_code"}


def test_three_routes_on_a_product_page(three: Network, speaker: Order) -> None:
    """Madrid: three options from EUR 16.30 (sea, the cheapest) to 35.66 (air, the
    fastest), as the quote engine prices them on paper; the cheapest arrives weeks after
    the fastest."""
    (madrid,) = product_promises(three, speaker, [("ES", "28013")], AT)
    assert (madrid.country, madrid.postal_code, madrid.options, madrid.currency) == (
        "ES",
        "28013",
        3,
        "EUR",
    )
    assert (madrid.lowest, madrid.highest) == (Money(1630, "EUR"), Money(3566, "EUR"))
    assert madrid.cheapest is not None and madrid.fastest is not None
    assert madrid.cheapest.total == Money(1630, "EUR")
    assert madrid.fastest.total == Money(3566, "EUR")
    assert madrid.fastest.dates.p90 + timedelta(days=21) < madrid.cheapest.dates.p90
    assert madrid.reasons == ()


def test_the_page_agrees_with_the_quote_of_each_destination(three: Network, speaker: Order) -> None:
    """Per destination, the range and the two windows are those of the options `quote`
    gives the same one-unit order there."""
    (page,) = product_promises(three, speaker, [("ES", "08001")], AT)
    q = quote(parse_order(product_order(SPEAKER, ("ES", "08001"), AT)), three, AT)
    totals = [o.total for o in q.options]
    assert (page.options, page.lowest, page.highest) == (len(totals), min(totals), max(totals))
    fastest = min(q.options, key=lambda o: (o.promise.p90, o.total.amount))
    assert page.fastest is not None and page.fastest.dates == fastest.promise


def test_where_nothing_ships_the_reasons_are_given(three: Network, speaker: Order) -> None:
    """Las Palmas (no courier to 35) and Tokyo (no last mile): no options, no prices,
    `no_coverage`; each answer in its destination's currency unless one is asked for."""
    canary, tokyo = product_promises(three, speaker, [("ES", "35001"), ("JP", "100-0001")], AT)
    assert canary == DestinationPromise("ES", "35001", 0, "EUR", reasons=("no_coverage",))
    assert tokyo == DestinationPromise("JP", "100-0001", 0, "JPY", reasons=("no_coverage",))


def test_an_asked_currency_prices_every_destination_in_it(three: Network, speaker: Order) -> None:
    """currency=USD: the range and both windows are in dollars."""
    (madrid,) = product_promises(three, speaker, [("ES", "28013")], AT, "USD")
    assert madrid.currency == "USD" and madrid.cheapest is not None and madrid.fastest is not None
    amounts = (madrid.lowest, madrid.highest, madrid.cheapest.total, madrid.fastest.total)
    assert {m.currency for m in amounts if m is not None} == {"USD"}
