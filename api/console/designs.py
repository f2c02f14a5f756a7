"""A season design as the console shows it, read from the design job's own files: the
headline figures straight from its summary.json (the file the page offers for download,
so the page and the file cannot differ), booked units per lane and week from its
bookings.csv, booked against spot per week and the robustness table from the summary, and
the specifications of the two charts (`static/console.js` draws them)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from api.console.kpis import Headline, headlines, succeeded_summary
from api.jobs.files import JobFiles
from api.jobs.records import RUNNING, PlanJob

# the services of the units chart, in turn (distinct on white and to one another)
PALETTE = ("#0b5cad", "#c0392b", "#2e7d32", "#8d5524", "#6a3d9a", "#b15928", "#1f78b4",
           "#e31a1c", "#33a02c", "#6b7280")  # fmt: skip


HEADLINES = (
    Headline("cost.total", "cost", "money"),
    Headline("bound", "lower bound", "money"),
    Headline("gap", "gap to the bound", "share"),
    Headline("booked.units", "units booked", "count"),
    Headline("booked.kg", "booked capacity", "kg"),
    Headline("booked.spot_kg", "sent at spot", "kg"),
    Headline("booked.fill", "fill of the units", "share"),
    Headline("on_time_share", "on time (P90)", "share"),
)
COST_PARTS = ("fixed", "variable", "spot", "unserved")  # the summary's cost by part


def units_by_lane_and_week(bookings: pd.DataFrame, summary: dict[str, Any]) -> dict[str, Any]:
    """Units booked per service (a lane's offer) and week: the weeks in order, and one row
    per service the design could book, most units first, with its mode, ends and kg."""
    if bookings.empty:
        return {"weeks": [], "rows": []}
    weeks = sorted(bookings["week"].astype(str).unique())
    units = bookings.pivot_table(
        index="service_id", columns="week", values="units", aggfunc="sum", fill_value=0
    )
    lanes = {s["service"]: s for s in summary["by_service"]}
    rows = []
    for service in units.index:
        per_week = [int(units.loc[service].get(w, 0)) for w in weeks]
        lane = lanes.get(str(service), {})
        rows.append(
            {
                "service": str(service),
                "mode": lane.get("mode", ""),
                "from": lane.get("from", ""),
                "to": lane.get("to", ""),
                "weeks": per_week,
                "units": sum(per_week),
                "kg": float(bookings.loc[bookings["service_id"] == service, "kg"].sum()),
            }
        )
    rows.sort(key=lambda r: (-r["units"], r["service"]))
    return {"weeks": weeks, "rows": rows}


def units_chart(table: dict[str, Any]) -> dict[str, Any]:
    """Units booked per week, stacked by service (the services that book any)."""
    booked = [r for r in table["rows"] if r["units"] > 0]
    return {
        "kind": "bars",
        "stacked": True,
        "labels": table["weeks"],
        "series": [
            {
                "label": r["service"],
                "colour": PALETTE[i % len(PALETTE)],
                "values": r["weeks"],
            }
            for i, r in enumerate(booked)
        ],
        "unit": " units",
        "axis": "units booked",
    }


def booked_against_spot_chart(summary: dict[str, Any]) -> dict[str, Any]:
    """Booked capacity and spot, kg per week, side by side."""
    weeks = summary["by_week"]
    return {
        "kind": "bars",
        "labels": [w["week"] for w in weeks],
        "series": [
            {
                "label": "booked kg",
                "colour": "#0b5cad",
                "align": -1,
                "values": [w["booked_kg"] for w in weeks],
            },
            {
                "label": "spot kg",
                "colour": "#c0392b",
                "align": 1,
                "values": [w["spot_kg"] for w in weeks],
            },
        ],
        "size": 0.4,
        "unit": " kg",
        "axis": "kg",
    }


def design_figures(root: Path, job: PlanJob) -> dict[str, Any] | None:
    """Everything the design page shows of a succeeded design job (None for any other)."""
    summary = succeeded_summary(root, job)
    if summary is None:
        return None
    bookings = pd.read_csv(JobFiles(root, job.job_id).bookings, dtype={"service_id": str})
    lanes = units_by_lane_and_week(bookings, summary)
    return {
        "summary": summary,
        "headlines": headlines(summary, HEADLINES),
        "cost_parts": [(part, summary["cost"].get(part)) for part in COST_PARTS],
        "lanes": lanes,
        "units_chart": units_chart(lanes),
        "by_week": summary["by_week"],
        "spot_chart": booked_against_spot_chart(summary),
        "robustness": summary.get("robustness"),
        "shadow_prices": summary.get("shadow_prices", []),
    }


def detail(job: PlanJob) -> str | None:
    """What a running design is at (the week it builds, the scenario it replays)."""
    if job.state != RUNNING or not job.progress:
        return None
    found = job.progress[-1].get("detail")
    return None if found is None else str(found)
