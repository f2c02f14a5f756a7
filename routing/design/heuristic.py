"""The restricted MIP of the matheuristic: units integer on the groups left free (the
others held at 0), over the columns the LP has brought in, with the strong linking row
of every (commodity, row) those columns pair, solved by HiGHS to a node limit.

Deterministic: HiGHS runs on one thread with a fixed seed and stops at `node_limit`;
only when the deadline comes first can the machine's speed change the answer.
"""

from __future__ import annotations

import time

import numpy as np

from routing.design.lp import Master, sorted_links
from routing.design.master import Groups, build, chargeable_kg, entries
from routing.design.problem import DesignProblem
from routing.plan.solver import Status, solve


def all_links(
    problem: DesignProblem, groups: Groups, m: Master, free: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Every strong linking row the active columns can violate on free groups."""
    rows = len(problem.capacity)
    owner, used = entries(m.columns, m.active)
    key = np.unique(m.columns.commodity[m.active][owner] * rows + used)
    k, r = key // rows, key % rows
    g = groups.of_row[r]
    keep = free[g] & (groups.lower[g] < 1) & (chargeable_kg(problem, k, r) > 0)
    return sorted_links(k[keep], r[keep])


def restricted_mip(
    problem: DesignProblem,
    groups: Groups,
    m: Master,
    free: np.ndarray,
    hint: np.ndarray | None,
    node_limit: int,
    deadline: float,
) -> np.ndarray | None:
    """Units per group of the best design HiGHS finds with only the `free` groups open
    to booking (None: none found). `hint`, units per group, seeds the search where it
    fits the free groups."""
    lower = np.where(free, m.units_lower, 0.0)
    upper = np.where(free, m.units_upper, 0.0)
    if np.any(lower > upper):
        return None
    links = all_links(problem, groups, m, free)
    model, lay = build(problem, groups, m.columns, m.active, links, m.unserved_price, lower, upper)
    start = None
    if hint is not None and np.all((hint >= lower) & (hint <= upper)):
        start = np.zeros(len(model.lower))
        start[: lay.groups] = hint
    left = deadline - time.perf_counter()
    if left <= 0:
        return None
    found = solve(model, "highs", left, relative_gap=1e-6, hint=start, node_limit=node_limit)
    if found.status not in (Status.OPTIMAL, Status.FEASIBLE):
        return None
    return np.rint(found.values[: lay.groups])
