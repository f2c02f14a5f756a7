"""The batch planner at scale: one process against a Dask LocalCluster (issue 8).

Runs, each in a fresh process: 100,000 sample orders in one process and with
`--workers 2`, then 1,000,000 orders with `--workers 2` (the default world, seed 1,
orders written once as CSV under --data, default /tmp/glocal-bench). Each run reads the
orders (partitioned on the workers when there are some), plans, and writes the plan
(part by part), as `glocal plan [--workers N]` does. Printed per run: wall time, peak
memory (RSS high-water mark) of the client and of each worker, gap, stage times; and
what the time would be on N machines, from what was measured: the client's own work
(everything outside the planner's block maps) stays as it was, each block map (the LP
blocks of every refine round, then the solve) becomes the best schedule of its measured
block times over N workers plus the dispatch overhead measured for it.

Targets: 1,000,000 orders in <= 10 minutes within 8 GiB in all, gap <= 1 %.
Usage: .venv/bin/python bench/plan_scale.py [--runs 100000:1 100000:2 1000000:2]
[--time-limit 60] [--data DIR]
"""

from __future__ import annotations

import argparse
import heapq
import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

sys.path.append(str(Path(__file__).resolve().parent.parent))  # after PYTHONPATH (a release build)

GIB = 2**20  # ru_maxrss is in KiB


def orders_file(data: Path, n: int) -> Path:
    from routing.plan import sample_orders

    path = data / f"orders-{n}.csv"
    if not path.exists():
        data.mkdir(parents=True, exist_ok=True)
        sample_orders(n, seed=1).to_csv(path.with_suffix(".tmp"), index=False)
        path.with_suffix(".tmp").rename(path)
    return path


def peak_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / GIB


def one_run(path: Path, workers: int, time_limit: float, out: Path) -> dict[str, Any]:
    """Plan one orders file as `glocal plan` does; the figures as a dict."""
    from routing.network import load_network
    from routing.plan import PlanParams, plan_orders, plan_table, summary
    from routing.plan.cluster import dask_client, dask_map, read_orders, write_plan

    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    with dask_client(workers=workers or None) as client:
        ready = time.perf_counter()
        network = load_network()
        table, invalid = read_orders(path, network, client)
        read = time.perf_counter()
        maps = TimedMaps(dask_map(client) if client is not None else map)
        result = plan_orders(table, network, PlanParams(time_limit_s=time_limit), invalid=invalid,
                             map_fn=maps)  # fmt: skip
        planned = time.perf_counter()
        figures = summary(result)
        write_plan(plan_table(result), out)
        wall = time.perf_counter() - started
        worker_peaks = []
        if client is not None:
            worker_peaks = sorted(client.run(peak_gib).values())
    return {
        "orders": len(table), "workers": workers, "wall_s": wall,
        "cluster_start_s": ready - started, "read_s": read - ready, "plan_s": planned - read,
        "write_s": wall - (planned - started), "client_peak_gib": peak_gib(),
        "worker_peak_gib": worker_peaks, "gap": figures["gap_to_bound"],
        "gap_lp": figures["gap_to_lp_bound"],
        "objective": figures["optimized"]["objective"], "stages": result.seconds,
        "maps": maps.calls,
        "load": [load_before, os.getloadavg()[0]],
    }  # fmt: skip


class TimedMaps:
    """The planner's `map_fn`, timed: per call, its wall seconds and the seconds each block
    took where it was solved (`BlockResult.seconds`)."""

    def __init__(self, inner: Callable[..., Iterator[Any]]) -> None:
        self.inner = inner
        self.calls: list[dict[str, Any]] = []

    def __call__(self, function: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Any]:
        started = time.perf_counter()
        results = list(self.inner(function, items))
        self.calls.append({"function": function.__name__,
                           "wall_s": time.perf_counter() - started,
                           "block_seconds": [r.seconds for r in results]})  # fmt: skip
        return iter(results)


def makespan(seconds: list[float], machines: int) -> float:
    """Longest-processing-time-first schedule of the blocks over `machines` workers."""
    loads = [0.0] * machines
    heapq.heapify(loads)
    for s in sorted(seconds, reverse=True):
        heapq.heappush(loads, heapq.heappop(loads) + s)
    return max(loads)


