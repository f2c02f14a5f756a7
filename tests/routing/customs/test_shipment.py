"""The facts of a customs calculation (`routing.customs.shipment`): what no route changes
(`OrderFacts`: who pays duties and taxes, the seller's programmes, the buyer's state,
values in other currencies) and what one route adds (`Shipment`: the consignment's
value for a threshold, the collection by default, the rates used); and how an amount
is split between items (`apportion`). Fixture rates: 1 EUR = 1.25 USD, 1 XDR = 1.20 EUR.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carriers.money import Money
from carriers.pricing import Charge, ChargeKind
from routing.customs import Collection, parse_route_id
from routing.customs.routes import import_service, node_country, route_modes
from routing.customs.rules import Amount, Valuation
from routing.customs.shipment import OrderFacts, Shipment, apportion, freight_of, round_value
from tests.routing.customs.conftest import APPAREL, ES_HUB, ES_POST, HUB, item

AT = date(2026, 7, 1)


@pytest.fixture
def facts(rules: Any, fx: Any, make_order: Any) -> Any:
    """The OrderFacts of an order built like make_order's."""

    def build(
        country: str, postal: str, items: list, origin: str = "CN-YIW-WH", **extra: Any
    ) -> OrderFacts:
        order = make_order(country, postal, items, origin=origin, **extra)
        place = rules.destination(country, postal)
        return OrderFacts(order, AT, rules, fx, place, node_country(origin))

    return build


def shipment(world: Any, facts: OrderFacts, route_text: str, *freight: Money) -> Shipment:
    route = parse_route_id(world, route_text)
    return Shipment(facts, route, import_service(route), route_modes(route), freight)


@pytest.mark.parametrize(
    ("amount", "weights", "parts"),
    [
        (100, [1, 1, 1], [34, 33, 33]),  # the remainder goes to the earliest
        (400, [3000, 1000], [300, 100]),
        (10, [1, 2], [3, 7]),  # 3.33 and 6.67: the larger remainder gets the cent
        (5, [0, 0], [3, 2]),  # no weight: equal shares
        (7, [0], [7]),
        (0, [], []),
    ],
)
def test_apportion_by_hand(amount: int, weights: list[int], parts: list[int]) -> None:
    """Largest-remainder shares computed on paper."""
    assert apportion(amount, weights) == parts


@given(st.integers(0, 10**9), st.lists(st.integers(0, 10**7), min_size=1, max_size=8))
def test_apportion_adds_up_and_each_part_is_within_one_of_its_share(
    amount: int, weights: list[int]
) -> None:
    """The parts add up to the amount exactly, and each is its exact proportional share
    rounded down or up."""
    parts = apportion(amount, weights)
    assert sum(parts) == amount and len(parts) == len(weights)
    whole = sum(weights) or len(weights)
    for part, weight in zip(parts, weights if sum(weights) else [1] * len(weights), strict=True):
        assert amount * weight // whole <= part <= -(-amount * weight // whole)


@pytest.mark.parametrize(
    ("exact", "currency", "rounded"),
    [("16.665", "EUR", "16.67"), ("16.664", "EUR", "16.66"), ("1234.5", "JPY", "1235"),
     ("2.005", "XDR", "2.01")],
)  # fmt: skip
def test_a_value_rounds_half_up_to_its_currencys_minor_unit(
    exact: str, currency: str, rounded: str
) -> None:
    """Half up to cents, to whole yen, and to two places for SDR (no ISO minor unit)."""
    assert str(round_value(Decimal(exact), currency)) == rounded


def test_freight_is_what_the_carriers_charge_for_carrying() -> None:
    """Freight (1), surcharges (2) and fees (5) count towards CIF; prepaid duties (3) and
    taxes (4) do not."""
    charges = [
        Charge(kind, kind.value, Money.of(n, "EUR"))
        for n, kind in enumerate(
            [
                ChargeKind.FREIGHT,
                ChargeKind.SURCHARGE,
                ChargeKind.DUTY,
                ChargeKind.TAX,
                ChargeKind.FEE,
            ],
            start=1,
        )
    ]
    assert freight_of(charges) == tuple(Money.of(n, "EUR") for n in (1, 2, 5))


