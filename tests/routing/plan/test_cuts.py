"""routing/plan/cuts.py: cutset inequalities lift a block's LP to the whole units a plan
must buy (a case worked on paper), every inequality they add holds for every whole
number of units, and their prices come back in global ids."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from routing.plan import solve_block, solve_relaxation
from routing.plan.cuts import concat, separate, tighten
from routing.plan.model import BlockData, build_model
from routing.plan.solver import solve


def two_flights(orders: int, m3: float, rounds: int = 4) -> BlockData:
    """One commodity of `orders` parcels of `m3` each, EUR 1 an order on either of two
    flights bought in 10 m3 ULDs of EUR 100 (at most 2 each); EUR 1,000 unplanned."""
    return BlockData(
        commodities=np.array([7]),
        rows=np.array([3, 4]),
        arcs=np.array([0, 1]),
        demand=np.array([orders]),
        arc_commodity=np.array([0, 0]),
        arc_cost=np.array([100.0, 100.0]),
        arc_kg=np.array([0.1, 0.1]),
        arc_m3=np.array([m3, m3]),
        arc_rows=np.array([[0, -1], [1, -1]]),
        cap_kg=np.array([np.inf, np.inf]),
        cap_m3=np.array([np.inf, np.inf]),
        unit_kg=np.array([1000.0, 1000.0]),
        unit_m3=np.array([10.0, 10.0]),
        unit_cost=np.array([10_000.0, 10_000.0]),
        unit_limit=np.array([2.0, 2.0]),
        unplanned_penalty=100_000.0,
        cut_rounds=rounds,
    )


def test_a_cut_lifts_the_lp_to_the_whole_units_on_paper() -> None:
    """10 parcels of 1.67 m3: 16.7 m3. The LP buys 1.67 ULDs (EUR 10 + 167 = 177); a plan
    buys two (EUR 210) or leaves a parcel out (EUR 1,000). Over both flights, d = 1.67,
    f = 0.67: z / 10 - 0.67 Y <= 1.67 - 0.67 x 2 = 0.33 asks Y >= 2 for all 16.7 m3, so
    the LP with the cut is the plan's EUR 210."""
    b = two_flights(10, 1.67)
    assert solve_relaxation(b).lp_bound == pytest.approx(17_700)
    f = build_model(b)
    lp = solve(f.model, "highs", 10, relax=True)
    tightened, lifted, cuts = tighten(f, b, lp)
    assert lifted.objective == pytest.approx(21_000)
    assert len(tightened.model.row_lower) == len(f.model.row_lower) + len(cuts)
    assert cuts.price.max() > 0
    assert set(cuts.rows.tolist()) <= {3, 4} and set(cuts.commodities.tolist()) == {7}
    result = solve_block(b)
    assert result.lp_bound == pytest.approx(21_000) == result.objective
    assert len(result.cuts) == len(cuts)


def test_no_cut_where_the_units_are_whole() -> None:
    """20 m3 fill two ULDs exactly: the LP is already whole, nothing is added."""
    b = two_flights(10, 2.0)
    f = build_model(b)
    lp = solve(f.model, "highs", 10, relax=True)
    assert not separate(b, f.flows(lp.values), f.units(lp.values))
    assert len(solve_block(b).cuts) == 0


def test_without_rounds_the_lp_is_the_plain_one() -> None:
    assert solve_block(two_flights(10, 1.67, rounds=0)).lp_bound == pytest.approx(17_700)


@settings(max_examples=60, deadline=None)
@given(
    orders=st.integers(1, 40),
    m3=st.floats(0.05, 4.0),
    limit=st.integers(1, 3),
    split=st.floats(0.0, 1.0),
)
def test_every_cut_holds_for_every_whole_number_of_units(
    orders: int, m3: float, limit: int, split: float
) -> None:
    """Whatever LP point the cuts are separated at, no plan with whole units breaks one:
    for every Y, the most the commodity can load (min(D, U Y), in kg or m3) satisfies
    each cut."""
    b = replace(two_flights(orders, m3), unit_limit=np.array([float(limit)] * 2))
    total = orders * m3 / 10
    for y0 in (split * min(total, limit), min(total, limit) - split * 0.5):
        units = np.array([max(y0, 0.0), min(total, 2 * limit) - max(y0, 0.0)])
        units = np.clip(units, 0.0, limit)
        load = np.minimum(units * 10, np.array([orders * m3, orders * m3]))
        flow = np.minimum(load / m3, orders)
        for cut in separate(b, flow, units):
            total_load = orders * (0.1 if cut.dim == 0 else m3)  # kg or m3
            for y in range(0, limit * len(cut.rows) + 1):
                z = min(total_load, cut.size * y) / cut.size
                assert z - cut.frac * y <= cut.rhs + 1e-9


def test_cuts_of_blocks_concatenate_in_global_ids() -> None:
    a, b = solve_block(two_flights(10, 1.67)).cuts, solve_block(two_flights(5, 3.1)).cuts
    both = concat([a, b])
    assert len(both) == len(a) + len(b)
    assert both.row_start[-1] == len(both.rows) and both.commodity_start[-1] == len(
        both.commodities
    )
    assert both.unit_reward(5)[[3, 4]].sum() == pytest.approx(
        a.unit_reward(5)[[3, 4]].sum() + b.unit_reward(5)[[3, 4]].sum()
    )
    assert both.constants(5).sum() == pytest.approx(a.constants(5).sum() + b.constants(5).sum())
