"""glocal's design engine on the Renault instance: the LP bound of its design problem
(`design.py`) round by round within a time budget, and the LP's split routing turned
into one path per bundle that the instance's evaluator can price."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from routing.design.duals import reduced_costs
from routing.design.lp import Master, Relaxation, relax
from routing.design.master import commitment_groups, must_serve_price
from routing.design.problem import Columns, DesignProblem
from routing.design.renault.design import RenaultDesign
from routing.design.renault.evaluate import Path, loads, path_problems
from routing.design.renault.instance import Instance


def bundle_paths(
    design: RenaultDesign, columns: Columns, share: np.ndarray, units: np.ndarray | None = None
) -> dict[int, Path]:
    """One path per bundle from a design's split routing: of the elementary paths its
    orders' columns take that are feasible for the whole bundle, the one that carries the
    most of its volume (ties: the cheapest for the bundle at the booked units' costs)."""
    instance = design.instance
    volume: dict[int, dict[Path, float]] = {}
    for j in np.flatnonzero(share > 1e-6):
        k = int(columns.commodity[j])
        order = design.orders[k]
        path = design.path_of(columns, int(j))
        carried = volume.setdefault(order.bundle, {})
        carried[path] = carried.get(path, 0.0) + share[j] * order.volume
    out: dict[int, Path] = {}
    for b, carried in volume.items():
        ok = [p for p in carried if not path_problems(instance, b, p)]
        if ok:
            out[b] = max(ok, key=lambda p: (carried[p], -len(p)))
    return out


def fluid_cost(instance: Instance, paths: Mapping[int, Sequence[str]]) -> float:
    """The instance's cost of `paths` with vehicles counted by `ceil(volume / capacity)`
    (no bin packing): what the design problem charges for the same paths."""
    on, parts = loads(instance, {b: tuple(p) for b, p in paths.items()})
    vehicles = sum(
        instance.legs[k[:2]].shipment_cost
        * math.ceil(sum(sizes) / instance.legs[k[:2]].capacity - 1e-9)
        for k, sizes in on.items()
    )
    return vehicles + sum(parts.values())


@dataclass
class Bound:
    """The design LP's lower bound as far as column and row generation got."""

    value: float  # the best Lagrangian bound of the rounds (nan: none)
    lp_value: float  # the last restricted LP's objective
    converged: bool  # no column and no linking row left to add: `value` is the LP's
    rounds: int
    seconds: float
    relaxation: Relaxation | None  # the last LP solved
    trace: list[tuple[float, float, float]] = field(default_factory=list)
    # (seconds, LP value, bound) per round


def lp_bound(
    design: RenaultDesign, seconds: float, progress: Callable[[str], None] | None = None
) -> Bound:
    """The design LP (`routing.design.lp.relax`, strong linking rows separated), one
    round at a time until it converges or `seconds` run out; each round whose columns were
    all priced gives a valid Lagrangian bound, the best is kept. A round HiGHS cannot
    finish in the time left ends the loop with the rounds before it."""
    say = progress or (lambda _: None)
    started = time.perf_counter()
    problem = design.problem
    groups = commitment_groups(problem)
    m = Master(
        problem.columns,
        np.arange(len(problem.columns)),
        (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)),
        must_serve_price(problem, problem.columns),
        groups.lower.astype(float),
        groups.upper.astype(float),
    )
    out = Bound(math.nan, math.nan, False, 0, 0.0, None)
    while True:
        left = started + seconds - time.perf_counter()
        if left <= 1.0:
            break
        try:
            r = relax(problem, groups, m, design.pricer, True, 1, time.perf_counter() + left)
        except RuntimeError as stopped:  # HiGHS ran out of the time left
            say(f"LP round {out.rounds + 1} stopped: {stopped}")
            break
        out.rounds += 1
        out.relaxation, out.lp_value, out.converged = r, r.value, r.converged
        if not math.isnan(r.bound):
            out.value = max(np.nan_to_num(out.value, nan=-np.inf), r.bound)
        out.seconds = time.perf_counter() - started
        out.trace.append((out.seconds, r.value, out.value))
        say(f"LP round {out.rounds}: {r.value:,.2f}, bound {out.value:,.2f} ({out.seconds:.0f} s)")
        if r.converged:
            break
        m = _entered(problem, r)
    out.seconds = time.perf_counter() - started
    return out


def _entered(problem: DesignProblem, r: Relaxation) -> Master:
    """The master of the next round: `r`'s, with the pool's columns of negative reduced
    cost at `r`'s prices made active."""
    m = r.master
    rc = reduced_costs(problem, r.duals, m.columns)
    rc[m.active] = 0.0
    tol = 1e-6 * (1.0 + np.abs(r.duals.demand[m.columns.commodity]))
    active = np.union1d(m.active, np.flatnonzero(rc < -tol))
    return Master(m.columns, active, m.links, m.unserved_price, m.units_lower, m.units_upper)


def lp_routing(design: RenaultDesign, r: Relaxation) -> tuple[Columns, np.ndarray]:
    """The pool and each column's share in the LP `r`."""
    share = np.zeros(len(r.master.columns))
    lay = r.layout
    share[lay.active] = r.values[lay.first_share : lay.first_unserved]
    return r.master.columns, share
