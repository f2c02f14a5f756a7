"""The design LP by column and row generation: the restricted master over the active
columns is solved, the rest of the pool (and the pricer, once the pool has nothing to
offer) is priced at its duals, and the strong linking rows it violates are added, until
neither columns nor rows come in.

Deterministic: rounds are counted (`max_rounds`); the deadline is only a safety net.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from routing.design.duals import Duals, Pricer, join, reduced_costs
from routing.design.master import Groups, Layout, build, chargeable_kg, entries
from routing.design.problem import Columns, DesignProblem
from routing.plan.solver import Solution, Status, solve

PER_COMMODITY = 3  # pool columns brought in per commodity and round
STALL = 1e-5  # relative move of the LP over STALL_ROUNDS rounds under which it stops
STALL_ROUNDS = 3


class OutOfTime(RuntimeError):
    """The deadline came before a single LP of the design was solved."""


@dataclass(frozen=True)
class Master:
    """A restricted master to solve: its columns, its links and its units' bounds."""

    columns: Columns  # the pool: every column known
    active: np.ndarray  # sorted pool indices of the columns in the model
    links: tuple[np.ndarray, np.ndarray]  # (commodity, row) of each strong linking row,
    # sorted by commodity x rows + row
    unserved_price: np.ndarray
    units_lower: np.ndarray  # per group
    units_upper: np.ndarray


@dataclass(frozen=True)
class Relaxation:
    master: Master  # as it ended: its pool, columns and links grown
    layout: Layout
    values: np.ndarray  # the LP's variables (units, shares, unserved, spot)
    value: float  # the LP's objective
    bound: float  # a valid lower bound on the design (nan: none proven)
    duals: Duals
    converged: bool
    rounds: int


def relax(
    problem: DesignProblem,
    groups: Groups,
    start: Master,
    pricer: Pricer | None,
    separate: bool,
    max_rounds: int,
    deadline: float,
) -> Relaxation:
    """Column (and, if `separate`, strong linking row) generation from `start`."""
    m, bound, rounds = start, np.nan, 0
    previous: Relaxation | None = None
    values: list[float] = []
    while True:
        rounds += 1
        model, lay = build(
            problem, groups, m.columns, m.active, m.links,
            m.unserved_price, m.units_lower, m.units_upper,
        )  # fmt: skip
        lp = solve(model, "highs", max(deadline - time.perf_counter(), 1.0), relax=True)
        if lp.status is not Status.OPTIMAL:
            if previous is None and time.perf_counter() >= deadline - 1e-3:
                raise OutOfTime("the time limit struck before the design LP's first round ended")
            if previous is None:
                raise RuntimeError(f"the design LP ended {lp.status}: {lp.detail}")
            return previous  # out of time mid-solve: the last round's, not converged
        duals = read_duals(problem, lay, lp)
        m, entering, full, least = _price(problem, m, duals, pricer)
        if full:
            bound = max(np.nan_to_num(bound, nan=-np.inf), lp.objective + least)
        cuts = _violated(problem, groups, m, lay, lp.values) if separate else None
        if cuts is not None and len(cuts[0]):
            m = _with_links(m, cuts)
        priced_out = not len(entering) or (full and -least <= 1e-7 * max(abs(lp.objective), 1.0))
        done = priced_out and (cuts is None or not len(cuts[0]))
        previous = Relaxation(m, lay, lp.values, lp.objective, bound, duals, done, rounds)
        values.append(lp.objective)
        stalled = separate and _stalled(values)  # column generation alone runs to the end
        if done or rounds >= max_rounds or time.perf_counter() > deadline or stalled:
            return previous
        m = _with_columns(m, entering)


def _stalled(values: list[float]) -> bool:
    """The last STALL_ROUNDS rounds moved the LP by less than STALL of its value: the
    rounds left add links and columns that change nothing worth their solves (on 13
    sample weeks of the default world, the 29 rounds after the 7th moved it by 2e-6 and
    took 250 s). The bound stays valid: it is that of the links in, priced over the pool.
    Only the rounds that add links stop so: a routing over fixed units (column generation
    alone) is priced to the end, so that it is the exact cost of those units."""
    if len(values) <= STALL_ROUNDS:
        return False
    moved = values[-STALL_ROUNDS - 1] - values[-1]
    return moved <= STALL * max(abs(values[-1]), 1.0)


