"""Renault inbound (issue 18): the instance's own cost of the as-operated routes and of a
first greedy, next to the four published figures.

    python bench/renault.py [--data DIR] [--seconds S] [--json]

The cost is the authors' objective (routing/design/renault/evaluate.py). The as-operated
routes file of the published snapshot names every point only of direct routes; the other
bundles' routes leave their middle points out, so `as_operated_cost` is the cost of the
complete routes with the greedy's paths for the rest, and the counts say how many of each.
No lower bound yet: `bound` is null.
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from pathlib import Path

from routing.design.renault import evaluate, greedy, operated_routes, read_instance, read_routes

PUBLISHED = {
    "greedy (TPO)": 3_305_939,
    "greedy (STP)": 3_252_866,
    "local search (TPO)": 3_298_797,
    "local search (STP)": 3_210_043,
}
DEFAULT = Path(__file__).resolve().parents[1] / ".." / "shared" / "bench" / "renault-inbound-small"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT)
    parser.add_argument("--seconds", type=float, default=120.0, help="re-insertion budget")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    started = time.monotonic()
    instance = read_instance(args.data)
    read_s = time.monotonic() - started
    paths, found = greedy(instance, rounds=20, seconds=args.seconds)
    solve_s = time.monotonic() - started - read_s
    first, _ = greedy(instance, rounds=0)
    first_cost = evaluate(instance, first).cost
    routes = operated_routes(instance, read_routes(args.data))
    operated = evaluate(instance, {**paths, **routes.complete})
    figures = {
        "cost": round(found.cost, 2),
        "bound": None,
        "feasible": found.feasible,
        "seconds": round(time.monotonic() - started, 1),
        "as_operated_cost": round(operated.cost, 2),
        "as_operated_feasible": operated.feasible,
        "as_operated_complete_routes": len(routes.complete),
        "as_operated_incomplete_routes": len(routes.incomplete),
        "greedy_cost": round(first_cost, 2),
        "import_seconds": round(read_s, 2),
        "solve_seconds": round(solve_s, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "vehicle_fill": round(found.fill(instance), 4),
        "vehicles": sum(len(v) for v in found.vehicles.values()),
        "parts": {k: round(v, 2) for k, v in found.parts.items()},
        "published": PUBLISHED,
    }
    if args.json:
        print(json.dumps(figures))
        return
    _print(figures)


def _print(f: dict) -> None:
    print(
        f"import {f['import_seconds']} s, solve {f['solve_seconds']} s, peak {f['peak_rss_mb']} MB"
    )
    rows = [
        ("ours: greedy + re-insertion", f["cost"], f"feasible={f['feasible']}"),
        ("ours: greedy alone", f["greedy_cost"], ""),
        *((name, value, "published") for name, value in PUBLISHED.items()),
        (
            "as operated (complete routes + ours)",
            f["as_operated_cost"],
            f"{f['as_operated_complete_routes']} complete, "
            f"{f['as_operated_incomplete_routes']} with points left out",
        ),
    ]
    for name, value, note in rows:
        print(f"{name:40s} {value:>14,.0f}  {note}")
    print(f"lower bound: {f['bound']}; vehicles {f['vehicles']}, fill {f['vehicle_fill']:.1%}")
    print("parts:", ", ".join(f"{k} {v:,.0f}" for k, v in f["parts"].items()))


if __name__ == "__main__":
    main()
