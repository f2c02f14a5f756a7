"""routing/design/search.py: the one-unit moves, and a sweep that takes those that gain."""

from __future__ import annotations

import numpy as np

from routing.design.lp import Master, Relaxation, relax
from routing.design.master import commitment_groups, must_serve_price
from routing.design.search import Incumbent, moves, sweep
from tests.routing.design.conftest import three_lanes

NONE = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))


def test_moves_take_a_unit_off_the_least_worth_first_and_add_to_the_most() -> None:
    assert moves(np.array([2, 0, 1])) == [(1, -1), (0, -1), (2, -1), (2, 1), (0, 1), (1, 1)]


def test_a_sweep_from_nothing_booked_finds_the_one_container() -> None:
    """All spot (2,500) -> one container on lane 0 (1,500); a second (2,100) or one on a
    hub lane is no gain, so the sweep ends there, having routed every neighbour."""
    p = three_lanes()
    g = commitment_groups(p)
    start = Master(
        p.columns,
        np.arange(2),
        NONE,
        must_serve_price(p, p.columns),
        g.lower.astype(float),
        g.upper.astype(float),
    )

    def route(m: Master, units: np.ndarray) -> Relaxation:
        return relax(
            p,
            g,
            Master(m.columns, m.active, NONE, m.unserved_price, units, units),
            None,
            False,
            50,
            1e18,
        )

    nothing = np.zeros(3)
    best, left = sweep(
        Incumbent(route(start, nothing), nothing, start), route, np.arange(3), 100, 1e18
    )
    assert best.units.tolist() == [1, 0, 0] and abs(best.value - 1_500.0) < 1e-6
    assert left < 100
