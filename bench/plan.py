"""Batch planner on 10,000 and 100,000 sample orders (default world, seed 1).

Prints, per size: wall time (validating the table and planning it; making the sample is
not timed), peak memory (RSS high-water marks of this process and of the largest block
worker), commodities, the optimised and greedy plans' objective (cost + EUR 500 per
unplanned order), the LP bound of the model, the bound that no plan of these orders can
beat (routing/plan/bound.py) and the plan's gaps to both. A gap is (plan - bound) /
(plan - the penalty of the orders that no route can carry): those are in every plan and
in the bound, and counting them would flatter the gap. Targets of issue 7: 100,000
orders in <= 60 s and <= 4 GiB with a gap <= 1 %.

Usage: .venv/bin/python bench/plan.py [--sizes 10000 100000] [--workers 2] [--time-limit 60]
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

sys.path.append(str(Path(__file__).resolve().parent.parent))  # after PYTHONPATH (a release build)

from routing.network import load_network
from routing.plan import PlanParams, plan_orders, sample_orders, summary, validate_orders
from routing.plan.blocks import worker_pool

HEADER = (
    f"{'orders':>8} {'wall s':>7} {'peak GiB':>13} {'commod.':>7} {'optimized':>11} "
    f"{'greedy':>11} {'LP bound':>11} {'bound':>11} {'gap':>6} {'gap LP':>6} {'unplanned':>9}"
)


def run(n: int, workers: int, time_limit: float) -> dict:
    network = load_network()
    frame = sample_orders(n, seed=1)
    started = time.perf_counter()
    table, _ = validate_orders(frame, network)
    params = PlanParams(time_limit_s=time_limit, workers=workers)
    # spawned workers are this process's children, so their peak memory can be read
    with worker_pool(workers, "spawn") as pool:
        result = plan_orders(table, network, params, map_fn=pool)
    figures = summary(result)
    return {"wall": time.perf_counter() - started, "figures": figures}


def _peak_gib() -> str:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20  # kB -> GiB
    worker = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 2**20
    return f"{own:.2f} + {worker:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--workers", type=int, default=2, help="block solver processes")
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--data", default=None, help="unused: this bench makes its own orders")
    args = parser.parse_args()
    print(HEADER)
    for n in args.sizes:
        r = run(n, args.workers, args.time_limit)
        f = r["figures"]
        print(
            f"{n:>8} {r['wall']:>7.1f} {_peak_gib():>13} {f['orders']['commodities']:>7} "
            f"{f['optimized']['objective']:>11,.0f} {f['greedy']['objective']:>11,.0f} "
            f"{f['lp_bound']:>11,.0f} {f['bound']:>11,.0f} {f['gap_to_bound']:>6.2%} "
            f"{f['gap_to_lp_bound']:>6.2%} {f['orders']['unplanned']:>9}",
            flush=True,
        )
        print(
            f"{'':>9}stages (s): {f['stage_seconds']}; blocks {f['solver']['status']}; "
            f"unplanned {f['orders']['unplanned_by_reason']}"
        )
    print(
        "targets (100,000 orders): <= 60 s, <= 4 GiB, gap <= 1 %. Peak GiB: this process + "
        f"the largest of the {args.workers} block workers (each a separate process)."
    )


if __name__ == "__main__":
    main()
