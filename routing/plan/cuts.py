"""Cutset inequalities that tighten a block's LP where it buys fractions of units.

Consolidation units are chunky (a 10 m3 air ULD, a 67 m3 container) and a departure buys
one to three. The LP relaxation buys 1.67 units for 16.7 m3 that two whole units must
carry, so its bound sits below any plan by most of a unit per lane; the linking rows
(model.py) see only one group of orders at a time.

For a set Q of departures whose units have the same size U (in kg or in m3) and a set S
of commodities, let z be the kg (or m3) of the orders of S riding some departure of Q,
D their total and Y the units bought on Q. Every plan has z <= min(D, U Y) with Y whole,
and mixed-integer rounding gives, with d = D / U and f = d - floor(d) > 0,

    z / U - f Y <= d - f ceil(d)

(at Y >= ceil(d) it is z <= D; at Y <= floor(d) it is implied by z <= U Y). An order
counts once in z however many departures of Q its route rides, and D is the commodities'
own orders, so the inequality holds for whole orders on every route of the universe,
not only in the model: the bound prices it (bound.py, pricing.py).

`tighten` adds the most violated ones to a block's LP for a few rounds (`cut_rounds`),
each round a fresh LP. The sets Q tried: each departure alone, all departures of a unit
size, and per commodity the departures of a unit size its arcs ride. S is every
commodity that loads Q, or those loading it beyond the fractional part of Y (the usual
separation heuristic for residual-capacity inequalities).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from routing.plan.model import BlockData, Formulation
from routing.plan.solver import Solution, SparseModel, Status, solve

MAX_CUTS = 50  # added per round: the most violated
VIOLATION = 1e-4  # in units: a cut violated by less is not worth its row


@dataclass(frozen=True)
class Cuts:
    """Cutset inequalities in global ids. Cut j, z_j / size_j - frac_j Y_j <= rhs_j, is over
    the rows rows[row_start[j]:row_start[j + 1]] and the final model's commodities
    commodities[commodity_start[j]:commodity_start[j + 1]]; its price (>= 0, the cost
    saved per unit of right-hand side) comes from the LP that held it."""

    dim: np.ndarray  # 0: kg, 1: m3
    size: np.ndarray
    frac: np.ndarray
    rhs: np.ndarray
    price: np.ndarray
    row_start: np.ndarray
    rows: np.ndarray
    commodity_start: np.ndarray
    commodities: np.ndarray

    @staticmethod
    def none() -> Cuts:
        empty, zero = np.zeros(0), np.zeros(1, dtype=np.int64)
        ints = np.zeros(0, dtype=np.int64)
        return Cuts(ints, empty, empty, empty, empty, zero, ints, zero, ints)

    def __len__(self) -> int:
        return len(self.dim)

    def row_of(self) -> np.ndarray:
        """Per entry of `rows`, its cut."""
        return np.repeat(np.arange(len(self)), np.diff(self.row_start))

    def unit_reward(self, n_row: int) -> np.ndarray:
        """Per capacity row, what its cuts' prices pay for one more unit (price x frac)."""
        j = self.row_of()
        return np.bincount(self.rows, (self.price * self.frac)[j], n_row)

    def constants(self, n_row: int) -> np.ndarray:
        """The priced right-hand sides, which the bound subtracts, each on the first
        capacity row of its cut."""
        first = self.rows[self.row_start[:-1]] if len(self) else np.zeros(0, dtype=np.int64)
        return np.bincount(first, self.price * self.rhs, n_row)


def concat(parts: list[Cuts]) -> Cuts:
    parts = [c for c in parts if len(c)] or [Cuts.none()]
    return Cuts(
        dim=np.concatenate([c.dim for c in parts]),
        size=np.concatenate([c.size for c in parts]),
        frac=np.concatenate([c.frac for c in parts]),
        rhs=np.concatenate([c.rhs for c in parts]),
        price=np.concatenate([c.price for c in parts]),
        row_start=_starts([np.diff(c.row_start) for c in parts]),
        rows=np.concatenate([c.rows for c in parts]),
        commodity_start=_starts([np.diff(c.commodity_start) for c in parts]),
        commodities=np.concatenate([c.commodities for c in parts]),
    )


