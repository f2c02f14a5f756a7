"""The planner against the exact MIP of bench/exact_mip.py, on sample weeks small enough
for HiGHS to prove the optimum (default world; issue 16 asks for instances up to about
2,000 orders: the order-level MIP over the whole universe stalls well before that, past
a few hundred orders, so the sizes here stop where it still proves optimality).

Prints per instance: the plan's objective, its bound over every route and its reported
gap; the exact optimum and the solver's status; the true gap of the plan (plan - optimum)
/ (plan - penalty of orders no route carries) and how much of the reported gap is the
bound's (optimum - bound). Target: the plan within its reported gap of the optimum, and
that gap at most 0.1 %.

Usage: .venv/bin/python bench/plan_exact.py [--runs 100:1 200:2 300:3] [--time-limit 300]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.append(str(Path(__file__).resolve().parent.parent))  # after PYTHONPATH (a release build)

from bench.exact_mip import solve_exactly
from routing.network import load_network
from routing.plan import PlanParams, Scenario, plan_orders, sample_orders, validate_orders
from routing.plan.planner import prepare


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", nargs="+", default=["100:1", "200:2", "300:3"])
    parser.add_argument("--time-limit", type=float, default=300.0, help="for the exact MIP")
    parser.add_argument("--data", default=None, help="unused: this bench makes its own orders")
    args = parser.parse_args()
    network = load_network()
    params = PlanParams(time_limit_s=60)
    print(
        f"{'orders':>6} {'seed':>4} {'plan EUR':>11} {'bound EUR':>11} {'reported':>8} "
        f"{'exact EUR':>11} {'status':>8} {'exact s':>7} {'true gap':>8} {'bound gap':>9}"
    )
    for run in args.runs:
        n, seed = (int(x) for x in run.split(":"))
        table, _ = validate_orders(sample_orders(n, seed=seed), network)
        result = plan_orders(table, network, params)
        started = time.perf_counter()
        exact = solve_exactly(prepare(table, network, params, Scenario()), args.time_limit)
        seconds = time.perf_counter() - started
        plan = result.plan_eval.objective
        decided = plan - result.fixed_penalty
        print(
            f"{n:>6} {seed:>4} {plan / 100:>11,.2f} {result.bound / 100:>11,.2f} "
            f"{result.gap:>8.4%} {exact.objective / 100:>11,.2f} {exact.status:>8} "
            f"{seconds:>7.1f} {(plan - exact.objective) / decided:>8.4%} "
            f"{(exact.objective - result.bound) / decided:>9.4%}",
            flush=True,
        )
    print("target: true gap <= reported gap <= 0.1 %")


if __name__ == "__main__":
    main()
