"""routing/plan/assign.py: the greedy plan (orders by creation time, each on the arc with
room left where its own cost plus the units it would open is least, never past a booked
kg or m3), the reasons an order stays unplanned, and a plan's evaluation on the orders'
own figures."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from routing.plan.arcs import OrderArcs
from routing.plan.assign import (
    NO_CAPACITY,
    NO_ROUTE,
    Assignment,
    evaluate,
    greedy,
    loads,
    units_for,
)
from routing.plan.table import NO_DEADLINE
from tests.routing.plan.conftest import array_arcs, array_orders, array_rows

# arc 0 through departure 0 (2 kg booked) at 100, arc 1 through nothing at 900
ARCS = array_arcs([[0, -1], [-1, -1]], [100.0, 900.0], p90=[103, 101])
ROWS = array_rows([2.0])


def both_arcs(n: int, cost: list[float] | None = None) -> OrderArcs:
    """Every order may take arc 0 (cheaper) or arc 1."""
    return OrderArcs(np.arange(0, 2 * n + 1, 2), np.tile([0, 1], n), np.tile(cost or [1e2, 9e2], n))


def test_the_first_created_take_the_cheap_departure_first() -> None:
    """1.5, 1.0 and 0.4 kg created third, first and second: the 1 kg and 0.4 kg orders
    fill 1.4 of the 2 kg on arc 0, the 1.5 kg order no longer fits and takes arc 1."""
    orders = array_orders([1.5, 1.0, 0.4], created_min=[2, 0, 1])
    plan = greedy(orders, both_arcs(3), ARCS, ROWS)
    assert plan.arc.tolist() == [1, 0, 0]
    assert plan.reason.tolist() == ["", "", ""]


# arc 0 (EUR 10) through departure 0, whose 100 kg pallets cost EUR 300 each; arc 1
# (EUR 50) through no capacitated departure at all
PALLET_ARCS = array_arcs([[0, -1], [-1, -1]], [1000.0, 5000.0])
PALLET_ROWS = array_rows([1000.0], unit_kg=[100.0], unit_cost=[30_000.0])


def test_greedy_pays_for_the_pallet_it_would_open() -> None:
    """Order 0 can only take arc 0 and opens a pallet; order 1 (1 kg) fits in it: EUR 10
    beats EUR 50; order 2 (99.5 kg) would open a second: EUR 10 + 300 against EUR 50,
    so it takes arc 1. One pallet bought; greedy without units would buy two."""
    orders = array_orders([1.0, 1.0, 99.5])
    pairs = OrderArcs(
        np.array([0, 1, 3, 5]), np.array([0, 0, 1, 0, 1]), np.array([1e3, 1e3, 5e3, 1e3, 5e3])
    )
    plan = greedy(orders, pairs, PALLET_ARCS, PALLET_ROWS)
    assert plan.arc.tolist() == [0, 0, 1]
    e = evaluate(orders, PALLET_ARCS, PALLET_ROWS, plan, np.array([1e3, 1e3, 5e3]), 0.0, 0, 1)
    assert e.units.tolist() == [1.0] and e.cost == 7000.0 + 30_000.0


def test_a_fresh_pallet_loses_to_a_dearer_route_without_one() -> None:
    """A single order: EUR 10 + a EUR 300 pallet on arc 0, EUR 50 on arc 1: arc 1. Were
    the pallet EUR 30, arc 0 (EUR 40)."""
    orders = array_orders([1.0])
    assert greedy(orders, both_arcs(1, [1e3, 5e3]), PALLET_ARCS, PALLET_ROWS).arc.tolist() == [1]
    cheap = array_rows([1000.0], unit_kg=[100.0], unit_cost=[3_000.0])
    assert greedy(orders, both_arcs(1, [1e3, 5e3]), PALLET_ARCS, cheap).arc.tolist() == [0]


def test_an_order_needing_two_pallets_pays_for_both() -> None:
    """150 kg into 100 kg pallets: two, EUR 10 + 600 against EUR 50 by arc 1; on a
    departure where 60 kg already fill a pallet, 150 kg more need 3 in all: two new."""
    orders = array_orders([150.0])
    assert greedy(orders, both_arcs(1, [1e3, 5e3]), PALLET_ARCS, PALLET_ROWS).arc.tolist() == [1]
    orders = array_orders([60.0, 150.0])
    pairs = OrderArcs(np.array([0, 1, 3]), np.array([0, 0, 1]), np.array([1e3, 1e3, 7.1e4]))
    plan = greedy(orders, pairs, PALLET_ARCS, PALLET_ROWS)
    assert plan.arc.tolist() == [0, 0]  # 1,000 + 2 x 30,000 < 71,000
    pairs = OrderArcs(np.array([0, 1, 3]), np.array([0, 0, 1]), np.array([1e3, 1e3, 6.0e4]))
    assert greedy(orders, pairs, PALLET_ARCS, PALLET_ROWS).arc.tolist() == [0, 1]


def test_no_candidate_and_no_room_are_the_reasons() -> None:
    """Order 0 has no candidate arc: `no_feasible_route`; order 1 fills the 2 kg; order 2
    may only take arc 0, now full: `no_capacity`."""
    orders = array_orders([1.0, 2.0, 1.0])
    pairs = OrderArcs(np.array([0, 0, 1, 2]), np.array([0, 0]), np.array([100.0, 100.0]))
    plan = greedy(orders, pairs, ARCS, ROWS)
    assert plan.arc.tolist() == [-1, 0, -1]
    assert plan.reason.tolist() == [NO_ROUTE, "", NO_CAPACITY]


def test_an_evaluation_adds_up_order_by_order() -> None:
    """Deadline day 100: the order on arc 0 (P90 103) is 3 days late (3 x 150), the one
    on arc 1 (P90 101) 1 day, the order without a deadline is neither; the unplanned
    order costs the EUR 500 penalty; loads are the planned orders' kg on their rows."""
    orders = array_orders([1.0, 0.5, 0.25, 2.0], deliver_by=[100, 100, NO_DEADLINE, 100])
    plan = Assignment(np.array([0, 1, 0, -1]), np.array(["", "", "", "no_capacity"], object))
    e = evaluate(
        orders, ARCS, ROWS, plan, np.array([100.0, 900, 100, 7]), np.full(4, 5.0), 150, 50_000
    )
    assert e.shipping.tolist() == [100.0, 900.0, 100.0, 0.0]
    assert e.duties.tolist() == [5.0, 5.0, 5.0, 0.0]
    assert e.late_days.tolist() == [3, 1, 0, 0]
    assert e.on_time.tolist() == [False, False, None, None]
    assert e.load_kg.tolist() == [1.25] and e.units.tolist() == [0.0]
    assert (e.freight, e.duty, e.late_penalty, e.unplanned_penalty) == (
        1100.0,
        15.0,
        600.0,
        50_000.0,
    )
    assert e.cost == 1715.0 and e.objective == 51_715.0


