"""routing/design/lp.py: column and strong-link row generation reach the LP of every
column with every link, from a first master with one column and none."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from routing.design.lp import Master, relax
from routing.design.master import commitment_groups, must_serve_price
from routing.design.mcnd import design_problem, shortest_path_pricer
from routing.design.problem import DesignProblem
from tests.routing.design.conftest import random_network, three_lanes

NONE = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))


def start(problem, active):  # type: ignore[no-untyped-def]
    g = commitment_groups(problem)
    price = must_serve_price(problem, problem.columns)
    return g, Master(
        problem.columns, active, NONE, price, g.lower.astype(float), g.upper.astype(float)
    )


def half_container() -> DesignProblem:
    """The three lanes without spot, and 5,000 kg: half a container on lane 0 would do
    in the weak LP (500 + 100), a whole one with the link (1,000 + 100)."""
    p = three_lanes()
    cap = replace(p.capacity, spot_rate=np.full(3, np.inf))
    return DesignProblem(cap, replace(p.commodities, kg=np.array([5_000.0])), p.columns)


def test_the_pool_is_priced_and_the_violated_link_added() -> None:
    """From the hub route alone, pricing brings in the direct one and separation the link
    on lane 0 (and those of the hub route, violated first): the LP with them, 1,100."""
    p = half_container()
    g, m = start(p, np.array([1]))
    r = relax(p, g, m, None, True, 50, 1e18)
    assert r.converged and abs(r.bound - 1_100.0) < 1e-6
    assert r.master.active.tolist() == [0, 1]
    assert (0, 0) in set(zip(r.master.links[0].tolist(), r.master.links[1].tolist(), strict=True))


def test_with_a_pricer_the_bound_is_the_strong_lp() -> None:
    """On a tiny network the converged bound is the LP's value, and a first master that
    had all columns from the start gives the same."""
    net = random_network(4)
    p = design_problem(net)
    g, m = start(p, np.arange(len(p.columns)))
    r = relax(p, g, m, shortest_path_pricer(net), True, 200, 1e18)
    assert r.converged and r.bound == r.value
    assert len(r.master.columns) > len(p.columns)
