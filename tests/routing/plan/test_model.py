"""routing/plan/model.py: the block model in standard sparse form, on blocks small enough
to work out on paper."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from routing.plan import BlockData, solve_block
from routing.plan.model import build_model, linking_pairs, loads, point, units_needed
from routing.plan.solver import solve
from tests.routing.plan.conftest import one_commodity_block


def test_linking_rows_make_the_lp_pay_for_the_whole_unit() -> None:
    """10 one-kilo orders, EUR 1 each through a 100 kg unit of EUR 50 or EUR 7 each
    elsewhere: the plain LP buys a tenth of a unit (EUR 10 + 5), the linking row makes it
    pay the whole unit (EUR 60), which is the integer optimum."""
    b = one_commodity_block(10, 1.0, 100.0, 100.0, 700.0)
    plain = solve(build_model(b, linking=False).model, "highs", 10, relax=True)
    strong = solve(build_model(b).model, "highs", 10, relax=True)
    assert plain.objective == pytest.approx(1_500)
    assert strong.objective == pytest.approx(6_000)
    result = solve_block(b)
    assert result.objective == pytest.approx(6_000)
    assert list(result.units) == [1.0] and list(result.flow) == [10.0, 0.0]


def test_the_variables_and_rows_are_where_the_formulation_says() -> None:
    """10 one-kilo orders, two arcs: variables [x0, x1, u, y] costing [EUR 1, EUR 7,
    the EUR 500 penalty, the EUR 50 unit], only y integer and at most its 10 units; rows
    [demand, cap kg, cap m3, unit kg, unit m3] plus one linking row (10 kg fit in the
    100 kg unit). 150 orders (150 kg) do not fit in one unit: no linking row."""
    f = build_model(one_commodity_block(10, 1.0, 100.0, 100.0, 700.0))
    m = f.model
    assert m.cost.tolist() == [100.0, 700.0, 50_000.0, 5_000.0]
    assert m.integer.tolist() == [False, False, False, True]
    assert m.upper.tolist() == [10.0, 10.0, 10.0, 10.0]
    assert len(m.row_lower) == 6 and f.unit_var.tolist() == [3]
    assert (m.row_lower[0], m.row_upper[0]) == (10.0, 10.0)  # x0 + x1 + u = 10
    assert m.row_upper[1:].tolist() == [1000.0, 100.0, 0.0, 0.0, 0.0]
    linking = m.rows == 5
    pairs = zip(m.cols[linking].tolist(), m.vals[linking].tolist(), strict=True)
    assert sorted(pairs) == [(0, 1.0), (3, -10.0)]  # x0 - 10 y <= 0
    assert len(build_model(one_commodity_block(150, 1.0, 100.0, 100.0, 700.0)).model.row_lower) == 5


def _two_commodities(demand: list[int], link_group: list[int] | None) -> BlockData:
    """Two one-kilo commodities on one departure bought in 100 kg units."""
    return replace(
        one_commodity_block(1, 1.0, 100.0, 100.0, 700.0),
        commodities=np.array([0, 1]),
        demand=np.array(demand),
        arc_commodity=np.array([0, 1]),
        arc_cost=np.array([100.0, 100.0]),
        arc_rows=np.array([[0, -1], [0, -1]]),
        link_group=None if link_group is None else np.array(link_group),
    )


def test_linking_pairs_are_per_group_whose_orders_fit_in_one_unit() -> None:
    """30 + 30 orders of 1 kg: on their own two linking rows (30 each); as one group one
    row for 60 orders; 80 + 30 in one group (110 kg) do not fit a 100 kg unit: none."""
    group, row, arc, of_arc, demand = linking_pairs(_two_commodities([30, 30], None))
    assert (group.tolist(), row.tolist(), demand.tolist()) == ([0, 1], [0, 0], [30, 30])
    assert arc.tolist() == [0, 1] and of_arc.tolist() == [0, 1]
    group, row, arc, of_arc, demand = linking_pairs(_two_commodities([30, 30], [5, 5]))
    assert (group.tolist(), row.tolist(), demand.tolist()) == ([5], [0], [60])
    assert of_arc.tolist() == [0, 0]
    assert len(linking_pairs(_two_commodities([80, 30], [5, 5]))[0]) == 0


def test_a_flow_makes_a_full_point_with_the_fewest_units() -> None:
    """150 orders, 60 on the unit arc: 60 kg and 0.06 m3 load the departure, one 100 kg
    unit holds them, 90 orders are unplanned; 150 on it need 2 units."""
    b = one_commodity_block(150, 1.0, 100.0, 100.0, 160.0)
    f = build_model(b)
    kg, m3 = loads(b, np.array([60.0, 0.0]))
    assert kg.tolist() == [60.0] and m3 == pytest.approx([0.06])
    assert units_needed(b, np.array([150.0, 0.0])).tolist() == [2.0]
    x = point(f, b, np.array([60.0, 0.0]))
    assert x.tolist() == [60.0, 0.0, 90.0, 1.0]
    assert f.flows(x).tolist() == [60.0, 0.0] and f.unplanned(x).tolist() == [90.0]
    assert f.units(x).tolist() == [1.0]


def test_units_fixed_between_bounds_and_prices_without_duals() -> None:
    """with_units_between bounds y only; without duals every row price is zero."""
    f = build_model(one_commodity_block(150, 1.0, 100.0, 100.0, 160.0))
    fixed = f.with_units_between(np.array([2.0]), np.array([2.0]))
    assert (fixed.lower.tolist(), fixed.upper.tolist()) == (
        [0.0, 0.0, 0.0, 2.0],
        [150.0, 150.0, 150.0, 2.0],
    )
    assert fixed.cost.tolist() == f.model.cost.tolist()
    prices = f.row_prices(np.zeros(0))
    assert [p.tolist() for p in prices] == [[0.0], [0.0], [0.0], [0.0], []]
