"""Row prices of the design LP, as a pricer receives them, and the reduced cost of a
column at those prices."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from routing.design.problem import Columns, DesignProblem


@dataclass(frozen=True)
class Duals:
    """The LP's prices, all in the objective's money: a column's reduced cost is its cost,
    less its commodity's `demand`, plus for each capacity row r it takes
    kg x `price_kg[r]` + m3 x `price_m3[r]` + the link price of (commodity, r)."""

    demand: np.ndarray  # per commodity: what serving all of it is worth at the margin
    price_kg: np.ndarray  # per capacity row, >= 0, per kg through it
    price_m3: np.ndarray  # per capacity row, >= 0, per m3
    link_commodity: np.ndarray  # the strong linking rows with a price, sparse:
    link_row: np.ndarray  # (commodity, capacity row) ...
    link_price: np.ndarray  # ... and the price of the whole commodity's share through it (>= 0)

    def link_prices_of(self, commodity: np.ndarray, row: np.ndarray, rows: int) -> np.ndarray:
        """The link price of each (commodity, row) pair (0 where the LP has no such row)."""
        key = self.link_commodity * rows + self.link_row
        order = np.argsort(key, kind="stable")
        key = key[order]
        want = commodity * rows + row
        at = np.minimum(np.searchsorted(key, want), max(len(key) - 1, 0))
        if not len(key):
            return np.zeros(len(want))
        return np.where(key[at] == want, self.link_price[order][at], 0.0)


Pricer = Callable[[Duals], Columns]
"""Given the LP's prices, new columns whose reduced cost is negative (empty: none). For
the design's bound to hold, a pricer must be exact: when it returns nothing, no column
of the problem has a negative reduced cost; when it returns some, the most negative of
each commodity among them."""


def reduced_costs(problem: DesignProblem, duals: Duals, columns: Columns) -> np.ndarray:
    """Per column: cost - demand price + the prices of the rows it takes."""
    com = problem.commodities
    lengths = np.diff(columns.start)
    owner = np.repeat(np.arange(len(columns)), lengths)
    k = columns.commodity[owner]
    r = columns.rows
    per_entry = (
        com.kg[k] * duals.price_kg[r]
        + com.m3[k] * duals.price_m3[r]
        + duals.link_prices_of(k, r, len(problem.capacity))
    )
    return (
        columns.cost
        - duals.demand[columns.commodity]
        + np.bincount(owner, per_entry, minlength=len(columns))
    )


def join(first: Columns, second: Columns) -> Columns:
    """The columns of both, `first`'s first."""
    return Columns(
        commodity=np.concatenate([first.commodity, second.commodity]).astype(np.int64),
        cost=np.concatenate([first.cost, second.cost]).astype(np.float64),
        start=np.concatenate([first.start[:-1], second.start + first.start[-1]]).astype(np.int64),
        rows=np.concatenate([first.rows, second.rows]).astype(np.int64),
    )
