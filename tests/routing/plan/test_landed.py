"""routing/plan/landed.py: each destination scheme's twin gives the customs engine's lines
(`routing.customs.landed_cost`) for an order of one line of goods, for every jurisdiction
of the default world, with values around the thresholds, freight in other currencies,
weights around the EAEU's 31 kg, days before and after 1 July 2026 and each seller
programme. The twin is handed what the engine's own `Shipment` says the goods, the
freight and the thresholds' values are, so only the schemes' arithmetic is compared."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from carriers.model import GoodsCategory
from carriers.money import Money
from carriers.pricing import Charge, ChargeKind
from routing.customs import customs_case, load_rules
from routing.customs.routes import route_modes
from routing.customs.rules import Amount, Valuation
from routing.customs.schemes import SCHEME_FUNCTIONS
from routing.fx import load_fx
from routing.network import Network, Route, routes_from
from routing.orders import Address, Item, Order, Parcel, Seller
from routing.plan.classes import customs_grams
from routing.plan.landed import SCHEMES, Batch, places, units_below

# (origin, country, postal code): every jurisdiction of the default world's markets
PLACES = (
    ("CN-YIW-WH", "ES", "28013"),
    ("CN-YIW-WH", "ES", "35001"),  # Canary Islands: EU duty, IGIC
    ("CN-YIW-WH", "ES", "51001"),  # Ceuta: neither
    ("CN-YIW-WH", "FR", "75001"),
    ("CN-SZX-WH", "DE", "10115"),
    ("CN-YIW-WH", "IT", "00184"),
    ("CN-YIW-WH", "PT", "1000-001"),
    ("CN-YIW-WH", "GB", "SW1A 1AA"),
    ("CN-YIW-WH", "US", "10001"),
    ("CN-YIW-WH", "RU", "101000"),
    ("CN-YIW-WH", "BR", "01310-100"),
    ("CN-YIW-WH", "BR", "40010-000"),
    ("CN-YIW-WH", "ID", "10110"),
    ("ES-MAD-HUB", "CN", "200000"),
)
GOODS = (
    ("610910", GoodsCategory.APPAREL),
    ("851762", GoodsCategory.ELECTRONICS),
    ("330499", GoodsCategory.COSMETICS),
    ("490199", GoodsCategory.BOOKS),
    ("640411", GoodsCategory.FOOTWEAR),
)
DAYS = (date(2025, 12, 1), date(2026, 6, 30), date(2026, 7, 1), date(2026, 11, 20))


@pytest.fixture(scope="module")
def routes(world: Network) -> dict[tuple[str, str], list[Route]]:
    """A few routes from each origin to each country, of different sets of modes."""
    out: dict[tuple[str, str], list[Route]] = {}
    for origin in sorted({o for o, _, _ in PLACES}):
        for route in routes_from(world, origin):
            country = world.nodes[route[-1].to_node].country
            kept = out.setdefault((origin, country), [])
            if len(kept) < 4 and route_modes(route) not in {route_modes(r) for r in kept}:
                kept.append(route)
    return out


def _order(place: tuple, goods: tuple, value: Money, kg: float, day: date, seller: Seller) -> Order:
    origin, country, postal = place
    item = Item("goods", goods[0], goods[1], 1, value)
    made = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
    parcel = Parcel(kg, 30.0, 20.0, 10.0)
    return Order("T1", origin, Address(country, postal), (parcel,), (item,), made, seller=seller)


@settings(
    max_examples=300,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    place=st.sampled_from(PLACES),
    goods=st.sampled_from(GOODS),
    cents=st.one_of(
        st.integers(100, 50_000),
        st.integers(100, 600_000),
        st.sampled_from([2200, 13500, 15000, 15001, 20000, 20001, 80000, 300001]),
    ),
    currency=st.sampled_from(["EUR", "USD", "GBP", "CNY"]),
    freight=st.lists(
        st.tuples(st.integers(0, 30_000), st.sampled_from(["EUR", "CNY", "USD"])),
        min_size=1,
        max_size=4,
    ),
    kg=st.one_of(st.floats(0.05, 30.0), st.floats(30.0, 45.0)),
    day=st.sampled_from(DAYS),
    flags=st.tuples(st.booleans(), st.booleans(), st.booleans()),
    pick=st.integers(0, 3),
)
def test_each_schemes_twin_gives_the_engines_lines(
    world: Network,
    routes: dict[tuple[str, str], list[Route]],
    place: tuple,
    goods: tuple,
    cents: int,
    currency: str,
    freight: list[tuple[int, str]],
    kg: float,
    day: date,
    flags: tuple[bool, bool, bool],
    pick: int,
) -> None:
    """The twin's lines are the engine's (as amounts, lines of 0 aside), none undecided."""
    seller = Seller(*flags)
    order = _order(place, goods, Money(cents, currency), round(kg, 3), day, seller)
    options = routes[(place[0], place[1])]
    route = options[pick % len(options)]
    charges = [Charge(ChargeKind.FREIGHT, "freight", Money(a, c)) for a, c in freight]
    rules, fx = load_rules(), load_fx()
    case = customs_case(order, day, rules, fx, network=world)
    landed = case.landed_cost(route, charges)
    s = case.shipment(route, charges)

    def value_in(currency: str, basis: Valuation, near: np.ndarray) -> np.ndarray:
        return np.array([int(s.value_in(currency, basis).scaleb(places(currency)))])

    batch = Batch(
        facts=case.facts,
        modes=route_modes(route),
        goods=np.array([s.goods_value.amount]),
        freight=np.array([s.freight.amount]),
        grams=customs_grams(np.array([order.weight_kg])),
        value_in=value_in,
        near=np.zeros(1, dtype=bool),
    )
    twin = SCHEMES[case.facts.place.scheme](batch)
    want = sorted(
        x.amount.amount for x in landed.lines if x.amount.amount and x.name != "clearance fee"
    )
    assert sorted(int(x[0]) for x in twin if x[0]) == want
    assert not batch.near.any()


def test_every_scheme_of_customs_has_a_twin() -> None:
    """A scheme added to routing.customs without a twin here would be left to the engine
    order by order: the two lists are held equal."""
    assert set(SCHEMES) == set(SCHEME_FUNCTIONS)


def test_a_threshold_is_compared_in_its_own_currencys_units() -> None:
    """EUR 150 is 15000 cents; 300 SDR (no minor unit of its own) 30000 hundredths; a
    limit finer than a unit is the largest whole unit under it."""
    assert units_below(Amount(Decimal("150.00"), "EUR")) == 15000
    assert units_below(Amount(Decimal("300"), "XDR")) == 30000
    assert units_below(Amount(Decimal("22.005"), "EUR")) == 2200
    assert (places("EUR"), places("JPY"), places("XDR")) == (2, 0, 2)
