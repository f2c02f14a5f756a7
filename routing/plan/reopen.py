"""The last step of the disaggregation: units opened where the orders they draw pay for them.

The steps before (disaggregate.py, repack.py) close units and move orders into room that
is already open; only step 3 opens one, for an order the model planned that finds no
room, and step 4 closes one that the model bought when its orders find room elsewhere.
The model moves commodities at their mean kg, m3 and cost, so it cannot see which orders
a unit should carry: on 100,000 sample orders it bought a 4.3 m3 air unit for 436 orders
of one block, step 4 closed it and 18 heavy parcels were left unplanned, while HiGHS's
plan of the block's own orders (bench/exact_mip.py, 200 s) carried 528 parcels that are
cheaper there in a unit of the next day's flight and let 13 of the 18 in, EUR 1,730
less. This step, doing the same, saves EUR 1,867 there.

`open_units` tries one more unit on each departure that may take one, where what its orders
could save at most pays for it: the orders that are cheaper on it move there (biggest saving
first, while they fit; as many as twice its room holds are tried), then the unplanned
orders whose arcs ride it, or ride the departures those orders left, take the room. The
unit stays where the plan then costs less, units included; else every move is undone.
So the plan never costs more.
"""

from __future__ import annotations

import numpy as np

from routing.plan.arcs import Arcs, OrderArcs
from routing.plan.assign import Assignment
from routing.plan.capacity import CapacityRows, unit_limit
from routing.plan.disaggregate import CostOf, _fill_units
from routing.plan.loading import Loading, entries, reasons
from routing.plan.table import OrdersTable


def open_units(
    orders: OrdersTable,
    arcs: Arcs,
    rows: CapacityRows,
    plan: Assignment,
    pairs: OrderArcs,
    cost_of: CostOf,
    penalty: float,
) -> tuple[Assignment, int]:
    """The plan with the units that pay for themselves opened, and how many were."""
    state = Loading(orders, arcs, rows, plan.arc.copy())
    owner, riding = pairs.owner, _riding(arcs, rows, pairs)
    now = _costs_of(np.arange(len(orders)), state.arc, cost_of, penalty)
    limit = unit_limit(rows)
    waiting = _Waiting(state, pairs, penalty)
    opened = 0
    for r in np.flatnonzero(state.has_unit).tolist():
        if state.needed()[r] >= limit[r] or not len(riding[r]):
            continue
        movers, saving = _movers(state, owner, pairs, riding[r], now, r)
        left = state.arc_rows[state.arc[movers[state.arc[movers] >= 0]]]
        near = waiting.near(np.append(np.unique(left[left >= 0]), r))
        if saving.sum() + waiting.slack[near].sum() <= rows.unit_cost[r]:
            continue  # all that movers and unplanned orders could save cannot pay for it
        moved = _try(state, pairs, cost_of, penalty, r, movers, waiting.orders[near])
        if len(moved):
            now[moved] = _costs_of(moved, state.arc, cost_of, penalty)
            waiting = _Waiting(state, pairs, penalty)
            opened += 1
    if not opened:
        return plan, 0
    return Assignment(state.arc, reasons(state, pairs)), opened


def _movers(
    state: Loading,
    owner: np.ndarray,
    pairs: OrderArcs,
    ride: np.ndarray,
    now: np.ndarray,
    r: int,
) -> tuple[np.ndarray, np.ndarray]:
    """The orders that cost less on an arc through row r (pair entries `ride`) than now,
    biggest saving first, as many as twice the room of one more unit holds (some will
    not fit: the other leg of their arc may be full); and what each saves."""
    riders = owner[ride]
    saving = now[riders] - pairs.cost[ride]
    cheaper = saving > 1e-6
    who, saving = riders[cheaper], saving[cheaper]
    ranked = np.lexsort((who, -saving))
    who, saving = who[ranked], saving[ranked]
    best = np.sort(np.unique(who, return_index=True)[1])  # each order's biggest saving
    who, saving = who[best], saving[best]
    rows, units = state.rows, state.needed()[r] + 1
    fits = np.ones(len(who), dtype=bool)
    for load, size, own in (
        (state.kg, rows.unit_kg, state.kg_o),
        (state.m3, rows.unit_m3, state.m3_o),
    ):
        if size[r] > 0:
            fits &= np.cumsum(own[who]) <= 2 * (units * size[r] - load[r])
    return who[fits], saving[fits]


class _Waiting:
    """The unplanned orders that some arc could carry, what each would save at most, and
    the rows their arcs ride."""

    def __init__(self, state: Loading, pairs: OrderArcs, penalty: float) -> None:
        self.orders = np.flatnonzero((state.arc < 0) & (pairs.counts > 0))
        self.slack = np.maximum(penalty - pairs.cost[pairs.start[self.orders]], 0.0)
        idx, pos = entries(pairs, self.orders)
        self.touch = np.zeros((len(self.orders), len(state.rows) + 1), dtype=bool)
        for slot in range(state.arc_rows.shape[1]):  # -1 (no row) marks the last column
            self.touch[pos, state.arc_rows[pairs.arc[idx], slot]] = True

    def near(self, rows: np.ndarray) -> np.ndarray:
        """Positions (in `orders`) of those with an arc through any of `rows`."""
        return np.flatnonzero(self.touch[:, rows].any(axis=1))


def _riding(arcs: Arcs, rows: CapacityRows, pairs: OrderArcs) -> list[np.ndarray]:
    """Per row, the pair entries whose arc rides it."""
    at = arcs.rows[pairs.arc]
    row = np.concatenate([at[:, 0], at[:, 1]])
    entry = np.tile(np.arange(len(pairs.arc)), 2)
    keep = row >= 0
    row, entry = row[keep], entry[keep]
    order = np.argsort(row, kind="stable")
    bounds = np.searchsorted(row[order], np.arange(len(rows) + 1))
    return [entry[order[bounds[k] : bounds[k + 1]]] for k in range(len(rows))]


def _try(
    state: Loading,
    pairs: OrderArcs,
    cost_of: CostOf,
    penalty: float,
    r: int,
    movers: np.ndarray,
    waiting: np.ndarray,
) -> np.ndarray:
    """One more unit on row r: `movers` move where they save most, then the unplanned
    `waiting` come in; kept only where the plan, units included, costs less. The orders
    that moved (none if undone)."""
    arc, kg, m3 = state.arc.copy(), state.kg.copy(), state.m3.copy()
    needed = state.needed()
    units = needed.copy()
    units[r] += 1
    _fill_units(state, pairs, cost_of, penalty, movers, units)
    _fill_units(state, pairs, cost_of, penalty, waiting, units)
    moved = np.flatnonzero(state.arc != arc)
    was = _costs_of(moved, arc, cost_of, penalty)
    change = _costs_of(moved, state.arc, cost_of, penalty).sum() - was.sum()
    change += ((state.needed() - needed) * state.rows.unit_cost).sum()
    if change < -1e-6:
        return moved
    state.arc[:], state.kg[:], state.m3[:] = arc, kg, m3
    return moved[:0]


def _costs_of(who: np.ndarray, arc: np.ndarray, cost_of: CostOf, penalty: float) -> np.ndarray:
    """Per order of `who`, its own cost on its arc in `arc`, or the penalty."""
    out = np.full(len(who), penalty)
    planned = arc[who] >= 0
    out[planned] = cost_of(who[planned], arc[who[planned]])
    return out
