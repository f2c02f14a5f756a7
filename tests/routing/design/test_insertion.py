"""routing/design/insertion.py: construction consolidates, re-insertion and ruins only
ever lower the value, bundles take one route, and the search is deterministic."""

from __future__ import annotations

import numpy as np
import pytest

from routing.design.forecast import Forecast
from routing.design.insertion import (
    Routing,
    SearchParams,
    insertion_search,
    largest_first,
    pool_router,
)
from routing.design.master import commitment_groups
from routing.design.mcnd import design_problem, shortest_path_pricer
from routing.design.problem import Commodities, DesignProblem
from routing.design.run import design_season
from routing.design.solve import route_over, solve_design
from routing.network import Network
from tests.routing.design.conftest import (
    assert_feasible,
    columns,
    exact_mcnd,
    random_network,
    rows,
)


def two_lanes() -> DesignProblem:
    """Lanes X and Y, units of 10 kg at 100, no spot. A (6 kg) costs 0 on X, 10 on Y; B
    (4 kg) 5 on X, 0 on Y; C (5 kg) 1 on X, 0 on Y."""
    cap = rows([10.0, 10.0], [100.0, 100.0], [np.inf, np.inf], max_units=5)
    com = Commodities(kg=np.array([6.0, 4.0, 5.0]), m3=np.zeros(3), unserved=np.full(3, np.inf))
    pool = columns(
        [(0, 0.0, [0]), (0, 10.0, [1]), (1, 5.0, [0]), (1, 0.0, [1]), (2, 1.0, [0]), (2, 0.0, [1])]
    )
    return DesignProblem(cap, com, pool)


def _search(p: DesignProblem, params: SearchParams) -> Routing:
    router = pool_router(p, p.columns, None)
    return insertion_search(p, commitment_groups(p), p.columns, router, params, 1e18)


def test_the_largest_goes_first_and_the_next_shares_its_unit() -> None:
    """A first (X, 100), then C (5 kg: X has 4 kg of room, so a unit either way, Y the
    cheaper), then B (4 kg: room on both, Y free, X 5): 200, the units full."""
    p = two_lanes()
    assert largest_first(p, [np.array([k]) for k in range(3)]).tolist() == [0, 2, 1]
    state = _search(p, SearchParams(rounds=0, ruins=0))
    assert state.chosen.tolist() == [0, 3, 5]
    assert state.value == pytest.approx(200.0)


def test_the_search_s_design_is_the_units_its_routing_needs() -> None:
    p = two_lanes()
    design = solve_design(p, 20, method="insert")
    assert design.value == pytest.approx(200.0)
    assert design.units.tolist() == [1, 1]
    assert_feasible(p, design)


def test_a_bundle_of_several_commodities_needs_its_own_router() -> None:
    p = two_lanes()
    bundled = DesignProblem(p.capacity, p.commodities, p.columns, bundle=np.array([0, 0, 1]))
    with pytest.raises(ValueError, match="needs the problem's own router"):
        _search(bundled, SearchParams())


@pytest.mark.parametrize("seed", [0, 2, 4])
def test_with_the_pricer_the_search_finds_unsplit_mcnd_optima(seed: int) -> None:
    """On tiny MCND networks whose optimum routes each commodity on one path, the search
    routed by the shortest-path pricer at the insertion prices finds it."""
    net = random_network(seed)
    p = design_problem(net)
    design = solve_design(p, 20, pricer=shortest_path_pricer(net), method="insert")
    assert design.value == pytest.approx(exact_mcnd(net), rel=1e-6)
    assert design.bound <= design.value * (1 + 1e-9)
    assert_feasible(p, design)


def test_ruins_never_leave_the_design_dearer_and_repeat_exactly() -> None:
    """Two searches with the same seed: the same routing; ruins after re-insertion only
    keep what lowers the value."""
    net = random_network(7)
    p = design_problem(net)
    router = pool_router(p, p.columns, shortest_path_pricer(net))
    g = commitment_groups(p)
    settled = insertion_search(p, g, p.columns, router, SearchParams(ruins=0), 1e18)
    runs = [
        insertion_search(p, g, p.columns, router, SearchParams(ruins=30, seed=3), 1e18)
        for _ in range(2)
    ]
    assert runs[0].chosen.tolist() == runs[1].chosen.tolist()
    assert runs[0].value == runs[1].value <= settled.value


def test_a_season_of_the_default_world_designs_by_insertion(
    tiny: Forecast, default_world: Network
) -> None:
    """The default world's season (weekly commitments, spot, min and max units) by
    method insert: feasible, its cost recomputed from its units and shares, no dearer
    than booking nothing, and no cheaper than its bound."""
    season = design_season(tiny, default_world, time_limit_s=30, method="insert")
    p, design = season.design.problem, season.solution
    nothing = route_over(p, np.asarray(p.capacity.min_units))
    assert design.status != "infeasible"
    assert_feasible(p, design)
    assert design.bound - 1e-6 <= design.value <= nothing.value + 1e-6
