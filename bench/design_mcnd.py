"""The design engine on the public MCND "C" set (Crainic, Frangioni and Gendron's canad
`.dow` files, ../shared/bench/mcnd/C) against the reference values of
mcnd_reference_values.tsv (HiGHS 1.16 on the strong arc formulation, 150 s).

Prints per instance: our value, our bound and gap, the seconds, the reference (proven
optimum where its status is optimal, else HiGHS's best value) and how our value compares
with it. Targets, each instance at most 60 s: the 40-commodity instances within 0.1 % of
the proven optimum; the 100- and 200-commodity ones at or below the reference; the mean
gap to our own bound across the set is printed.

Usage: .venv/bin/python bench/design_mcnd.py [--data ../shared/bench] [--instances c33,c35]
       [--time-limit 60] [--method fix-rc]
"""

from __future__ import annotations

import argparse
import csv
import math
import sys
import time
from pathlib import Path

sys.path.append(str(Path(__file__).resolve().parent.parent))  # after PYTHONPATH (a release build)

from routing.design.mcnd import design_problem, read_dow, shortest_path_pricer
from routing.design.solve import DEFAULT_METHOD, METHODS, solve_design


def references(path: Path) -> dict[str, dict[str, str]]:
    lines = [line for line in path.read_text().splitlines() if not line.startswith("#")]
    return {Path(row["instance"]).stem: row for row in csv.DictReader(lines, delimiter="\t")}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default="../shared/bench", help="holds mcnd/C/*.dow")
    parser.add_argument("--instances", default="", help="comma-separated, e.g. c33,c35")
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--method", default=DEFAULT_METHOD, choices=METHODS)
    args = parser.parse_args()
    root = Path(args.data) / "mcnd"
    refs = references(root / "mcnd_reference_values.tsv")
    files = sorted((root / "C").glob("*.dow"))
    if args.instances:
        wanted = set(args.instances.split(","))
        files = [f for f in files if f.stem in wanted]
    print(f"method {args.method}, time limit {args.time_limit:g} s")
    print(
        f"{'inst':<5} {'K':>4} {'value':>10} {'bound':>10} {'gap':>7} {'s':>6} "
        f"{'reference':>10} {'ref status':>10} {'vs ref':>8} {'status':>8}"
    )
    gaps = []
    for f in files:
        net = read_dow(f)
        started = time.perf_counter()
        found = solve_design(
            design_problem(net), args.time_limit, shortest_path_pricer(net), args.method
        )
        seconds = time.perf_counter() - started
        ref = refs.get(f.stem, {})
        value = float(ref["best_value"]) if ref.get("best_value") else math.nan
        versus = (found.value - value) / value if math.isfinite(value) else math.nan
        gaps.append(found.gap)
        print(
            f"{f.stem:<5} {len(net.demand):>4} {found.value:>10.0f} {found.bound:>10.0f} "
            f"{found.gap:>7.3%} {seconds:>6.1f} {value:>10.0f} {ref.get('status', '-'):>10} "
            f"{versus:>+8.3%} {found.status:>8}",
            flush=True,
        )
    if gaps:
        print(f"mean gap to our bound over {len(gaps)} instances: {sum(gaps) / len(gaps):.3%}")
    print(
        "targets: <= 60 s each; 40 commodities within 0.1 % of the optimum (vs ref, status "
        "optimal); 100 and 200 commodities at or below the reference (vs ref <= 0)"
    )


if __name__ == "__main__":
    main()
