"""The evaluation report of the learned promise: one self-contained HTML page (inline SVG,
no script, nothing fetched), for a user to read on their own history.

    html = report_html(evaluation, title)

It shows coverage per level with a reliability diagram, coverage over time (a rolling
window of 28 days of orders, stepped by a week), the width of the promise, the shipper's
schedule beside it where the history has one, and the segments that miss most.
"""

from __future__ import annotations

from html import escape

import numpy as np

from routing.promise.online import OnlineEvaluation

W, H, PAD = 420, 300, 40


def report_html(e: OnlineEvaluation, title: str) -> str:
    mean, median = e.widths()
    own = e.schedule()
    rows = "".join(
        f"<tr><td>P{round(q * 100)}</td><td>{q:.0%}</td><td>{e.coverage(q):.1%}</td>"
        f"<td>{e.lead_days(q):.1f}</td></tr>"
        for q in e.levels
    )
    if own is not None:
        rows += (
            f"<tr><td>shipper's schedule</td><td></td><td>{own[0]:.1%}</td>"
            f"<td>{own[1]:.1f}</td></tr>"
        )
    at = e.at_schedule_lead()
    beside = (
        ""
        if own is None or at is None
        else f"<p>At the schedule's mean lead ({own[1]:.1f} days) the learned promise covers "
        f"{at:.1%}; the schedule {own[0]:.1%}.</p>"
    )
    worst = "".join(
        f"<tr><td>{escape(key)}</td><td>{n}</td><td>{share:.1%}</td></tr>"
        for key, n, share in e.worst_segments(0.95)
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>
<style>body{{font-family:sans-serif;max-width:60em;margin:2em auto;color:#222}}
table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:.2em .6em;text-align:right}}
td:first-child{{text-align:left}}svg{{background:#fafafa;border:1px solid #ddd}}</style></head>
<body><h1>{escape(title)}</h1>
<p>{e.split} split: fitted on {e.n_train} shipments, {e.n_test} promised in shipping order,
each delivery feeding the conformal layer from the next day.</p>
<h2>Coverage per level</h2>
<table><tr><th>promise</th><th>target</th><th>delivered by it</th>
<th>mean days after shipping</th></tr>
{rows}</table>
<p>Width P95 - P50: mean {mean:.1f} days, median {median:.1f} days.</p>{beside}
<h2>Reliability diagram</h2>{reliability_svg(e)}
<h2>Coverage over time (28 days of orders, P90 and P95)</h2>{rolling_svg(e)}
<h2>Segments that miss most at P95 (20 or more shipments)</h2>
<table><tr><th>segment</th><th>shipments</th><th>P95 coverage</th></tr>{worst}</table>
</body></html>
"""


def _x(v: float, lo: float, hi: float) -> float:
    return PAD + (v - lo) / (hi - lo or 1) * (W - 2 * PAD)


def _y(v: float, lo: float, hi: float) -> float:
    return H - PAD - (v - lo) / (hi - lo or 1) * (H - 2 * PAD)


def reliability_svg(e: OnlineEvaluation) -> str:
    """Promised level against the share delivered by it; the diagonal is perfect."""
    points = " ".join(f"{_x(q, 0, 1):.1f},{_y(e.coverage(q), 0, 1):.1f}" for q in e.levels)
    dots = "".join(
        f'<circle cx="{_x(q, 0, 1):.1f}" cy="{_y(e.coverage(q), 0, 1):.1f}" r="3"/>'
        for q in e.levels
    )
    return (
        f'<svg width="{W}" height="{H}" role="img" aria-label="reliability diagram">'
        f'<line x1="{_x(0, 0, 1)}" y1="{_y(0, 0, 1)}" x2="{_x(1, 0, 1)}" y2="{_y(1, 0, 1)}" '
        'stroke="#999" stroke-dasharray="4"/>'
        f'<polyline points="{points}" fill="none" stroke="#1f77b4" stroke-width="2"/>{dots}'
        f'<text x="{W / 2}" y="{H - 8}" text-anchor="middle">promised level</text>'
        f'<text x="12" y="{H / 2}" transform="rotate(-90 12 {H / 2})" text-anchor="middle">'
        "share delivered by it</text></svg>"
    )


def rolling_svg(e: OnlineEvaluation) -> str:
    """Rolling coverage at P90 and P95 with their targets as dashed lines."""
    lines = []
    for q, colour in ((0.9, "#ff7f0e"), (0.95, "#1f77b4")):
        if q not in e.levels:
            continue
        ends, share = e.rolling(q)
        if not len(ends):
            continue
        lo, hi = float(ends.min()), float(ends.max())
        known = ~np.isnan(share)
        points = " ".join(
            f"{_x(d, lo, hi):.1f},{_y(s, 0.5, 1):.1f}"
            for d, s in zip(ends[known], share[known], strict=True)
        )
        lines.append(f'<polyline points="{points}" fill="none" stroke="{colour}"/>')
        lines.append(
            f'<line x1="{PAD}" x2="{W - PAD}" y1="{_y(q, 0.5, 1):.1f}" y2="{_y(q, 0.5, 1):.1f}" '
            f'stroke="{colour}" stroke-dasharray="4"/>'
        )
    return (
        f'<svg width="{W}" height="{H}" role="img" aria-label="coverage over time">'
        + "".join(lines)
        + f'<text x="{W / 2}" y="{H - 8}" text-anchor="middle">orders, oldest to newest</text>'
        "</svg>"
    )
