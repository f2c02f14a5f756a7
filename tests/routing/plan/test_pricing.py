"""routing/plan/pricing.py: every order's cheapest arc of the universe at given prices, the
Lagrangian bound over all of it, and the unit cost that no free rider escapes."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from routing.network import Network
from routing.plan import PlanParams, Scenario, validate_orders
from routing.plan.bound import RowPrices
from routing.plan.capacity import unit_limit
from routing.plan.planner import prepare
from routing.plan.pricing import COMPLETIONS, UniverseCosts, _first_least, price_orders
from tests.routing.plan.conftest import one_kilo_orders

PARAMS = PlanParams(horizon_days=7, max_departures=1)


def _zero_prices(n_rows: int, n_groups: int, count: np.ndarray) -> RowPrices:
    zero = [np.zeros(n_rows) for _ in range(4)]
    empty = np.zeros(0, dtype=np.int64)
    return RowPrices(*zero, empty, empty, np.zeros(0), np.arange(n_groups), count)


def _priced(two_lanes: Network, n: int, scenario: Scenario, capacity_kg: float = 0.0):  # type: ignore[no-untyped-def]
    table, _ = validate_orders(one_kilo_orders(n), two_lanes)
    w = prepare(table, two_lanes, PARAMS, scenario)
    prices = _zero_prices(len(w.rows), len(w.coarse), w.coarse.count)
    if capacity_kg:
        prices.capacity_kg[:] = capacity_kg
    found = price_orders(
        w.orders,
        UniverseCosts(w.coarse, w.universe, w.costs),
        w.rows,
        unit_limit(w.rows),
        prices,
        w.penalty,
        None,
        COMPLETIONS,
    )
    return w, found


def test_at_zero_prices_each_order_takes_its_cheapest_arc(two_lanes: Network) -> None:
    """Rail (EUR 1 a kg) beats air (EUR 3 and pallets): every order's best arc is rail's,
    and with nothing priced the bound is the sum of the orders' own costs there."""
    w, found = _priced(two_lanes, 10, Scenario())
    rail = w.routes.legs[w.universe.arcs.route[found.best], 0]
    assert (rail == two_lanes.compiled.service_index["lanes-rail"]).all()
    own = w.costs(np.arange(10), found.best)
    assert found.bound == pytest.approx(own.sum())
    assert found.reduced == pytest.approx(own)


def test_a_free_ride_in_a_unit_nobody_bought_still_pays_for_the_unit(
    two_lanes: Network,
) -> None:
    """Rail closed: ten one-kilo orders must fly, and one EUR 50 pallet holds them all.
    No LP price charges the pallet (nothing in the model flies yet), yet the bound
    counts it: the riders share it. It is then the exact optimum."""
    w, found = _priced(two_lanes, 10, Scenario(close=frozenset({"lanes-rail"})))
    own = w.costs(np.arange(10), found.best)
    assert found.bound == pytest.approx(own.sum() + 5_000)
    assert found.reduced == pytest.approx(own + 500)


def test_an_order_priced_past_the_penalty_is_left_unplanned(
    two_lanes: Network,
) -> None:
    """Every booked kg priced at EUR 400: rail stays each order's best (both lanes are
    priced alike); at EUR 600 no arc beats the EUR 500 of leaving an order unplanned."""
    _, found = _priced(two_lanes, 4, Scenario(), capacity_kg=40_000)
    assert (found.best >= 0).all()
    w, found = _priced(two_lanes, 4, Scenario(), capacity_kg=60_000)
    assert (found.best == -1).all()
    assert found.reduced == pytest.approx(np.full(4, w.penalty))


@given(st.lists(st.lists(st.integers(0, 4), min_size=1, max_size=6), min_size=1, max_size=12))
def test_each_order_gets_its_least_arc_and_the_lowest_among_equals(costs: list[list[int]]) -> None:
    """Pairs in runs per order, arcs rising: the position found per order holds its least
    cost, and no earlier arc of the order costs as little (the tie goes to the lowest
    arc, as sorting by order, cost and arc would give it)."""
    owner = np.repeat(np.arange(len(costs)), [len(c) for c in costs])
    rc = np.concatenate([np.array(c, dtype=float) for c in costs])
    at = _first_least(owner, rc)
    order = np.lexsort((np.arange(len(rc)), rc, owner))
    first = order[np.r_[True, owner[order][1:] != owner[order][:-1]]]
    assert at.tolist() == first.tolist()


def test_universe_costs_are_each_orders_own_and_costed_once(two_lanes: Network) -> None:
    """The kept cost of each (order, arc) pair is the order's own cost on the arc, and a
    second pass hands back the arrays the first one costed."""
    table, _ = validate_orders(one_kilo_orders(6), two_lanes)
    w = prepare(table, two_lanes, PARAMS, Scenario())
    pairs = UniverseCosts(w.coarse, w.universe, w.costs)
    first = list(pairs.chunks())
    assert first and sum(len(o) for o, _, _ in first) == 6 * len(w.universe.arcs)
    for owner, arc, cost in first:
        assert np.array_equal(cost, w.costs(owner, arc))
    assert all(a[2] is b[2] for a, b in zip(first, pairs.chunks(), strict=True))
