"""routing/plan/descent.py: whole units from the LP's, each try re-planning only the
commodities that must move and those that can make room for them."""

from __future__ import annotations

import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from routing.plan.descent import descent
from routing.plan.model import BlockData, build_model, loads
from routing.plan.solver import Status, solve

UNIT = 5000.0  # EUR 50 per 100 kg unit on departure A


def _block(
    demand: list[int], cost: list[float], commodity: list[int], rows: list[int], cap_b: float
) -> BlockData:
    """Departure A (row 0) bought in units of 100 kg and 10 m3, departure B (row 1)
    booked for `cap_b` kg; orders of 1 kg and 1 litre; an arc's row -1 rides neither."""
    n = len(cost)
    return BlockData(
        commodities=np.arange(len(demand)),
        rows=np.array([0, 1]),
        arcs=np.arange(n),
        demand=np.array(demand),
        arc_commodity=np.array(commodity),
        arc_cost=np.array(cost, dtype=float),
        arc_kg=np.ones(n),
        arc_m3=np.full(n, 0.001),
        arc_rows=np.stack([np.array(rows), np.full(n, -1)], axis=1),
        cap_kg=np.array([1000.0, cap_b]),
        cap_m3=np.array([100.0, 100.0]),
        unit_kg=np.array([100.0, 0.0]),
        unit_m3=np.array([10.0, 0.0]),
        unit_cost=np.array([UNIT, 0.0]),
        unit_limit=np.array([10.0, 0.0]),
        unplanned_penalty=50_000.0,
        time_limit_s=10.0,
    )


def _descend(b: BlockData) -> tuple[float, np.ndarray, np.ndarray]:
    """The descent's objective, units and variables from the block's LP."""
    f = build_model(b)
    lp = solve(f.model, "highs", 10, relax=True)
    found = descent(f, b, lp, time.perf_counter())
    return found.objective, f.units(found.values), found.values


def test_a_unit_is_given_up_when_the_orders_it_frees_push_others_aside() -> None:
    """X: 120 orders, via A EUR 1.00, via B EUR 1.10, neither EUR 1.60. Z: 100 orders, via
    B EUR 1.00, neither EUR 1.03. B holds 100 kg. The LP puts 100 X on B and 20 on A
    (0.2 units), so the descent starts from one unit: X 100 on A and 20 on B, Z 80 on B
    and 20 on neither, EUR 272.60. Without A's unit, X's 100 fit on B only if Z leaves
    it: X 100 on B and 20 on neither, Z on neither, EUR 245.00, the optimum. Re-planning
    X alone would find B full (EUR 282.60) and keep the unit."""
    b = _block([120, 100], [100, 110, 160, 100, 103], [0, 0, 0, 1, 1], [0, 1, -1, 1, -1], 100.0)
    objective, units, _ = _descend(b)
    assert list(units) == [0.0, 0.0]
    assert objective == pytest.approx(24_500)
    whole = solve(build_model(b).model, "highs", 10, relative_gap=0.0)
    assert whole.status is Status.OPTIMAL and whole.objective == pytest.approx(24_500)


@settings(max_examples=30, deadline=None)
@given(
    x=st.integers(10, 250),
    z=st.integers(0, 150),
    cap_b=st.sampled_from([0.0, 50.0, 100.0, 200.0]),
    via_b=st.integers(90, 200),
    off_x=st.integers(100, 400),
    off_z=st.integers(90, 200),
)
def test_the_descent_plans_within_its_units_and_never_below_the_optimum(
    x: int, z: int, cap_b: float, via_b: int, off_x: int, off_z: int
) -> None:
    """On any such block the descent's plan holds every order once, loads A within its
    units and B within its booking, costs what its objective says, lies between the whole
    MIP's optimum and the plan at ceil(y*), and buys whole units."""
    b = _block([x, z], [100, via_b, off_x, 100, off_z], [0, 0, 0, 1, 1], [0, 1, -1, 1, -1], cap_b)
    f = build_model(b)
    objective, units, values = _descend(b)
    assert np.allclose(units, np.round(units))
    flow = f.flows(values)
    planned = np.bincount(b.arc_commodity, flow, 2) + f.unplanned(values)
    assert np.allclose(planned, b.demand)
    kg, _ = loads(b, flow)
    assert kg[0] <= 100.0 * units[0] + 1e-6 and kg[1] <= cap_b + 1e-6
    assert objective == pytest.approx(float(f.model.cost @ values))
    whole = solve(f.model, "highs", 10, relative_gap=0.0)
    assert objective >= whole.objective - 1e-6
    lp = solve(f.model, "highs", 10, relax=True)
    ceil = np.ceil(f.units(lp.values) - 1e-6)
    at_ceil = solve(build_model(b, linking=False).with_units_between(ceil, ceil), "highs", 10)
    assert objective <= at_ceil.objective + 1e-6
