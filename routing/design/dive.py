"""LP diving: whole units by rounding the LP a few groups at a time and solving it again,
for designs too large for the restricted MIP (a season of the default world: 30,000
commodities, 160,000 columns in the LP, 400 commitment groups, where HiGHS's MIP does not
finish its root in minutes).

Each dive round solves the design LP (with its strong linking rows) under the bounds
fixed so far, then fixes every group whose units came out whole, rounds up the groups
whose fraction is at least UP, rounds down those under DOWN, and, when that fixes
nothing new, rounds the DIVE_SHARE groups nearest a whole number to it (fractional
diving). A group rounded is never
freed again, so the dive ends in at most as many rounds as there are groups, in practice
in ten or so. Rounding up leaves the LP feasible (units only add room; spot and
unserved take the rest; a must-serve commodity without either gets the artificial
unserved share of master.py, which the LP then routes away from), so the dive cannot get
stuck.

Deterministic: the same LP, the same roundings, in the same order.
"""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np

from routing.design.duals import Pricer
from routing.design.lp import Relaxation, relax
from routing.design.master import Groups
from routing.design.problem import DesignProblem

UP = 0.5  # a fraction from which a group is rounded up at once
DOWN = 0.1  # a fraction under which it is rounded down at once
DIVE_SHARE = 0.25  # of the open groups rounded to the nearest whole when nothing else is
WHOLE = 1e-6
ROUNDS = 40  # LP rounds per dive step (columns; links too with SEPARATE)
SEPARATE = False


def dive(
    problem: DesignProblem,
    groups: Groups,
    lp: Relaxation,
    pricer: Pricer | None,
    deadline: float,
) -> np.ndarray:
    """Whole units per group from the LP `lp`, by diving (see the module)."""
    m = lp.master
    lower, upper = m.units_lower.copy(), m.units_upper.copy()
    y = lp.values[: len(groups)]
    while True:
        lower, upper = _round(y, lower, upper)
        if np.array_equal(lower, upper):
            return lower
        if time.perf_counter() > deadline:  # what the LP says, rounded up: feasible
            return np.ceil(np.clip(y, lower, upper) - WHOLE)
        m = replace(m, units_lower=lower, units_upper=upper)
        r = relax(problem, groups, m, pricer, SEPARATE, ROUNDS, deadline)
        m, y = r.master, r.values[: len(groups)]


def _round(y: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The bounds after one dive step: at least one open group fixed."""
    lo, hi = lower.copy(), upper.copy()
    base = np.floor(y + WHOLE)
    frac = y - base
    whole = frac <= WHOLE
    lo[whole], hi[whole] = base[whole], base[whole]
    up = ~whole & (frac >= UP)
    lo[up] = hi[up] = base[up] + 1
    down = ~whole & (frac < DOWN)
    lo[down] = hi[down] = base[down]
    if not (np.array_equal(lo, lower) and np.array_equal(hi, upper)):
        return lo, hi
    open_ = np.flatnonzero(lo < hi)  # all fractional in [DOWN, UP): the nearest whole
    k = max(int(np.ceil(DIVE_SHARE * len(open_))), 1)
    pick = open_[np.argsort(-np.abs(frac[open_] - 0.5), kind="stable")[:k]]
    near = base[pick] + (frac[pick] >= 0.5)
    lo[pick] = hi[pick] = np.clip(near, lower[pick], upper[pick])
    return lo, hi
