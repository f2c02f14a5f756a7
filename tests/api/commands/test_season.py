"""`glocal design FORECAST` and `glocal design evaluate`: a one-week forecast designed end
to end (bookings, summary, report), its bookings chained into `glocal plan`, the
robustness table, and bad input refused in one line naming file:line and field."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from routing.plan.sample import sample_orders

TINY = Path(__file__).parents[2] / "data" / "design_season" / "forecast.csv"
Run = Callable[..., tuple[int, str, str]]


@pytest.fixture(scope="module")
def designed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    from api.cli import run
    from api.commands import design

    out = tmp_path_factory.mktemp("design")
    args = [str(TINY), "--out", str(out / "bookings.csv"), "--summary", str(out / "s.json"),
            "--report", str(out / "report.html"), "--time-limit", "30"]  # fmt: skip
    with pytest.raises(SystemExit) as end:
        run(design.app, args)
    assert end.value.code in (0, None)
    rows = list(csv.DictReader((out / "bookings.csv").open()))
    return {"dir": out, "rows": rows, "summary": json.loads((out / "s.json").read_text())}


def test_the_design_writes_bookings_summary_and_report(designed: dict[str, Any]) -> None:
    rows, s = designed["rows"], designed["summary"]
    assert rows and {"service_id", "departure_date", "units", "kg", "m3"} <= set(rows[0])
    booked = sum(int(r["units"]) for r in rows)
    assert booked == s["booked"]["units"] > 0
    for r in rows:  # the booked capacity is the units' own
        assert float(r["kg"]) == pytest.approx(int(r["units"]) * float(r["unit_kg"]))
    assert s["bound"] <= s["cost"]["total"] + 1e-6
    assert s["cost"]["total"] == pytest.approx(
        sum(v for k, v in s["cost"].items() if k != "total"), abs=0.05
    )
    assert "<img" in (designed["dir"] / "report.html").read_text()


def test_bookings_chained_into_a_plan_are_never_exceeded(
    designed: dict[str, Any], tmp_path: Path, run_glocal: Run
) -> None:
    orders = tmp_path / "orders.csv"
    sample_orders(300, seed=3, start=__import__("datetime").date(2026, 10, 19)).to_csv(
        orders, index=False
    )
    bookings = designed["dir"] / "bookings.csv"
    summary = tmp_path / "plan.json"
    code, _, err = run_glocal("plan", str(orders), "--capacity", str(bookings), "--out",
                              str(tmp_path / "plan.csv"), "--summary", str(summary))  # fmt: skip
    assert code == 0, err
    booked = {(r["service_id"], r["departure_date"]): r for r in designed["rows"]}
    checked = 0
    for d in json.loads(summary.read_text())["departures"]:
        b = booked.get((d["service"], d["date"]))
        if b is not None:
            assert d["load_kg"] <= float(b["kg"]) + 1e-6
            assert d["load_m3"] <= float(b["m3"]) + 1e-6
            checked += 1
    assert checked  # the plan ran on departures the design booked


def test_evaluate_replays_scenarios_over_the_bookings(
    designed: dict[str, Any], run_glocal: Run
) -> None:
    bookings = designed["dir"] / "bookings.csv"
    code, out, err = run_glocal("design", "evaluate", str(bookings), "--forecast", str(TINY),
                                "--scenarios", "3", "--json")  # fmt: skip
    assert code == 0, err
    table = json.loads(out)
    assert len(table["scenarios"]) == 3
    assert table["worst_cost"] == max(r["cost"] for r in table["scenarios"])
    assert 0 <= table["on_time_share"] <= 1


def test_a_bad_forecast_row_is_named_by_line_and_field(tmp_path: Path, run_glocal: Run) -> None:
    bad = tmp_path / "f.csv"
    lines = TINY.read_text().splitlines()
    lines[2] = lines[2].replace("US-NAT-ZONE", "XX-NOPE-ZONE")
    bad.write_text("\n".join(lines) + "\n")
    code, _, err = run_glocal("design", str(bad), "--out", str(tmp_path / "b.csv"))
    assert code == 1 and "Traceback" not in err
    assert f"{bad}:3: zone" in err


def test_a_bookings_file_naming_an_unknown_service_is_refused(
    tmp_path: Path, run_glocal: Run
) -> None:
    bad = tmp_path / "b.csv"
    bad.write_text("service_id,departure_date,units\nno-such-service,2026-10-20,1\n")
    code, _, err = run_glocal("design", "evaluate", str(bad), "--forecast", str(TINY))
    assert code == 1 and f"{bad}:2: service_id" in err
