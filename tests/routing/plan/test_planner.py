"""routing/plan/planner.py: every plan keeps every capacity and lists every order once,
never dearer than greedy; on a world small enough to solve on paper
(tests/data/plan_two_lanes) the plan, its prices and its reasons are the ones worked out
by hand; scenarios close, scale and resample."""

from __future__ import annotations

from contextlib import contextmanager
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from routing.network import Network
from routing.plan import PlanParams, Scenario, plan_orders, plan_table, validate_orders
from routing.plan import summary as plan_summary
from tests.routing.plan.conftest import lane_capacity, one_kilo_orders, weighed_orders

PARAMS = PlanParams(horizon_days=7, max_departures=1, time_limit_s=10)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    weights=st.lists(st.floats(0.1, 25.0), min_size=1, max_size=60),
    rail_kg=st.floats(0.0, 300.0),
    air_kg=st.floats(0.0, 300.0),
)
def test_no_plan_exceeds_a_capacity_and_every_order_appears_once(
    two_lanes: Network, weights: list[float], rail_kg: float, air_kg: float
) -> None:
    table = weighed_orders(two_lanes, weights)
    overrides = lane_capacity(two_lanes, rail=rail_kg, air=air_kg)
    result = plan_orders(table, two_lanes, PARAMS, overrides=overrides)
    out = plan_table(result)
    assert sorted(out["order_id"]) == sorted(f"T{i:04d}" for i in range(len(weights)))
    for e in (result.plan_eval, result.greedy_eval):
        assert np.all(e.load_kg <= result.rows.cap_kg + 1e-6)
        assert np.all(e.load_m3 <= result.rows.cap_m3 + 1e-9)
    assert result.plan_eval.objective <= result.greedy_eval.objective + 1e-6


def test_default_world_plan_is_feasible_and_beats_greedy(sample_plan) -> None:
    """400 sample orders on the default world: every order once, no capacity exceeded,
    optimised (before any fallback) no dearer than greedy."""
    r = sample_plan
    out = plan_table(r)
    assert len(out) == 400 and out["order_id"].is_unique
    assert set(out["status"]) <= {"planned", "unplanned"}
    assert (out.loc[out["status"] == "unplanned", "reason"] != "").all()
    assert np.all(r.plan_eval.load_kg <= r.rows.cap_kg + 1e-6)
    assert np.all(r.plan_eval.load_m3 <= r.rows.cap_m3 + 1e-9)
    assert r.plan_source == "model"
    assert r.plan_eval.objective <= r.greedy_eval.objective + 1e-6
    assert r.bound <= r.plan_eval.objective + 1e-6
    assert 0 <= r.gap < 0.05


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
    """One more kg on the rail departure saves the air parcel's EUR 3 + 0.50 (unit share)
    + 6.57 duties less rail's EUR 1 + 6.15 duties (VAT is on the freight too): 2.92."""
    result = _plan(two_lanes)
    figures = plan_summary(result)
    rail = [d for d in figures["departures"] if d["service"] == "lanes-rail"]
    assert len(rail) == 1 and rail[0]["binding"]
    assert rail[0]["shadow_price_per_kg"] == pytest.approx(2.92, abs=1e-6)
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


def test_stages_are_announced_in_order_and_timed(two_lanes: Network) -> None:
    """Each of the six stages goes through `stages` once, in the planner's order, and
    its seconds are in the result."""
    seen: list[str] = []

    @contextmanager
    def stages(name: str):
        seen.append(name)
        yield

    table, _ = validate_orders(one_kilo_orders(5), two_lanes)
    result = plan_orders(table, two_lanes, PARAMS, stages=stages)
    expected = ["aggregate", "routes", "model", "refine", "solve", "disaggregate"]
    assert seen == expected
    assert list(result.seconds) == expected and min(result.seconds.values()) >= 0


def test_an_order_no_route_can_carry_is_a_fixed_penalty_left_out_of_the_gap(
    two_lanes: Network,
) -> None:
    """One order to France (no lane goes there) beside two to Spain: it is unplanned with
    `no_feasible_route`, its EUR 500 penalty is fixed (no plan can avoid it), and the gap
    is measured against what the plan can decide (objective less that EUR 500)."""
    frame = one_kilo_orders(3)
    frame.loc[0, ["dest_country", "dest_postal_code"]] = ["FR", "75001"]
    table, _ = validate_orders(frame, two_lanes)
    result = plan_orders(table, two_lanes, PARAMS)
    out = plan_table(result)
    assert list(out["reason"]) == ["no_feasible_route", "", ""]
    assert result.fixed_penalty == pytest.approx(50_000)
    decided = result.plan_eval.objective - 50_000
    assert decided == pytest.approx(result.plan_eval.cost)  # the two Spanish orders
    assert result.gap_to(result.plan_eval.objective - 100) == pytest.approx(100 / decided)


def test_a_plan_of_no_valid_orders_lists_the_invalid_rows(two_lanes: Network) -> None:
    """Every row invalid: the plan has no order to route; its table lists each row as
    invalid with its line and reason, its figures are zero, nothing raises."""
    frame = one_kilo_orders(2)
    frame["weight_kg"] = "-1"
    table, invalid = validate_orders(frame, two_lanes, "o.csv", skip_invalid=True)
    result = plan_orders(table, two_lanes, PARAMS, invalid=invalid)
    out = plan_table(result)
    assert list(out["status"]) == ["invalid", "invalid"]
    assert list(out["reason"]) == [
        "line 2: weight_kg: must be a number > 0, got '-1'",
        "line 3: weight_kg: must be a number > 0, got '-1'",
    ]
    figures = plan_summary(result)
    assert figures["orders"]["planned"] == figures["orders"]["unplanned"] == 0
    assert figures["optimized"]["cost"] == 0 and figures["solver"]["blocks"] == 0


@pytest.mark.parametrize(("value", "mode"), [("10.00", "lanes-rail"), ("500.00", "lanes-air")])
def test_the_default_late_penalty_weighs_the_goods_value(
    two_lanes: Network, value: str, mode: str
) -> None:
    """Three orders due 1 December, rail six days late: at EUR 10.00 each, being late
    costs 5 + 1 + 6 x (0.50 + 0.30) = EUR 10.80 an order, less than flying them (EUR 2
    more freight each and a EUR 50 pallet): rail. At EUR 500.00 it is
    5 + 50 + 6 x (0.50 + 15) = EUR 148 an order: they fly, on time."""
    frame = one_kilo_orders(3, deliver_by="2026-12-01")
    frame["value"] = value
    table, _ = validate_orders(frame, two_lanes)
    out = plan_table(plan_orders(table, two_lanes, PARAMS))
    assert (out["route"].str.startswith(mode)).all()
    assert set(out["on_time"]) == {"true" if mode == "lanes-air" else "false"}