def _starts(lengths: list[np.ndarray]) -> np.ndarray:
    return np.concatenate([[0], np.cumsum(np.concatenate(lengths))]).astype(np.int64)


@dataclass(frozen=True)
class _Cut:
    """One inequality of a block in local terms, with its LP row."""

    violation: float
    dim: int
    size: float
    frac: float
    rhs: float
    rows: tuple[int, ...]  # local capacity rows (Q)
    commodities: np.ndarray  # global commodity ids (S)
    arcs: np.ndarray  # local arcs of S's commodities through Q
    coef: np.ndarray  # their kg or m3 per order over the unit size


def tighten(f: Formulation, b: BlockData, lp: Solution) -> tuple[Formulation, Solution, Cuts]:
    """The LP with up to `b.cut_rounds` rounds of cuts added (within half the block's
    time limit), the formulation holding them and the cuts with the last LP's prices."""
    started = time.perf_counter()
    added: list[_Cut] = []
    base = f.model
    rounds = b.cut_rounds if len(b.arc_cost) <= b.cut_arcs else 0
    for _ in range(rounds):
        if lp.status is not Status.OPTIMAL or time.perf_counter() - started > b.time_limit_s / 2:
            break
        found = separate(b, f.flows(lp.values), f.units(lp.values))
        if not found:
            break
        model = with_cuts(base, f.unit_var, added + found)
        again = solve(model, b.lp_solver, b.time_limit_s, b.threads, b.seed, relax=True)
        if again.status is not Status.OPTIMAL:
            break
        added, lp, f = added + found, again, replace(f, model=model)
    n_base = len(base.row_lower)
    duals = lp.duals[n_base:] if len(lp.duals) > n_base else np.zeros(len(added))
    return f, lp, _global(added, np.maximum(-duals, 0.0), b)


def with_cuts(model: SparseModel, unit_var: np.ndarray, cuts: list[_Cut]) -> SparseModel:
    """The model with one <= row per cut, after its own rows."""
    first = len(model.row_lower)
    rows, cols, vals = [model.rows], [model.cols], [model.vals]
    for k, c in enumerate(cuts):
        ys = unit_var[list(c.rows)]
        rows.append(np.full(len(c.arcs) + len(ys), first + k))
        cols.append(np.concatenate([c.arcs, ys]))
        vals.append(np.concatenate([c.coef, np.full(len(ys), -c.frac)]))
    return SparseModel(
        model.lower,
        model.upper,
        model.integer,
        model.cost,
        np.concatenate([model.row_lower, np.full(len(cuts), -np.inf)]),
        np.concatenate([model.row_upper, [c.rhs for c in cuts]]),
        np.concatenate(rows),
        np.concatenate(cols),
        np.concatenate(vals),
    )


def separate(b: BlockData, flow: np.ndarray, units: np.ndarray) -> list[_Cut]:
    """The most violated cuts at the LP point (flow per arc, units per row)."""
    n_com = len(b.demand)
    found: dict[tuple, _Cut] = {}
    for q in _candidate_sets(b):
        through = riding(b.arc_rows, q, len(b.cap_kg))
        y = float(units[list(q)].sum())
        if y - np.floor(y) < 1e-6 or np.ceil(y) - y < 1e-6:
            continue  # a whole number of units: no cut of this form is violated
        for dim, per, size in ((0, b.arc_kg, b.unit_kg[q[0]]), (1, b.arc_m3, b.unit_m3[q[0]])):
            if size <= 0:
                continue
            load = np.bincount(b.arc_commodity[through], flow[through] * per[through], n_com)
            each = np.zeros(n_com)
            each[b.arc_commodity] = per
            z, d = load / size, b.demand * each / size
            for s in _candidate_sets_of_commodities(z, d, y):
                cut = _cut(dim, size, q, s, z, d, y, b, through, per)
                if cut is not None:
                    found.setdefault((dim, q, cut.commodities.tobytes()), cut)
    return sorted(found.values(), key=lambda c: -c.violation)[:MAX_CUTS]


