"""The pieces' own plans: where a piece's MIP plans its orders for less, the plan takes it.

The planner solves a MIP for each small piece of the universe (pieces.py): its orders,
each a commodity of its own, over every route and departure within the horizon, with
whole units. It was solved for the bound alone, yet its solution is a plan of the piece,
and a better one than the model's where the model's commodities (at their mean costs)
and its rounding of units miss: on the normal sample week of 10,000 orders the plan of a
piece of 650 orders cost EUR 22,404 and its MIP's EUR 21,863 (a seventh of the week's gap).

Pieces share no capacity row, so each one's orders and units can be swapped alone. The
MIP's flows are fractional; `_Scope.whole` makes its orders whole within the units it
bought. The piece is then costed as the plan is (each order's own cost, the whole units
its loads need) and taken where it costs less.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from routing.plan.arcs import Arcs, OrderArcs, join, take
from routing.plan.assign import UNECONOMIC, Assignment, loads, units_for
from routing.plan.blocks import BlockResult
from routing.plan.capacity import CapacityRows
from routing.plan.commodities import Commodities
from routing.plan.costs import OrderCosts
from routing.plan.pieces import MipPlan, Piece, mip_plan
from routing.plan.table import OrdersTable


@dataclass(frozen=True)
class Adopted:
    arcs: Arcs  # the model's arcs, then those the pieces' plans added
    source: np.ndarray  # per arc: its universe arc
    pairs: OrderArcs  # every order's candidates, with the arcs it was moved to
    plan: Assignment
    pieces: int  # pieces whose MIP plan was taken
    saved: float  # what that saved (plan minor units)


@dataclass(frozen=True)
class _Scope:
    """What costs a piece's plan: the orders, their own costs on the universe's arcs
    (`costs`), the capacity rows and the penalty of an unplanned order."""

    orders: OrdersTable
    costs: OrderCosts
    rows: CapacityRows
    penalty: float

    def whole(self, piece: Piece, mip: MipPlan) -> np.ndarray:
        """Whole orders from a piece's MIP solution: per order of the piece, a universe arc
        or -1. The orders go by their largest flows first (the whole ones, then the
        split), each on its arc of most flow that has room: within the booked capacity
        and the units the MIP bought. An order that finds none takes its cheapest arc of
        the piece with room. Then each order in turn moves to its cheapest arc with room
        (a split order's share left room that a whole one may use). Those the MIP leaves
        mostly unplanned stay so."""
        kg, m3 = self.room(mip)
        at = {o: k for k, o in enumerate(piece.orders.tolist())}
        out = np.full(len(piece.orders), -1)
        for e in np.argsort(-mip.flow, kind="stable").tolist():
            k = at[int(mip.order[e])]
            if out[k] < 0 and mip.left[k] <= 0.5 and self.fits(kg, m3, mip.order[e], mip.arc[e]):
                out[k] = mip.arc[e]
        cheapest = self.cheapest_first(piece)
        for k in np.flatnonzero(mip.left <= 0.5).tolist():
            o = int(piece.orders[k])
            if out[k] >= 0:
                self.free(kg, m3, o, out[k])
            for a in cheapest[k].tolist():
                if self.fits(kg, m3, o, a):
                    out[k] = a
                    break
        return out

    def cheapest_first(self, piece: Piece) -> list[np.ndarray]:
        """Per order of the piece, its universe arcs in the piece, cheapest first for it."""
        position = np.full(int(piece.commodity.max()) + 1, -1)
        position[piece.commodity] = np.arange(len(piece.orders))
        k = position[piece.arcs.commodity]
        held = np.flatnonzero(k >= 0)  # all of them: the piece's arcs carry its own orders
        k, arc = k[held], piece.source[held]
        ranked = np.lexsort((self.costs(piece.orders[k], arc), k))
        ends = np.cumsum(np.bincount(k, minlength=len(piece.orders)))
        return np.split(arc[ranked], ends[:-1])

    def room(self, mip: MipPlan) -> tuple[np.ndarray, np.ndarray]:
        """kg and m3 per capacity row that a piece's orders may load: the booked capacity,
        and on the MIP's rows with a unit no more than its units hold."""
        kg, m3 = self.rows.cap_kg.copy(), self.rows.cap_m3.copy()
        r, units = mip.rows, mip.units
        size_kg, size_m3 = self.rows.unit_kg[r], self.rows.unit_m3[r]
        kg[r] = np.where(size_kg > 0, np.minimum(kg[r], units * size_kg), kg[r])
        m3[r] = np.where(size_m3 > 0, np.minimum(m3[r], units * size_m3), m3[r])
        return kg, m3

    def fits(self, kg: np.ndarray, m3: np.ndarray, o: int, a: int) -> bool:
        """Whether order `o` fits on universe arc `a` in the room `kg`, `m3`; if it does,
        it takes its room."""
        r = self.costs.arcs.rows[a]
        r = r[r >= 0]
        w, v = self.orders.weight_kg[o], self.orders.volume_m3[o]
        if (kg[r] >= w - 1e-6).all() and (m3[r] >= v - 1e-9).all():
            kg[r] -= w
            m3[r] -= v
            return True
        return False

    def free(self, kg: np.ndarray, m3: np.ndarray, o: int, a: int) -> None:
        """Order `o` leaves universe arc `a`: its room is given back."""
        r = self.costs.arcs.rows[a]
        r = r[r >= 0]
        kg[r] += self.orders.weight_kg[o]
        m3[r] += self.orders.volume_m3[o]

    def cost(self, who: np.ndarray, on: np.ndarray, piece_rows: np.ndarray) -> float:
        """Orders `who` on universe arcs `on` (-1: unplanned) with the units their loads
        need on `piece_rows`; inf where a load passes the booked capacity."""
        go = on >= 0
        kg, m3 = loads(self.orders, self.costs.arcs, len(self.rows), who[go], on[go])
        r = piece_rows
        if (kg[r] > self.rows.cap_kg[r] + 1e-6).any() or (m3[r] > self.rows.cap_m3[r] + 1e-9).any():
            return np.inf
        units = units_for(kg, m3, self.rows)[r]
        own = self.costs(who[go], on[go]).sum()
        return float(own + units @ self.rows.unit_cost[r] + self.penalty * (~go).sum())


def adopt(
    orders: OrdersTable,
    com: Commodities,
    arcs: Arcs,
    source: np.ndarray,
    pairs: OrderArcs,
    plan: Assignment,
    universe_costs: OrderCosts,
    rows: CapacityRows,
    penalty: float,
    found: list[Piece],
    solved: list[BlockResult],
) -> Adopted:
    """The plan with each piece's orders on its MIP's plan where that costs less (`solved`
    holds the pieces' blocks in order; `universe_costs` costs every universe arc)."""
    scope = _Scope(orders, universe_costs, rows, penalty)
    now, planned = np.full(len(orders), -1), plan.arc >= 0  # per order: its universe arc
    now[planned] = source[plan.arc[planned]]
    moved = np.full(len(orders), -2)  # per order: the universe arc it moves to, -1 none
    saved, taken, at = 0.0, 0, 0
    for piece in found:
        done = solved[at : at + len(piece.blocks)]
        at += len(piece.blocks)
        before = scope.cost(piece.orders, now[piece.orders], piece.rows)
        solution = mip_plan(piece, done)
        if solution is None or before <= sum(r.lp_bound for r in done) + 1e-6:
            continue  # no solution, or the plan is at the bound its MIP proves
        mip = scope.whole(piece, solution)
        after = scope.cost(piece.orders, mip, piece.rows)
        if after < before - 1e-6:
            moved[piece.orders] = mip
            saved, taken = saved + before - after, taken + 1
    base = Adopted(arcs, source, pairs, plan, taken, saved)
    return _moved(base, com.of_order, universe_costs, moved) if taken else base


def _moved(
    base: Adopted, commodity_of: np.ndarray, universe_costs: OrderCosts, moved: np.ndarray
) -> Adopted:
    """`base` with the orders of `moved` (>= -1) on their universe arcs, each a new arc
    of the order's commodity (appended, so the model's arc ids keep their meaning)."""
    plan, n_arc, n_universe = base.plan, len(base.arcs), len(universe_costs.arcs)
    who = np.flatnonzero(moved >= 0)
    key = commodity_of[who].astype(np.int64) * n_universe + moved[who]
    keys, new = np.unique(key, return_inverse=True)
    added = replace(take(universe_costs.arcs, keys % n_universe), commodity=keys // n_universe)
    arc, reason = plan.arc.copy(), plan.reason.copy()
    arc[who] = n_arc + new
    out = np.flatnonzero(moved == -1)
    arc[out] = -1
    reason[out] = np.where(plan.arc[out] >= 0, UNECONOMIC, plan.reason[out])
    reason[who] = ""
    return replace(
        base,
        arcs=join(base.arcs, added),
        source=np.concatenate([base.source, keys % n_universe]),
        pairs=_with(base.pairs, who, n_arc + new, universe_costs(who, moved[who])),
        plan=Assignment(arc, reason),
    )


def _with(pairs: OrderArcs, who: np.ndarray, arc: np.ndarray, cost: np.ndarray) -> OrderArcs:
    """`pairs` with one more candidate per order of `who`, each in its cost order."""
    owner = np.concatenate([pairs.owner, who])
    arcs, costs = np.concatenate([pairs.arc, arc]), np.concatenate([pairs.cost, cost])
    order = np.lexsort((costs, owner))
    start = np.concatenate(([0], np.cumsum(np.bincount(owner, minlength=len(pairs.start) - 1))))
    return OrderArcs(start, arcs[order], costs[order])
