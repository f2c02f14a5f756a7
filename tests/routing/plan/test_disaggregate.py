"""routing/plan/disaggregate.py: the model's commodity flows made whole orders (each where
it costs least), overfull departures giving back their latest orders, orders placed in
the room left, units closed where that saves money; never past a booked kg or m3."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from routing.plan.arcs import OrderArcs
from routing.plan.assign import NO_CAPACITY, UNECONOMIC, Assignment, evaluate, loads
from routing.plan.commodities import Commodities
from routing.plan.disaggregate import disaggregate, improve
from tests.routing.plan.conftest import array_arcs, array_orders, array_rows

PENALTY = 500.0


def one_commodity(n: int) -> Commodities:
    """n orders, one commodity (members in input order)."""
    return Commodities(
        of_order=np.zeros(n, dtype=np.int64),
        members=np.arange(n),
        start=np.array([0, n]),
        origin=np.array(["O"], dtype=object),
        ready_day=np.zeros(1, dtype=np.int64),
        ready_min=np.zeros(1, dtype=np.int64),
        count=np.array([n]),
        kg=np.ones(1),
        m3=np.ones(1),
        allowed=np.ones((1, 1), dtype=bool),
        price=np.zeros((1, 1)),
    )


def candidates(costs: list[dict[int, float]]) -> OrderArcs:
    """Each order's candidate arcs at its own costs ({arc: cost}), cheapest first."""
    start, arc, cost = [0], [], []
    for own in costs:
        ranked = sorted(own, key=lambda a: (own[a], a))
        arc += ranked
        cost += [own[a] for a in ranked]
        start.append(len(arc))
    return OrderArcs(np.array(start), np.array(arc, dtype=np.int64), np.array(cost))


def cost_of(pairs: OrderArcs):
    def own(orders: np.ndarray, arcs: np.ndarray) -> np.ndarray:
        out = []
        for o, a in zip(orders.tolist(), arcs.tolist(), strict=True):
            span = pairs.of(o)
            hit = np.flatnonzero(pairs.arc[span.start : span.stop] == a)
            out.append(pairs.cost[span.start + int(hit[0])])
        return np.array(out, dtype=np.float64)

    return own


def test_a_split_commodity_sends_each_order_where_it_costs_least() -> None:
    """Flows 1.6 and 1.4 over 3 one-kilo orders round to 2 and 1 (the larger remainder
    up); arc 0's departure books 2 kg. Arc 1 costs the three 300, 150 and 400 against
    100 on arc 0: order 1 (50 more) takes it."""
    orders = array_orders([1.0, 1.0, 1.0])
    arcs = array_arcs([[0, -1], [-1, -1]], [100.0, 283.0])
    pairs = candidates([{0: 100.0, 1: 300.0}, {0: 100.0, 1: 150.0}, {0: 100.0, 1: 400.0}])
    flow = np.array([1.6, 1.4])
    plan = disaggregate(
        orders,
        one_commodity(3),
        arcs,
        array_rows([2.0]),
        flow,
        np.zeros(1),
        pairs,
        cost_of(pairs),
        PENALTY,
    )
    assert plan.arc.tolist() == [0, 1, 0] and plan.reason.tolist() == ["", "", ""]


@pytest.mark.parametrize(
    ("elsewhere", "expected"),
    [([300.0, 300.0, 300.0], [1, 0, 0]), ([300.0, 120.0, 300.0], [0, 1, 0])],
    ids=["equal-losses-latest-goes", "least-loss-goes"],
)
def test_an_overfull_departure_gives_back_the_orders_that_lose_least(
    elsewhere: list[float], expected: list[int]
) -> None:
    """3 orders of 1 kg all sent on arc 0 (100 each), whose departure books 2 kg. Where
    each pays 300 on arc 1, the last created (order 0) goes back there (the plan costs
    500); where order 1 pays 120 there, it goes back instead (320)."""
    orders = array_orders([1.0, 1.0, 1.0], created_min=[9, 1, 2])
    arcs = array_arcs([[0, -1], [-1, -1]], [100.0, 300.0])
    pairs = candidates([{0: 100.0, 1: cost} for cost in elsewhere])
    rows = array_rows([2.0])
    plan = disaggregate(
        orders,
        one_commodity(3),
        arcs,
        rows,
        np.array([3.0, 0.0]),
        np.zeros(1),
        pairs,
        cost_of(pairs),
        PENALTY,
    )
    assert plan.arc.tolist() == expected
    kg, _ = loads(orders, arcs, 1, np.arange(3), plan.arc)
    assert kg.tolist() == [2.0]
    assert _objective(orders, arcs, rows, plan, pairs) == pytest.approx(200.0 + min(elsewhere))


