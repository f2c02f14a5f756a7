"""Which OR-Tools solvers for the planner's blocks, measured on the largest blocks of the
sample orders (default world, seed 1), each run bounded by --time-limit seconds.

1. The strengthened LP relaxation (bound, prices): GLOP, HiGHS, PDLP.
2. Whole units near the LP optimum (blocks.py, descent.py): the default descent (HiGHS LPs), the
   window MIP (each y_r in [floor, ceil] of the LP's) with HiGHS, SCIP and CP-SAT, and
   the whole MIP with HiGHS; objective, seconds (for the units rows: the block's LP
   included) and gap to the LP bound.

Usage: .venv/bin/python bench/plan_solvers.py [--n 10000] [--blocks 2] [--time-limit 20]

Last measured (2026-11-26, shared 2-core machine, 20 s limit), on the largest block, with
the descent of that day (each try an LP of the whole block; since 2026-12-05 a try
re-plans only the commodities it moves, with the same units: docs/plan.md):

    10k orders (1,770 commodities, 18,115 arcs)   seconds       EUR        gap to LP
    LP     HiGHS / GLOP / PDLP                    1.9/3.6/1.4   123,211
    units  descent (HiGHS LPs)                    2.8           125,990    2.2 %
    units  window HiGHS                           5.6           125,990    2.2 %
    units  window SCIP                            7.9           127,552    3.4 %
    units  window CP-SAT                          20 (limit)    128,684    4.3 %
    MIP    whole, HiGHS (bound 123,319)           20 (limit)    134,820    8.6 %

    100k orders (5,036 commodities, 49,227 arcs)
    LP     HiGHS / GLOP / PDLP                    3.3/20/8.8    1,227,444
    units  descent (HiGHS LPs)                    9.9           1,232,389  0.40 %
    units  window HiGHS                           20 (limit)    1,240,012  1.0 %
    units  window SCIP                            20 (limit)    1,263,203  2.8 %
    units  window CP-SAT                          20 (limit)    1,686,551  27 %
    MIP    whole, HiGHS (bound 1,227,908)         20 (limit)    1,263,203  2.8 %

Hence the defaults: HiGHS for the LPs (exact duals; PDLP is first-order, its optimum
approximate), the descent for the units, HiGHS for the small blocks' MIP polish.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.append(str(Path(__file__).resolve().parent.parent))  # after PYTHONPATH (a release build)

from routing.network import load_network
from routing.plan import (
    BlockData,
    BlockResult,
    PlanParams,
    plan_orders,
    sample_orders,
    validate_orders,
)
from routing.plan.blocks import solve_block
from routing.plan.model import build_model
from routing.plan.solver import solve


def blocks_of(n: int) -> list[BlockData]:
    """The blocks that plan_orders solves last (after refining), largest first."""
    network = load_network()
    table, _ = validate_orders(sample_orders(n, seed=1), network)
    captured: list[BlockData] = []

    def capture(fn: Callable[[BlockData], BlockResult], items: Iterable[BlockData]) -> Iterator:
        captured[:] = list(items)
        return map(fn, captured)

    plan_orders(table, network, PlanParams(time_limit_s=60), map_fn=capture)
    return sorted(captured, key=lambda b: -len(b.arc_cost))


def _row(kind: str, name: str, seconds: float, status: str, objective: float, lp: float) -> str:
    gap = (objective - lp) / objective if np.isfinite(objective) and objective else float("nan")
    shown = f"{objective / 100:>13,.0f}" if np.isfinite(objective) else f"{'-':>13}"
    return f"  {kind:<6} {name:<16} {seconds:>8.2f} {status:<12} {shown} {gap:>8.3%}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--time-limit", type=float, default=20.0)
    parser.add_argument("--blocks", type=int, default=2, help="the largest blocks only")
    parser.add_argument("--data", default=None, help="unused: this bench makes its own orders")
    args = parser.parse_args()
    limit = args.time_limit
    for b in blocks_of(args.n)[: args.blocks]:
        b = replace(b, time_limit_s=limit)
        print(
            f"block of {args.n} orders: {len(b.demand)} commodities, {len(b.arc_cost)} arcs, "
            f"{len(b.cap_kg)} departures; EUR, gap = (objective - LP) / objective"
        )
        f = build_model(b)
        lp_value = np.nan
        for lp in ("highs", "glop", "pdlp"):
            s = solve(f.model, lp, limit, 1, 7, relax=True)
            lp_value = s.objective if lp == "highs" else lp_value
            print(_row("LP", lp, s.seconds, s.status.value, s.objective, lp_value), flush=True)
        started = time.perf_counter()
        found = solve_block(replace(b, rounding="descent"))
        print(
            _row(
                "units",
                "descent (HiGHS)",
                time.perf_counter() - started,
                found.status,
                found.objective,
                lp_value,
            ),
            flush=True,
        )
        for mip in ("highs", "scip", "cp_sat"):
            started = time.perf_counter()
            found = solve_block(replace(b, rounding="window", solver=mip))
            print(
                _row(
                    "units",
                    f"window {mip}",
                    time.perf_counter() - started,
                    found.status,
                    found.objective,
                    lp_value,
                ),
                flush=True,
            )
        s = solve(f.model, "highs", limit, 1, 7, 1e-4)
        print(_row("MIP", "whole, HiGHS", s.seconds, s.status.value, s.objective, lp_value))
        print(f"{'':>25}(its proven bound: {s.bound / 100:,.0f})", flush=True)


if __name__ == "__main__":
    main()
