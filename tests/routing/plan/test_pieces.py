"""The bound with whole units on the small pieces of the universe (pieces.py), against
the exact MIP of bench/exact_mip.py (one binary per order and route-departure, whole
units, none of the planner's devices)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bench.exact_mip import solve_exactly
from routing.network import Network
from routing.plan import PlanParams, PlanResult, Scenario, plan_orders, summary
from routing.plan.planner import prepare
from tests.routing.plan.conftest import lane_capacity, weighed_orders

PARAMS = PlanParams(horizon_days=7, time_limit_s=10, pricing_rounds=30)
# 71.1 kg to Madrid; rail takes 53 kg at EUR 1/kg, air the rest at EUR 3/kg in 100 kg units
# of EUR 50: the LP buys a fifth of an air unit, every plan a whole one
WEIGHTS = [11.5, 18.0, 9.1, 8.3, 6.3, 4.8, 13.1]
RAIL_KG = 53.0


@pytest.fixture(scope="module")
def exact(two_lanes: Network) -> float:
    table, overrides = weighed_orders(two_lanes, WEIGHTS), lane_capacity(two_lanes, rail=RAIL_KG)
    found = solve_exactly(prepare(table, two_lanes, PARAMS, Scenario(), overrides), 60)
    assert found.status == "optimal"
    return found.objective


def _plan(two_lanes: Network, exact_pairs: int) -> PlanResult:
    table, overrides = weighed_orders(two_lanes, WEIGHTS), lane_capacity(two_lanes, rail=RAIL_KG)
    params = replace(PARAMS, exact_pairs=exact_pairs)
    return plan_orders(table, two_lanes, params, overrides=overrides)


def _bound(two_lanes: Network, exact_pairs: int) -> float:
    return _plan(two_lanes, exact_pairs).bound


def test_whole_units_lift_the_bound_to_the_optimum_but_the_packing(
    two_lanes: Network, exact: float
) -> None:
    """Without the pieces the bound pays a fifth of the air unit (EUR 40 under the
    optimum); with them it pays the whole unit and is left under the optimum only by what
    whole parcels cannot pack into the rail's 53 kg (a few euros), never above it."""
    lagrangian, result = _bound(two_lanes, 0), _plan(two_lanes, PARAMS.exact_pairs)
    whole = result.bound
    assert lagrangian < exact - 3000  # minor units
    assert whole <= exact + 1e-6
    assert exact - whole <= 500
    assert whole >= lagrangian + 3000
    said = summary(result)["bound_whole_units"]
    assert said["pieces"] == 1 and said["orders"] == len(WEIGHTS) and said["optimal"] == 1
    assert said["lifted"] == pytest.approx((whole - lagrangian) / 100, abs=0.01)


def test_pieces_larger_than_exact_pairs_keep_their_lagrangian_part(two_lanes: Network) -> None:
    """7 orders on 2 arcs each (rail or air) make a piece of 14 pairs: a limit of 13
    leaves it out, 14 takes it."""
    lagrangian = _bound(two_lanes, 0)
    assert _bound(two_lanes, 13) == pytest.approx(lagrangian)
    assert _bound(two_lanes, 14) >= lagrangian + 3000
