"""routing/plan/blocks.py: a block solved as LP then whole units (descent or window), the
blocks cut from the model by shared departures, and their one `map` (in process, worker
processes): picklable, pure, the same plan whichever map runs them."""

from __future__ import annotations

import pickle
from dataclasses import replace

import numpy as np
import pytest

from routing.network import Network
from routing.plan import (
    PlanParams,
    plan_orders,
    plan_table,
    sample_orders,
    solve_block,
    solve_blocks,
    solve_relaxation,
    validate_orders,
    worker_pool,
)
from routing.plan.blocks import components
from routing.plan.model import build_model
from routing.plan.solver import Status, solve
from tests.routing.plan.conftest import one_commodity_block, one_kilo_orders

PARAMS = PlanParams(horizon_days=7, max_departures=1, time_limit_s=10)


def test_descent_rounds_a_fractional_unit_down_when_that_pays() -> None:
    """150 one-kilo orders, EUR 1 each through 100 kg units of EUR 50, EUR 1.60 elsewhere:
    the LP fills 1.5 units (EUR 225); two units cost EUR 250, one unit and 50 orders
    elsewhere EUR 230, the optimum (the whole MIP agrees)."""
    b = one_commodity_block(150, 1.0, 100.0, 100.0, 160.0)
    assert solve_relaxation(b).lp_bound == pytest.approx(22_500)
    result = solve_block(b)
    assert result.status == "optimal"
    assert result.objective == pytest.approx(23_000)
    assert list(result.units) == [1.0]
    whole = solve(build_model(b).model, "highs", 10, relative_gap=0.0)
    assert whole.status is Status.OPTIMAL and whole.objective == pytest.approx(23_000)


def test_window_rounding_reaches_the_same_units() -> None:
    b = replace(one_commodity_block(150, 1.0, 100.0, 100.0, 160.0), rounding="window")
    assert solve_block(b).objective == pytest.approx(23_000)


def test_relaxation_prices_are_non_negative() -> None:
    """Shadow prices (cost saved per extra kg, m3, unit kg and linking order) are >= 0."""
    result = solve_relaxation(one_commodity_block(150, 1.0, 100.0, 100.0, 160.0))
    for prices in (result.price_kg, result.price_m3, result.unit_price_kg, result.link_price):
        assert np.all(prices >= 0)
    assert result.unit_price_kg[0] == pytest.approx(50.0)  # a EUR 50 unit over its 100 kg


def test_commodities_sharing_a_departure_are_one_block() -> None:
    """Commodities 0 and 2 share departure 0, commodity 1 alone loads departure 1 and
    commodity 3 no departure at all: blocks [0, 2], [1] and the untouched one first."""
    block = components(
        arc_commodity=np.array([0, 1, 2, 3]),
        arc_rows=np.array([[0, -1], [1, -1], [2, 0], [-1, -1]]),
        n_com=4,
        n_row=3,
    )
    assert block.tolist() == [1, 2, 1, 0]


def test_results_come_back_in_the_blocks_order_largest_solved_first() -> None:
    """A 2-arc block and a 3-arc one: the map sees the 3-arc block first, the results
    come back in the order the blocks were given, each its own block's answer."""
    small = one_commodity_block(10, 1.0, 100.0, 100.0, 700.0)
    large = replace(
        small,
        arcs=np.array([0, 1, 2]),
        arc_commodity=np.array([0, 0, 0]),
        arc_cost=np.array([100.0, 700.0, 650.0]),
        arc_kg=np.ones(3),
        arc_m3=np.full(3, 0.001),
        arc_rows=np.array([[0, -1], [-1, -1], [-1, -1]]),
    )
    seen: list[int] = []

    def recording(fn, items):
        items = list(items)
        seen.extend(len(b.arc_cost) for b in items)
        return map(fn, items)

    results = solve_blocks([small, large], recording)
    assert seen == [3, 2]
    assert [len(r.flow) for r in results] == [2, 3]
    assert results[0].objective == pytest.approx(6_000)  # one EUR 50 unit + 10 x EUR 1
    assert results[1].objective == pytest.approx(6_000)  # the EUR 6.50 arc does not beat it


def test_one_worker_is_the_builtin_map() -> None:
    """worker_pool(1) starts no process: it is Python's own `map`."""
    with worker_pool(1) as run:
        assert run is map


def test_worker_processes_give_the_same_plan(world: Network, sample_plan) -> None:
    """The blocks solved in two worker processes: the very same plan as in-process."""
    table, _ = validate_orders(sample_orders(400, seed=5), world)
    pooled = plan_orders(table, world, PlanParams(time_limit_s=10, workers=2))
    assert plan_table(pooled).equals(plan_table(sample_plan))
    assert pooled.bound == sample_plan.bound


def test_blocks_are_picklable_and_pure(two_lanes: Network) -> None:
    """A block survives pickling (for a cluster) and solves to the same answer twice."""
    table, _ = validate_orders(one_kilo_orders(150), two_lanes)
    blocks = _build_blocks(two_lanes, table)
    assert blocks
    for b in blocks:
        again = pickle.loads(pickle.dumps(b))
        one, two = solve_block(b), solve_block(again)
        assert np.array_equal(one.flow, two.flow) and one.objective == two.objective


def _build_blocks(network: Network, table):
    """Blocks as plan_orders builds them, captured through its map function."""
    captured: list = []

    def capture(fn, blocks):
        items = list(blocks)
        captured.extend(items)
        return map(fn, items)

    plan_orders(table, network, PARAMS, map_fn=capture)
    return captured
