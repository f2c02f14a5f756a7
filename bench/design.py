"""Lane booking design on the default world: a season of `glocal sample-forecast` (13
weeks from its default start, which holds 11.11; seed 1), designed and then replayed over
20 demand scenarios (routing/design/scenarios.py).

Prints the wall time of building and solving the design and its peak memory against
issue 17's targets (<= 5 minutes, <= 4 GiB on this 2-core machine), the cost by part,
the bound and gap, booked capacity against spot, the on-time share, and the robustness
table: per scenario the cost, spot kg and on-time share, then the expected and worst
cost. Making the forecast is not timed; the scenarios are timed apart.

Usage: .venv/bin/python bench/design.py [--weeks 13] [--scenarios 20] [--time-limit 240]
       [--json]
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

sys.path.append(str(Path(__file__).resolve().parent.parent))  # after PYTHONPATH (a release build)

from routing.design.run import SEASON_METHOD, design_season, evaluate_booking
from routing.design.sample import sample_forecast
from routing.design.solve import METHODS
from routing.network import load_network

TARGET_S = 300.0
TARGET_GIB = 4.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--weeks", type=int, default=13)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--scenarios", type=int, default=20)
    parser.add_argument("--time-limit", type=float, default=240.0)
    parser.add_argument("--method", default=SEASON_METHOD, choices=METHODS)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    network = load_network()
    forecast = sample_forecast(network, weeks=args.weeks, seed=args.seed)
    started = time.perf_counter()
    season = design_season(forecast, network, args.time_limit, method=args.method)
    wall = time.perf_counter() - started
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    if not args.json:
        print_design(season.summary, wall, rss)
    started = time.perf_counter()
    units = season.solution.units
    table = evaluate_booking(season.design, units, forecast, args.scenarios, args.time_limit)
    replay = time.perf_counter() - started
    if args.json:
        figures = {"wall_s": wall, "rss_gib": rss, "replay_s": replay}
        print(json.dumps({**figures, "summary": season.summary, "robustness": table}, indent=1))
        return
    print_robustness(table, season.summary["cost"]["total"], replay)


def print_design(s: dict, wall: float, rss: float) -> None:
    f = s["forecast"]
    print(
        f"forecast: {f['weeks']} weeks from {f['first_week']}, {f['rows']:,} rows, "
        f"{f['parcels']:,} parcels, {f['kg']:,.0f} kg, {f['m3']:,.1f} m3"
    )
    p = s["problem"]
    print(
        f"problem: {p['commodities']:,} commodities, {p['columns']:,} columns, "
        f"{p['capacity_rows']:,} capacity rows ({p['booking_rows']:,} booking decisions, "
        f"{p['commitments']:,} commitments)"
    )
    print(f"wall time {wall:7.1f} s   (target <= {TARGET_S:.0f} s)")
    print(f"peak RSS  {rss:7.2f} GiB (target <= {TARGET_GIB:.0f} GiB)")
    c = s["cost"]
    parts = ", ".join(f"{k} {v:,.2f}" for k, v in c.items() if k != "total")
    print(f"cost {c['total']:,.2f} {s['currency']}: {parts}")
    print(f"bound {s['bound']:,.2f}, gap {s['gap']:.3%} ({s['status']}, method {s['method']})")
    b = s["booked"]
    print(
        f"booked {b['units']:,} units = {b['kg']:,.0f} kg, used {b['used_kg']:,.0f} kg; units "
        f"{(b['fill'] or 0):.1%} full on the dimension that binds; spot {b['spot_kg']:,.0f} "
        f"kg = {b['spot_share']:.1%} of line-haul kg"
    )
    print(
        f"on time {s['on_time_share']:.1%}; unserved parcels {s['unserved_parcels']:,.0f}, "
        f"{s['no_route_parcels']:,.0f} of them with no route in the network"
    )
    for line in s["shadow_prices"]:
        print(f"  {line['sentence']}")
    sys.stdout.flush()


def print_robustness(table: dict, forecast_cost: float, replay: float) -> None:
    rows = table["scenarios"]
    print(f"\nrobustness over {len(rows)} scenarios ({replay:.1f} s):")
    print(f"{'scenario':60s} {'cost':>16s} {'spot kg':>12s} {'on time':>8s}")
    for r in rows:
        print(
            f"{r['scenario'][:60]:60s} {r['cost']:16,.2f} {r['spot_kg']:12,.0f} "
            f"{r['on_time_share']:8.1%}"
        )
    worst = max(r["cost"] for r in rows)
    print(
        f"expected cost {table['expected_cost']:,.2f}, worst {table['worst_cost']:,.2f} "
        f"(+{worst / forecast_cost - 1:.1%} on the forecast's), mean on time "
        f"{table['on_time_share']:.1%}"
    )


if __name__ == "__main__":
    main()
