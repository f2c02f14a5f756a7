"""Local search over the units: one unit more or less on one group, each neighbour
priced exactly by routing over it (column generation), the first that gains taken.

Its routings bring in the columns the restricted MIP lacked: a route that only pays
once a lane is closed, or opened, is never priced at the LP's duals. After each sweep the
restricted MIP is solved again over the grown pool, seeded with the incumbent.

Deterministic: the neighbours are tried in a fixed order and the search stops after
`max_solves` LPs (a count of work, not of seconds); the deadline is a safety net.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from routing.design.lp import Master, Relaxation

Route = Callable[[Master, np.ndarray], Relaxation | None]
# units per group -> the routing over them (None: no time left for it)


@dataclass
class Incumbent:
    routed: Relaxation
    units: np.ndarray  # per group
    master: Master  # the pool and the active columns so far

    @property
    def value(self) -> float:
        return self.routed.value


def moves(order: np.ndarray) -> list[tuple[int, int]]:
    """(group, step): one unit less on each group, the last of `order` first; then one
    unit more on each, the first first."""
    return [(int(g), -1) for g in order[::-1]] + [(int(g), 1) for g in order]


def sweep(
    best: Incumbent, route: Route, order: np.ndarray, solves: int, deadline: float
) -> tuple[Incumbent, int]:
    """One pass over the moves from the incumbent, taking each one that gains; the pool
    grows with every routing. Returns the incumbent and the LP solves left."""
    m = best.master
    for g, step in moves(order):
        if solves <= 0 or time.perf_counter() > deadline:
            break
        y = best.units.copy()
        y[g] += step
        if not m.units_lower[g] <= y[g] <= m.units_upper[g]:
            continue
        r = route(m, y)
        if r is None:
            break
        solves -= r.rounds
        m = grown(m, r.master)
        if r.value < best.value - 1e-9 * max(abs(best.value), 1.0):
            best = Incumbent(r, y, m)
    return Incumbent(best.routed, best.units, m), solves


def grown(m: Master, other: Master) -> Master:
    """`m` with the pool and the active columns `other` reached."""
    return Master(
        other.columns,
        np.union1d(m.active, other.active),
        m.links,
        m.unserved_price,
        m.units_lower,
        m.units_upper,
    )
