"""glocal's design engine on the Renault instance: the LP bound of its design problem
(`design.py`) round by round within a time budget, and the LP's split routing turned
into one path per bundle that the instance's evaluator can price."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from routing.design.duals import Duals, reduced_costs
from routing.design.lp import Master, Relaxation, relax
from routing.design.master import commitment_groups, must_serve_price
from routing.design.problem import Columns, DesignProblem
from routing.design.renault.design import EPS, RenaultDesign
from routing.design.renault.evaluate import Path, loads, path_problems
from routing.design.renault.instance import Instance

ALPHA = 0.5  # weight of the best bound's prices in the prices the pricer uses


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


class SmoothedPricer:
    """The design's pricer with Wentges' dual smoothing, and the Lagrangian bound it
    proves along the way.

    **Bound.** For capacity prices `mu` >= 0 (per m3) and link prices `lam` >= 0 under
    which no unit of any row has a negative reduced cost (`fixed - unit_m3 mu - sum of
    lam` >= 0: true of every LP's duals, since every row's units are in the LP, and so of
    any convex combination of them), relaxing the capacity and linking rows leaves, per
    order, the choice of its cheapest column at those prices or leaving it unserved:
    `L = sum over orders of min(unserved price, cheapest path at the prices)`, a lower
    bound on the design LP (whatever rows it holds) and so on the instance. The pricer's
    Dijkstra gives every order's cheapest path, so each call computes L exactly.

    **Smoothing.** Columns are priced at `ALPHA` x the prices of the best bound so far
    plus the rest x the LP's, which damps the LP's oscillating duals; the columns found
    there enter if their reduced cost at the LP's own duals is negative, and when none
    does, the LP's duals are priced as they are (so the column generation stops only
    when no column prices out at the LP's duals: the LP is then optimal).
    """

    def __init__(self, design: RenaultDesign, unserved: np.ndarray, alpha: float) -> None:
        self.design, self.unserved, self.alpha = design, unserved, alpha
        self.bound = -math.inf
        self.center: Duals | None = None

    def lagrangian(self, reach: np.ndarray) -> float:
        """L at the prices `reach` was found at (Dijkstra's EPS per arc taken back for
        as many arcs as an order's graph has nodes, more than any shortest path has)."""
        eps = EPS * self.design.graph.size
        return float(np.minimum(self.unserved, reach - eps).sum())

    def _seen(self, duals: Duals, reach: np.ndarray) -> None:
        value = self.lagrangian(reach)
        if value > self.bound:
            self.bound, self.center = value, duals

    def __call__(self, lp_duals: Duals) -> Columns:
        d = self.design
        duals = units_feasible(d.problem, lp_duals)
        tol = 1e-6 * (1.0 + np.abs(duals.demand))
        if self.center is not None and self.alpha > 0:
            mixed = _mix(self.center, duals, self.alpha, len(d.rows))
            reach, pred = d.distances(mixed)
            self._seen(mixed, reach)
            found = d.columns(np.flatnonzero(reach - mixed.demand < -tol), pred)
            rc = reduced_costs(d.problem, duals, found)
            keep = np.flatnonzero(rc < -1e-6 * (1.0 + np.abs(duals.demand[found.commodity])))
            if len(keep):
                return _subset(found, keep)
        reach, pred = d.distances(duals)
        self._seen(duals, reach)
        return d.columns(np.flatnonzero(np.isfinite(reach) & (reach - duals.demand < -tol)), pred)


def units_feasible(problem: DesignProblem, d: Duals) -> Duals:
    """`d` with the prices of any row whose unit they price above its fixed cost (the
    LP's duals can, by its tolerances) scaled down to it, so L's units term is 0."""
    cap = problem.capacity
    worth = cap.unit_m3 * d.price_m3 + np.bincount(d.link_row, d.link_price, len(cap))
    scale = np.where(worth > cap.fixed, cap.fixed / np.maximum(worth, 1e-300), 1.0)
    return Duals(
        d.demand,
        d.price_kg,
        d.price_m3 * scale,
        d.link_commodity,
        d.link_row,
        d.link_price * scale[d.link_row],
    )


def _mix(a: Duals, b: Duals, alpha: float, rows: int) -> Duals:
    """alpha x `a` + (1 - alpha) x `b`, the link prices merged by (commodity, row)."""
    key = np.concatenate(
        [a.link_commodity * rows + a.link_row, b.link_commodity * rows + b.link_row]
    )
    price = np.concatenate([alpha * a.link_price, (1 - alpha) * b.link_price])
    keys, at = np.unique(key, return_inverse=True)
    return Duals(
        demand=alpha * a.demand + (1 - alpha) * b.demand,
        price_kg=alpha * a.price_kg + (1 - alpha) * b.price_kg,
        price_m3=alpha * a.price_m3 + (1 - alpha) * b.price_m3,
        link_commodity=keys // rows,
        link_row=keys % rows,
        link_price=np.bincount(at, price, len(keys)),
    )


def _subset(c: Columns, keep: np.ndarray) -> Columns:
    lengths = np.diff(c.start)[keep]
    rows = [c.rows_of(int(j)) for j in keep]
    return Columns(
        commodity=c.commodity[keep],
        cost=c.cost[keep],
        start=np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64),
        rows=np.concatenate(rows).astype(np.int64) if rows else np.zeros(0, dtype=np.int64),
    )


def lp_bound(
    design: RenaultDesign,
    seconds: float,
    progress: Callable[[str], None] | None = None,
    alpha: float = ALPHA,
) -> Bound:
    """The design LP (`routing.design.lp.relax`, strong linking rows separated), one
    round at a time until it converges or `seconds` run out, priced by `SmoothedPricer`
    (`alpha` 0: no smoothing); the bound is the best Lagrangian bound its pricing proved.
    A round HiGHS cannot finish in the time left ends the loop with the rounds before it."""
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
    pricer = SmoothedPricer(design, m.unserved_price, alpha)
    out = Bound(math.nan, math.nan, False, 0, 0.0, None)
    while True:
        left = started + seconds - time.perf_counter()
        if left <= 1.0:
            break
        try:
            r = relax(problem, groups, m, pricer, True, 1, time.perf_counter() + left)
        except RuntimeError as stopped:  # HiGHS ran out of the time left
            say(f"LP round {out.rounds + 1} stopped: {stopped}")
            break
        out.rounds += 1
        out.relaxation, out.lp_value, out.converged = r, r.value, r.converged
        if math.isfinite(pricer.bound):
            out.value = pricer.bound
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