def read_duals(problem: DesignProblem, lay: Layout, lp: Solution) -> Duals:
    """The LP's row duals as prices (MathOpt's duals of `<=` rows are <= 0 here)."""
    k, rows = len(problem.commodities), len(problem.capacity)
    y = lp.duals
    price_kg, price_m3 = np.zeros(rows), np.zeros(rows)
    cap = problem.capacity  # the capacity rows are in units: their duals are per unit
    price_kg[lay.kg_rows] = -y[k : k + len(lay.kg_rows)] / cap.unit_kg[lay.kg_rows]
    first_m3 = k + len(lay.kg_rows)
    price_m3[lay.m3_rows] = -y[first_m3 : first_m3 + len(lay.m3_rows)] / cap.unit_m3[lay.m3_rows]
    link = -y[first_m3 + len(lay.m3_rows) :]
    on = link > 0
    return Duals(
        demand=y[:k].copy(),
        price_kg=np.maximum(price_kg, 0.0),
        price_m3=np.maximum(price_m3, 0.0),
        link_commodity=lay.links[0][on],
        link_row=lay.links[1][on],
        link_price=link[on],
    )


def _price(
    problem: DesignProblem, m: Master, duals: Duals, pricer: Pricer | None
) -> tuple[Master, np.ndarray, bool, float]:
    """The pool columns to bring in (a few most negative per commodity); if none, the
    pricer's. Also whether every column was priced (the Lagrangian bound then holds) and
    that bound's correction: the sum over commodities of their least reduced cost < 0."""
    k = len(problem.commodities)
    rc = reduced_costs(problem, duals, m.columns)
    tol = 1e-6 * (1.0 + np.abs(duals.demand[m.columns.commodity]))
    rc[m.active] = 0.0
    least = np.zeros(k)
    np.minimum.at(least, m.columns.commodity, rc)
    candidates = np.flatnonzero(rc < -tol)
    if len(candidates) or pricer is None:
        return (
            m,
            _best_per_commodity(candidates, rc, m.columns.commodity),
            pricer is None,
            float(least.sum()),
        )
    new = pricer(duals)
    if not len(new):
        return m, np.zeros(0, dtype=np.int64), True, 0.0
    new_rc = reduced_costs(problem, duals, new)
    np.minimum.at(least, new.commodity, new_rc)
    first = len(m.columns)
    grown = Master(join(m.columns, new), *_rest(m))
    keep = np.flatnonzero(new_rc < -1e-6 * (1.0 + np.abs(duals.demand[new.commodity])))
    return grown, first + keep, True, float(least.sum())


def _rest(m: Master) -> tuple:
    return (m.active, m.links, m.unserved_price, m.units_lower, m.units_upper)


def _best_per_commodity(
    candidates: np.ndarray, rc: np.ndarray, commodity: np.ndarray
) -> np.ndarray:
    if not len(candidates):
        return candidates
    order = candidates[np.lexsort((candidates, rc[candidates], commodity[candidates]))]
    k = commodity[order]
    first = np.r_[0, np.flatnonzero(np.diff(k)) + 1]
    rank = np.arange(len(order)) - np.repeat(first, np.diff(np.r_[first, len(order)]))
    return np.sort(order[rank < PER_COMMODITY])


def _with_columns(m: Master, entering: np.ndarray) -> Master:
    active = np.union1d(m.active, entering)
    return Master(m.columns, active, m.links, m.unserved_price, m.units_lower, m.units_upper)


def _with_links(m: Master, cuts: tuple[np.ndarray, np.ndarray]) -> Master:
    lk = np.concatenate([m.links[0], cuts[0]])
    lr = np.concatenate([m.links[1], cuts[1]])
    return Master(m.columns, m.active, sorted_links(lk, lr), *_rest(m)[2:])


def sorted_links(lk: np.ndarray, lr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    order = np.lexsort((lr, lk))
    return lk[order].astype(np.int64), lr[order].astype(np.int64)


def _violated(
    problem: DesignProblem, groups: Groups, m: Master, lay: Layout, x: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The (commodity, row) pairs whose strong linking row the LP point violates."""
    rows, k = len(problem.capacity), len(problem.commodities)
    share = x[lay.first_share : lay.first_unserved]
    owner, used = entries(m.columns, m.active)
    on = share[owner] > 1e-9
    key = m.columns.commodity[m.active][owner[on]] * rows + used[on]
    keys, at = np.unique(key, return_inverse=True)
    through = np.bincount(at, share[owner[on]], minlength=len(keys))
    ck, cr = keys // rows, keys % rows
    units = x[: lay.groups][groups.of_row[cr]]
    spot = lay.spot_kg(x, k, rows)
    weight = chargeable_kg(problem, ck, cr)
    room = units + np.divide(spot[cr], weight, out=np.zeros(len(cr)), where=weight > 0)
    bad = (through > room + 1e-6) & (weight > 0) & (groups.lower[groups.of_row[cr]] < 1)
    return ck[bad], cr[bad]
