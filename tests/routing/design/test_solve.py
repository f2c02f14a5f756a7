"""routing/design/solve.py: the design engine on problems small enough to check by hand
or by an exact MIP: the hand-solved three lanes, spot as a ceiling on any design's cost,
feasibility, value >= bound, the MCND optimum, and determinism."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from routing.design.master import commitment_groups
from routing.design.mcnd import design_problem, shortest_path_pricer
from routing.design.solve import METHODS, economic_rounding, route_over, solve_design
from tests.routing.design.conftest import (
    assert_feasible,
    exact_mcnd,
    random_network,
    random_problem,
    three_lanes,
)


def test_one_container_beats_spot_and_two_do_not() -> None:
    """12,000 kg direct on lane 0 (freight 100, container 10,000 kg at 1,000, spot 0.20/kg):
    all spot costs 100 + 2,400 = 2,500; one container 100 + 1,000 + 2,000 kg x 0.20 =
    1,500; two containers 100 + 2,000 = 2,100. Through the hub (freight 50, 1,500 per
    container on each of two lanes, spot 0.30/kg on each) is dearer every way: all spot
    50 + 7,200, one container each 50 + 3,000 + 1,200. So: one container on lane 0, 1,500."""
    problem = three_lanes()
    design = solve_design(problem, time_limit_s=20)
    assert design.units.tolist() == [1, 0, 0]
    assert design.value == pytest.approx(1_500.0)
    assert design.costs == pytest.approx(
        {"fixed": 1_000.0, "variable": 100.0, "spot": 400.0, "unserved": 0.0}
    )
    assert design.spot_kg.tolist() == pytest.approx([2_000.0, 0.0, 0.0])
    assert design.bound <= 1_500.0 + 1e-6
    assert route_over(problem, np.array([0, 0, 0])).value == pytest.approx(2_500.0)
    assert route_over(problem, np.array([2, 0, 0])).value == pytest.approx(2_100.0)
    assert_feasible(problem, design)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000))
def test_a_design_never_costs_more_than_shipping_everything_at_spot(seed: int) -> None:
    """With spot unlimited, booking nothing is a design; the engine's is never dearer, it
    is feasible, and its value is at least its bound."""
    problem = random_problem(seed)
    design = solve_design(problem, time_limit_s=20)
    all_spot = route_over(problem, np.zeros(len(problem.capacity), dtype=np.int64))
    assert design.value <= all_spot.value + 1e-6 * max(1.0, all_spot.value)
    assert design.value >= design.bound - 1e-6 * max(1.0, design.value)
    assert_feasible(problem, design)


@pytest.mark.parametrize("seed", range(6))
def test_tiny_mcnd_networks_are_solved_to_the_exact_optimum(seed: int) -> None:
    """Five nodes, fourteen arcs, three commodities: the engine with its shortest-path
    pricer finds the arc formulation's proven optimum, and its bound is below it."""
    net = random_network(seed)
    problem = design_problem(net)
    design = solve_design(problem, time_limit_s=20, pricer=shortest_path_pricer(net))
    optimum = exact_mcnd(net)
    assert design.value == pytest.approx(optimum, rel=1e-6)
    assert design.bound <= optimum * (1 + 1e-9)
    assert_feasible(problem, design)
    assert set(np.unique(design.units)) <= {0, 1}


@pytest.mark.parametrize("method", METHODS)
def test_the_same_problem_gives_the_same_design(method: str) -> None:
    """Two runs of every method: the same units, shares, value and bound."""
    net = random_network(11)
    runs = [
        solve_design(
            design_problem(net), time_limit_s=20, pricer=shortest_path_pricer(net), method=method
        )
        for _ in range(2)
    ]
    assert runs[0].units.tolist() == runs[1].units.tolist()
    assert np.array_equal(runs[0].share, runs[1].share)
    assert (runs[0].value, runs[0].bound) == (runs[1].value, runs[1].bound)


def test_without_spot_a_problem_too_big_for_its_lanes_is_infeasible() -> None:
    """One lane of at most one 10 kg unit, no spot, 25 kg to carry: infeasible."""
    problem = random_problem(3, spot=False)
    cap = problem.capacity
    tight = type(cap)(
        **{
            **cap.__dict__,
            "unit_kg": np.full(len(cap), 1.0),
            "max_units": np.ones(len(cap), dtype=np.int64),
        }
    )
    design = solve_design(
        type(problem)(tight, problem.commodities, problem.columns), time_limit_s=20
    )
    assert design.status == "infeasible"


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="method must be one of"):
        solve_design(three_lanes(), method="magic")
    with pytest.raises(ValueError, match="time_limit_s must be > 0"):
        solve_design(three_lanes(), time_limit_s=-3)


def test_the_lps_units_are_rounded_where_a_unit_that_full_beats_spot() -> None:
    """A unit pays for itself past half full on every lane (1,000 / (10,000 x 0.20) and
    1,500 / (10,000 x 0.30)): 1.2 -> 1, 0.7 -> 1, 0.3 -> 0. Without spot, any fraction
    is booked: 0.3 -> 1."""
    problem = three_lanes()
    groups = commitment_groups(problem)
    lp_units = np.array([1.2, 0.7, 0.3])
    assert economic_rounding(problem, groups, lp_units).tolist() == [1, 1, 0]
    no_spot = replace(problem, capacity=replace(problem.capacity, spot_rate=np.full(3, np.inf)))
    assert economic_rounding(no_spot, groups, lp_units).tolist() == [2, 1, 1]
