"""Renault inbound (issue 18): the instance's own cost of our solutions, of the as-operated
routes, and glocal's design engine's lower bound, next to the four published figures.

    python bench/renault.py [--data DIR] [--seconds S] [--ruins N] [--bound-seconds S]
                            [--json] [--out DIR]

The cost is the authors' objective (routing/design/renault/evaluate.py). Solutions:
- the design engine's (`cost`): the instance as a glocal `DesignProblem` with bundles and
  pieces (design.py) solved by `routing.design.solve_design`, method `insert`, within
  `--seconds`: its LP (time-boxed) for the bound, then the insertion search
  (routing/design/insertion.py) with the instance's router (router.py), its routing one
  path per bundle; `seconds` is that solve's wall time;
- for reference, greedy + re-insertion (routing/design/renault/greedy.py), the
  instance's own heuristic.
`bound` is the best Lagrangian bound proved: the engine's LP's, and, with
`--bound-seconds` > 0, that of a separate LP with dual smoothing (engine.py) run for that
long (a lower bound on the instance's cost: engine.py and design.py say why and what it
relaxes); `lp_converged` says whether it is the LP's optimum.

The as-operated routes file of the published snapshot names every point only of direct
routes; the other bundles' routes leave their middle points out, so `as_operated_cost` is
the cost of the complete routes with the greedy's paths for the rest, and the counts say
how many of each.
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from routing.design.bookings import write_bookings
from routing.design.insertion import SearchParams
from routing.design.renault import (
    Evaluation,
    evaluate,
    greedy,
    operated_routes,
    read_instance,
    read_routes,
)
from routing.design.renault.design import design_problem
from routing.design.renault.engine import bundle_paths, lp_bound
from routing.design.renault.instance import Instance
from routing.design.renault.output import bookings_frame, paths_frame, report_html
from routing.design.renault.router import bundle_router
from routing.design.renault.world import world_files
from routing.design.solve import solve_design
from routing.network import load_network

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
    parser.add_argument("--seconds", type=float, default=600.0, help="design engine's limit")
    parser.add_argument("--ruins", type=int, default=1000, help="insertion search's ruins")
    parser.add_argument(
        "--bound-seconds", type=float, default=240.0, help="smoothed LP for the bound (0: none)"
    )
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--out", type=Path, help="write the best solution's paths.csv, bookings.csv, report.html"
    )
    args = parser.parse_args()
    started = time.monotonic()
    instance = read_instance(args.data)
    read_s = time.monotonic() - started
    world_s, validate_s, services = _import_and_validate(instance)
    say = None if args.json else (lambda line: print(line, file=sys.stderr, flush=True))
    engine = _engine(instance, args.seconds, SearchParams(ruins=args.ruins), say)
    best_paths, best = engine["paths"], engine["evaluation"]
    greedy_started = time.monotonic()
    paths, found = greedy(instance, rounds=20, seconds=120.0)
    greedy_s = time.monotonic() - greedy_started
    first, _ = greedy(instance, rounds=0)
    first_cost = evaluate(instance, first).cost
    routes = operated_routes(instance, read_routes(args.data))
    operated = evaluate(instance, {**paths, **routes.complete})
    smoothed = (
        lp_bound(design_problem(instance), args.bound_seconds, say) if args.bound_seconds else None
    )
    bound = max(engine["bound"], smoothed.value if smoothed else -math.inf)
    bound = math.nan if not math.isfinite(bound) else bound
    figures = {
        "cost": round(best.cost, 2),
        "bound": None if math.isnan(bound) else round(bound, 2),
        "gap": None if math.isnan(bound) else round(1 - bound / best.cost, 4),
        "engine_bound": round(engine["bound"], 2),
        "smoothed_bound": None if smoothed is None else round(smoothed.value, 2),
        "lp_converged": smoothed.converged if smoothed else False,
        "smoothed_seconds": None if smoothed is None else round(smoothed.seconds, 1),
        "feasible": best.feasible,
        "engine_value": round(engine["value"], 2),
        "engine_trace": engine["trace"],
        "greedy_reinsertion_cost": round(found.cost, 2),
        "greedy_reinsertion_feasible": found.feasible,
        "greedy_reinsertion_seconds": round(greedy_s, 1),
        "seconds": round(engine["seconds"], 1),
        "total_seconds": round(time.monotonic() - started, 1),
        "as_operated_cost": round(operated.cost, 2),
        "as_operated_feasible": operated.feasible,
        "as_operated_complete_routes": len(routes.complete),
        "as_operated_incomplete_routes": len(routes.incomplete),
        "greedy_cost": round(first_cost, 2),
        "import_seconds": round(read_s, 2),
        "world_write_seconds": round(world_s, 2),
        "network_validate_seconds": round(validate_s, 2),
        "world_services": services,
        "solve_seconds": round(engine["seconds"], 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "vehicle_fill": round(best.fill(instance), 4),
        "vehicles": sum(len(v) for v in best.vehicles.values()),
        "parts": {k: round(v, 2) for k, v in best.parts.items()},
        "published": PUBLISHED,
    }
    if args.out:
        _write(args.out, instance, best_paths, best, figures)
    if args.json:
        print(json.dumps(figures))
        return
    _print(figures)


def _import_and_validate(instance: Instance) -> tuple[float, float, int]:
    """`glocal import renault` into a scratch world, then what `glocal network validate`
    runs on it (load_network: every file, then the graph): the seconds of each."""
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as scratch:
        for name, text in world_files(instance, {}).items():
            path = Path(scratch) / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        written = time.monotonic()
        network = load_network(scratch)
        return written - started, time.monotonic() - written, len(network.services)


def _engine(
    instance: Instance, seconds: float, params: SearchParams, say: Callable[[str], None] | None
) -> dict:
    """The design engine's solution (see the module), as paths and by the evaluator."""
    started = time.monotonic()
    design = design_problem(instance)
    solved = solve_design(
        design.problem, seconds, design.pricer, "insert", say, bundle_router(design), params
    )
    paths = bundle_paths(design, solved.columns, solved.share)
    return {
        "paths": paths,
        "evaluation": evaluate(instance, paths),
        "value": solved.value,
        "bound": solved.bound,
        "seconds": time.monotonic() - started,
        "trace": [(stage, round(s, 1), round(v, 2)) for stage, s, v, _ in solved.trace],
    }


