"""The assignment being repaired by the disaggregation steps (disaggregate.py, repack.py,
reopen.py): one arc per order, with the kg and m3 it loads on every departure kept up to
date as orders move, so that a step can ask whether an order fits and how many units the
loads need."""

from __future__ import annotations

import numpy as np

from routing.plan.arcs import Arcs, OrderArcs, RowTuples
from routing.plan.assign import NO_CAPACITY, NO_ROUTE, UNECONOMIC, loads, units_for
from routing.plan.capacity import CapacityRows
from routing.plan.table import OrdersTable

EPS = 1e-9


class Loading:
    """The assignment being repaired, with its loads per departure kept up to date. Loads
    and limits carry one more entry for "no row" (index -1): load 0, limit inf."""

    def __init__(self, orders: OrdersTable, arcs: Arcs, rows: CapacityRows, arc: np.ndarray):
        self.kg_o, self.m3_o = orders.weight_kg, orders.volume_m3
        self.arc_rows = arcs.rows
        self.rows = rows
        self.arc = arc
        placed = np.flatnonzero(arc >= 0)
        kg, m3 = loads(orders, arcs, len(rows), placed, arc[placed])
        self.kg, self.m3 = np.append(kg, 0.0), np.append(m3, 0.0)
        self.has_unit = (rows.unit_kg > 0) | (rows.unit_m3 > 0)
        self.rows_of = RowTuples(arcs.rows)  # per arc, its rows (made at its first move)

    def move(self, o: int, a: int) -> None:
        """Order o onto arc a (-1: unplanned)."""
        kg, m3 = self.kg_o[o], self.m3_o[o]
        if self.arc[o] >= 0:
            for r in self.rows_of[int(self.arc[o])]:
                self.kg[r] -= kg
                self.m3[r] -= m3
        if a >= 0:
            for r in self.rows_of[a]:
                self.kg[r] += kg
                self.m3[r] += m3
        self.arc[o] = a

    def needed(self) -> np.ndarray:
        """Units per row that the current loads need."""
        return units_for(self.kg[:-1], self.m3[:-1], self.rows)

    def limits(self, open_units: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        """kg and m3 a row may hold: its booked capacity, and on unit rows also no more
        than `open_units` (None: booked capacity only)."""
        r = self.rows
        cap_kg, cap_m3 = r.cap_kg, r.cap_m3
        if open_units is not None:
            cap_kg = np.where(r.unit_kg > 0, np.minimum(cap_kg, open_units * r.unit_kg), cap_kg)
            cap_m3 = np.where(r.unit_m3 > 0, np.minimum(cap_m3, open_units * r.unit_m3), cap_m3)
        return np.append(cap_kg, np.inf), np.append(cap_m3, np.inf)

    def fits(
        self, o: np.ndarray, a: np.ndarray, limits: tuple[np.ndarray, np.ndarray]
    ) -> np.ndarray:
        """Whether each order fits within `limits` on every row of the arc beside it."""
        lim_kg, lim_m3 = limits
        ok = np.ones(len(o), dtype=bool)
        for slot in range(self.arc_rows.shape[1]):
            r = self.arc_rows[a, slot]  # -1 reads the "no row" entry
            ok &= (self.kg_o[o] <= lim_kg[r] - self.kg[r] + EPS) & (
                self.m3_o[o] <= lim_m3[r] - self.m3[r] + EPS
            )
        return ok


def entries(pairs: OrderArcs, among: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The pair entries of the orders `among`, and the position in `among` of each."""
    counts = pairs.start[among + 1] - pairs.start[among]
    first = np.repeat(pairs.start[among] - np.cumsum(counts) + counts, counts)
    return first + np.arange(counts.sum()), np.repeat(np.arange(len(among)), counts)


def reasons(state: Loading, pairs: OrderArcs) -> np.ndarray:
    """Why each unplanned order is: no candidate at all, no room, or not worth carrying."""
    reason = np.full(len(state.arc), "", dtype=object)
    out = np.flatnonzero(state.arc < 0)
    counts = pairs.start[out + 1] - pairs.start[out]
    reason[out[counts == 0]] = NO_ROUTE
    rest = out[counts > 0]
    room = state.limits(None)
    for o in rest.tolist():
        a = pairs.arc[pairs.of(o).start : pairs.of(o).stop]
        fits = state.fits(np.full(len(a), o), a, room).any()
        reason[o] = UNECONOMIC if fits else NO_CAPACITY
    return reason
