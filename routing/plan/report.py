"""report.html: the pictures a planner wants, as one self-contained file.

1. utilisation of every capacitated departure: of its booked capacity, and of the
   consolidation units bought on it;
2. the plan's cost by market and line-haul mode;
3. optimised against greedy, by cost component.
Plus the top shadow prices in words ("one more m3 on the 2026-11-18 PVG-MAD flight saves
EUR 429.00") and the binding departures with their shadow prices.
"""

from __future__ import annotations

import base64
import html
import io
from collections import defaultdict
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from routing.plan.output import NO_PRICE
from routing.plan.planner import PlanResult

_LINEHAUL = ("air", "sea", "rail")


def figures(result: PlanResult, summary: dict[str, Any]) -> dict[str, bytes]:
    """The report's pictures as PNG bytes, by name."""
    return {
        "utilisation": _png(_utilisation(summary)),
        "cost_by_market": _png(_by_market(result)),
        "optimized_vs_greedy": _png(_versus(summary)),
    }


def write_report(result: PlanResult, summary: dict[str, Any], path: str | Path) -> None:
    pictures = figures(result, summary)
    cur = summary["currency"]
    opt, grd = summary["optimized"], summary["greedy"]
    rows = "".join(
        f"<tr><td>{html.escape(d['service'])}</td><td>{d['date']}</td><td>{d['utilisation']:.0%}"
        f"</td><td>{d['shadow_price_per_kg']:.4f}</td><td>{d['shadow_price_per_m3']:.2f}</td></tr>"
        for d in sorted(summary["departures"], key=lambda d: -d["shadow_price_per_kg"])
        if d["binding"]
    )
    images = "".join(
        f'<h2>{html.escape(name.replace("_", " "))}</h2><img src="data:image/png;base64,'
        f'{base64.b64encode(png).decode()}" alt="{name}">'
        for name, png in pictures.items()
    )
    page = f"""<!doctype html><html><head><meta charset="utf-8"><title>glocal plan</title>
<style>body{{font-family:sans-serif;max-width:1000px;margin:2em auto}}img{{max-width:100%}}
td,th{{padding:2px 8px;text-align:right}}</style></head><body>
<h1>Batch plan</h1>
<p>{summary["orders"]["input"]} orders: {summary["orders"]["planned"]} planned,
{summary["orders"]["unplanned"]} unplanned, {summary["orders"]["invalid"]} invalid.
Cost {opt["cost"]:,.2f} {cur}, {_on_time(opt)} (greedy {grd["cost"]:,.2f} {cur},
{_on_time(grd)}); objective with unplanned
penalties {opt["objective"]:,.2f} against greedy {grd["objective"]:,.2f}. No plan of these
orders costs less than {_amount(summary["bound"])} (gap {_share(summary["gap_to_bound"])});
the LP relaxation of the model gives {_amount(summary["lp_bound"])} (gap
{_share(summary["gap_to_lp_bound"])}).</p>
<h2>what more capacity would save</h2>
{_prices(summary)}
{images}
<h2>binding departures</h2>
<table><tr><th>service</th><th>departure</th><th>utilisation</th>
<th>{cur} saved per extra kg</th><th>per extra m3</th></tr>{rows}</table>
</body></html>"""
    Path(path).write_text(page, encoding="utf-8")


def _prices(summary: dict[str, Any]) -> str:
    """The top shadow prices in words, or that no capacity binds."""
    top = summary["top_shadow_prices"]
    if not top:
        return f"<p>{NO_PRICE}: one more kg or m3 on any departure would save nothing.</p>"
    items = "".join(f"<li>{html.escape(t['sentence'])}</li>" for t in top)
    return f'<ul class="shadow-prices">{items}</ul>'


def _amount(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.2f}"


def _share(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2%}"


def _on_time(totals: dict[str, Any]) -> str:
    """The share of a plan's orders with a deadline that arrive by it (at P90)."""
    share = totals["on_time_share"]
    return "no order with a deadline" if share is None else f"{share:.1%} of dated orders on time"


def _png(fig: Any) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=80, bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()


def _utilisation(summary: dict[str, Any]) -> Any:
    deps = [d for d in summary["departures"] if d["capacity_kg"] or d["capacity_m3"]]
    deps.sort(key=lambda d: (d["mode"], d["service"], d["date"]))
    fig, ax = plt.subplots(figsize=(12, 4))
    x = np.arange(len(deps))
    colors = {"air": "#1f77b4", "sea": "#2ca02c", "rail": "#d62728", "road": "#9467bd"}
    ax.bar(
        x,
        [100 * d["utilisation"] for d in deps],
        color=[colors.get(d["mode"], "#777") for d in deps],
        label="share of the booked capacity used (colour: mode)",
    )
    filled = [(i, 100 * d["units_filled"]) for i, d in enumerate(deps) if d["units"]]
    ax.scatter(
        [i for i, _ in filled],
        [v for _, v in filled],
        marker="_",
        s=60,
        color="black",
        label="share of the consolidation units bought that is filled",
    )
    ax.set_ylim(0, 105)
    ax.set_ylabel("% (kg or m3, the fuller)")
    ax.set_xlabel("capacitated departures, by mode and service")
    ax.set_xticks([])
    ax.legend(loc="upper left")
    return fig


def _by_market(result: PlanResult) -> Any:
    net = result.network.compiled
    e = result.plan_eval
    cost: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    planned = np.flatnonzero(result.plan.arc >= 0)
    routes = result.arcs.route[result.plan.arc[planned]]
    mode_of = {}
    for r in np.unique(routes).tolist():
        modes = [s.mode.value for s in result.routes.services(net, r)]
        mode_of[r] = next((m for m in modes if m in _LINEHAUL), "road")
    scale = 10**2
    for o, r in zip(planned.tolist(), routes.tolist(), strict=True):
        cost[str(result.orders.dest_country[o])][mode_of[r]] += (
            e.shipping[o] + e.duties[o]
        ) / scale
    markets = sorted(cost, key=lambda m: -sum(cost[m].values()))
    fig, ax = plt.subplots(figsize=(10, 4))
    bottom = np.zeros(len(markets))
    for mode in (*_LINEHAUL, "road"):
        values = np.array([cost[m].get(mode, 0.0) for m in markets])
        ax.bar(markets, values, bottom=bottom, label=mode)
        bottom += values
    ax.set_ylabel(f"shipping + duties ({result.params.currency})")
    ax.legend(title="line-haul")
    return fig


def _versus(summary: dict[str, Any]) -> Any:
    parts = (
        "freight",
        "consolidation_units",
        "duties_and_taxes",
        "late_penalty",
        "unplanned_penalty",
    )
    fig, ax = plt.subplots(figsize=(8, 4))
    x = np.arange(len(parts))
    ax.bar(x - 0.2, [summary["optimized"][p] for p in parts], 0.4, label="optimized")
    ax.bar(x + 0.2, [summary["greedy"][p] for p in parts], 0.4, label="greedy")
    ax.set_xticks(x, [p.replace("_", "\n") for p in parts])
    ax.set_ylabel(summary["currency"])
    ax.legend()
    return fig
