"""routing/plan/output.py: the plan table (every input order once, in input order, with
its route, dates and money, or why it is not planned) and the summary, whose figures add
up from the plan table; on the two-lane world's 150 orders (100 by rail, 50 by air)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pandas as pd
import pytest

from routing.network import Network
from routing.plan import (
    PLAN_COLUMNS,
    PlanParams,
    PlanResult,
    plan_orders,
    plan_table,
    summary,
    validate_orders,
)
from routing.plan.output import top_shadow_prices
from tests.routing.plan.conftest import one_kilo_orders


@pytest.fixture(scope="module")
def table(two_lane_plan: PlanResult) -> pd.DataFrame:
    return plan_table(two_lane_plan)


def test_every_input_order_once_in_input_order(table: pd.DataFrame) -> None:
    """152 rows: the invalid one at its place with its line and problem, the one to
    Paris unplanned with its reason, the rest planned."""
    assert list(table.columns) == list(PLAN_COLUMNS)
    assert table["order_id"].tolist() == [f"T{i:04d}" for i in range(152)]
    assert table.loc[1, "status"] == "invalid"
    assert table.loc[1, "reason"] == "line 3: weight_kg: must be a number > 0, got '-1'"
    assert (table.loc[151, "status"], table.loc[151, "reason"]) == (
        "unplanned",
        "no_feasible_route",
    )
    assert (table["status"] == "planned").sum() == 150
    assert (table.loc[[1, 151], ["route", "shipping", "total"]] == "").all().all()


def test_a_planned_row_reads_as_worked_by_hand(table: pd.DataFrame) -> None:
    """By rail: EUR 1 of rail and EUR 1 of post, EUR 6.15 of duty and VAT, EUR 8.15 in
    all, leaving Tuesday 10 November, P50 30 November, P90 7 December (the promise
    engine's); by air EUR 4.00 of freight. No deadline: on_time is blank."""
    rail = table[table["route"] == "lanes-rail+post-es"].iloc[0]
    assert rail[["shipping", "duties_and_taxes", "total", "currency"]].tolist() == [
        "2.00",
        "6.15",
        "8.15",
        "EUR",
    ]
    assert rail["legs"] == "lanes:rail > post:postal"
    assert (rail["departure"], rail["promise_p50"], rail["promise_p90"]) == (
        "2026-11-10",
        "2026-11-30",
        "2026-12-07",
    )
    assert rail["on_time"] == "" and rail["reason"] == ""
    air = table[table["route"] == "lanes-air+post-es"]
    assert len(air) == 50 and set(air["shipping"]) == {"4.00"}


def test_the_summarys_totals_add_up_from_the_plan_table(
    two_lane_plan: PlanResult, table: pd.DataFrame
) -> None:
    """Freight and duties are the table's sums; cost adds the units (one EUR 50 pallet)
    and late penalties; the objective adds EUR 500 per unplanned order; the order counts
    are the table's statuses and reasons."""
    s = summary(two_lane_plan)
    planned = table[table["status"] == "planned"]
    opt = s["optimized"]
    money = lambda column: float(planned[column].map(Decimal).sum())  # noqa: E731
    assert opt["freight"] == pytest.approx(money("shipping")) == pytest.approx(400.0)
    assert opt["duties_and_taxes"] == pytest.approx(money("duties_and_taxes"))
    assert opt["freight"] + opt["duties_and_taxes"] == pytest.approx(money("total"))
    assert opt["consolidation_units"] == 50.0 and opt["units_bought"] == 1
    parts = ("freight", "consolidation_units", "duties_and_taxes", "late_penalty")
    assert opt["cost"] == pytest.approx(sum(opt[p] for p in parts))
    assert opt["unplanned_penalty"] == 500.0 * (table["status"] == "unplanned").sum()
    assert opt["objective"] == pytest.approx(opt["cost"] + opt["unplanned_penalty"])
    counts = table["status"].value_counts().to_dict()
    o = s["orders"]
    assert (o["input"], o["planned"], o["unplanned"], o["invalid"]) == (
        len(table),
        counts["planned"],
        counts["unplanned"],
        counts["invalid"],
    )
    assert s["orders"]["unplanned_by_reason"] == {"no_feasible_route": 1}
    assert s["saving_vs_greedy"] == pytest.approx(
        s["greedy"]["objective"] - s["optimized"]["objective"]
    )
    json.dumps(s)  # the summary is written as JSON as it is


def test_each_departures_load_is_its_orders_kg(
    two_lane_plan: PlanResult, table: pd.DataFrame
) -> None:
    """Rail: the 100 kg of its 100 orders, full (utilisation 1, binding, EUR 2.92 a kg);
    air: 50 kg in one 100 kg pallet (5 % of its 1,000 kg, the pallet half full)."""
    deps = {d["service"]: d for d in summary(two_lane_plan)["departures"]}
    for service, lane in (("lanes-rail", "lanes-rail+post-es"), ("lanes-air", "lanes-air+post-es")):
        carried = table[(table["route"] == lane) & (table["departure"] == deps[service]["date"])]
        assert deps[service]["load_kg"] == pytest.approx(float(len(carried)))  # 1 kg each
        assert deps[service]["utilisation"] == pytest.approx(
            deps[service]["load_kg"] / deps[service]["capacity_kg"]
        )
    rail, air = deps["lanes-rail"], deps["lanes-air"]
    assert (rail["utilisation"], rail["binding"], rail["shadow_price_per_kg"]) == (1.0, True, 2.92)
    assert (air["units"], air["unit"], air["units_filled"], air["binding"]) == (
        1,
        "pallet",
        0.5,
        False,
    )
    assert summary(two_lane_plan)["binding_departures"] == 1


def test_orders_no_candidate_brings_on_time_are_counted(two_lanes: Network) -> None:
    """Two due 1 December (air, P90 30 November, is on time), three due 25 November
    (air too is late) and one without a date: 3 orders no penalty can make on time; the
    on-time share counts the dated orders only."""
    frame = one_kilo_orders(6, deliver_by="2026-12-01")
    frame.loc[2:4, "deliver_by"] = "2026-11-25"
    frame.loc[5, "deliver_by"] = ""
    table_, _ = validate_orders(frame, two_lanes)
    params = PlanParams(horizon_days=7, max_departures=1, time_limit_s=10)
    s = summary(plan_orders(table_, two_lanes, params))
    assert s["orders"]["without_on_time_candidate"] == 3
    assert s["optimized"]["on_time_share"] <= 2 / 5


def test_the_top_shadow_prices_read_as_plain_words(two_lane_plan: PlanResult) -> None:
    """Only the full rail departure binds, at EUR 2.92 a kg (its m3 is not limited): one
    sentence, 'one more kg on the 2026-11-10 YIW-MAD train saves EUR 2.92'."""
    top = summary(two_lane_plan)["top_shadow_prices"]
    assert top == [
        {
            "service": "lanes-rail",
            "date": "2026-11-10",
            "measure": "kg",
            "saving": 2.92,
            "sentence": "one more kg on the 2026-11-10 YIW-MAD train saves EUR 2.92",
        }
    ]


def _departure(service: str, mode: str, day: str, kg: float, m3: float) -> dict[str, Any]:
    return {
        "service": service,
        "mode": mode,
        "from": "CN-PVG-AIR",
        "to": "ES-MAD-AIR",
        "date": day,
        "shadow_price_per_kg": kg,
        "shadow_price_per_m3": m3,
    }


def test_only_the_five_highest_prices_in_words_and_none_at_zero() -> None:
    """Seven prices above 0 on four departures: the five highest, highest first, m3 and
    kg alike; a sea departure is a sailing, and a price below a cent keeps two digits.
    Prices of 0 make no sentence: no departure binds, no list."""
    deps = [
        _departure("air-1", "air", "2026-11-18", 3.2, 429.0),
        _departure("air-2", "air", "2026-11-20", 0.0, 0.0),
        _departure("sea-1", "sea", "2026-11-12", 0.0042, 0.9),
        _departure("air-3", "air", "2026-11-19", 1.5, 12.0),
        _departure("post", "postal", "2026-11-19", 0.0, 7.0),
    ]
    top = top_shadow_prices(deps, "EUR")
    assert [(t["service"], t["measure"], t["saving"]) for t in top] == [
        ("air-1", "m3", 429.0),
        ("air-3", "m3", 12.0),
        ("post", "m3", 7.0),
        ("air-1", "kg", 3.2),
        ("air-3", "kg", 1.5),
    ]
    assert top[0]["sentence"] == "one more m3 on the 2026-11-18 PVG-MAD flight saves EUR 429.00"
    assert top[2]["sentence"].endswith("PVG-MAD departure saves EUR 7.00")
    sea = top_shadow_prices(deps[2:3], "EUR")
    assert [t["sentence"] for t in sea] == [
        "one more m3 on the 2026-11-12 PVG-MAD sailing saves EUR 0.90",
        "one more kg on the 2026-11-12 PVG-MAD sailing saves EUR 0.0042",
    ]
    assert top_shadow_prices(deps[1:2], "EUR") == []
