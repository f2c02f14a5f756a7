"""report.html of a design, one self-contained file: a lane map with each booked service
drawn from its origin to its destination node, as wide as the units it books over the
season; booked capacity against use and spot, week by week; the cost by part, and the
robustness table when there is one.
"""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from routing.network import Network

_COLOUR = {"air": "#d62728", "sea": "#1f77b4", "rail": "#2ca02c", "road": "#8c564b"}


def write_report(network: Network, summary: dict[str, Any], path: str | Path) -> None:
    pictures = {"lanes": _png(lane_map(network, summary)), "weeks": _png(_weeks(summary))}
    img = {k: base64.b64encode(v).decode() for k, v in pictures.items()}
    cost = summary["cost"]
    parts = "".join(f"<tr><td>{html.escape(k)}</td><td>{v:,.2f}</td></tr>" for k, v in cost.items())
    body = f"""<!doctype html><html><head><meta charset="utf-8"><title>glocal design</title>
<style>body{{font-family:sans-serif;margin:2em;max-width:70em}}
td,th{{padding:2px 8px;text-align:right}} td:first-child,th:first-child{{text-align:left}}
</style></head><body>
<h1>Lane booking design</h1>
<p>{html.escape(_headline(summary))}</p>
<h2>Booked lanes (line width: units booked over the season)</h2>
<img alt="lane map" src="data:image/png;base64,{img["lanes"]}">
<h2>Booked capacity, use and spot by week</h2>
<img alt="utilisation by week" src="data:image/png;base64,{img["weeks"]}">
<h2>Cost ({html.escape(summary["currency"])})</h2><table>{parts}</table>
{_robustness(summary)}
</body></html>"""
    Path(path).write_text(body, encoding="utf-8")


def _headline(s: dict[str, Any]) -> str:
    b = s["booked"]
    return (
        f"{s['cost']['total']:,.2f} {s['currency']} (bound {s['bound']:,.2f}, gap "
        f"{s['gap']:.2%}); {b['units']} units booked for {b['kg']:,.0f} kg, "
        f"{b['fill'] or 0:.0%} filled; {b['spot_kg']:,.0f} kg at spot; "
        f"{s['on_time_share']:.1%} of parcels on time."
    )


def lane_map(network: Network, summary: dict[str, Any]) -> Any:
    fig, ax = plt.subplots(figsize=(11, 6))
    most = max((e["units"] for e in summary["by_service"]), default=1) or 1
    for e in summary["by_service"]:
        a, b = network.nodes[e["from"]], network.nodes[e["to"]]
        width = 0.5 + 6 * e["units"] / most
        colour = _COLOUR.get(e["mode"], "#7f7f7f")
        alpha = 0.8 if e["units"] else 0.15
        ax.plot([a.lon, b.lon], [a.lat, b.lat], color=colour, lw=width, alpha=alpha)
    for node in network.nodes.values():
        ax.plot(node.lon, node.lat, "k.", ms=3)
    for mode, colour in _COLOUR.items():
        ax.plot([], [], color=colour, lw=3, label=mode)
    ax.legend(loc="lower left")
    ax.set_xlabel("longitude")
    ax.set_ylabel("latitude")
    ax.set_title("Units booked per line-haul service")
    return fig


def _weeks(summary: dict[str, Any]) -> Any:
    weeks = summary["by_week"]
    fig, ax = plt.subplots(figsize=(11, 4))
    x = range(len(weeks))
    ax.bar(x, [w["booked_kg"] / 1000 for w in weeks], color="#cccccc", label="booked")
    ax.bar(x, [w["used_kg"] / 1000 for w in weeks], width=0.5, color="#1f77b4", label="used")
    ax.bar(
        x,
        [w["spot_kg"] / 1000 for w in weeks],
        width=0.5,
        bottom=[w["used_kg"] / 1000 for w in weeks],
        color="#d62728",
        label="spot",
    )
    ax.set_xticks(list(x), [w["week"][5:] for w in weeks], rotation=45)
    ax.set_ylabel("tonnes")
    ax.legend()
    fig.tight_layout()
    return fig


def _robustness(summary: dict[str, Any]) -> str:
    table = summary.get("robustness")
    if not table:
        return ""
    rows = "".join(
        f"<tr><td>{html.escape(r['scenario'])}</td><td>{r['cost']:,.2f}</td>"
        f"<td>{r['spot_kg']:,.0f}</td><td>{r['on_time_share']:.1%}</td></tr>"
        for r in table["scenarios"]
    )
    return (
        "<h2>Robustness</h2><table><tr><th>scenario</th><th>cost</th><th>spot kg</th>"
        f"<th>on time</th></tr>{rows}</table>"
    )


def _png(fig: Any) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90)
    plt.close(fig)
    return buffer.getvalue()
