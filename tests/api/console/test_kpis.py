"""A plan's KPIs from its own files: headlines from the summary, cost by market and mode
from the plan table joined to the orders, the busiest departures for the chart."""

from __future__ import annotations

from pathlib import Path

from api.console.kpis import cost_by_market_and_mode, headlines, main_mode, utilisation_chart


def test_the_main_mode_is_the_line_haul() -> None:
    assert main_mode("feeder:road > air-co:air > correos:postal") == "air"
    assert main_mode("correos:postal") == "postal"
    assert main_mode("") == "none"


def test_headlines_are_the_summarys_own_figures() -> None:
    summary = {"optimized": {"cost": 12.5, "on_time_share": None}, "orders": {"planned": 2}}
    found = {h["path"]: h["value"] for h in headlines(summary)}
    assert found["optimized.cost"] == 12.5 and found["orders.planned"] == 2
    assert found["optimized.on_time_share"] is None and found["saving_vs_greedy"] is None


def test_cost_by_market_and_mode_sums_the_planned_orders(tmp_path: Path) -> None:
    plan, orders = tmp_path / "plan.csv", tmp_path / "orders.csv"
    plan.write_text(
        "order_id,status,legs,shipping,total\n"
        "1,planned,a:road > b:air,5.0,7.5\n2,planned,a:road > c:sea,1.0,2.0\n"
        "3,planned,b:air,2.0,3.0\n4,unplanned,,,\n"
    )
    orders.write_text("order_id,dest_country,weight_kg\n1,ES,1\n2,ES,1\n3,ES,2\n4,BR,1\n")
    rows = cost_by_market_and_mode(plan, orders)
    assert rows == [
        {"market": "ES", "mode": "air", "orders": 2, "cost": 10.5, "shipping": 7.0},
        {"market": "ES", "mode": "sea", "orders": 1, "cost": 2.0, "shipping": 1.0},
    ]


def test_the_chart_shows_the_busiest_capacitated_departures_first() -> None:
    dep = {"from": "CN-SZX-AIR", "to": "ES-MAD-AIR", "date": "2026-11-02", "capacity_kg": 10}
    uncapped = dep | {"service": "c", "utilisation": 1.0, "capacity_kg": None}
    summary = {
        "departures": [
            dep | {"service": "a", "utilisation": 0.5},
            dep | {"service": "b", "utilisation": 0.9},
            uncapped,
        ]
    }
    chart = utilisation_chart(summary)
    assert chart["series"][0]["values"] == [90.0, 50.0]