def test_what_stays_unplanned_says_why() -> None:
    """Arc 0 (2 kg booked, 100) and arc 1 (no limit, 900: more than the 500 penalty).
    Three 1 kg orders sent on arc 0: the latest, which only arc 0 may carry, finds no
    room: `no_capacity`. A fourth whose only arc is the dear one, with room there:
    `uneconomic`."""
    orders = array_orders([1.0, 1.0, 1.0, 1.0])
    arcs = array_arcs([[0, -1], [-1, -1]], [100.0, 900.0])
    pairs = candidates([{0: 100.0, 1: 900.0}] * 2 + [{0: 100.0}, {1: 900.0}])
    flow = np.array([3.0, 0.0])
    plan = disaggregate(
        orders,
        one_commodity(4),
        arcs,
        array_rows([2.0]),
        flow,
        np.zeros(1),
        pairs,
        cost_of(pairs),
        PENALTY,
    )
    assert plan.arc.tolist() == [0, 0, -1, -1]
    assert plan.reason.tolist() == ["", "", NO_CAPACITY, UNECONOMIC]


def test_a_unit_bought_for_one_parcel_is_closed_when_that_saves_money() -> None:
    """One 1 kg order on arc 0, through a departure bought in 100 kg units of EUR 50,
    at 100; arc 1 costs 700 and needs no unit. Closing the unit saves 5,000 for 600 more
    freight: the order moves and no unit is bought. `improve` does the same to a plan."""
    orders = array_orders([1.0])
    arcs = array_arcs([[0, -1], [-1, -1]], [100.0, 700.0])
    rows = array_rows([1000.0], [100.0], unit_kg=[100.0], unit_m3=[10.0], unit_cost=[5000.0])
    pairs = candidates([{0: 100.0, 1: 700.0}])
    own, penalty = cost_of(pairs), 100 * PENALTY
    plan = disaggregate(
        orders,
        one_commodity(1),
        arcs,
        rows,
        np.array([1.0, 0.0]),
        np.ones(1),
        pairs,
        own,
        penalty,
    )
    assert plan.arc.tolist() == [1]
    start = Assignment(np.array([0]), np.array([""], dtype=object))
    assert improve(orders, arcs, rows, start, pairs, own, penalty).arc.tolist() == [1]


def _objective(orders, arcs, rows, plan, pairs) -> float:
    planned = np.flatnonzero(plan.arc >= 0)
    shipping = np.zeros(len(plan.arc))
    shipping[planned] = cost_of(pairs)(planned, plan.arc[planned])
    e = evaluate(orders, arcs, rows, plan, shipping, np.zeros(len(plan.arc)), 0.0, PENALTY)
    return e.objective


@settings(max_examples=40, deadline=None)
@given(
    items=st.lists(
        st.tuples(st.floats(0.1, 5.0), st.floats(0.0, 400.0), st.floats(0.0, 800.0)),
        min_size=1,
        max_size=12,
    ),
    cap=st.floats(0.0, 12.0),
    share=st.floats(0.0, 1.0),
)
def test_any_flow_becomes_a_plan_within_the_booked_capacity(
    items: list[tuple[float, float, float]], cap: float, share: float
) -> None:
    """Any orders, own costs and split of the flow between a booked arc and a dear one:
    the plan never loads the booked departure past its kg; `improve` of it is never
    dearer than it."""
    kg, cheap, dear = (list(x) for x in zip(*items, strict=True))
    n = len(kg)
    orders = array_orders(kg)
    arcs = array_arcs([[0, -1], [-1, -1]], [float(np.mean(cheap)), float(np.mean(dear))])
    rows = array_rows([cap])
    pairs = candidates([{0: c, 1: d} for c, d in zip(cheap, dear, strict=True)])
    flow = np.array([share * n, (1 - share) * n])
    plan = disaggregate(
        orders, one_commodity(n), arcs, rows, flow, np.zeros(1), pairs, cost_of(pairs), PENALTY
    )
    load, _ = loads(orders, arcs, 1, np.flatnonzero(plan.arc >= 0), plan.arc[plan.arc >= 0])
    assert load[0] <= cap + 1e-6
    better = improve(orders, arcs, rows, plan, pairs, cost_of(pairs), PENALTY)
    assert (
        _objective(orders, arcs, rows, better, pairs)
        <= _objective(orders, arcs, rows, plan, pairs) + 1e-6
    )
