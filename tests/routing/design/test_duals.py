"""routing/design/duals.py: reduced costs at given prices and joined column sets."""

from __future__ import annotations

import numpy as np

from routing.design.duals import Duals, join, reduced_costs
from tests.routing.design.conftest import columns, three_lanes


def test_a_reduced_cost_is_cost_less_demand_plus_rows_and_links() -> None:
    """Direct: 100 - 500 + 12,000 x 0.01 + link 30 = -250; through the hub: 50 - 500 +
    12,000 x (0.02 + 0) = -210."""
    p = three_lanes()
    d = Duals(
        demand=np.array([500.0]),
        price_kg=np.array([0.01, 0.02, 0.0]),
        price_m3=np.zeros(3),
        link_commodity=np.array([0]),
        link_row=np.array([0]),
        link_price=np.array([30.0]),
    )
    assert reduced_costs(p, d, p.columns).tolist() == [-250.0, -210.0]


def test_joined_columns_keep_their_rows() -> None:
    both = join(columns([(0, 1.0, [2])]), columns([(1, 2.0, [0, 1])]))
    assert both.rows_of(0).tolist() == [2] and both.rows_of(1).tolist() == [0, 1]
    assert both.commodity.tolist() == [0, 1]
