"""routing/design/master.py: commitment groups, the must-serve price and the model's
rows, checked on the three lanes."""

from __future__ import annotations

import numpy as np

from routing.design.master import build, chargeable_kg, commitment_groups, must_serve_price
from routing.design.problem import DesignProblem
from routing.plan.solver import solve
from tests.routing.design.conftest import three_lanes


def test_rows_of_one_commitment_form_one_group_with_the_tightest_bounds() -> None:
    """Lanes 1 and 2 committed together: one group, fixed 1,500 + 1,500, units in the
    intersection of their ranges."""
    p = three_lanes()
    cap = p.capacity
    tied = type(cap)(
        **{**cap.__dict__, "commitment": np.array([0, 7, 7]), "max_units": np.array([3, 2, 4])}
    )
    groups = commitment_groups(DesignProblem(tied, p.commodities, p.columns))
    assert groups.of_row.tolist() == [0, 1, 1]
    assert groups.fixed.tolist() == [1_000, 3_000] and groups.upper.tolist() == [3, 2]


def test_a_commodity_that_must_be_served_is_priced_above_any_way_of_serving_it() -> None:
    """12,000 kg needs two containers on each lane: 2 x (2 x 4,000) + 100 x 100 + 1."""
    p = three_lanes()
    assert must_serve_price(p, p.columns).tolist() == [2 * 2 * 4_000 + 100 * 100 + 1]


def test_the_chargeable_kg_counts_only_dimensions_that_bind() -> None:
    p = three_lanes()
    assert chargeable_kg(p, np.array([0]), np.array([1])).tolist() == [12_000.0]


def test_the_lp_with_a_strong_link_books_the_share_it_carries() -> None:
    """With the link on (commodity 0, lane 0) the LP books 1.2 units on lane 0 (1,200 +
    100); it never books less than the share it routes there."""
    p = three_lanes()
    groups = commitment_groups(p)
    links = (np.array([0]), np.array([0]))
    model, lay = build(
        p,
        groups,
        p.columns,
        np.arange(2),
        links,
        np.array([1e6]),
        groups.lower.astype(float),
        groups.upper.astype(float),
    )
    lp = solve(model, "highs", 10, relax=True)
    assert lp.objective == np.float64(1_300.0) or abs(lp.objective - 1_300.0) < 1e-6
    assert lp.values[0] >= lp.values[lay.first_share] - 1e-9
