"""routing/plan/repack.py on a departure checkable on paper: 1 m3 booked, one bulky order
on it, two small ones left out. At a positive price of its m3 the two small ones go
instead (two orders planned, not one); where that saves nothing the plan is unchanged;
and a repacked plan never exceeds the booked capacity nor costs more."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from routing.plan.arcs import Arcs, OrderArcs
from routing.plan.assign import Assignment, loads
from routing.plan.bound import RowPrices
from routing.plan.capacity import CapacityRows
from routing.plan.repack import repack
from routing.plan.table import NO_DEADLINE, OrdersTable

PENALTY = 500.0


def orders_of(m3: list[float]) -> OrdersTable:
    n = len(m3)
    text = np.array(["x"] * n, dtype=object)
    return OrdersTable(
        line=np.arange(n, dtype=np.int64) + 2,
        order_id=np.array([f"O{i}" for i in range(n)], dtype=object),
        origin=text, dest_country=text, dest_postal_code=text,
        weight_kg=np.ones(n), length_cm=np.array(m3) * 1e6, width_cm=np.ones(n),
        height_cm=np.ones(n), value_minor=np.zeros(n, dtype=np.int64), currency=text,
        category=text, hs_code=text, battery=np.zeros(n, dtype=np.int8),
        liquid=np.zeros(n, dtype=bool), created_min=np.arange(n, dtype=np.int64),
        deliver_by=np.full(n, NO_DEADLINE, dtype=np.int64),
    )  # fmt: skip


ONE_ARC = Arcs(
    commodity=np.zeros(1, dtype=np.int64), route=np.zeros(1, dtype=np.int64),
    day=np.zeros(1, dtype=np.int64), p50=np.zeros(1, dtype=np.int64),
    p90=np.zeros(1, dtype=np.int64), rows=np.array([[0, -1]]), freight=np.zeros(1),
    duty=np.zeros(1), late_days=np.zeros(1), cost=np.zeros(1),
)  # fmt: skip
ONE_M3 = CapacityRows(
    service=np.zeros(1, dtype=np.int64), day=np.zeros(1, dtype=np.int64),
    cap_kg=np.array([np.inf]), cap_m3=np.array([1.0]), unit_kg=np.zeros(1),
    unit_m3=np.zeros(1), unit_cost=np.zeros(1),
)  # fmt: skip


def priced(m3_price: float) -> RowPrices:
    zero, none = np.zeros(1), np.zeros(0, dtype=np.int64)
    return RowPrices(
        capacity_kg=zero, capacity_m3=np.array([m3_price]), unit_kg=zero, unit_m3=zero,
        link_group=none, link_row=none, link_price=np.zeros(0),
        group=np.zeros(1, dtype=np.int64), group_count=np.ones(1),
    )  # fmt: skip


def run(m3: list[float], costs: list[float], plan: list[int], m3_price: float) -> tuple:
    """Every order has the one arc, at its own cost; `plan` its arc or -1."""
    n = len(m3)
    pairs = OrderArcs(
        np.arange(n + 1, dtype=np.int64), np.zeros(n, dtype=np.int64), np.array(costs)
    )

    def cost_of(o: np.ndarray, a: np.ndarray) -> np.ndarray:
        return pairs.cost[o]

    start = Assignment(np.array(plan, dtype=np.int64), np.full(n, "", dtype=object))
    orders = orders_of(m3)
    found, repacked = repack(
        orders, ONE_ARC, ONE_M3, start, pairs, cost_of, PENALTY, priced(m3_price)
    )
    return orders, found, repacked


def objective(costs: list[float], arc: np.ndarray) -> float:
    return float(np.where(arc >= 0, costs, PENALTY).sum())


def test_a_full_departure_takes_the_small_orders_instead_of_the_bulky_one() -> None:
    """0.8 m3 on board, 0.4 + 0.4 m3 left out, all saving 490: the two go, the one stays."""
    _, found, repacked = run([0.8, 0.4, 0.4], [10.0] * 3, [0, -1, -1], m3_price=100.0)
    assert repacked == 1
    assert found.arc.tolist() == [-1, 0, 0]
    assert found.reason.tolist() == ["no_capacity", "", ""]


@pytest.mark.parametrize(
    ("costs", "m3_price"),
    [([10.0, 400.0, 400.0], 100.0), ([10.0, 10.0, 10.0], 0.0)],
    ids=["the-bulky-one-saves-more", "capacity-not-priced"],
)
def test_a_repack_that_saves_nothing_leaves_the_plan(costs: list[float], m3_price: float) -> None:
    """The bulky order saves 490, the small ones 100 each: it stays. Or the LP does not
    price the m3: nothing is looked at."""
    _, found, repacked = run([0.8, 0.4, 0.4], costs, [0, -1, -1], m3_price)
    assert repacked == 0
    assert found.arc.tolist() == [0, -1, -1]


@settings(max_examples=40, deadline=None)
@given(
    items=st.lists(
        st.tuples(st.floats(0.01, 1.0), st.floats(0.0, 600.0), st.booleans()),
        min_size=1,
        max_size=12,
    ),
    m3_price=st.floats(0.0, 1000.0),
)
def test_a_repacked_plan_fits_and_never_costs_more(
    items: list[tuple[float, float, bool]], m3_price: float
) -> None:
    """Any orders, costs and starting plan within the 1 m3: the repacked plan stays within
    it and costs no more (penalty 500 per order left out)."""
    m3, costs, on = (list(x) for x in zip(*items, strict=True))
    plan, room = [], 1.0
    for size, wanted in zip(m3, on, strict=True):
        plan.append(0 if wanted and size <= room else -1)
        room -= size if plan[-1] == 0 else 0.0
    orders, found, _ = run(m3, costs, plan, m3_price)
    placed = np.flatnonzero(found.arc >= 0)
    _, load = loads(orders, ONE_ARC, 1, placed, found.arc[placed])
    assert load[0] <= 1.0 + 1e-9
    assert objective(costs, found.arc) <= objective(costs, np.array(plan)) + 1e-6
