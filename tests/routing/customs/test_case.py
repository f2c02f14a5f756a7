"""The per-order customs case answers exactly as the plain functions do: the same
Screening and LandedCost (lines, notes, exchange rates in the order of use), and the same
error from the same call, for random orders on the routes a quote tries on the default
network (data/), whichever order the routes come in and however often each is asked.
It checks a hand-built order, and shares the freight of a route between the items."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime
from functools import partial
from typing import Any, NamedTuple

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from carriers.errors import GlocalError, InvalidOrder, NotPriceable
from carriers.money import Money
from carriers.pricing import Charge, ChargeKind, price_parcel
from routing.customs import (
    CustomsRules,
    customs_case,
    landed_cost,
    load_rules,
    parse_route_id,
    screen,
)
from routing.fx import FxRates, load_fx
from routing.network import Network, Route, load_network
from routing.orders import Order, parse_order
from routing.quote.order_lanes import order_lanes
from routing.quote.search import pareto_routes
from tests.routing.customs.conftest import APPAREL, BOOK, ES_HUB, item

# market -> postal codes (a Canary Islands code and a CEP in no state among them)
MARKETS = {
    "ES": ["28013", "35001", "38001", "51001"],
    "PT": ["1100-148"],
    "FR": ["75001"],
    "IT": ["00184"],
    "DE": ["10115"],
    "GB": ["SW1A 1AA"],
    "BR": ["01310-100", "69005-000", "78950-000"],
    "RU": ["101000"],
    "US": ["10001"],
    "ID": ["10110"],
    "CN": ["200001"],
    "JP": ["100-0001"],  # no customs data: an error from both
}
GOODS = [  # hs code, category, battery, liquid
    ("610910", "apparel", "none", False),
    ("640299", "footwear", "none", False),
    ("420221", "bags", "none", False),
    ("851830", "electronics", "in_equipment", False),
    ("850760", "electronics", "loose", False),
    ("330499", "cosmetics", "none", True),
    ("950300", "toys", "none", False),
    ("150910", "food", "none", True),
    ("6109100010", "apparel", "none", False),
]
ORIGINS = ["CN-YIW-WH", "CN-SZX-WH", "CN-NGB-WH", "ES-MAD-HUB"]
CURRENCIES = ["EUR", "USD", "GBP", "CNY", "BRL"]
BUYERS = [
    {},
    {"tax_id": "529.982.247-25"},  # a valid CPF
    {"tax_id": "529.982.247-26"},  # a CPF with a wrong check digit
    {"tax_id": "500100732259", "id_number": "4509 235857"},  # INN + passport
    {"name": "Wang Fang", "id_number": "11010519491231002X"},
]

Outcome = tuple[str, Any]


class World(NamedTuple):
    """The default network, rules and rates (a short repr for hypothesis's reports)."""

    network: Network
    rules: CustomsRules
    fx: FxRates

    def __repr__(self) -> str:
        return "World(data/)"


@pytest.fixture(scope="module")
def default_world() -> World:
    return World(load_network(), load_rules(), load_fx())


items = st.lists(
    st.tuples(
        st.sampled_from(GOODS),
        st.integers(1, 3),  # quantity
        st.integers(1, 60_000),  # unit value in minor units
    ),
    min_size=1,
    max_size=3,
)
documents = st.fixed_dictionaries(
    {
        "market": st.sampled_from(sorted(MARKETS)),
        "postal": st.integers(0, 3),
        "origin": st.sampled_from(ORIGINS),
        "items": items,
        "currency": st.sampled_from(CURRENCIES),  # an order's items share one currency
        "kg": st.floats(0.05, 30),
        "seller": st.fixed_dictionaries(
            {
                "ioss_registered": st.booleans(),
                "remessa_conforme": st.booleans(),
                "cross_border_marketplace": st.booleans(),
            }
        ),
        "buyer": st.sampled_from(BUYERS),
        "incoterm": st.sampled_from([None, "DDP", "DAP"]),
    }
)


def make_order(d: dict[str, Any]) -> Order:
    codes = MARKETS[d["market"]]
    return parse_order(
        {
            "order_id": "P-1",
            "origin": d["origin"],
            "destination": {"country": d["market"], "postal_code": codes[d["postal"] % len(codes)]},
            "parcels": [
                {"weight_kg": round(d["kg"], 3), "length_cm": 20, "width_cm": 15, "height_cm": 10}
            ],
            "items": [
                {
                    "description": f"{category} item",
                    "hs_code": hs,
                    "category": category,
                    "quantity": quantity,
                    "unit_value": {"amount": f"{value / 100:.2f}", "currency": d["currency"]},
                    "battery": battery,
                    "liquid": liquid,
                }
                for (hs, category, battery, liquid), quantity, value in d["items"]
            ],
            "created_at": "2026-11-26T10:00:00+00:00",
            "seller": d["seller"],
            "buyer": d["buyer"],
            **({"incoterm": d["incoterm"]} if d["incoterm"] else {}),
        }
    )


def quote_routes(network: Network, fx: FxRates, order: Order, day: date) -> list[Route]:
    """The Pareto routes a quote screens and prices for this order."""
    net = network.compiled
    lanes = order_lanes(net, order, fx, day)
    found = pareto_routes(net, net.node_index[order.origin], lanes, 10)
    return [tuple(net.services[k] for k in f.services) for f in found]


def walk(network: Network, origin: str, picks: list[int]) -> Route:
    """A route that is no quote's choice: legs picked from each node's services."""
    route: list = []
    node = origin
    for pick in picks:
        leaving = [s for s in network.services if s.from_node == node]
        if not leaving:
            break
        service = leaving[pick % len(leaving)]
        route.append(service)
        node = service.to_node
    return tuple(route)


def charges_of(order: Order, route: Route, extra: list[Charge]) -> list[Charge]:
    country, postal = order.destination.country, order.destination.postal_code
    try:
        priced = [
            c
            for s in route
            for p in order.parcels
            for c in price_parcel(s.rate_card, p.weight_kg, p.dims_cm, country, postal)
        ]
    except NotPriceable:
        priced = []
    return priced + extra


def outcome(call: Callable[[], Any]) -> Outcome:
    try:
        return ("ok", call())
    except GlocalError as e:
        return (type(e).__name__, str(e))


charges = st.lists(
    st.builds(
        Charge,
        st.sampled_from(list(ChargeKind)),
        st.just("extra"),
        st.builds(Money, st.integers(0, 5_000), st.sampled_from(CURRENCIES)),
    ),
    max_size=2,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    document=documents,
    day=st.dates(date(2025, 9, 1), date(2027, 12, 31)),
    ytd=st.one_of(st.none(), st.builds(Money, st.integers(0, 3_000_000), st.just("CNY"))),
    walks=st.lists(st.lists(st.integers(0, 50), min_size=1, max_size=5), max_size=3),
    extra=charges,
)
def test_the_case_answers_as_the_plain_functions(
    default_world: World,
    document: dict[str, Any],
    day: date,
    ytd: Money | None,
    walks: list[list[int]],
    extra: list[Charge],
) -> None:
    """For every route (the quote's Pareto routes and a few random walks), asked twice in
    two orders, case.screen and case.landed_cost equal screen and landed_cost exactly:
    results field by field, or the same error type and message."""
    network, rules, fx = default_world
    order = make_order(document)
    routes = quote_routes(network, fx, order, day) + [walk(network, order.origin, w) for w in walks]
    routes = [r for r in routes if r]
    case = customs_case(order, day, rules, fx, network=network, buyer_year_to_date=ytd)
    for route in [*routes, *reversed(routes)]:
        paid = charges_of(order, route, extra)
        kw: dict[str, Any] = {"network": network, "buyer_year_to_date": ytd}
        plain_screen = outcome(partial(screen, order, route, day, rules, fx, **kw))
        plain_landed = outcome(partial(landed_cost, order, route, paid, day, rules, fx, **kw))
        assert outcome(partial(case.screen, route)) == plain_screen
        assert outcome(partial(case.landed_cost, route, paid)) == plain_landed


def test_a_case_raises_nothing_until_asked(
    default_world: World,
) -> None:
    """A destination without customs data is an error of the first call that needs it, the
    same error as the plain function's, and of every later call: a quote that finds no
    route for such an order never asks."""
    network, rules, fx = default_world
    order = make_order(
        {
            "market": "JP",
            "postal": 0,
            "origin": "CN-YIW-WH",
            "items": [(GOODS[0], 1, 1_000)],
            "currency": "EUR",
            "kg": 1.0,
            "seller": {},
            "buyer": {},
            "incoterm": None,
        }
    )
    day = date(2026, 11, 26)
    case = customs_case(order, day, rules, fx, network=network)
    route = walk(network, order.origin, [0, 0])
    expected = outcome(partial(screen, order, route, day, rules, fx, network=network))
    assert expected[0] == "UnknownCountry"
    assert outcome(partial(case.screen, route)) == expected
    assert outcome(partial(case.landed_cost, route, [])) == expected


def test_a_hand_built_order_with_a_bad_hs_code_names_the_field(
    world: Any, fx: Any, rules: Any, make_order: Any
) -> None:
    """An Order built in code skips parse_order: a bad HS code or a zero value is still
    an InvalidOrder naming items[0]."""
    order = make_order("ES", "28001", [item(APPAREL, 1, "10.00", "EUR")])
    broken = replace(order, items=(replace(order.items[0], hs_code="6109"),))
    with pytest.raises(InvalidOrder, match=r"items\[0\]\.hs_code"):
        landed_cost(broken, parse_route_id(world, ES_HUB), [], date(2026, 7, 1), rules, fx)
    free = replace(order, items=(replace(order.items[0], unit_value=Money(0, "EUR")),))
    with pytest.raises(InvalidOrder, match=r"items\[0\]\.unit_value"):
        landed_cost(free, parse_route_id(world, ES_HUB), [], date(2026, 7, 1), rules, fx)


def test_a_routes_freight_is_shared_between_the_items_by_value(
    world: Any, fx: Any, rules: Any, make_order: Any
) -> None:
    """EUR 30 of apparel and EUR 10 of books with EUR 4.00 of freight (CIF): the items'
    customs values are 30 + 3.00 and 10 + 1.00, and the consignment's 44.00 EUR."""
    order = make_order(
        "ES", "28001", [item(APPAREL, 1, "30.00", "EUR"), item(BOOK, 1, "10.00", "EUR")]
    )
    case = customs_case(order, date(2026, 7, 1), rules, fx)
    freight = [Charge(ChargeKind.FREIGHT, "freight", Money.of("4", "EUR"))]
    s = case.shipment(parse_route_id(world, ES_HUB), freight)
    assert [str(i.customs_value) for i in s.items] == ["33.00 EUR", "11.00 EUR"]
    assert (str(s.goods_value), str(s.freight), str(s.customs_value)) == (
        "40.00 EUR",
        "4.00 EUR",
        "44.00 EUR",
    )


def test_each_freight_charge_is_converted_on_its_own_and_duties_are_not_freight(
    world: Any, fx: Any, rules: Any, make_order: Any
) -> None:
    """Two charges of USD 0.03 into Spain are 0.024 -> 0.02 EUR each (1 EUR = 1.25 USD):
    0.04 EUR of freight, where USD 0.06 at once would give 0.05; a duty charge is not
    freight."""
    order = make_order("ES", "28001", [item(APPAREL, 1, "10.00", "EUR")])
    case = customs_case(order, date(2026, 7, 1), rules, fx)
    charges = [
        Charge(ChargeKind.FREIGHT, "line", Money.of("0.03", "USD")),
        Charge(ChargeKind.SURCHARGE, "fuel", Money.of("0.03", "USD")),
        Charge(ChargeKind.DUTY, "prepaid duty", Money.of("5.00", "EUR")),
    ]
    s = case.shipment(parse_route_id(world, ES_HUB), charges)
    assert s.freight == Money.of("0.04", "EUR")


def test_a_datetime_counts_by_its_date(world: Any, fx: Any, rules: Any, make_order: Any) -> None:
    """A case at 2026-06-30 23:30 UTC applies the rules of 2026-06-30 (the EUR 150 duty
    relief), not the flat duty that starts the next day."""
    order = make_order("ES", "28001", [item(APPAREL, 1, "10.00", "EUR")])
    late = datetime(2026, 6, 30, 23, 30, tzinfo=UTC)
    landed = customs_case(order, late, rules, fx).landed_cost(parse_route_id(world, ES_HUB))
    assert "eu.duty.low-value-relief" in landed.rule_ids
    assert "eu.duty.flat-per-subheading" not in landed.rule_ids