def _cut(
    dim: int,
    size: float,
    q: tuple[int, ...],
    s: np.ndarray,
    z: np.ndarray,
    d: np.ndarray,
    y: float,
    b: BlockData,
    through: np.ndarray,
    per: np.ndarray,
) -> _Cut | None:
    """The inequality of (Q, S) if the LP point violates it."""
    total = float(d[s].sum())
    frac = total - np.floor(total)
    if frac < 1e-6 or frac > 1 - 1e-6:
        return None
    rhs = total - frac * np.ceil(total)
    violation = float(z[s].sum()) - frac * y - rhs
    if violation < VIOLATION:
        return None
    arcs = np.flatnonzero(through & s[b.arc_commodity])
    return _Cut(violation, dim, size, frac, rhs, q, b.commodities[s], arcs, per[arcs] / size)


def _candidate_sets(b: BlockData) -> list[tuple[int, ...]]:
    """Sets of rows with one unit size: each alone, all of a size, and per commodity those
    of a size that its arcs ride."""
    has = (b.unit_kg > 0) | (b.unit_m3 > 0)
    size_of = {r: (float(b.unit_kg[r]), float(b.unit_m3[r])) for r in np.flatnonzero(has).tolist()}
    sets: set[tuple[int, ...]] = {(r,) for r in size_of}
    for size in set(size_of.values()):
        sets.add(tuple(r for r, s in size_of.items() if s == size))
    ridden: dict[tuple, set[int]] = {}
    for slot in range(b.arc_rows.shape[1]):
        r = b.arc_rows[:, slot]
        for g, row in set(zip(b.arc_commodity[r >= 0].tolist(), r[r >= 0].tolist(), strict=True)):
            if row in size_of:
                ridden.setdefault((g, size_of[row]), set()).add(row)
    sets.update(tuple(sorted(rows)) for rows in ridden.values())
    return sorted(sets)


def _candidate_sets_of_commodities(z: np.ndarray, d: np.ndarray, y: float) -> list[np.ndarray]:
    loads = z > 1e-9
    beyond = loads & (z >= (y - np.floor(y)) * d - 1e-12)
    return [loads, beyond] if (beyond != loads).any() else [loads]


def riding(arc_rows: np.ndarray, q: Sequence[int] | np.ndarray, n_row: int) -> np.ndarray:
    """Per arc (its rows, -1 for none): it rides some row of q."""
    inside = np.zeros(n_row + 1, dtype=bool)  # the extra entry: "no row" (-1)
    inside[np.asarray(q, dtype=np.int64)] = True
    return inside[arc_rows].any(axis=1)


def _global(cuts: list[_Cut], price: np.ndarray, b: BlockData) -> Cuts:
    if not cuts:
        return Cuts.none()
    return Cuts(
        dim=np.array([c.dim for c in cuts], dtype=np.int64),
        size=np.array([c.size for c in cuts]),
        frac=np.array([c.frac for c in cuts]),
        rhs=np.array([c.rhs for c in cuts]),
        price=price[: len(cuts)],
        row_start=_starts([np.array([len(c.rows) for c in cuts])]),
        rows=b.rows[np.concatenate([np.array(c.rows, dtype=np.int64) for c in cuts])],
        commodity_start=_starts([np.array([len(c.commodities) for c in cuts])]),
        commodities=np.concatenate([c.commodities for c in cuts]).astype(np.int64),
    )
