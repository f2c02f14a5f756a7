"""routing/plan/universe.py: every open route and every departure within the horizon is a
column the planner may price; a commodity with none within the horizon gets the next
ones instead of being called unroutable."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from routing.network import Network
from routing.plan import (
    PlanParams,
    plan_orders,
    plan_table,
    sample_orders,
    summary,
    validate_orders,
)
from routing.plan.duties import Duties
from routing.plan.late import late_costs
from routing.plan.routes import route_costs
from routing.plan.timeline import Timeline
from routing.plan.universe import build_universe
from tests.routing.plan.conftest import first_stages, one_kilo_orders

PARAMS = PlanParams(horizon_days=7, max_departures=1, time_limit_s=10)
WEDNESDAY = "2026-11-11T09:00:00+08:00"  # both lanes leave on Tuesdays


def test_a_commodity_whose_departures_lie_past_the_horizon_gets_the_next_ones(
    two_lanes: Network,
) -> None:
    """Ready on Wednesday with a three-day horizon: the next Tuesday sailing (17 November)
    is past it. The orders are planned on it, marked beyond the horizon, and never
    `no_feasible_route`; with a seven-day horizon the same departure lies within."""
    frame = one_kilo_orders(20)
    frame["created_at"] = WEDNESDAY
    table, _ = validate_orders(frame, two_lanes)
    result = plan_orders(table, two_lanes, replace(PARAMS, horizon_days=3))
    out = plan_table(result)
    assert (out["status"] == "planned").all()
    assert set(out["departure"]) == {"2026-11-17"}
    assert result.universe.beyond[result.arc_source[result.plan.arc]].all()
    assert summary(result)["orders"]["beyond_horizon"] == 20
    within = plan_orders(table, two_lanes, PARAMS)
    assert set(plan_table(within)["departure"]) == {"2026-11-17"}
    assert not within.universe.beyond.any()
    assert summary(within)["orders"]["beyond_horizon"] == 0


def test_the_universe_holds_every_open_route_and_every_departure_in_the_horizon(
    world: Network,
) -> None:
    """Sample orders on the default world: each commodity's routes in the universe are
    exactly those all of whose lanes take it and that depart within the horizon, the
    first candidates are among them, and every departure lies within it, once each."""
    s = first_stages(world, sample_orders(300, seed=3))
    params = PlanParams(horizon_days=10)
    duties = Duties(world, s.table, s.com, s.routes, s.fx, s.at, "EUR")
    late = late_costs(s.table, params, s.fx, s.at)
    u = build_universe(world, s.table, s.com, s.routes, duties, params, late)
    last = int(s.com.ready_day.min()) + params.horizon_days - 1
    timeline = Timeline(world, params.plan_quantile, 1)
    net = world.compiled
    for c in range(len(s.com)):
        ids = np.flatnonzero(s.routes.origin == s.com.origin[c])
        cost = route_costs(s.routes, ids, s.com.allowed[:, [c]], s.com.price[:, [c]])
        open_ = ids[np.isfinite(cost[:, 0])].tolist()
        departs = [
            r
            for r in open_
            if timeline.departures(
                s.routes.services(net, r), s.routes.capacitated[r], int(s.com.ready_min[c]), last
            )
        ]
        mine = slice(u.start[c], u.start[c + 1])
        if departs:
            assert set(u.arcs.route[mine].tolist()) == set(departs)
            assert not u.beyond[mine].any()
        else:  # the next departures past the horizon, of the routes that have any
            assert u.beyond[mine].all() and set(u.arcs.route[mine].tolist()) <= set(open_)
    capacitated = (u.arcs.rows >= 0).any(axis=1) & ~u.beyond
    assert (u.arcs.day[capacitated] <= last).all()
    key = np.stack([u.arcs.commodity, u.arcs.route, u.arcs.day], axis=1)
    assert len(np.unique(key, axis=0)) == len(u)
    assert u.initial.any() and not u.initial.all()
