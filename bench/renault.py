"""Renault inbound (issue 18): the instance's own cost of our solutions, of the as-operated
routes, and glocal's design engine's lower bound, next to the four published figures.

    python bench/renault.py [--data DIR] [--seconds S] [--bound-seconds S] [--json]

The cost is the authors' objective (routing/design/renault/evaluate.py). Solutions:
- greedy + re-insertion (routing/design/renault/greedy.py);
- the design engine's: the instance as a glocal `DesignProblem` (design.py), its LP by
  `routing.design.lp.relax` with the strong linking rows for `--bound-seconds`, its split
  routing turned into one path per bundle (engine.py), evaluated as is ("LP rounded"),
  then re-inserted bundle by bundle from there ("LP + re-insertion").
`cost` is the best feasible one. `bound` is the best Lagrangian bound the LP's pricing
proved (with dual smoothing; a lower bound on the instance's cost: engine.py and design.py
say why and what it relaxes); `lp_converged` says whether it is the LP's optimum.

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
from pathlib import Path

from routing.design.bookings import write_bookings
from routing.design.renault import (
    Evaluation,
    evaluate,
    greedy,
    operated_routes,
    read_instance,
    read_routes,
)
from routing.design.renault.design import design_problem
from routing.design.renault.engine import bundle_paths, lp_bound, lp_routing
from routing.design.renault.instance import Instance
from routing.design.renault.output import bookings_frame, paths_frame, report_html
from routing.design.renault.world import world_files
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
    parser.add_argument("--seconds", type=float, default=120.0, help="re-insertion budget")
    parser.add_argument(
        "--bound-seconds", type=float, default=240.0, help="design LP budget (bound)"
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
    paths, found = greedy(instance, rounds=20, seconds=args.seconds)
    solve_s = time.monotonic() - started - read_s
    first, _ = greedy(instance, rounds=0)
    first_cost = evaluate(instance, first).cost
    routes = operated_routes(instance, read_routes(args.data))
    operated = evaluate(instance, {**paths, **routes.complete})
    engine = _engine(instance, args.bound_seconds, args.seconds, args.json)
    best_paths, best = min(
        (
            (p, x)
            for p, x in (
                (paths, found),
                (engine["rounded_paths"], engine["rounded"]),
                (engine["reinserted_paths"], engine["reinserted"]),
            )
            if x.feasible
        ),
        key=lambda px: px[1].cost,
    )
    bound = engine["bound"]
    figures = {
        "cost": round(best.cost, 2),
        "bound": None if math.isnan(bound.value) else round(bound.value, 2),
        "gap": None if math.isnan(bound.value) else round(1 - bound.value / best.cost, 4),
        "lp_converged": bound.converged,
        "lp_rounds": bound.rounds,
        "lp_value": round(bound.lp_value, 2),
        "bound_seconds": round(bound.seconds, 1),
        "feasible": best.feasible,
        "greedy_reinsertion_cost": round(found.cost, 2),
        "greedy_reinsertion_feasible": found.feasible,
        "design_seconds": round(engine["design_seconds"], 1),
        "lp_rounded_cost": round(engine["rounded"].cost, 2),
        "lp_rounded_feasible": engine["rounded"].feasible,
        "lp_rounded_bundles": engine["bundles"],
        "lp_reinserted_cost": round(engine["reinserted"].cost, 2),
        "lp_reinserted_feasible": engine["reinserted"].feasible,
        "lp_reinserted_seconds": round(engine["reinsert_seconds"], 1),
        "seconds": round(time.monotonic() - started, 1),
        "as_operated_cost": round(operated.cost, 2),
        "as_operated_feasible": operated.feasible,
        "as_operated_complete_routes": len(routes.complete),
        "as_operated_incomplete_routes": len(routes.incomplete),
        "greedy_cost": round(first_cost, 2),
        "import_seconds": round(read_s, 2),
        "world_write_seconds": round(world_s, 2),
        "network_validate_seconds": round(validate_s, 2),
        "world_services": services,
        "solve_seconds": round(solve_s, 1),
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


def _engine(instance: Instance, bound_s: float, reinsert_s: float, quiet: bool) -> dict:
    """The design engine's bound and solutions (see the module)."""
    started = time.monotonic()
    design = design_problem(instance)
    say = None if quiet else (lambda line: print(line, file=sys.stderr, flush=True))
    bound = lp_bound(design, bound_s, say)
    paths = {}
    if bound.relaxation is not None:
        paths = bundle_paths(design, *lp_routing(design, bound.relaxation))
    rounded = evaluate(instance, paths)
    design_s = time.monotonic() - started
    again, reinserted = greedy(instance, rounds=20, seconds=reinsert_s, start=paths)
    return {
        "bound": bound,
        "rounded": rounded,
        "rounded_paths": paths,
        "reinserted_paths": again,
        "bundles": len(paths),
        "reinserted": reinserted,
        "design_seconds": design_s,
        "reinsert_seconds": time.monotonic() - started - design_s,
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
        ("ours: best", f["cost"], f"feasible={f['feasible']}"),
        (
            "ours: greedy + re-insertion",
            f["greedy_reinsertion_cost"],
            f"feasible={f['greedy_reinsertion_feasible']}",
        ),
        ("ours: greedy alone", f["greedy_cost"], ""),
        (
            "engine: design LP rounded",
            f["lp_rounded_cost"],
            f"feasible={f['lp_rounded_feasible']}, {f['lp_rounded_bundles']} bundles from the"
            f" LP, {f['design_seconds']} s",
        ),
        (
            "engine: LP + re-insertion",
            f["lp_reinserted_cost"],
            f"feasible={f['lp_reinserted_feasible']}, +{f['lp_reinserted_seconds']} s",
        ),
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
    print(
        f"lower bound {f['bound']:,.0f}{gap} (design LP, {f['lp_rounds']} rounds in"
        f" {f['bound_seconds']} s, converged={f['lp_converged']}, last LP {f['lp_value']:,.0f})"
    )
    print(f"best: vehicles {f['vehicles']}, fill {f['vehicle_fill']:.1%}")
    print("parts:", ", ".join(f"{k} {v:,.0f}" for k, v in f["parts"].items()))


if __name__ == "__main__":
    main()
