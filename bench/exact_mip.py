"""The exact plan of a small instance, as an independent check of `glocal plan`.

One binary variable per order and route-departure of the whole universe (every open
route, every departure within the horizon), one per order left unplanned, whole
consolidation units per departure; booked kg and m3 never exceeded. None of the
planner's devices is used: no commodities, no column generation, no linking rows of
commodity groups, no rounding, no Lagrangian bound. HiGHS solves it to proven
optimality (or stops at the time limit and says so).

The costs are the planner's own per order (shipping, duties, late penalty: the parity
test holds them equal to the quote engine's), so the comparison is of the optimisation
alone. The order-level strong inequalities x_oa <= y_r (a parcel on a departure bought
in units needs a unit there) only tighten the LP; they cut off no integer plan.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from routing.plan.capacity import unit_limit
from routing.plan.planner import Prepared
from routing.plan.solver import SparseModel, Status, solve


@dataclass(frozen=True)
class Exact:
    objective: float  # plan minor units; inf if none found
    bound: float  # the solver's proven lower bound
    status: str  # "optimal" when proven
    arc: np.ndarray  # per order, its universe arc (-1 unplanned)
    seconds: float


def solve_exactly(w: Prepared, time_limit_s: float = 120.0, gap: float = 1e-7) -> Exact:
    """The optimum of the orders of `w` over its universe, capacity and units."""
    orders, u, rows = w.orders, w.universe, w.rows
    owner, arc = _pairs(w)
    cost = w.costs(owner, arc) if len(owner) else np.zeros(0)
    n_pair, n_order = len(owner), len(orders)
    has_unit = (rows.unit_kg > 0) | (rows.unit_m3 > 0)
    unit_rows = np.flatnonzero(has_unit)
    y_of = np.full(len(rows), -1, dtype=np.int64)
    y_of[unit_rows] = n_pair + n_order + np.arange(len(unit_rows))
    limit = unit_limit(rows)[unit_rows]  # as many as the planner may buy
    triplets: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    lower: list[np.ndarray] = []
    upper: list[np.ndarray] = []
    first = 0

    def block(r: np.ndarray, c: np.ndarray, v: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> None:
        nonlocal first
        triplets.append((first + r, c, v))
        lower.append(lo)
        upper.append(hi)
        first += len(lo)

    ones = np.ones(n_order)
    block(  # every order once: planned on one arc or unplanned
        np.concatenate([owner, np.arange(n_order)]),
        np.concatenate([np.arange(n_pair), n_pair + np.arange(n_order)]),
        np.ones(n_pair + n_order),
        ones,
        ones,
    )
    kg, m3 = orders.weight_kg[owner], orders.volume_m3[owner]
    n_row = len(rows)
    for size, cap, unit in ((kg, rows.cap_kg, rows.unit_kg), (m3, rows.cap_m3, rows.unit_m3)):
        r, p, v = _through(u.arcs.rows[arc], size)
        block(r, p, v, np.full(n_row, -np.inf), np.where(np.isfinite(cap), cap, 1e18))
        keep = has_unit[r]
        r2 = np.concatenate([r[keep], unit_rows])
        c2 = np.concatenate([p[keep], y_of[unit_rows]])
        v2 = np.concatenate([v[keep], -unit[unit_rows]])
        block(r2, c2, v2, np.full(n_row, -np.inf), np.zeros(n_row))
    r, p, _ = _through(u.arcs.rows[arc], np.ones(n_pair))
    keep = has_unit[r]
    k = int(keep.sum())
    block(  # x_oa - y_r <= 0
        np.concatenate([np.arange(k), np.arange(k)]),
        np.concatenate([p[keep], y_of[r[keep]]]),
        np.concatenate([np.ones(k), -np.ones(k)]),
        np.full(k, -np.inf),
        np.zeros(k),
    )
    n_var = n_pair + n_order + len(unit_rows)
    model = SparseModel(
        lower=np.zeros(n_var),
        upper=np.concatenate([np.ones(n_pair + n_order), limit]),
        integer=np.ones(n_var, dtype=bool),
        cost=np.concatenate([cost, np.full(n_order, w.penalty), rows.unit_cost[unit_rows]]),
        row_lower=np.concatenate(lower),
        row_upper=np.concatenate(upper),
        rows=np.concatenate([t[0] for t in triplets]),
        cols=np.concatenate([t[1] for t in triplets]),
        vals=np.concatenate([t[2] for t in triplets]),
    )
    found = solve(model, "highs", time_limit_s, 2, 7, gap)
    chosen = np.full(n_order, -1, dtype=np.int64)
    if len(found.values):
        on = found.values[:n_pair] > 0.5
        chosen[owner[on]] = arc[on]
    objective = found.objective if len(found.values) else np.inf
    status = found.status.value if found.status is not Status.OPTIMAL else "optimal"
    return Exact(objective, found.bound, status, chosen, found.seconds)


def _pairs(w: Prepared) -> tuple[np.ndarray, np.ndarray]:
    """Every order against every universe arc of its coarse commodity."""
    per_com = np.diff(w.universe.start)
    counts = per_com[w.coarse.of_order]
    owner = np.repeat(np.arange(len(w.orders)), counts)
    pos = np.arange(len(owner)) - np.repeat(np.cumsum(counts) - counts, counts)
    return owner, w.universe.start[w.coarse.of_order[owner]] + pos


def _through(arc_rows: np.ndarray, size: np.ndarray) -> tuple[np.ndarray, ...]:
    """(row, pair, size) for every capacity row each pair's arc loads."""
    out: list[list[np.ndarray]] = [[], [], []]
    for slot in range(arc_rows.shape[1]):
        hit = np.flatnonzero(arc_rows[:, slot] >= 0)
        out[0].append(arc_rows[hit, slot])
        out[1].append(hit)
        out[2].append(size[hit])
    return tuple(np.concatenate(x) for x in out)
