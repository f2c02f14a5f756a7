"""The planner on a world small enough to solve on paper (tests/data/plan_two_lanes)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest

from carriers.errors import InvalidPlanInput
from routing.network import Network
from routing.plan import PlanParams, Scenario, plan_orders, plan_table, validate_orders
from routing.plan import summary as plan_summary
from routing.plan.capacity import read_capacity
from tests.routing.plan.conftest import one_kilo_orders

PARAMS = PlanParams(horizon_days=7, max_departures=1, time_limit_s=10)


def _plan(network: Network, n: int = 150, **kwargs):
    table, _ = validate_orders(one_kilo_orders(n), network)
    return plan_orders(table, network, kwargs.pop("params", PARAMS), **kwargs)


def test_optimal_split_fills_the_cheap_lane_first(two_lanes: Network) -> None:
    """150 kg over a 100 kg rail departure: 100 by rail, 50 by air, EUR 400 + one unit."""
    result = _plan(two_lanes)
    table = plan_table(result)
    by_lane = table["route"].str.split("+").str[0].value_counts().to_dict()
    assert by_lane == {"lanes-rail": 100, "lanes-air": 50}
    assert result.plan_eval.freight == pytest.approx(40_000)  # minor units
    assert result.plan_eval.unit_cost == pytest.approx(5_000)
    assert result.plan_source == "model"


def test_shadow_price_of_the_binding_capacity(two_lanes: Network) -> None:
    """One more kg on the rail departure saves EUR 3 + 0.50 (unit share) - 1 = 2.50."""
    result = _plan(two_lanes)
    figures = plan_summary(result)
    rail = [d for d in figures["departures"] if d["service"] == "lanes-rail"]
    assert len(rail) == 1 and rail[0]["binding"]
    assert rail[0]["shadow_price_per_kg"] == pytest.approx(2.5, abs=1e-6)
    assert rail[0]["load_kg"] == pytest.approx(100)
    # the LP buys half an air pallet (50 kg of 100): EUR 25 under the plan's whole pallet
    assert figures["lp_bound"] == pytest.approx(figures["optimized"]["objective"] - 25, abs=1e-6)


def test_a_closed_service_receives_no_flow(two_lanes: Network) -> None:
    result = _plan(two_lanes, scenario=Scenario(close=frozenset({"lanes-rail"})))
    table = plan_table(result)
    assert not table["route"].str.contains("lanes-rail").any()
    assert (table["status"] == "planned").sum() == 150


def test_scaled_capacity_and_demand(two_lanes: Network) -> None:
    """Rail capacity x1.2 carries 120; demand x2 makes 300 orders, ids unique."""
    result = _plan(two_lanes, scenario=Scenario(scale_capacity=(("lanes-rail", 1.2),), demand=2))
    table = plan_table(result)
    assert len(table) == 300 and table["order_id"].is_unique
    assert (table["route"].str.startswith("lanes-rail")).sum() == 120


def test_capacity_file_overrides_and_rejects_unknown_services(
    two_lanes: Network, tmp_path: Path
) -> None:
    good = tmp_path / "capacity.csv"
    good.write_text("service_id,departure_date,kg,m3\nlanes-rail,2026-11-10,130,\n")
    overrides = read_capacity(good, two_lanes.compiled)
    table = plan_table(_plan(two_lanes, overrides=overrides))
    assert (table["route"].str.startswith("lanes-rail")).sum() == 130
    bad = tmp_path / "bad.csv"
    bad.write_text("service_id,departure_date,kg,m3\nlanes-rail,,10,\nno-such-lane,,5,\n")
    with pytest.raises(InvalidPlanInput, match=r"bad\.csv:3: service_id: unknown service"):
        read_capacity(bad, two_lanes.compiled)


def test_hard_deadlines_and_late_penalty(two_lanes: Network) -> None:
    """Deliver by 1 December: air (P90 30 November) is on time, rail (P90 7 December) six
    days late, EUR 9 of penalty an order: 20 orders fly (EUR 40 more freight and a EUR 50
    pallet beat EUR 180 of penalties). With hard deadlines and air closed, none can go."""
    table, _ = validate_orders(one_kilo_orders(20, deliver_by="2026-12-01"), two_lanes)
    soft = plan_table(plan_orders(table, two_lanes, PARAMS))
    assert (soft["route"].str.startswith("lanes-air")).all()
    assert (soft["on_time"] == "true").all()
    tight = PlanParams(**{**vars(PARAMS), "hard_deadlines": True})
    closed = Scenario(close=frozenset({"lanes-air"}))
    hard = plan_table(plan_orders(table, two_lanes, tight, closed))
    assert (hard["status"] == "unplanned").all()
    assert set(hard["reason"]) == {"no_feasible_route"}


def test_same_input_same_plan(two_lanes: Network) -> None:
    a, b = plan_table(_plan(two_lanes, 170)), plan_table(_plan(two_lanes, 170))
    assert a.equals(b)


def test_no_capacity_left_is_a_reason(two_lanes: Network) -> None:
    """1,200 kg against 1,100 kg of capacity: 100 orders unplanned, `no_capacity`."""
    result = _plan(two_lanes, 1200)
    table = plan_table(result)
    assert (table["reason"] == "no_capacity").sum() == 100
    assert len(table) == 1200 and table["order_id"].is_unique
    assert np.all(result.plan_eval.load_kg <= result.rows.cap_kg + 1e-9)


def test_orders_not_worth_carrying_are_uneconomic(two_lanes: Network) -> None:
    """At EUR 1.50 per unplanned order, EUR 2 of rail and last mile is not worth it: every
    order stays unplanned with reason `uneconomic` (there is room), at EUR 225 in all."""
    params = PlanParams(**{**vars(PARAMS), "unplanned_penalty": Decimal("1.50")})
    result = _plan(two_lanes, params=params)
    table = plan_table(result)
    assert set(table["status"]) == {"unplanned"}
    assert set(table["reason"]) == {"uneconomic"}
    assert result.plan_eval.objective == pytest.approx(22_500)
    assert result.greedy_eval.unplanned == 0