@pytest.mark.parametrize(
    ("country", "postal", "origin", "duty", "tax"),
    [
        ("ES", "28001", "CN-YIW-WH", True, True),  # from outside the EU
        ("PT", "1000-001", HUB, False, False),  # inside the EU
        ("ES", "35001", HUB, False, True),  # the Canaries: EU customs union, own VAT
        ("ES", "51001", HUB, True, True),  # Ceuta: outside both
        ("RU", "101000", "CN-YIW-WH", True, True),
    ],
)
def test_duty_and_tax_are_due_from_outside_the_union_and_the_vat_area(
    facts: Any, country: str, postal: str, origin: str, duty: bool, tax: bool
) -> None:
    """Duties are due from outside the destination's customs union, import taxes from
    outside its VAT area."""
    found = facts(country, postal, [item(APPAREL, 1, "10.00", "EUR")], origin=origin)
    assert (found.duty_due, found.tax_due) == (duty, tax)


def test_the_sellers_programmes_and_the_buyers_state_are_facts_of_the_order(
    facts: Any,
) -> None:
    """An IOSS-registered marketplace seller counts as both; a CEP 40010-000 is in Bahia."""
    seller = {"ioss_registered": True, "cross_border_marketplace": True}
    found = facts("BR", "40010-000", [item(APPAREL, 1, "10.00", "USD")], seller=seller)
    assert found.sellers == frozenset({"ioss", "cross_border_marketplace"})
    assert found.state() == "BA"


def test_a_threshold_compares_the_goods_value_in_its_own_currency(facts: Any) -> None:
    """USD 0.99 of goods is 0.792 -> 0.79 EUR (rounded once, half up), and 0.66 SDR
    (0.792 / 1.20, from the unrounded euros)."""
    found = facts("ES", "28001", [("610910", "apparel", 3, "0.33", "USD")])
    value, rate = found.goods_value_in("EUR")
    assert (value, rate.base, rate.quote) == (Decimal("0.79"), "USD", "EUR")
    assert found.goods_value_in("XDR")[0] == Decimal("0.66")


def test_cif_adds_the_freight_and_fob_leaves_it_out(world: Any, facts: Any) -> None:
    """2 x EUR 10 with USD 5 of freight: FOB 20.00 EUR, CIF 20 + 4 = 24.00 EUR, and
    16.67 SDR FOB (20 / 1.20)."""
    s = shipment(
        world,
        facts("ES", "28001", [item(APPAREL, 2, "10.00", "EUR")]),
        ES_POST,
        Money.of("5", "USD"),
    )
    assert s.value_in("EUR", Valuation.FOB) == Decimal("20.00")
    assert s.value_in("EUR", Valuation.CIF) == Decimal("24.00")
    assert s.value_in("XDR", Valuation.FOB) == Decimal("16.67")
    assert s.within(Amount(Decimal("24.00"), "EUR"), Valuation.CIF)
    assert not s.within(Amount(Decimal("23.99"), "EUR"), Valuation.CIF)


def test_a_shipment_records_each_rate_it_uses_once_in_the_order_of_use(
    world: Any, facts: Any
) -> None:
    """Converting USD freight, then an SDR limit, then EUR to EUR records USD->EUR and
    XDR->EUR, nothing for EUR->EUR; 300 XDR is 360.00 EUR."""
    s = shipment(world, facts("ES", "28001", [item(APPAREL, 1, "10.00", "EUR")]), ES_POST)
    assert s.convert(Money.of("5", "USD")) == Money.of("4.00", "EUR")
    assert s.money(Amount(Decimal(300), "XDR")) == Money.of("360.00", "EUR")
    assert s.convert(Money.of("1", "EUR")) == Money.of("1", "EUR")
    s.convert(Money.of("10", "USD"))
    assert list(s.used) == [("USD", "EUR"), ("XDR", "EUR")]


@pytest.mark.parametrize(
    ("route", "incoterm", "collection"),
    [
        (ES_POST, None, Collection.DELIVERY),  # the post clears: DAP
        (ES_HUB, None, Collection.CHECKOUT),  # bulk clearance at the hub: DDP
        (ES_POST, "DDP", Collection.CHECKOUT),  # the incoterm decides first
        (ES_HUB, "DAP", Collection.DELIVERY),
    ],
)
def test_the_incoterm_else_the_clearing_regime_says_when_duties_are_paid(
    world: Any, facts: Any, route: str, incoterm: str | None, collection: Collection
) -> None:
    """DDP is checkout, DAP delivery; without one, the clearing service's regime."""
    extra = {"incoterm": incoterm} if incoterm else {}
    found = facts("ES", "28001", [item(APPAREL, 1, "10.00", "EUR")], **extra)
    assert shipment(world, found, route).default_collection() is collection
