"""api/console/designs.py: a design's figures as the page shows them: units per lane and
week summed from the bookings (zeros where a service books nothing that week, the most
booked lanes first), the two charts' specifications, and every figure of a real design's
summary at its own path; nothing for a job that has not succeeded."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest

from api.console.designs import (
    HEADLINES,
    booked_against_spot_chart,
    design_figures,
    detail,
    units_by_lane_and_week,
    units_chart,
)
from api.console.kpis import at_path
from api.jobs.files import JobFiles
from api.jobs.records import PlanJob
from routing.design.bookings import booking_frame
from routing.design.forecast import load_forecast
from routing.design.run import design_season
from routing.network import Network

TINY = Path(__file__).parents[2] / "data" / "design_season" / "forecast.csv"
LANES = {
    "by_service": [
        {"service": "air-1", "mode": "air", "from": "CN-PVG-AIR", "to": "ES-MAD-AIR"},
        {"service": "rail-1", "mode": "rail", "from": "CN-YIW-RAIL", "to": "ES-MAD-RAIL"},
    ],
    "by_week": [
        {"week": "2026-10-19", "booked_kg": 9200.0, "used_kg": 3000.0, "spot_kg": 212.0},
        {"week": "2026-10-26", "booked_kg": 0.0, "used_kg": 0.0, "spot_kg": 40.5},
    ],
}


def bookings(rows: list[tuple[str, str, int, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["service_id", "week", "units", "kg"])


def a_design_job(state: str = "succeeded", **changes: object) -> PlanJob:
    fields: dict[str, object] = {
        "job_id": "design_t", "key_id": "k1", "state": state, "request_hash": "h",
        "options": {}, "input_format": "csv", "input_bytes": 1,
        "created_at": datetime.now(UTC), "kind": "design",
    }  # fmt: skip
    return PlanJob(**(fields | changes))  # type: ignore[arg-type]


def test_units_are_summed_per_lane_and_week_most_booked_first() -> None:
    """Two departures of air-1 in the first week (2 + 1 units), none of rail-1 then and 4
    the week after: air-1 reads 3, 0; rail-1 0, 4 and comes first (4 units)."""
    table = units_by_lane_and_week(
        bookings(
            [
                ("air-1", "2026-10-19", 2, 9200.0),
                ("air-1", "2026-10-19", 1, 4600.0),
                ("rail-1", "2026-10-26", 4, 80000.0),
                ("air-1", "2026-10-26", 0, 0.0),
            ]
        ),
        LANES,
    )
    assert table["weeks"] == ["2026-10-19", "2026-10-26"]
    assert [(r["service"], r["weeks"], r["units"], r["kg"]) for r in table["rows"]] == [
        ("rail-1", [0, 4], 4, 80000.0),
        ("air-1", [3, 0], 3, 13800.0),
    ]
    assert table["rows"][0]["mode"] == "rail" and table["rows"][1]["to"] == "ES-MAD-AIR"
    assert units_by_lane_and_week(bookings([]), LANES) == {"weeks": [], "rows": []}


def test_the_units_chart_stacks_the_lanes_that_book_and_the_spot_chart_pairs_kg() -> None:
    table = units_by_lane_and_week(
        bookings([("air-1", "2026-10-19", 2, 9200.0), ("rail-1", "2026-10-19", 0, 0.0)]), LANES
    )
    chart = units_chart(table)
    assert chart["stacked"] and chart["labels"] == ["2026-10-19"]
    assert [(s["label"], s["values"]) for s in chart["series"]] == [("air-1", [2])]
    spot = booked_against_spot_chart(LANES)
    assert spot["labels"] == ["2026-10-19", "2026-10-26"]
    assert [(s["label"], s["values"], s["align"]) for s in spot["series"]] == [
        ("booked kg", [9200.0, 0.0], -1),
        ("spot kg", [212.0, 40.5], 1),
    ]


@pytest.fixture(scope="module")
def designed(default_world: Network, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The plans directory of a succeeded design job of the one-week forecast."""
    root = tmp_path_factory.mktemp("plans")
    season = design_season(load_forecast(TINY, default_world), default_world, 30)
    files = JobFiles(root, "design_t")
    files.dir.mkdir()
    s = season.solution
    booking_frame(season.design, s.units, s.share, s.spot_kg).to_csv(files.bookings, index=False)
    robustness = {"scenarios": [], "expected_cost": 1.0, "worst_cost": 2.0, "on_time_share": 1}
    files.summary.write_text(json.dumps({**season.summary, "robustness": robustness}))
    return root


def test_a_succeeded_designs_figures_are_its_summarys(designed: Path) -> None:
    figures = design_figures(designed, a_design_job())
    assert figures is not None
    summary = figures["summary"]
    for headline, shown in zip(HEADLINES, figures["headlines"], strict=True):
        assert shown["value"] == at_path(summary, headline.path)
    assert dict(figures["cost_parts"]) == {k: v for k, v in summary["cost"].items() if k != "total"}
    units = {r["service"]: r["units"] for r in figures["lanes"]["rows"]}
    assert units == {s["service"]: s["units"] for s in summary["by_service"]}
    assert figures["by_week"] == summary["by_week"]
    assert figures["robustness"]["worst_cost"] == 2.0
    assert design_figures(designed, a_design_job("failed")) is None
    assert design_figures(designed, a_design_job(job_id="design_none")) is None


def test_a_running_design_says_what_it_is_at() -> None:
    steps = [{"stage": "build", "state": "running", "detail": "week of 2026-10-19"}]
    assert detail(a_design_job("running", progress=steps)) == "week of 2026-10-19"
    assert detail(a_design_job("running", progress=steps[:0])) is None
    assert detail(a_design_job("succeeded", progress=steps)) is None
