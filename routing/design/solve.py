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

Deterministic: LP and MIP work is counted in rounds and nodes; the time limit is a
safety net that, when it strikes, can make a slower machine stop earlier.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace

import numpy as np

from routing.design.duals import Duals, Pricer
from routing.design.heuristic import restricted_mip
from routing.design.lp import Master, Relaxation, relax
from routing.design.master import Groups, commitment_groups, must_serve_price
from routing.design.problem import DesignProblem
from routing.design.solution import DesignSolution, gap_of, solution_of, status_of

__all__ = ["METHODS", "DesignSolution", "Duals", "Pricer", "route_over", "solve_design"]

METHODS = ("fix-lp", "fix-rc", "free")
"""Which groups the restricted MIP may book: `fix-lp` those the LP books (Gendron et
al.'s fixing of LP zeros), `fix-rc` those plus the groups whose LP reduced cost is
below `RC_SHARE` of their fixed cost, `free` all of them."""
DEFAULT_METHOD = "fix-rc"
RC_SHARE = 0.5
ROUNDS = 4  # restricted MIP and route-over rounds
NODE_LIMIT = 2000  # per restricted MIP
LP_ROUNDS = 400
EMPTY = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))


def solve_design(
    problem: DesignProblem,
    time_limit_s: float = 60.0,
    pricer: Pricer | None = None,
    method: str = DEFAULT_METHOD,
    progress: Callable[[str], None] | None = None,
) -> DesignSolution:
    """The units to book, the routing over them and a lower bound (see the module)."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    if time_limit_s <= 0:
        raise ValueError(f"time_limit_s must be > 0, got {time_limit_s}")
    started = time.perf_counter()
    deadline = started + time_limit_s
    say = progress or (lambda _: None)
    groups = commitment_groups(problem)
    trace: list[tuple[str, float, float, float]] = []
    lp = relax(problem, groups, _first_master(problem, groups), pricer, True, LP_ROUNDS, deadline)
    trace.append(("lp", time.perf_counter() - started, np.nan, lp.bound))
    say(f"LP bound {lp.bound:,.2f} after {lp.rounds} rounds")
    m = lp.master
    best = _routed(problem, groups, m, np.ceil(lp.values[: len(groups)] - 1e-6), pricer, deadline)
    m = _grown(m, best.master)
    trace.append(("rounded lp", time.perf_counter() - started, best.value, lp.bound))
    free = _free(method, problem, groups, lp)
    for r in range(ROUNDS):
        units = restricted_mip(problem, groups, m, free, _units(best), NODE_LIMIT, deadline)
        if units is None:
            break
        found = _routed(problem, groups, m, units, pricer, deadline)
        m = _grown(m, found.master)
        free |= units > 0
        gained = found.value < best.value - 1e-9 * max(abs(best.value), 1.0)
        if gained:
            best = found
        trace.append((f"mip {r + 1}", time.perf_counter() - started, best.value, lp.bound))
        say(f"round {r + 1}: design {best.value:,.2f}")
        if not gained or time.perf_counter() > deadline:
            break
    out = solution_of(problem, groups, best, method, started)
    return replace(
        out,
        bound=lp.bound,
        gap=gap_of(out.value, lp.bound),
        status=status_of(out, lp.bound),
        trace=trace,
    )


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
    return relax(
        problem, groups, fixed, pricer, False, LP_ROUNDS, max(deadline, time.perf_counter() + 10)
    )


def _grown(m: Master, other: Master) -> Master:
    """`m` with the pool and the active columns `other` reached."""
    return Master(
        other.columns,
        np.union1d(m.active, other.active),
        m.links,
        m.unserved_price,
        m.units_lower,
        m.units_upper,
    )


def _units(r: Relaxation) -> np.ndarray:
    return np.rint(r.values[: r.layout.groups])


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
