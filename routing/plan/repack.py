"""Step 6 of the disaggregation: full departures repacked at the LP's prices.

Where a departure's booked capacity or its open consolidation units are full, which
orders it carries decides how many are left unplanned. The model moves commodities at
their mean kg and m3, so it cannot tell a commodity's small parcels from its bulky ones;
with a penalty per unplanned order, a full departure should carry the orders that save
the most per unit of what is scarce on it. `repack` does that, departure by departure
(the most dearly priced first): the orders on it and the unplanned orders that could take
it (on their cheapest arc through it) are ranked by saving (penalty less own cost) per
priced size (kg and m3 at the LP's prices of the departure's booked capacity and units),
and taken in that order while they fit on every departure of their arc; the others are
left unplanned. A departure keeps its new load only when the plan's saving grows, and no
unit is bought that the plan did not need, so the plan never costs more.

It matters where capacity binds: on 1,000,000 sample orders the default week's air
departures are full by volume, and the LP's own figures (commodity means) hide that a
plan of small parcels leaves fewer orders behind (docs/plan.md, "Planning at scale").
"""

from __future__ import annotations

import numpy as np

from routing.plan.arcs import Arcs, OrderArcs
from routing.plan.assign import Assignment
from routing.plan.bound import RowPrices
from routing.plan.capacity import CapacityRows
from routing.plan.disaggregate import CostOf
from routing.plan.loading import Loading, reasons
from routing.plan.table import OrdersTable

_EPS = 1e-9


def repack(
    orders: OrdersTable,
    arcs: Arcs,
    rows: CapacityRows,
    plan: Assignment,
    pairs: OrderArcs,
    cost_of: CostOf,
    penalty: float,
    prices: RowPrices,
) -> tuple[Assignment, int]:
    """The plan with its priced departures repacked, and how many were."""
    per_kg, per_m3 = _row_prices(rows, prices)
    scarce = np.flatnonzero((per_kg > 0) | (per_m3 > 0))
    if not len(scarce):
        return plan, 0
    scarce = scarce[np.lexsort((scarce, -(per_kg + per_m3)[scarce]))]
    state = Loading(orders, arcs, rows, plan.arc.copy())
    packer = _Packer(state, pairs, cost_of, penalty, scarce)
    repacked = sum(packer.row(r, per_kg[r], per_m3[r]) for r in scarce.tolist())
    if not repacked:
        return plan, 0
    return Assignment(state.arc, reasons(state, pairs)), repacked


def _row_prices(rows: CapacityRows, prices: RowPrices) -> tuple[np.ndarray, np.ndarray]:
    """Per row, the LP's price of a kg and of a m3 there: booked capacity plus units."""
    kg = np.where(np.isfinite(rows.cap_kg), prices.capacity_kg, 0.0) + prices.unit_kg
    m3 = np.where(np.isfinite(rows.cap_m3), prices.capacity_m3, 0.0) + prices.unit_m3
    return kg, m3


class _Buckets:
    """Values filed under the rows of their arcs, for one row's look-up."""

    def __init__(self, arc_rows: np.ndarray, values: np.ndarray, n_rows: int) -> None:
        r = arc_rows.ravel()
        v = np.repeat(values, arc_rows.shape[1])
        keep = r >= 0
        order = np.argsort(r[keep], kind="stable")
        self.values = v[keep][order]
        self.start = np.searchsorted(r[keep][order], np.arange(n_rows + 1))

    def __getitem__(self, r: int) -> np.ndarray:
        return self.values[self.start[r] : self.start[r + 1]]