def _write(out: Path, instance: Instance, paths: dict, best: Evaluation, f: dict) -> None:
    out.mkdir(parents=True, exist_ok=True)
    paths_frame(instance, paths).to_csv(out / "paths.csv", index=False)
    write_bookings(bookings_frame(instance, best), out / "bookings.csv")
    shown = {
        "cost (the instance's definition)": f"{f['cost']:,.2f}",
        "lower bound (design LP)": "none" if f["bound"] is None else f"{f['bound']:,.2f}",
        "gap": "" if f["gap"] is None else f"{f['gap']:.1%}",
        "feasible": str(f["feasible"]),
        "vehicles": str(f["vehicles"]),
        "fill": f"{f['vehicle_fill']:.1%}",
        **{k: f"{v:,.2f}" for k, v in f["parts"].items()},
    }
    (out / "report.html").write_text(report_html(instance, paths, best, shown), encoding="utf-8")


def _print(f: dict) -> None:
    print(
        f"import {f['import_seconds']} s, solve {f['solve_seconds']} s, peak {f['peak_rss_mb']} MB;"
        f" glocal import {f['world_write_seconds']} s, network validate"
        f" {f['network_validate_seconds']} s ({f['world_services']} services)"
    )
    rows = [
        (
            "ours: design engine (insert)",
            f["cost"],
            f"feasible={f['feasible']}, {f['seconds']} s, its own value {f['engine_value']:,.2f}",
        ),
        *((f"  engine: {stage}", value, f"at {s} s") for stage, s, value in f["engine_trace"]),
        (
            "ours: greedy + re-insertion",
            f["greedy_reinsertion_cost"],
            f"feasible={f['greedy_reinsertion_feasible']}, {f['greedy_reinsertion_seconds']} s"
            " (the instance's own heuristic)",
        ),
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
    gap = "" if f["gap"] is None else f", gap of our best {f['gap']:.1%}"
    smoothed = (
        ""
        if f["smoothed_bound"] is None
        else f", smoothed LP {f['smoothed_bound']:,.0f} in {f['smoothed_seconds']} s"
    )
    print(
        f"lower bound {f['bound']:,.0f}{gap} (engine's LP {f['engine_bound']:,.0f}{smoothed},"
        f" converged={f['lp_converged']})"
    )
    print(f"best: vehicles {f['vehicles']}, fill {f['vehicle_fill']:.1%}")
    print("parts:", ", ".join(f"{k} {v:,.0f}" for k, v in f["parts"].items()))


if __name__ == "__main__":
    main()
