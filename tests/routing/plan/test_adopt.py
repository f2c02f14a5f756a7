"""A piece's own MIP plan taken where it costs less (adopt.py), on the two-lane world:
seven parcels to Madrid, rail at EUR 1/kg, air at EUR 3/kg in 100 kg units of EUR 50.
The exact MIP of bench/exact_mip.py is the yardstick."""

from __future__ import annotations

import numpy as np
import pytest

from bench.exact_mip import solve_exactly
from routing.network import Network
from routing.plan import PlanParams, PlanResult, Scenario, plan_orders, summary
from routing.plan.adopt import Adopted, adopt
from routing.plan.assign import UNECONOMIC, Assignment
from routing.plan.blocks import solve_block
from routing.plan.pieces import pieces
from routing.plan.planner import Prepared, prepare
from tests.routing.plan.conftest import lane_capacity, weighed_orders

PARAMS = PlanParams(horizon_days=7, time_limit_s=10, pricing_rounds=30)
WEIGHTS = [11.5, 18.0, 9.1, 8.3, 6.3, 4.8, 13.1]  # 71.1 kg


def _world(two_lanes: Network, rail_kg: float) -> tuple[Prepared, PlanResult]:
    table, overrides = weighed_orders(two_lanes, WEIGHTS), lane_capacity(two_lanes, rail=rail_kg)
    w = prepare(table, two_lanes, PARAMS, Scenario(), overrides)
    return w, plan_orders(table, two_lanes, PARAMS, overrides=overrides)


def _adopt(w: Prepared, result: PlanResult, plan: Assignment) -> Adopted:
    """`plan` with the pieces' MIP plans taken where they cost less, as the planner does."""
    found = pieces(w.orders, w.coarse, w.universe, w.costs, w.rows, PARAMS)
    solved = [solve_block(b) for p in found for b in p.blocks]
    return adopt(
        w.orders,
        w.coarse,
        result.arcs,
        result.arc_source,
        result.pairs,
        plan,
        w.costs,
        w.rows,
        float(PARAMS.unplanned_penalty) * 100,
        found,
        solved,
    )


def _unplanned(n: int) -> Assignment:
    return Assignment(np.full(n, -1), np.full(n, UNECONOMIC, dtype=object))


def _cost(w: Prepared, adopted: Adopted) -> float:
    return w.costs.with_arcs(adopted.arcs).evaluate(adopted.plan, w.rows).objective


def test_an_unplanned_piece_takes_its_mip_plan_the_optimum(two_lanes: Network) -> None:
    """Rail holds all 71.1 kg: the MIP sends every parcel by rail, which is the exact
    optimum. Taken from a plan that leaves all seven out, it saves the seven penalties
    less the optimum, on new arcs that each order holds among its candidates."""
    w, result = _world(two_lanes, 1000.0)
    exact = solve_exactly(w, 60)
    assert exact.status == "optimal"
    adopted = _adopt(w, result, _unplanned(len(WEIGHTS)))
    assert adopted.pieces == 1
    assert (adopted.plan.arc >= len(result.arcs)).all()  # new arcs, appended
    assert (adopted.plan.reason == "").all()
    assert _cost(w, adopted) == pytest.approx(exact.objective)
    penalties = len(WEIGHTS) * float(PARAMS.unplanned_penalty) * 100
    assert adopted.saved == pytest.approx(penalties - exact.objective)
    rail = two_lanes.compiled.service_index["lanes-rail"]
    ridden = w.universe.arcs.rows[adopted.source[adopted.plan.arc]]
    assert (w.rows.service[ridden[ridden >= 0]] == rail).all()
    for o, a in enumerate(adopted.plan.arc.tolist()):
        mine = adopted.pairs.of(o)
        assert a in adopted.pairs.arc[mine]
        assert (np.diff(adopted.pairs.cost[mine]) >= 0).all()  # still cheapest first


def test_split_parcels_are_placed_whole_within_the_booked_rail(two_lanes: Network) -> None:
    """Rail holds 53 kg: the MIP fills it to the gram with part of a parcel. Taken whole,
    every parcel is planned, the rail carries no more than its 53 kg, and the plan costs
    no less than the exact optimum (EUR 231.56) and exactly what `saved` says."""
    w, result = _world(two_lanes, 53.0)
    exact = solve_exactly(w, 60)
    assert exact.status == "optimal"
    adopted = _adopt(w, result, _unplanned(len(WEIGHTS)))
    assert adopted.pieces == 1 and (adopted.plan.arc >= 0).all()
    evaluation = w.costs.with_arcs(adopted.arcs).evaluate(adopted.plan, w.rows)
    assert (evaluation.load_kg <= w.rows.cap_kg + 1e-6).all()
    assert evaluation.objective >= exact.objective - 1e-6
    penalties = len(WEIGHTS) * float(PARAMS.unplanned_penalty) * 100
    assert evaluation.objective == pytest.approx(penalties - adopted.saved)


def test_a_plan_no_dearer_than_the_mip_keeps_its_arcs(two_lanes: Network) -> None:
    """The planner's own plan of the seven parcels is the exact optimum: nothing is taken,
    and the result says so."""
    w, result = _world(two_lanes, 53.0)
    assert result.plan_eval.objective == pytest.approx(solve_exactly(w, 60).objective)
    adopted = _adopt(w, result, result.plan)
    assert adopted.pieces == 0 and adopted.saved == 0.0
    assert adopted.plan is result.plan and adopted.arcs is result.arcs
    assert summary(result)["pieces_planned_by_mip"] == 0


def test_the_planner_takes_a_piece_of_the_sample_week_on_consistent_arcs(
    sample_plan: PlanResult,
) -> None:
    """On the 400 sample orders one piece's MIP plans its orders for less than the model
    did. Every order rides a copy of its universe arc (the appended ones too), held among
    the order's candidates."""
    assert sample_plan.adopted.pieces >= 1 and sample_plan.adopted.saved > 0
    assert summary(sample_plan)["pieces_planned_by_mip"] == sample_plan.adopted.pieces
    arcs, universe = sample_plan.arcs, sample_plan.universe.arcs
    planned = np.flatnonzero(sample_plan.plan.arc >= 0)
    on = sample_plan.plan.arc[planned]
    copy = sample_plan.arc_source[on]
    for field in ("route", "day", "p50", "p90", "rows"):
        assert np.array_equal(getattr(arcs, field)[on], getattr(universe, field)[copy])
    pairs = sample_plan.pairs
    for o, a in zip(planned.tolist(), on.tolist(), strict=True):
        assert a in pairs.arc[pairs.of(o)]
