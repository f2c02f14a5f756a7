"""routing/design/heuristic.py: the restricted MIP books whole units only on free groups."""

from __future__ import annotations

import numpy as np

from routing.design.heuristic import restricted_mip
from routing.design.lp import Master
from routing.design.master import commitment_groups, must_serve_price
from tests.routing.design.conftest import three_lanes

NONE = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))


def test_the_restricted_mip_books_one_container_or_none_where_fixed() -> None:
    """All lanes free: one container on lane 0. Lane 0 held at 0: the hub's lanes cost
    more than spot direct, so nothing is booked at all."""
    p = three_lanes()
    g = commitment_groups(p)
    price = must_serve_price(p, p.columns)
    m = Master(p.columns, np.arange(2), NONE, price, g.lower.astype(float), g.upper.astype(float))
    everything = np.ones(3, dtype=bool)
    assert restricted_mip(p, g, m, everything, None, 100, 1e18).tolist() == [1, 0, 0]
    assert restricted_mip(p, g, m, np.array([False, True, True]), None, 100, 1e18).tolist() == [
        0,
        0,
        0,
    ]
