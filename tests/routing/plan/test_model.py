"""The block model and its solve on blocks small enough to work out on paper."""

from __future__ import annotations

import numpy as np
import pytest

from routing.plan import BlockData, solve_block, solve_relaxation
from routing.plan.model import build_model
from routing.plan.solver import Status, solve


def _block(orders: int, kg: float, unit_kg: float, via_unit: float, other: float) -> BlockData:
    """One commodity, two arcs: arc 0 through a departure bought in units (EUR 50 each),
    arc 1 through nothing. Costs in minor units per order."""
    return BlockData(
        commodities=np.array([0]),
        rows=np.array([0]),
        arcs=np.array([0, 1]),
        demand=np.array([orders]),
        arc_commodity=np.array([0, 0]),
        arc_cost=np.array([via_unit, other]),
        arc_kg=np.array([kg, kg]),
        arc_m3=np.array([0.001, 0.001]),
        arc_rows=np.array([[0, -1], [-1, -1]]),
        cap_kg=np.array([1000.0]),
        cap_m3=np.array([100.0]),
        unit_kg=np.array([unit_kg]),
        unit_m3=np.array([10.0]),
        unit_cost=np.array([5000.0]),
        unit_limit=np.array([10.0]),
        unplanned_penalty=50_000.0,
        hint=None,
    )


def test_linking_rows_make_the_lp_pay_for_the_whole_unit() -> None:
    """10 one-kilo orders, EUR 1 each through a 100 kg unit of EUR 50 or EUR 7 each
    elsewhere: the plain LP buys a tenth of a unit (EUR 10 + 5), the linking row makes it
    pay the whole unit (EUR 60), which is the integer optimum."""
    b = _block(10, 1.0, 100.0, 100.0, 700.0)
    plain = solve(build_model(b, linking=False).model, "highs", 10, relax=True)
    strong = solve(build_model(b).model, "highs", 10, relax=True)
    assert plain.objective == pytest.approx(1_500)
    assert strong.objective == pytest.approx(6_000)
    result = solve_block(b)
    assert result.objective == pytest.approx(6_000)
    assert list(result.units) == [1.0] and list(result.flow) == [10.0, 0.0]


def test_descent_rounds_a_fractional_unit_down_when_that_pays() -> None:
    """150 one-kilo orders, EUR 1 each through 100 kg units of EUR 50, EUR 1.60 elsewhere:
    the LP fills 1.5 units (EUR 225); two units cost EUR 250, one unit and 50 orders
    elsewhere EUR 230, the optimum (the whole MIP agrees)."""
    b = _block(150, 1.0, 100.0, 100.0, 160.0)
    assert solve_relaxation(b).lp_bound == pytest.approx(22_500)
    result = solve_block(b)
    assert result.status == "optimal"
    assert result.objective == pytest.approx(23_000)
    assert list(result.units) == [1.0]
    whole = solve(build_model(b).model, "highs", 10, relative_gap=0.0)
    assert whole.status is Status.OPTIMAL and whole.objective == pytest.approx(23_000)


def test_window_rounding_reaches_the_same_units() -> None:
    from dataclasses import replace

    b = replace(_block(150, 1.0, 100.0, 100.0, 160.0), rounding="window")
    assert solve_block(b).objective == pytest.approx(23_000)


def test_relaxation_prices_are_non_negative() -> None:
    """Shadow prices (cost saved per extra kg, m3, unit kg and linking order) are >= 0."""
    result = solve_relaxation(_block(150, 1.0, 100.0, 100.0, 160.0))
    for prices in (result.price_kg, result.price_m3, result.unit_price_kg, result.link_price):
        assert np.all(prices >= 0)
    assert result.unit_price_kg[0] == pytest.approx(50.0)  # a EUR 50 unit over its 100 kg
