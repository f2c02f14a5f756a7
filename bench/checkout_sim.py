"""Capacity-aware checkout, simulated (issue 19): the default world's peak week of
`glocal sample-orders`, its buyers quoted over the capacity left, choosing by the logit
of routing/checkout/choice.py, under three policies side by side over K seeds:

- fcfs: departures sold first come, first served;
- bid-price: bid prices from the DLP over the forecast, re-solved every N arrivals, the
  quotes under GLOCAL_CAPACITY_PRICING `--pricing` (default hide);
- hindsight: the offline LP over the same quotes with the week known (a bound).

Prints per policy the mean and spread (min-max over the seeds) of the week's logistics
cost, on-time share, spot share and unplanned orders, then the share of the fcfs ->
hindsight cost gap that bid-price control closes (target >= 50 %, without lowering the
on-time share), and the simulation's own speed: fcfs and bid-price over
`--speed-arrivals` buyers (default 100,000; target <= 2 minutes; 0 skips it).

Usage: .venv/bin/python bench/checkout_sim.py [--seeds 5] [--arrivals 5000] [--json]
       [--pricing hide] [--resolve-every N] [--speed-arrivals 100000]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

sys.path.append(str(Path(__file__).resolve().parent.parent))  # after PYTHONPATH (a release build)

from routing.checkout.outcome import Result
from routing.checkout.simulate import POLICIES, Settings, simulate
from routing.network import load_network
from routing.quote.capacity import PRICING

TARGET_CLOSED = 0.5
TARGET_SPEED_S = 120.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--arrivals", type=int, default=5000)
    parser.add_argument("--pricing", default="hide", choices=PRICING)
    parser.add_argument(
        "--resolve-every", type=int, default=None, help="default: 1/20 of --arrivals"
    )
    parser.add_argument("--speed-arrivals", type=int, default=100_000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    network = load_network()
    runs: dict[str, list[Result]] = {p: [] for p in POLICIES}
    for seed in range(1, args.seeds + 1):
        settings = Settings("peak", seed, args.arrivals, args.pricing, args.resolve_every)
        for policy in POLICIES:
            runs[policy].append(simulate(network, settings, policy))
            if not args.json:
                print(f"  seed {seed} {policy}: {describe(runs[policy][-1])}", flush=True)
    closed = [gap_closed(*seed) for seed in zip(*(runs[p] for p in POLICIES), strict=True)]
    speed = []
    if args.speed_arrivals:
        settings = Settings("peak", 1, args.speed_arrivals, args.pricing)
        speed = [simulate(network, settings, policy) for policy in ("fcfs", "bid-price")]
    if args.json:
        print(json.dumps(as_json(runs, closed, speed), indent=1))
        return
    print_table(runs, closed, args)
    for run in speed:
        verdict = "meets" if run.seconds <= TARGET_SPEED_S else "misses"
        print(
            f"speed: {run.policy} over {run.arrivals:,} buyers in {run.seconds:.1f} s "
            f"({run.resolves} re-solves; target <= {TARGET_SPEED_S:.0f} s: {verdict})"
        )


def gap_closed(fcfs: Result, bid: Result, hindsight: Result) -> float:
    """The share of the fcfs -> hindsight cost gap that bid-price closes."""
    gap = fcfs.cost - hindsight.cost
    return (fcfs.cost - bid.cost) / gap if gap > 0 else float("nan")


def describe(r: Result) -> str:
    return (
        f"EUR {r.cost:,.0f}, on time {r.on_time_share:.1%}, spot {r.spot_share:.1%}, "
        f"unplanned {r.unplanned}, {r.options_per_quote:.2f} options a quote, {r.seconds:.1f} s"
    )


def spread(values: list[float], fmt: str) -> str:
    mean = statistics.fmean(values)
    return f"{mean:{fmt}} ({min(values):{fmt}}-{max(values):{fmt}})"


def print_table(
    runs: dict[str, list[Result]], closed: list[float], args: argparse.Namespace
) -> None:
    every = Settings(arrivals=args.arrivals, resolve_every=args.resolve_every).every
    print(
        f"\npeak week, {args.arrivals:,} buyers a seed, {args.seeds} seeds; bid-price: "
        f"{args.pricing}, re-solved every {every} arrivals; mean (min-max)"
    )
    head = ("policy", "cost EUR", "on time", "spot", "unplanned", "options/quote", "s/run")
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for policy, found in runs.items():
        cells = (
            policy,
            spread([r.cost for r in found], ",.0f"),
            spread([r.on_time_share for r in found], ".1%"),
            spread([r.spot_share for r in found], ".1%"),
            spread([float(r.unplanned) for r in found], ".0f"),
            f"{statistics.fmean(r.options_per_quote for r in found):.2f}",
            f"{statistics.fmean(r.seconds for r in found):.1f}",
        )
        print("| " + " | ".join(cells) + " |")
    on_time = [
        b.on_time_share - f.on_time_share
        for f, b in zip(runs["fcfs"], runs["bid-price"], strict=True)
    ]
    verdict = "meets" if min(closed) >= TARGET_CLOSED and min(on_time) >= 0 else "misses"
    print(
        f"\nbid-price closes {spread(closed, '.1%')} of the fcfs -> hindsight cost gap "
        f"(target >= {TARGET_CLOSED:.0%} in every seed), on-time share "
        f"{spread(on_time, '+.1%')} against fcfs (target >= 0): {verdict}"
    )


def as_json(runs: dict[str, list[Result]], closed: list[float], speed: list[Result]) -> dict:
    out: dict = {
        policy: {
            "cost": statistics.fmean(r.cost for r in found),
            "on_time_share": statistics.fmean(r.on_time_share for r in found),
            "spot_share": statistics.fmean(r.spot_share for r in found),
            "seeds": [r.as_json() for r in found],
        }
        for policy, found in runs.items()
    }
    out["gap_closed"] = {"mean": statistics.fmean(closed), "per_seed": closed}
    out["speed"] = [
        {"policy": r.policy, "arrivals": r.arrivals, "seconds": round(r.seconds, 1)} for r in speed
    ]
    return out


if __name__ == "__main__":
    main()
