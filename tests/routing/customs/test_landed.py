"""Landed cost (`routing.customs.landed`): when the duties and taxes a destination's scheme
finds are collected (at checkout or on delivery), when the clearing carrier's fee is
added, and the properties every landed cost keeps (hypothesis). The schemes' own
hand-computed tables are in schemes/test_*.py.

Fixture rates (tests/data/customs_world/fx.csv): 1 EUR = 1.25 USD = 0.80 GBP = 8 CNY =
6.25 BRL = 100 RUB = 20,000 IDR; 1 USD = 5 BRL = 16,000 IDR. Rates and thresholds come
from the real data/customs. Every amount below was computed by hand, rounded half up to
the minor unit once per line.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from importlib import import_module
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from carriers.errors import InvalidRule, UnknownCountry
from carriers.money import Money
from carriers.pricing import Charge, ChargeKind
from routing.customs import (
    Collection,
    CustomsRules,
    LandedCost,
    LineKind,
    landed_cost,
    parse_route_id,
)
from tests.routing.customs.conftest import (
    APPAREL,
    BOOK,
    BR_POST,
    CANARIES,
    EARBUDS,
    ES_HUB,
    ES_POST,
    GB_POST,
    ID_POST,
    IOSS,
    PT_HUB,
    RC,
    RU_POST,
    SHIRT,
    SHOES,
    US_POST,
    item,
)

SCHEMES = ("vat_import", "br", "eaeu", "idn", "us", "cn")  # schemes/test_<scheme>.py
MADRID = ("ES", "28001")
AT = date(2026, 7, 1)


def test_the_table_has_at_least_thirty_cases_across_every_market() -> None:
    """The issue asks for >= 30 hand-computed cases covering every market (the CASES of
    the schemes' test files together)."""
    modules = [import_module(f"tests.routing.customs.schemes.test_{name}") for name in SCHEMES]
    cases = [case for module in modules for case in module.CASES]
    markets = {c.dest[0] for c in cases}
    assert len(cases) >= 30
    assert {"ES", "PT", "FR", "IT", "DE", "GB", "BR", "RU", "ID", "US", "CN", "EA"} <= markets


def spain(world: Any, fx: Any, rules: Any, make_order: Any, route: str, **extra: Any) -> LandedCost:
    """2 x EUR 10 of apparel with EUR 5 of freight into Madrid: on 2026-07-01 a flat duty
    of 3.00 and VAT 21 % of 25.00 + 3.00 = 5.88 EUR."""
    order = make_order(*MADRID, [item(APPAREL, 2, "10.00", "EUR")], **extra)
    freight = [Charge(ChargeKind.FREIGHT, "freight", Money.of("5", "EUR"))]
    return landed_cost(order, parse_route_id(world, route), freight, AT, rules, fx)


def test_on_delivery_the_carriers_fee_is_a_line_of_its_own(
    world: Any, fx: Any, rules: Any, make_order: Any
) -> None:
    """A postal import without an incoterm is DAP: duty 3.00, VAT 5.88 and the postal
    line's clearance fee 4.50 are all due at the door, 13.38 EUR, nothing at checkout."""
    landed = spain(world, fx, rules, make_order, ES_POST)
    assert [(x.kind, str(x.amount)) for x in landed.lines] == [
        (LineKind.DUTY, "3.00 EUR"),
        (LineKind.TAX, "5.88 EUR"),
        (LineKind.FEE, "4.50 EUR"),
    ]
    assert landed.regime == "DAP" and landed.collection is Collection.DELIVERY
    assert {x.collected for x in landed.lines} == {Collection.DELIVERY}
    assert landed.due(Collection.DELIVERY) == Money.of("13.38", "EUR")
    assert landed.due(Collection.CHECKOUT) == Money.zero("EUR")


def test_ddp_collects_at_checkout_and_the_fee_only_prices_the_dap_alternative(
    world: Any, fx: Any, rules: Any, make_order: Any
) -> None:
    """The same parcel sold DDP: duty and VAT (8.88) at checkout, no fee line; the fee is
    still reported, so dap_total says what DAP would cost (13.38)."""
    landed = spain(world, fx, rules, make_order, ES_POST, incoterm="DDP")
    assert [x.kind for x in landed.lines] == [LineKind.DUTY, LineKind.TAX]
    assert landed.regime == "DDP" and landed.collection is Collection.CHECKOUT
    assert landed.due(Collection.CHECKOUT) == Money.of("8.88", "EUR")
    assert landed.clearance_fee == Money.of("4.50", "EUR")
    assert landed.dap_total == Money.of("13.38", "EUR") and not landed.checkout_only


def test_a_dap_order_on_a_route_that_charges_no_fee_pays_duties_alone(
    world: Any, fx: Any, rules: Any, make_order: Any
) -> None:
    """Through the hub (bulk clearance, no carrier fee) an order sold DAP is collected on
    delivery: 8.88 EUR, with no fee."""
    landed = spain(world, fx, rules, make_order, ES_HUB, incoterm="DAP")
    assert landed.collection is Collection.DELIVERY and landed.regime == "DAP"
    assert landed.clearance_fee is None
    assert landed.dap_total == landed.ddp_total == Money.of("8.88", "EUR")


def test_a_parcel_with_nothing_to_collect_is_not_charged_for_collecting(
    world: Any, fx: Any, rules: Any, make_order: Any
) -> None:
    """On 2021-06-30 (the EUR 150 duty relief and the EUR 22 VAT exemption), EUR 20 on the
    postal route owes nothing: zero lines and no clearance fee, though the route has one."""
    order = make_order(*MADRID, [item(APPAREL, 1, "20.00", "EUR")])
    route = parse_route_id(world, ES_POST)
    landed = landed_cost(order, route, [], date(2021, 6, 30), rules, fx)
    assert [str(x.amount) for x in landed.lines] == ["0.00 EUR", "0.00 EUR"]
    assert landed.clearance_fee is None and landed.total == Money.zero("EUR")


def test_a_scheme_without_a_calculation_is_an_error(
    world: Any, fx: Any, rules: CustomsRules, make_order: Any
) -> None:
    """A destination whose scheme has no calculation raises InvalidRule naming the
    scheme; it never lands at zero."""
    odd = replace(rules.jurisdictions["ES"], scheme="sales_tax")
    broken = CustomsRules({**rules.jurisdictions, "ES": odd}, rules.rules, rules.states)
    order = make_order(*MADRID, [item(APPAREL, 1, "20.00", "EUR")])
    with pytest.raises(InvalidRule, match="no calculation for scheme 'sales_tax'"):
        landed_cost(order, parse_route_id(world, ES_HUB), [], AT, broken, fx)


def test_the_same_basket_costs_differently_on_each_route(
    world: Any, fx: Any, rules: Any, make_order: Any
) -> None:
    """Valuation and collection follow the route: CIF freight and the postal fee differ."""
    order = make_order("ES", "28001", [item(SHOES, 1, "200.00", "EUR")])
    post = parse_route_id(world, ES_POST)
    hub = parse_route_id(world, ES_HUB)
    cheap = [Charge(ChargeKind.FREIGHT, "freight", Money.of("5", "EUR"))]
    dear = [Charge(ChargeKind.FREIGHT, "freight", Money.of("25", "EUR"))]
    on_post = landed_cost(order, post, cheap, date(2026, 7, 1), rules, fx)
    on_hub = landed_cost(order, hub, dear, date(2026, 7, 1), rules, fx)
    assert on_post.collection is Collection.DELIVERY and on_hub.collection is Collection.CHECKOUT
    assert on_post.customs_value == Money.of("205", "EUR")
    assert on_hub.customs_value == Money.of("225", "EUR")
    assert on_post.ddp_total != on_hub.ddp_total


def test_a_destination_without_customs_data_is_an_error(
    world: Any, fx: Any, rules: Any, make_order: Any
) -> None:
    """Japan has no rules file: an UnknownCountry error, not a tax-free landed cost."""
    order = make_order("JP", "100-0001", [item(APPAREL, 1, "10.00", "EUR")])
    with pytest.raises(UnknownCountry, match="JP"):
        landed_cost(order, parse_route_id(world, ES_HUB), [], date(2026, 7, 1), rules, fx)


def test_no_rule_in_force_is_an_error_not_a_zero_rate(
    world: Any, fx: Any, rules: Any, make_order: Any
) -> None:
    """Before Brazil's ICMS rules start (2023-08-01) there is nothing to apply: an error."""
    order = make_order("BR", "01001-000", [item(APPAREL, 1, "10.00", "USD")], **RC)
    with pytest.raises(InvalidRule, match="no 'state_tax' rule"):
        landed_cost(order, parse_route_id(world, BR_POST), [], date(2023, 1, 1), rules, fx)


# --- properties ------------------------------------------------------------------------------

MARKETS = [
    ("ES", "28001", ES_POST, "EUR"),
    ("ES", "35001", CANARIES, "EUR"),
    ("PT", "1000-001", PT_HUB, "EUR"),
    ("GB", "SW1A 1AA", GB_POST, "GBP"),
    ("BR", "40000-000", BR_POST, "USD"),
    ("RU", "101000", RU_POST, "EUR"),
    ("ID", "10110", ID_POST, "USD"),
    ("US", "10001", US_POST, "USD"),
]
GOODS = [APPAREL, SHIRT, SHOES, EARBUDS, BOOK, ("190590", "food"), ("950300", "toys")]

baskets = st.lists(
    st.tuples(
        st.sampled_from(GOODS), st.integers(1, 3), st.integers(1, 40_000)
    ),  # goods, quantity, unit value in minor units
    min_size=1,
    max_size=4,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    market=st.sampled_from(MARKETS),
    basket=baskets,
    freight=st.integers(0, 5_000),
    day=st.dates(date(2025, 9, 1), date(2027, 12, 31)),
    seller=st.sampled_from([{}, IOSS, RC]),
)
def test_landed_cost_invariants(
    world: Any, fx: Any, rules: Any, make_order: Any, market, basket, freight, day, seller
) -> None:
    """Whatever the basket: no line is negative, every line is in the destination's
    currency, DDP adds the duty and tax lines, DAP is DDP plus at most the clearance fee,
    and in the EU the VAT lines are never below VAT on the goods value alone."""
    country, postal, route_text, currency = market
    items = [(g[0], g[1], q, str(Decimal(v) / 100), currency) for g, q, v in basket]
    buyer = {"buyer": {"tax_id": "123.456.789-09"}}
    order = make_order(country, postal, items, **seller, **buyer)
    charges = [Charge(ChargeKind.FREIGHT, "freight", Money(freight, currency))]
    landed = landed_cost(order, parse_route_id(world, route_text), charges, day, rules, fx)
    assert all(line.amount.amount >= 0 for line in landed.lines)
    assert {line.amount.currency for line in landed.lines} <= {landed.currency}
    duty_tax = [x.amount.amount for x in landed.lines if x.kind is not LineKind.FEE]
    assert landed.ddp_total.amount == sum(duty_tax)
    if landed.dap_total is not None:
        fee = landed.clearance_fee.amount if landed.clearance_fee else 0
        assert landed.dap_total.amount == landed.ddp_total.amount + fee
    if landed.jurisdiction in ("ES", "PT"):
        vat = sum(x.amount.amount for x in landed.lines if x.kind is LineKind.TAX)
        floor = sum(i.value.times(_vat_rate(rules, landed, i, day)).amount for i in order.items)
        assert vat >= floor - len(order.items)  # per-line rounding, at most 1 cent per item


def _vat_rate(rules: Any, landed: LandedCost, item: Any, day: date) -> Decimal:
    from routing.customs.rules import Goods, Topic

    view = rules.in_force(landed.jurisdiction, day)
    rule = view.require(Topic.VAT, Goods(hs=item.hs_code, category=item.category))
    return rule.rate