def projection(run: dict[str, Any], machines: tuple[int, ...] = (1, 2, 4, 8, 16)) -> str:
    """Time on N machines (one worker each, as fast as this one): the client's own work as
    measured, and each block map as the best schedule of its measured block times over N
    workers plus its measured dispatch overhead (its wall time less the best schedule over
    the workers it ran on). Reading stays as measured though it is partitioned too, and
    the cluster's start is left out: a running cluster is already there."""
    maps = run["maps"]
    ran_on = max(run["workers"], 1)
    overhead = sum(max(m["wall_s"] - makespan(m["block_seconds"], ran_on), 0.0) for m in maps)
    client = run["wall_s"] - run["cluster_start_s"] - sum(m["wall_s"] for m in maps)
    estimates = [
        client + overhead + sum(makespan(m["block_seconds"], n) for m in maps) for n in machines
    ]
    blocks = [s for m in maps for s in m["block_seconds"]]
    times = ", ".join(f"N={n}: {e:.0f} s" for n, e in zip(machines, estimates, strict=True))
    return (f"    on N machines (client {client:.0f} s + dispatch {overhead:.0f} s + {len(maps)} "
            f"block maps, {len(blocks)} blocks, {sum(blocks):.0f} s of blocks, largest "
            f"{max(blocks, default=0):.1f} s): {times}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", nargs="+", default=["100000:0", "100000:2", "1000000:2"],
                        help="ORDERS:WORKERS (0 workers: one process)")  # fmt: skip
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--data", type=Path, default=Path("/tmp/glocal-bench"))
    parser.add_argument("--one", nargs=2, metavar=("ORDERS", "WORKERS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        n, workers = int(args.one[0]), int(args.one[1])
        path = orders_file(args.data, n)
        out = args.data / f"plan-{n}-{workers}.csv"
        print(json.dumps(one_run(path, workers, args.time_limit, out)))
        return
    print("$ " + " ".join([Path(sys.executable).name, *sys.argv]), f"({os.cpu_count()} cores)")
    print(f"{'orders':>9} {'workers':>7} {'wall s':>7} {'read s':>6} {'plan s':>7} "
          f"{'client GiB':>10} {'workers GiB':>16} {'total GiB':>9} "
          f"{'gap':>7} {'gap LP':>7}")  # fmt: skip
    for spec in args.runs:
        n, workers = (int(x) for x in spec.split(":"))
        orders_file(args.data, n)  # made outside the timed run
        command = [sys.executable, __file__, "--one", str(n), str(workers),
                   "--time-limit", str(args.time_limit), "--data", str(args.data)]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            print(f"{n:>9} {workers:>7} failed:\n{done.stderr[-3000:]}")
            continue
        r = json.loads(done.stdout.strip().splitlines()[-1])
        wp = r["worker_peak_gib"]
        total = r["client_peak_gib"] + sum(wp)
        print(f"{n:>9} {workers:>7} {r['wall_s']:>7.1f} {r['read_s']:>6.1f} {r['plan_s']:>7.1f} "
              f"{r['client_peak_gib']:>10.2f} {' + '.join(f'{w:.2f}' for w in wp) or '-':>16} "
              f"{total:>9.2f} {r['gap']:>7.2%} {r['gap_lp']:>7.2%}", flush=True)  # fmt: skip
        print(f"    stages: { ({k: round(v, 1) for k, v in r['stages'].items()}) }; "
              f"cluster start {r['cluster_start_s']:.1f} s, write {r['write_s']:.1f} s; "
              f"load average {r['load'][0]:.1f} before, {r['load'][1]:.1f} after")  # fmt: skip
        print(projection(r), flush=True)
    print(
        "gap: to the bound that holds for any plan of the orders (routing/plan/bound.py);"
        " gap LP: to the LP bound of the model of commodity means"
    )
    print("targets: 1,000,000 orders <= 600 s within 8 GiB in all, gap <= 1 %")


if __name__ == "__main__":
    main()
