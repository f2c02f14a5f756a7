"""Commodities split by what their own orders prefer, and every order's candidate arcs.

`aggregate` groups the orders that share lanes, ready day and deadline bucket, but their
figures differ: duties follow each order's value and HS code through a route's clearance
regime (under a de minimis on one route, DDP on another), prices follow its weight, and
a heavy order uses more of a scarce departure than a light one. The model sees a
commodity's means, so a commodity whose orders disagree on the best arc hides savings
from it, and its LP optimum does not bound the plan of the orders (see `bound.py`).

So commodities are split (columns.py drives it):

1. by their orders' `top` cheapest arcs on their own costs, before the model is solved;
2. in each of the first `refine_rounds` rounds of column generation, by each order's
   cheapest arc of the whole universe at the prices of the LP relaxation (its cost plus
   the price of the kg and m3 it takes on each departure). Where all orders of a
   commodity agree at those prices, the order-level bound (pricing.py) equals the LP
   bound; the split makes them agree.

`Splitter.split` also yields `OrderArcs`: every order's candidate arcs with its own cost on
each, cheapest first, which the greedy plan, the disaggregation and the bound use.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from routing.plan.arcs import Arcs, OrderArcs, take
from routing.plan.commodities import Commodities
from routing.plan.costs import OrderCosts
from routing.plan.table import OrdersTable

_CHUNK = 400_000  # (order, arc) pairs costed at once: bounds the memory of price lookups


class Splitter:
    """The coarse commodities' (order, arc) pairs, costed once on the orders' own figures;
    `split(keys)` cuts the commodities by per-order keys and builds their arcs."""

    def __init__(
        self, orders: OrdersTable, coarse: Commodities, arcs: Arcs, costs: OrderCosts
    ) -> None:
        self.orders, self.coarse, self.arcs = orders, coarse, arcs
        self.by_c = np.argsort(arcs.commodity, kind="stable")
        self.c_start = np.searchsorted(arcs.commodity[self.by_c], np.arange(len(coarse) + 1))
        counts = np.diff(self.c_start)[coarse.of_order]
        self.start = np.concatenate(([0], np.cumsum(counts)))
        owner = np.repeat(np.arange(len(orders)), counts)
        pos = np.arange(len(owner)) - np.repeat(self.start[:-1], counts)
        parent = self.by_c[self.c_start[coarse.of_order[owner]] + pos]
        del pos
        parts = [
            costs.parts(owner[i : i + _CHUNK], parent[i : i + _CHUNK])
            for i in range(0, len(owner), _CHUNK)
        ]
        ship, duty, late = (
            np.concatenate([p[k] for p in parts]) if parts else np.zeros(0) for k in range(3)
        )
        del parts
        penalty = costs.late.of(owner, late)
        ranked = np.lexsort((parent, ship + duty + penalty, owner))  # per order, cheapest first
        # each array reordered and its original let go at once: at 1,000,000 orders the
        # pairs are tens of millions, and holding both orders of them all was gigabytes
        self.owner = owner[ranked]
        del owner
        self.parent = parent[ranked]
        del parent
        self.ship = ship[ranked]
        del ship
        self.duty = duty[ranked]
        del duty
        self.late = late[ranked]
        del late
        self.penalty = penalty[ranked]  # each order's own late penalty on the arc
        del penalty
        self.total = self.ship + self.duty + self.penalty

    def preferences(self, top: int) -> list[np.ndarray]:
        """Per order, its k-th cheapest arc (coarse id, -1 if it has fewer), k < top."""
        counts = np.diff(self.start)
        out = []
        for k in range(top):
            arc = np.full(len(self.orders), -1, dtype=np.int64)
            has = counts > k
            arc[has] = self.parent[self.start[:-1][has] + k]
            out.append(arc)
        return out

    def split(self, keys: list[np.ndarray]) -> tuple[Commodities, Arcs, OrderArcs, np.ndarray]:
        """Commodities cut by the coarse commodity and `keys` (arrays per order); the arcs
        of each (its parent's, at its orders' mean costs); every order's candidates among
        them, cheapest first; and the coarse arc of each new arc."""
        sub = _group_ids([self.coarse.of_order, *keys])
        fine = _commodities(self.orders, self.coarse, sub)
        n_coarse = max(len(self.arcs), 1)
        key = sub[self.owner] * n_coarse + self.parent
        arc_key, new_id = np.unique(key, return_inverse=True)  # (commodity, coarse arc)
        commodity, coarse_arc = arc_key // n_coarse, arc_key % n_coarse
        count = np.maximum(fine.count[commodity], 1)
        freight, duty, late, penalty = (
            np.bincount(new_id, x, len(arc_key)) / count
            for x in (self.ship, self.duty, self.late, self.penalty)
        )
        arcs = replace(
            take(self.arcs, coarse_arc),
            commodity=commodity,
            freight=freight,
            duty=duty,
            late_days=late,
            cost=freight + duty + penalty,
        )
        return fine, arcs, OrderArcs(self.start, new_id, self.total), coarse_arc


def _group_ids(keys: list[np.ndarray]) -> np.ndarray:
    """Per order, the rank of its tuple of `keys` among the distinct tuples, in
    lexicographic order. One integer key at a time: each step's ranks are dense and
    keep the order, so rank * (span of the next key) + its offset does too (a pandas
    MultiIndex did this ten times slower, building a tuple per order)."""
    rank = np.zeros(len(keys[0]), dtype=np.int64)
    for key in keys:
        low = int(key.min(initial=0))
        span = int(key.max(initial=0)) - low + 1
        rank = np.unique(rank * span + (key - low), return_inverse=True)[1].ravel()
    return rank.astype(np.int64)


def _commodities(orders: OrdersTable, com: Commodities, sub: np.ndarray) -> Commodities:
    """The commodities of `sub` (each within one of `com`), members by creation time."""
    members = com.members[np.argsort(sub[com.members], kind="stable")]
    count = np.bincount(sub, minlength=int(sub.max(initial=-1)) + 1)
    start = np.concatenate(([0], np.cumsum(count)))
    parent = com.of_order[members[start[:-1]]]
    return Commodities(
        of_order=sub,
        members=members,
        start=start,
        origin=com.origin[parent],
        ready_day=com.ready_day[parent],
        ready_min=com.ready_min[parent],
        count=count,
        kg=np.bincount(sub, orders.weight_kg, len(count)) / np.maximum(count, 1),
        m3=np.bincount(sub, orders.volume_m3, len(count)) / np.maximum(count, 1),
        allowed=com.allowed[:, parent],
        price=com.price[:, parent],
    )