def test_late_orders_pay_their_own_rates_once_and_per_day() -> None:
    """The same plan at per-order rates: 3 days late at 1000 once and 10 a day (1030),
    1 day at 0 once and 200 a day (200); the order without a deadline and the unplanned
    one pay nothing, whatever their rates."""
    orders = array_orders([1.0, 0.5, 0.25, 2.0], deliver_by=[100, 100, NO_DEADLINE, 100])
    plan = Assignment(np.array([0, 1, 0, -1]), np.array(["", "", "", "no_capacity"], object))
    per_day, once = np.array([10.0, 200, 99, 99]), np.array([1000.0, 0, 99, 99])
    e = evaluate(orders, ARCS, ROWS, plan, np.zeros(4), np.zeros(4), per_day, 1.0, once)
    assert e.late_penalty == 1230.0


def test_units_are_the_fewest_that_hold_the_load() -> None:
    """150 kg in 100 kg units: 2; 25 m3 in 10 m3 units: 3; exactly 100 kg: 1; no unit: 0."""
    rows = array_rows(
        [1e9] * 4, [1e9] * 4, unit_kg=[100.0, 0.0, 100.0, 0.0], unit_m3=[10.0, 10.0, 10.0, 0.0]
    )
    kg, m3 = np.array([150.0, 0.0, 100.0, 50.0]), np.array([0.1, 25.0, 0.0, 5.0])
    assert units_for(kg, m3, rows).tolist() == [2.0, 3.0, 1.0, 0.0]


def test_two_row_arcs_load_both_rows() -> None:
    """An arc through departures 0 and 1 loads its order's kg and m3 on each."""
    arcs = array_arcs([[0, 1], [1, -1]], [1.0, 1.0])
    orders = array_orders([2.0, 3.0], m3=[0.2, 0.3])
    kg, m3 = loads(orders, arcs, 2, np.array([0, 1]), np.array([0, 1]))
    assert kg.tolist() == [2.0, 5.0] and m3 == pytest.approx([0.2, 0.5])


@settings(max_examples=60, deadline=None)
@given(
    weights=st.lists(st.floats(0.01, 3.0), min_size=1, max_size=25),
    cap=st.floats(0.0, 10.0),
)
def test_greedy_never_overloads_and_plans_every_order_that_has_an_open_arc(
    weights: list[float], cap: float
) -> None:
    """Any orders against any booked kg: arc 0's load stays within it, and as arc 1 has
    no limit every order is planned."""
    orders = array_orders(weights)
    rows = array_rows([cap])
    plan = greedy(orders, both_arcs(len(weights)), ARCS, rows)
    assert (plan.arc >= 0).all()
    on = np.flatnonzero(plan.arc == 0)
    assert orders.weight_kg[on].sum() <= cap + 1e-6


@settings(max_examples=60, deadline=None)
@given(
    weights=st.lists(st.floats(0.01, 60.0), min_size=1, max_size=25),
    cap=st.floats(0.0, 300.0),
    unit_kg=st.floats(1.0, 100.0),
    unit_cost=st.floats(0.0, 50_000.0),
)
def test_with_units_greedy_still_never_overloads(
    weights: list[float], cap: float, unit_kg: float, unit_cost: float
) -> None:
    """Any orders, booked kg, pallet size and price: arc 0's load stays within its booked
    kg, and the pallets the evaluation counts never hold more than that needs."""
    orders = array_orders(weights)
    rows = array_rows([cap], unit_kg=[unit_kg], unit_cost=[unit_cost])
    plan = greedy(orders, both_arcs(len(weights), [1e3, 5e3]), PALLET_ARCS, rows)
    assert (plan.arc >= 0).all()
    load = orders.weight_kg[plan.arc == 0].sum()
    assert load <= cap + 1e-6
    e = evaluate(orders, PALLET_ARCS, rows, plan, np.zeros(len(weights)), 0.0, 0, 1)
    assert e.units[0] == units_for(np.array([load]), np.zeros(1), rows)[0]
