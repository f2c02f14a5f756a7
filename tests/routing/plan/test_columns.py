"""routing/plan/columns.py: column generation finds, on a world solved on paper, the route
the first candidates left out, and reports the rounds it took."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from routing.network import Network
from routing.plan import PlanParams, plan_orders, plan_table, summary, validate_orders
from routing.plan.arcs import Arcs
from tests.routing.plan.conftest import one_kilo_orders, weighed_orders

# One signature per commodity: the first candidates hold rail only (EUR 2 an order with
# the last mile), whose 100 kg take 100 of the 150 one-kilo orders.
NARROW = PlanParams(horizon_days=7, max_departures=1, max_signatures=1, time_limit_s=10)


def test_pricing_finds_the_air_route_the_candidates_left_out(two_lanes: Network) -> None:
    """On paper: 100 orders by rail (EUR 1 + EUR 1 last mile) and 50 by air (EUR 3 + EUR 1,
    and one EUR 50 pallet holds them): EUR 450 of shipping and units, beside duties that
    both routes clear alike. Without pricing (and without the piece's own MIP, whose plan
    covers every route, adopt.py) the 50 stay unplanned at EUR 500 each; with it the air
    departure comes in as a column and carries them."""
    table, _ = validate_orders(one_kilo_orders(150), two_lanes)
    without = plan_orders(table, two_lanes, replace(NARROW, pricing_rounds=0, exact_pairs=0))
    assert (without.plan.arc < 0).sum() == 50
    result = plan_orders(table, two_lanes, NARROW)
    e = result.plan_eval
    assert abs(e.objective - e.duties.sum() - 45_000) < 1e-6
    assert result.columns.columns >= 1 and result.columns.converged
    net = two_lanes.compiled
    air = net.service_index["lanes-air"]
    air_routes = np.flatnonzero((result.routes.legs == air).any(axis=1))
    by_air = np.isin(result.arcs.route[result.plan.arc], air_routes)
    assert by_air.sum() == 50
    priced = ~result.universe.initial[result.arc_source[result.plan.arc]]
    assert np.array_equal(priced, by_air)  # every air order rides a column from pricing
    assert result.bound <= result.plan_eval.objective + 1e-6
    assert (plan_table(result)["status"] == "planned").all()


def test_the_rounds_stop_at_the_limit_and_say_so(two_lanes: Network) -> None:
    """One round prices the LP of rail alone and adds air, and no round is left to price
    again: the report says the limit stopped it. The bound holds all the same: it is the
    LP's half pallet (EUR 25) below the plan, which is the optimum; with whole units on
    the piece (pieces.py) it is the optimum itself."""
    table, _ = validate_orders(one_kilo_orders(150), two_lanes)
    params = replace(NARROW, pricing_rounds=1, refine_rounds=1, exact_pairs=0)
    result = plan_orders(table, two_lanes, params)
    assert result.columns.rounds == 1 and not result.columns.converged
    e = result.plan_eval
    assert abs(e.objective - e.duties.sum() - 45_000) < 1e-6
    assert abs(result.plan_eval.objective - result.bound - 2_500) < 1e-6
    whole = plan_orders(table, two_lanes, replace(params, exact_pairs=NARROW.exact_pairs))
    assert whole.plan_eval.objective == pytest.approx(e.objective)
    assert whole.bound == pytest.approx(e.objective)


def test_no_round_begins_that_the_time_left_cannot_pay_for(two_lanes: Network) -> None:
    """With no time left after the first round, column generation stops there and says
    the time limit stopped it (the plan is still made, on what the model holds)."""
    table, _ = validate_orders(one_kilo_orders(150), two_lanes)
    result = plan_orders(table, two_lanes, NARROW, time_left=lambda: 0.0)
    assert result.columns.rounds == 1 and result.columns.stopped == "time limit"
    assert summary(result)["columns"]["stopped_by"] == "time limit"
    plenty = plan_orders(table, two_lanes, NARROW, time_left=lambda: 1e9)
    assert plenty.columns.stopped == "converged"


def test_a_small_block_is_planned_order_by_order(two_lanes: Network) -> None:
    """Sixty one-kilo and sixty three-kilo orders share a commodity until the last split,
    which makes each a commodity of its own where the block is small: the final model
    then holds one commodity per order, every order still planned, and here, where the
    pooled model loses nothing by pooling, at the same cost and bound. A limit below the
    block's (order, arc) pairs leaves the commodities pooled."""
    table = weighed_orders(two_lanes, [1.0] * 60 + [3.0] * 60)
    solo = plan_orders(table, two_lanes, NARROW)
    pooled = plan_orders(table, two_lanes, replace(NARROW, solo_pairs=0))
    tight = plan_orders(table, two_lanes, replace(NARROW, solo_pairs=1))
    assert solo.commodities == len(table)
    assert pooled.commodities == tight.commodities < len(table)
    assert abs(solo.plan_eval.objective - pooled.plan_eval.objective) < 1e-6
    assert abs(solo.bound - pooled.bound) < 1e-6
    assert solo.bound <= solo.plan_eval.objective + 1e-6
    assert (plan_table(solo)["status"] == "planned").all()


def test_the_final_model_holds_every_departure_the_universe_offers(two_lanes: Network) -> None:
    """100 one-kilo orders fit the 100 kg of rail: pricing finds no column, so the air
    departure is not brought in by it. The final model holds an arc on it all the same
    (the cheapest that loads it), and the report counts it; without `complete_departures`
    the model holds only what the first candidates and pricing brought. The plan, rail
    for all, is the same either way."""
    table, _ = validate_orders(one_kilo_orders(100), two_lanes)
    held = plan_orders(table, two_lanes, NARROW)
    bare = plan_orders(table, two_lanes, replace(NARROW, complete_departures=False))
    arcs = held.universe.arcs
    source = held.arc_source
    assert _departure_sets(arcs, source) == _departure_sets(arcs, np.arange(len(arcs)))
    brought = held.universe.initial | held.priced
    assert held.columns.completed == len(np.setdiff1d(source, np.flatnonzero(brought))) > 0
    assert bare.columns.completed == 0
    assert np.isin(bare.arc_source, np.flatnonzero(brought)).all()
    for result in (held, bare):
        assert result.columns.columns == result.priced.sum() == 0
        assert result.bound <= result.plan_eval.objective + 1e-6
        assert (result.plan.arc >= 0).all()
    assert held.plan_eval.objective == pytest.approx(bare.plan_eval.objective)
    assert summary(held)["columns"]["completed"] == held.columns.completed


def _departure_sets(arcs: Arcs, which: np.ndarray) -> set[tuple[int, ...]]:
    """(commodity, its capacity rows) of the arcs `which`."""
    return {tuple(x) for x in np.column_stack([arcs.commodity[which], arcs.rows[which]]).tolist()}
