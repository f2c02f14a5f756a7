"""routing/plan/master.py: the restricted model cut into blocks that share no departure,
without the arcs another of their commodity dominates, and the blocks' answers mapped
back to global arcs and rows."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from routing.network import Network
from routing.plan import PlanParams, plan_orders, sample_orders, validate_orders
from routing.plan.arcs import take
from routing.plan.master import undominated
from tests.routing.plan.conftest import one_kilo_orders


def test_an_arc_dearer_than_another_on_the_same_departures_is_left_out(
    two_lanes: Network,
) -> None:
    """Of two arcs of one commodity on the same departure, the dearer goes (the model's
    optimum is the same without it)."""
    table, _ = validate_orders(one_kilo_orders(5), two_lanes)
    arcs = plan_orders(table, two_lanes, PlanParams(horizon_days=7, max_departures=1)).arcs
    twice = take(arcs, np.array([0, 0]))
    dearer = twice.cost.copy()
    dearer[1] += 100
    assert undominated(replace(twice, cost=dearer)).tolist() == [0]


def test_blocks_share_no_departure_and_hold_every_commodity_once(world: Network) -> None:
    """300 sample orders: the solved blocks (model_blocks, collect) are disjoint in rows
    and commodities, and their prices come back on their global rows."""
    table, _ = validate_orders(sample_orders(300, seed=4), world)
    params = PlanParams(time_limit_s=10, pricing_rounds=0)
    result = plan_orders(table, world, params)
    rows_of = [set(b.rows.tolist()) for b in result.blocks]
    for i, a in enumerate(rows_of):
        for b in rows_of[i + 1 :]:
            assert not a & b
    held = np.concatenate([b.commodities for b in result.blocks])
    assert len(held) == len(set(held.tolist())) == result.commodities
    for b in result.blocks:  # every price lands on the global row it belongs to
        assert np.array_equal(result.price_kg[b.rows], b.price_kg)
