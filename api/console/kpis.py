"""A plan's KPIs as the console shows them, read from the job's own files: the headline
figures straight from its summary (the document `GET /v1/plans/{id}/summary` serves, so
the page and the API cannot differ), cost by market and mode from its plan table and its
orders, and the departures' utilisation for the chart."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from fastapi import Request

from api.jobs.files import JobFiles
from api.jobs.records import SUCCEEDED, PlanJob
from api.jobs.service import PlanJobs

LINE_HAUL = ("air", "sea", "rail")
CHART_DEPARTURES = 24


@dataclass(frozen=True)
class Headline:
    path: str  # dotted path in the summary
    label: str
    kind: str  # money, share, count, kg


HEADLINES = (
    Headline("optimized.cost", "cost", "money"),
    Headline("optimized.on_time_share", "on time (P90)", "share"),
    Headline("orders.planned", "planned orders", "count"),
    Headline("orders.unplanned", "unplanned orders", "count"),
    Headline("orders.invalid", "invalid rows", "count"),
    Headline("saving_vs_greedy", "saving against greedy", "money"),
    Headline("optimized.units_bought", "units bought", "count"),
    Headline("gap_to_bound", "gap to the bound", "share"),
)


def jobs_of(request: Request) -> PlanJobs:
    jobs: PlanJobs = request.app.state.glocal_jobs
    return jobs


def succeeded_summary(root: Path, job: PlanJob) -> dict[str, Any] | None:
    """A succeeded job's summary.json (`root`: the jobs' directory); None for any other."""
    path = JobFiles(root, job.job_id).summary
    if job.state != SUCCEEDED or not path.exists():
        return None
    summary: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return summary


def read_summary(jobs: PlanJobs, job: PlanJob) -> dict[str, Any] | None:
    """A succeeded job's summary, with its job id; None for any other job."""
    summary = succeeded_summary(jobs.root, job)
    if summary is not None:
        summary["job_id"] = job.job_id
    return summary


async def last_summary(request: Request, key_id: str) -> dict[str, Any] | None:
    """The summary of the key's latest succeeded plan, if any."""
    jobs = jobs_of(request)
    found = await jobs.store.call(jobs.records.of_key, key_id, 20)
    for job in found:
        if job.state == SUCCEEDED:
            return await asyncio.to_thread(read_summary, jobs, job)
    return None


def at_path(summary: dict[str, Any], path: str) -> Any:
    found: Any = summary
    for part in path.split("."):
        found = found.get(part) if isinstance(found, dict) else None
    return found


def headlines(
    summary: dict[str, Any], shown: tuple[Headline, ...] = HEADLINES
) -> list[dict[str, Any]]:
    return [
        {"path": h.path, "label": h.label, "kind": h.kind, "value": at_path(summary, h.path)}
        for h in shown
    ]


def main_mode(legs: str) -> str:
    """The line-haul mode of a plan row's legs ('carrier:mode > ...'), else its first."""
    modes = [part.rsplit(":", 1)[-1].strip() for part in str(legs).split(">") if part.strip()]
    return next((m for m in modes if m in LINE_HAUL), modes[0] if modes else "none")


def cost_by_market_and_mode(plan: Path, orders: Path) -> list[dict[str, Any]]:
    """Orders and landed cost (shipping plus duties and taxes) of the planned orders, per
    destination market and line-haul mode."""
    table = pd.read_csv(plan, dtype={"order_id": str})
    planned = table[table["status"] == "planned"]
    if planned.empty:
        return []
    wanted = ["order_id", "dest_country"]
    if orders.suffix == ".parquet":
        markets = pd.read_parquet(orders, columns=wanted)
    else:
        markets = pd.read_csv(orders, usecols=wanted, dtype=str, keep_default_na=False)
    markets = markets.astype({"order_id": str})
    joined = planned.merge(markets.drop_duplicates("order_id"), on="order_id", how="left")
    joined["mode"] = joined["legs"].map(main_mode)
    grouped = joined.groupby(["dest_country", "mode"], dropna=False).agg(
        orders=("order_id", "count"), cost=("total", "sum"), shipping=("shipping", "sum")
    )
    ordered = grouped.sort_values("cost", ascending=False).reset_index()
    return [
        {
            "market": str(r["dest_country"]),
            "mode": str(r["mode"]),
            "orders": int(r["orders"]),
            "cost": round(float(r["cost"]), 2),
            "shipping": round(float(r["shipping"]), 2),
        }
        for r in ordered.to_dict("records")
    ]


def utilisation_chart(summary: dict[str, Any]) -> dict[str, Any]:
    """The most used capacitated departures (a bar chart's labels and values, in %)."""
    deps = [d for d in summary.get("departures", []) if d.get("utilisation") is not None]
    deps = [d for d in deps if d.get("capacity_kg") or d.get("capacity_m3")]
    deps.sort(key=lambda d: (-float(d["utilisation"]), d["date"], d["service"]))
    top = deps[:CHART_DEPARTURES]
    return {
        "kind": "bars",
        "labels": [f"{d['from'][-7:]}-{d['to'][-7:]} {d['date'][5:]}" for d in top],
        "series": [
            {
                "label": "utilisation",
                "colour": "#0b5cad",
                "values": [round(100 * float(d["utilisation"]), 1) for d in top],
            }
        ],
        "unit": " %",
        "axis": "% of capacity",
    }


def plan_kpis(jobs: PlanJobs, job: PlanJob) -> dict[str, Any] | None:
    """Everything the plan page shows of a succeeded job (None for any other)."""
    summary = read_summary(jobs, job)
    if summary is None:
        return None
    files = JobFiles(jobs.root, job.job_id)
    return {
        "summary": summary,
        "headlines": headlines(summary),
        "by_market_mode": cost_by_market_and_mode(files.plan_csv, files.orders(job.input_format)),
        "unplanned": sorted(
            summary["orders"].get("unplanned_by_reason", {}).items(), key=lambda kv: -kv[1]
        ),
        "shadow_prices": summary.get("top_shadow_prices", []),
        "chart": utilisation_chart(summary),
    }
