"""The order-level bound: no plan of the orders costs less, and where the orders of a
commodity are alike it is the LP bound."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from routing.network import Network
from routing.plan import PlanParams, plan_orders, validate_orders
from routing.plan.planner import PlanResult
from routing.plan.solver import SparseModel, Status, solve
from tests.routing.plan.conftest import one_kilo_orders

PARAMS = PlanParams(horizon_days=7, max_departures=1, time_limit_s=10)


def order_level_optimum(r: PlanResult) -> float:
    """The plan's problem with a binary per (order, candidate arc), solved exactly:
    own costs, own kg and m3, whole units."""
    pairs, rows, orders = r.pairs, r.rows, r.orders
    n_pair, n_order, n_row = len(pairs.arc), len(orders), len(rows)
    owner = pairs.owner
    unit = np.flatnonzero((rows.unit_kg > 0) | (rows.unit_m3 > 0))
    y = n_pair + n_order + np.arange(len(unit))
    penalty = float(PARAMS.unplanned_penalty) * 100
    cost = np.concatenate([pairs.cost, np.full(n_order, penalty), rows.unit_cost[unit]])
    r_, c_, v_ = [owner, np.arange(n_order)], [np.arange(n_pair)], [np.ones(n_pair)]
    c_.append(n_pair + np.arange(n_order))
    v_.append(np.ones(n_order))
    lower, upper = [np.ones(n_order)], [np.ones(n_order)]
    for k, (size, cap, per_unit) in enumerate(
        [
            (orders.weight_kg, rows.cap_kg, rows.unit_kg),
            (orders.volume_m3, rows.cap_m3, rows.unit_m3),
        ]
    ):
        for slot in range(2):
            on = np.flatnonzero(r.arcs.rows[pairs.arc, slot] >= 0)
            row = r.arcs.rows[pairs.arc[on], slot]
            r_ += [n_order + 2 * k * n_row + row, n_order + (2 * k + 1) * n_row + row]
            c_ += [on, on]
            v_ += [size[owner[on]], size[owner[on]]]
        r_.append(n_order + (2 * k + 1) * n_row + unit)
        c_.append(y)
        v_.append(-per_unit[unit])
        lower += [np.full(2 * n_row, -np.inf)]
        upper += [cap, np.where(per_unit > 0, 0.0, np.inf)]
    model = SparseModel(
        lower=np.zeros(len(cost)),
        upper=np.concatenate([np.ones(n_pair + n_order), np.full(len(unit), 100.0)]),
        integer=np.ones(len(cost), dtype=bool),
        cost=cost,
        row_lower=np.concatenate(lower),
        row_upper=np.concatenate(upper),
        rows=np.concatenate(r_),
        cols=np.concatenate(c_),
        vals=np.concatenate(v_),
    )
    found = solve(model, "highs", 30, relative_gap=0.0)
    assert found.status is Status.OPTIMAL
    return found.objective


@settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    weights=st.lists(st.floats(0.2, 30.0), min_size=2, max_size=14),
    deadline=st.sampled_from(["", "2026-12-01", "2026-12-05"]),
)
def test_no_plan_of_the_orders_costs_less_than_the_bound(
    two_lanes: Network, weights: list[float], deadline: str
) -> None:
    """bound <= the exact order-level optimum <= the plan, orders of mixed weights."""
    frame = one_kilo_orders(len(weights), deliver_by=deadline)
    frame["weight_kg"] = [f"{w:.3f}" for w in weights]
    table, _ = validate_orders(frame, two_lanes)
    result = plan_orders(table, two_lanes, PARAMS)
    best = order_level_optimum(result)
    assert result.bound <= best + 1e-6
    assert best <= result.plan_eval.objective + 1e-6


def test_alike_orders_make_the_bound_the_lp_bound(two_lanes: Network) -> None:
    """150 identical orders: one commodity, so the order-level bound is the LP's (the
    pieces' whole units, pieces.py, left out: they lift it)."""
    table, _ = validate_orders(one_kilo_orders(150), two_lanes)
    result = plan_orders(table, two_lanes, replace(PARAMS, exact_pairs=0))
    assert result.bound == pytest.approx(result.lp_bound, abs=1e-6)
    assert result.gap == pytest.approx(
        (result.plan_eval.objective - result.bound) / result.plan_eval.objective
    )
