"""The design engine: which units to book, by a matheuristic on the LP with the strong
linking inequalities.

1. **LP bound**: the design LP by column generation (the pool's columns priced by reduced
   cost, then the pricer's) with the violated strong linking rows added in rounds,
   until neither comes in: its value is the bound (the Lagrangian bound where the
   rounds run out first).
2. **Restricted MIP** (HiGHS, node limit) over the columns the LP brought in, booking
   only the groups the method leaves free (`METHODS`).
3. **Route over** the MIP's units: the cheapest routing over them by column generation,
   whose new columns join the pool; the MIP is solved again over the grown pool, the
   groups the incumbent books freed too, seeded with it, for `ROUNDS` rounds or until a
   round gains nothing.
4. **Local search** (method `flip`, the default): one-unit moves priced by routing over
   them, the MIP over every group after each sweep (routing/design/search.py).

Method `insert` replaces 2-4 by the insertion search (routing/design/insertion.py): an
unsplittable routing built and improved bundle by bundle at the exact cost of the units
and spot each move adds, the units then those its loads need; for problems with bundles
(commodities that take one route together) and pieces (units hold whole pieces), the
LP only giving the bound and the first pool.

Deterministic: LP and MIP work is counted in rounds, nodes and LP solves, the moves
tried in a fixed order; the time limit is a safety net that, when it strikes, can make a
slower machine stop earlier (the LP gets at most `LP_SHARE` of it).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from routing.design.dive import dive
from routing.design.duals import Duals, Pricer
from routing.design.heuristic import restricted_mip
from routing.design.insertion import (
    Router,
    Routing,
    SearchParams,
    insertion_search,
    pool_router,
)
from routing.design.lp import Master, OutOfTime, Relaxation, relax
from routing.design.master import Groups, commitment_groups, must_serve_price
from routing.design.problem import DesignProblem
from routing.design.search import Incumbent, grown, sweep
from routing.design.solution import (
    DesignSolution,
    gap_of,
    routing_solution,
    solution_of,
    status_of,
)

__all__ = ["METHODS", "DesignSolution", "Duals", "Pricer", "route_over", "solve_design"]

METHODS = ("fix-lp", "fix-rc", "free", "flip", "dive", "insert")
"""`fix-lp`: the restricted MIP books only the groups the LP books (Gendron et al.'s
fixing of the LP's zeros); `fix-rc`: those and the groups whose LP reduced cost is below
`RC_SHARE` of their fixed cost; `free`: any group; `flip`: `fix-rc`, then the local
search of routing/design/search.py with the MIP over every group after each sweep;
`dive`: no MIP, the LP rounded a few groups at a time (routing/design/dive.py), for
designs whose MIP does not finish its root (a season of the default world); `insert`:
the insertion search from the LP's pool (routing/design/insertion.py), the LP getting
at most `INSERT_LP_SHARE` of the time limit."""
DEFAULT_METHOD = "flip"
RC_SHARE = 0.5
ROUNDS = 4  # restricted MIP and route-over rounds
NODE_LIMIT = 200  # per restricted MIP (on the 200-commodity instances a round of 2,000 nodes
# took the whole minute; 100-200 leave time for a second round, which gained more)
LP_ROUNDS = 400  # per column generation
LP_SHARE = 0.5  # of the time limit, at most, for the LP bound (a safety net: on the MCND
# sets the LP converges in a fraction of it)
INSERT_LP_SHARE = 0.4  # the insertion search's work is counted; the LP only bounds it
SEARCH_SOLVES = 3000  # LP solves the local search may spend
MARGIN = 0.04  # of the time limit kept for the solve that runs when the clock strikes
EMPTY = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))


@dataclass(frozen=True)
class _Run:
    """What every stage of one solve shares."""

    problem: DesignProblem
    groups: Groups
    pricer: Pricer | None
    started: float
    deadline: float
    say: Callable[[str], None]
    trace: list[tuple[str, float, float, float]]

    def route(self, m: Master, units: np.ndarray) -> Relaxation | None:
        """The routing over `units` (None: the deadline struck before its first LP)."""
        try:
            return _routed(self.problem, self.groups, m, units, self.pricer, self.deadline)
        except OutOfTime:
            return None

    def mark(self, stage: str, value: float, bound: float) -> None:
        self.trace.append((stage, time.perf_counter() - self.started, value, bound))
        self.say(f"{stage}: design {value:,.2f}, bound {bound:,.2f}")


def solve_design(
    problem: DesignProblem,
    time_limit_s: float = 60.0,
    pricer: Pricer | None = None,
    method: str = DEFAULT_METHOD,
    progress: Callable[[str], None] | None = None,
    router: Router | None = None,
    search: SearchParams | None = None,
) -> DesignSolution:
    """The units to book, the routing over them and a lower bound (see the module).
    `router` and `search` are the insertion search's (method `insert`): the problem's
    router of a bundle (default: `pool_router` over the LP's pool and `pricer`)."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    if time_limit_s <= 0:
        raise ValueError(f"time_limit_s must be > 0, got {time_limit_s}")
    started = time.perf_counter()
    groups = commitment_groups(problem)
    run = _Run(
        problem,
        groups,
        pricer,
        started,
        started + (1 - MARGIN) * time_limit_s,
        progress or (lambda _: None),
        [],
    )
    share = INSERT_LP_SHARE if method == "insert" else LP_SHARE
    lp = relax(
        problem, groups, _first_master(problem, groups), pricer, True, LP_ROUNDS,
        started + share * time_limit_s,
    )  # fmt: skip
    if method == "insert":
        return _inserted(run, lp, router, search or SearchParams())
    rounded = economic_rounding(problem, groups, lp.values[: len(groups)])
    # the first design has the whole time limit, margin included
    routed = _routed(problem, groups, lp.master, rounded, pricer, started + time_limit_s)
    best = Incumbent(routed, rounded, grown(lp.master, routed.master))
    run.mark("lp, rounded", best.value, lp.bound)
    if method == "dive":
        best = _dived(run, best, lp)
    else:
        best = _mip_rounds(run, best, _free(method, problem, groups, lp), lp.bound)
    if method == "flip":
        best = _flip_search(run, best, units_reduced_cost(problem, groups, lp.duals), lp.bound)
    out = solution_of(problem, groups, best.routed, method, started)
    return _bounded(run, out, lp.bound)


def _bounded(run: _Run, out: DesignSolution, bound: float) -> DesignSolution:
    """A design with the LP's bound, its gap and status against it, and the run's trace."""
    return replace(
        out,
        bound=bound,
        gap=gap_of(out.value, bound),
        status=status_of(out, bound),
        trace=run.trace,
    )


def _inserted(
    run: _Run, lp: Relaxation, router: Router | None, params: SearchParams
) -> DesignSolution:
    """The insertion search's design from the LP's pool, with the LP's bound."""
    pool = lp.master.columns
    run.mark("lp", lp.value, lp.bound)
    route = router or pool_router(run.problem, pool, run.pricer)
    state = insertion_search(
        run.problem, run.groups, pool, route, params, run.deadline,
        lambda stage, value: run.mark(stage, value, lp.bound),
    )  # fmt: skip
    out = routing_solution(run.problem, run.groups, state, lp.duals, run.started)
    if run.problem.bundle is None and run.problem.pieces is None:
        out = _split_over(run, lp.master, state, out)
    run.mark("insert", out.value, lp.bound)
    return _bounded(run, out, lp.bound)


def _split_over(run: _Run, m: Master, state: Routing, out: DesignSolution) -> DesignSolution:
    """A commodity that may split: the routing over the search's units (the cheapest,
    splits allowed) where it is feasible and cheaper, or the search's is infeasible."""
    chosen = state.chosen[state.chosen >= 0]
    active = np.union1d(m.active, chosen)
    routed = run.route(replace(m, columns=state.pool(), active=active), state.loads.units * 1.0)
    if routed is None:
        return out
    split = solution_of(run.problem, run.groups, routed, "insert", run.started)
    if split.status == "infeasible":
        return out
    return split if out.status == "infeasible" or split.value < out.value else out


def _dived(run: _Run, best: Incumbent, lp: Relaxation) -> Incumbent:
    """The dive's units routed over, if they beat the LP's units rounded
    (`economic_rounding`) and the deadline leaves time to route over them."""
    units = dive(run.problem, run.groups, lp, run.pricer, run.deadline)
    routed = run.route(best.master, units)
    if routed is not None and routed.value < best.value:
        best = Incumbent(routed, units, grown(best.master, routed.master))
    run.mark("dive", best.value, lp.bound)
    return best


def economic_rounding(problem: DesignProblem, groups: Groups, units: np.ndarray) -> np.ndarray:
    """The LP's units made whole: a fraction is booked where a unit that full would cost
    less than its load at spot (the break-even fill: fixed cost / (unit kg x spot rate)),
    else left to spot; without spot, always booked (the load has nowhere else to go)."""
    cap = problem.capacity
    spot_worth = np.where(np.isfinite(cap.spot_rate), cap.unit_kg * cap.spot_rate, np.inf)
    worth = np.bincount(groups.of_row, np.where(np.isinf(spot_worth), 0, spot_worth), len(groups))
    no_spot = np.bincount(groups.of_row, np.isinf(spot_worth), len(groups)) > 0
    break_even = np.where(no_spot | (worth <= 0), 0.0, groups.fixed / np.maximum(worth, 1e-300))
    whole, fraction = np.floor(units + 1e-6), units - np.floor(units + 1e-6)
    booked = whole + (fraction > np.maximum(break_even, 1e-6))
    return np.clip(booked, groups.lower, groups.upper).astype(np.float64)


def _mip_rounds(run: _Run, best: Incumbent, free: np.ndarray, bound: float) -> Incumbent:
    """Restricted MIP, route over its units, again over the grown pool with the groups it
    booked freed too: until a round gains nothing (at most ROUNDS)."""
    for r in range(ROUNDS):
        found = _mip_step(run, best, free)
        if found is None:
            break
        free = free | (found.units > 0)
        gained = found.value < best.value - 1e-9 * max(abs(best.value), 1.0)
        best = found if gained else Incumbent(best.routed, best.units, found.master)
        run.mark(f"mip {r + 1}", best.value, bound)
        if not gained:
            break
    return best


def _mip_step(run: _Run, best: Incumbent, free: np.ndarray) -> Incumbent | None:
    m = best.master
    units = restricted_mip(run.problem, run.groups, m, free, best.units, NODE_LIMIT, run.deadline)
    if units is None:
        return None
    routed = run.route(m, units)
    return None if routed is None else Incumbent(routed, units, grown(m, routed.master))


def _flip_search(run: _Run, best: Incumbent, reduced: np.ndarray, bound: float) -> Incumbent:
    """Sweeps of one-unit moves (the groups worth least at the LP's prices tried first for
    a unit less, those worth most for a unit more), each followed by the MIP over every
    group, until neither gains or the LP solves run out."""
    solves, everything = SEARCH_SOLVES, np.ones(len(run.groups), dtype=bool)
    order = np.argsort(reduced, kind="stable")
    for r in range(1_000):
        before = best.value
        best, solves = sweep(best, run.route, order, solves, run.deadline)
        found = _mip_step(run, best, everything) if solves > 0 else None
        if found is not None:
            solves -= found.routed.rounds
            better = found.value < best.value
            best = found if better else Incumbent(best.routed, best.units, found.master)
        run.mark(f"search {r + 1}", best.value, bound)
        if best.value >= before - 1e-9 * max(abs(before), 1.0) or solves <= 0:
            break
        if time.perf_counter() > run.deadline:
            break
    return best


def route_over(
    problem: DesignProblem,
    units: np.ndarray,
    pricer: Pricer | None = None,
    time_limit_s: float = 60.0,
) -> DesignSolution:
    """With `units` booked per capacity row, the cheapest routing over them, spot and
    unserved (an LP by column generation; its value is exact for those units)."""
    started = time.perf_counter()
    rows = len(problem.capacity)
    single = Groups(
        of_row=np.arange(rows),
        lower=np.asarray(units, dtype=np.int64),
        upper=np.asarray(units, dtype=np.int64),
        fixed=problem.capacity.fixed.astype(np.float64),
    )
    m = _first_master(problem, single)
    routed = _routed(
        problem, single, m, np.asarray(units, dtype=np.float64), pricer, started + time_limit_s
    )
    out = solution_of(problem, single, routed, "route_over", started)
    return replace(out, status="infeasible" if out.status == "infeasible" else "optimal")


def _first_master(problem: DesignProblem, groups: Groups) -> Master:
    initial = problem.initial
    active = np.flatnonzero(initial) if initial is not None else np.arange(len(problem.columns))
    price = must_serve_price(problem, problem.columns)
    return Master(
        problem.columns,
        active,
        EMPTY,
        price,
        groups.lower.astype(float),
        groups.upper.astype(float),
    )


def _routed(
    problem: DesignProblem,
    groups: Groups,
    m: Master,
    units: np.ndarray,
    pricer: Pricer | None,
    deadline: float,
) -> Relaxation:
    fixed = Master(m.columns, m.active, EMPTY, m.unserved_price, units, units)
    return relax(problem, groups, fixed, pricer, False, LP_ROUNDS, deadline)


def _free(method: str, problem: DesignProblem, groups: Groups, lp: Relaxation) -> np.ndarray:
    """The groups the restricted MIP may book."""
    booked = (lp.values[: len(groups)] > 1e-6) | (groups.lower > 0)
    if method == "free":
        return np.ones(len(groups), dtype=bool)
    if method == "fix-lp":
        return booked
    return booked | (units_reduced_cost(problem, groups, lp.duals) <= RC_SHARE * groups.fixed)


def units_reduced_cost(problem: DesignProblem, groups: Groups, d: Duals) -> np.ndarray:
    """Per group, the LP reduced cost of one more unit: its fixed cost less what its
    capacity and link rows are worth at the LP's prices."""
    cap = problem.capacity
    per_row = cap.unit_kg * d.price_kg + cap.unit_m3 * d.price_m3
    worth = np.bincount(groups.of_row, per_row, minlength=len(groups))
    worth += np.bincount(groups.of_row[d.link_row], d.link_price, minlength=len(groups))
    return groups.fixed - worth