class _Packer:
    """Repacks one row at a time within fixed limits: booked kg and m3, and the units that
    were open when it started."""

    def __init__(
        self, state: Loading, pairs: OrderArcs, cost_of: CostOf, penalty: float, scarce: np.ndarray
    ) -> None:
        self.state, self.pairs, self.cost_of, self.penalty = state, pairs, cost_of, penalty
        limits = state.limits(state.needed())
        self.lim_kg, self.lim_m3 = limits[0].tolist(), limits[1].tolist()
        self.kg_o, self.m3_o = state.kg_o.tolist(), state.m3_o.tolist()
        n_rows = len(state.rows)
        placed = np.flatnonzero(state.arc >= 0)
        self.members = _Buckets(state.arc_rows[state.arc[placed]], placed, n_rows)
        self.inserted: list[np.ndarray] = []  # orders unplanned at the start, planned since
        idx = self._candidate_pairs(scarce)
        self.takers = _Buckets(state.arc_rows[pairs.arc[idx]], idx, n_rows)
        self.owner = np.repeat(np.arange(len(pairs.start) - 1), pairs.counts)

    def _candidate_pairs(self, scarce: np.ndarray) -> np.ndarray:
        """The pairs of the orders unplanned now that cost less than the penalty and pass
        a scarce row: where each row looks for orders to take."""
        out = np.flatnonzero(self.state.arc < 0)
        counts = self.pairs.start[out + 1] - self.pairs.start[out]
        first = np.repeat(self.pairs.start[out] - np.cumsum(counts) + counts, counts)
        idx = first + np.arange(int(counts.sum()))
        on_scarce = np.zeros(len(self.state.rows) + 1, dtype=bool)
        on_scarce[scarce] = True
        keep = (self.pairs.cost[idx] < self.penalty) & on_scarce[
            self.state.arc_rows[self.pairs.arc[idx]]
        ].any(axis=1)
        return idx[keep]

    def row(self, r: int, per_kg: float, per_m3: float) -> bool:
        """Repack row r; True if its new load was kept (the plan saves more)."""
        state = self.state
        members = self._members(r)
        takers, taker_arcs = self._takers(r)
        pool = np.concatenate([members, takers])
        pool_arc = np.concatenate([state.arc[members], taker_arcs])
        saving = self.penalty - self.cost_of(pool, pool_arc)
        size = per_kg * state.kg_o[pool] + per_m3 * state.m3_o[pool]
        rank = np.lexsort((pool, -saving / np.maximum(size, _EPS)))
        _shift(state, members, state.arc[members], -1.0)
        state.arc[members] = -1
        gained = -float(saving[: len(members)].sum())
        for i in rank[saving[rank] > 0].tolist():
            o, a = int(pool[i]), int(pool_arc[i])
            if self._fits(o, a):
                state.move(o, a)
                gained += float(saving[i])
        if gained > 1e-6:
            self.inserted.append(takers[state.arc[takers] >= 0])
            return True
        back = pool[state.arc[pool] >= 0]
        _shift(state, back, state.arc[back], -1.0)
        state.arc[back] = -1
        state.arc[members] = pool_arc[: len(members)]
        _shift(state, members, state.arc[members], 1.0)
        return False

    def _members(self, r: int) -> np.ndarray:
        """The orders on row r now."""
        maybe = np.concatenate([self.members[r], *self.inserted])
        on = maybe[(self.state.arc_rows[self.state.arc[maybe]] == r).any(axis=1)]
        return np.unique(on)

    def _takers(self, r: int) -> tuple[np.ndarray, np.ndarray]:
        """The unplanned orders that can pass row r, each on its cheapest arc through r."""
        idx = self.takers[r]
        owner = self.owner[idx]
        idx, owner = idx[self.state.arc[owner] < 0], owner[self.state.arc[owner] < 0]
        _, first = np.unique(owner, return_index=True)  # pairs are cheapest first per order
        return owner[first], self.pairs.arc[idx[first]]

    def _fits(self, o: int, a: int) -> bool:
        state, kg, m3 = self.state, self.kg_o[o], self.m3_o[o]
        for r in state.rows_of[a]:
            if kg > self.lim_kg[r] - state.kg[r] + _EPS or m3 > self.lim_m3[r] - state.m3[r] + _EPS:
                return False
        return True


def _shift(state: Loading, who: np.ndarray, on: np.ndarray, sign: float) -> None:
    """Add (sign 1) or take away (-1) the loads of orders `who` on arcs `on`."""
    for slot in range(state.arc_rows.shape[1]):
        r = state.arc_rows[on, slot]
        ok = r >= 0
        np.add.at(state.kg, r[ok], sign * state.kg_o[who[ok]])
        np.add.at(state.m3, r[ok], sign * state.m3_o[who[ok]])
