"""Column generation's pricing step, order by order, over every route and departure.

Given the LP's prices of the booked capacity, unit and linking rows (bound.py), every
order's cheapest arc of the whole universe (universe.py) is found: its own cost
(shipping, duties, late penalty) plus the prices of the kg and m3 it takes. An arc that
is some order's cheapest and is not yet in the model is a column with negative reduced
cost for that order's commodity: the planner adds it and solves again.

The same pass gives the Lagrangian bound of bound.py over the universe, not over the
candidates only: with the prices fixed, every order chooses alone among all its routes
and departures, so no plan of these orders on this network within the horizon costs
less. While columns remain this is the LP value corrected by each order's most negative
reduced cost (a Farley-type bound, order by order); once none remain it is the bound of
the restricted model itself.

Orders are priced a chunk of commodities at a time, so the (order, arc) pairs of the
universe (about 36 an order on the sample weeks) are never all held at once; only each
pair's own cost is kept from the first pricing on (`UniverseCosts`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

import numpy as np

from routing.plan.arcs import Arcs
from routing.plan.bound import RowPrices, arc_prices, row_parts, unit_reduced_cost
from routing.plan.capacity import CapacityRows
from routing.plan.commodities import Commodities
from routing.plan.costs import OrderCosts
from routing.plan.cuts import Cuts, riding
from routing.plan.table import OrdersTable
from routing.plan.universe import Universe

CHUNK = 2_000_000  # (order, arc) pairs priced at once
COMPLETIONS = 2  # passes of the final bound that price the free rides it finds (`_completion`)
TOLERANCE = 1e-6  # minor units: a column must beat the model by more than this


@dataclass(frozen=True)
class Pricing:
    best: np.ndarray  # int64 per order: universe arc of least reduced cost, -1: unplanned
    # costs less (or no arc at all)
    reduced: np.ndarray  # float64 per order: min(penalty, that reduced cost)
    bound: float  # no plan of these orders over the universe costs less: reduced.sum() +
    # row_part.sum()
    row_part: np.ndarray  # float64 per capacity row: its part of the bound (bound.py)
    columns: np.ndarray  # universe arcs outside the model that some order prefers to
    # every arc in it (empty unless `active` was given)


class UniverseCosts:
    """Every order against every arc of its coarse commodity in the universe (the pairs of
    `order_arc_pairs`), each with the order's own cost, computed by the first pricing and
    kept: the rounds and the final bound price the same pairs at other prices. Costing
    them took a third of each pricing (1.2 s on 100,000 sample orders); kept, they take 8
    bytes a pair (29 MB there)."""

    def __init__(self, coarse: Commodities, universe: Universe, costs: OrderCosts) -> None:
        self.coarse, self.universe, self.costs = coarse, universe, costs
        self.kept: list[np.ndarray] = []

    def chunks(self) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """(order, arc, the order's own cost on it), a chunk of commodities at a time."""
        for k, (owner, arc) in enumerate(order_arc_pairs(self.coarse, self.universe)):
            if k == len(self.kept):
                self.kept.append(self.costs(owner, arc))
            yield owner, arc, self.kept[k]


def price_orders(
    orders: OrdersTable,
    pairs: UniverseCosts,
    rows: CapacityRows,
    unit_limit: np.ndarray,
    prices: RowPrices,
    penalty: float,
    active: np.ndarray | None = None,
    completions: int = 0,
    member: np.ndarray | None = None,
) -> Pricing:
    """`pairs`: the universe's order-arc pairs, costed; `prices` are per row of `rows`
    (zero on rows the model does not use); their linking groups are the coarse
    commodities, which the universe's arcs belong to. `active`: per universe arc, in the
    model. `completions`: passes that charge free riders (`_completion`); column
    generation's rounds need none (a free ride is a column, and the LP prices it once it
    is in), the final bound does.
    `member`: per order, its commodity of the model whose cuts `prices` holds (needed
    when it holds any: a cut charges the orders of its commodities)."""
    if len(prices.cuts) and member is None:
        raise ValueError("price_orders: cut prices need each order's model commodity")
    charges = CutCharges(prices.cuts, pairs.universe.arcs, len(rows), member)
    best, reduced, columns = _cheapest(orders, pairs, rows, prices, penalty, charges, active)
    for _ in range(completions):
        extra = _completion(pairs.universe.arcs, best, rows, prices)
        if not len(extra[0]):
            break
        prices = replace(
            prices,
            link_group=np.concatenate([prices.link_group, extra[0]]),
            link_row=np.concatenate([prices.link_row, extra[1]]),
            link_price=np.concatenate([prices.link_price, extra[2]]),
        )
        best, reduced, columns = _cheapest(orders, pairs, rows, prices, penalty, charges, active)
    part = row_parts(rows, unit_limit, prices)
    return Pricing(best, reduced, float(reduced.sum() + part.sum()), part, columns)


def _cheapest(
    orders: OrdersTable,
    pairs: UniverseCosts,
    rows: CapacityRows,
    prices: RowPrices,
    penalty: float,
    charges: CutCharges,
    active: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per order, its universe arc of least reduced cost (-1: none under the penalty) and
    min(penalty, that cost); and the arcs outside `active` that beat, for some order,
    every arc of `active` (and the penalty)."""
    arcs = pairs.universe.arcs
    priced = arc_prices(arcs, rows, prices, arcs.commodity)  # universe arcs are coarse
    best = np.full(len(orders), -1, dtype=np.int64)
    reduced = np.full(len(orders), float(penalty))
    columns = []
    for owner, arc, cost in pairs.chunks():
        rc = cost + priced.of(orders, owner, arc) + charges(orders, owner, arc)
        if active is not None:
            held = np.full(len(orders), float(penalty))
            inside = active[arc]
            np.minimum.at(held, owner[inside], rc[inside])
            columns.append(np.unique(arc[~inside & (rc < held[owner] - TOLERANCE)]))
        at = _first_least(owner, rc)
        better = rc[at] < penalty
        who = owner[at]
        best[who[better]] = arc[at][better]
        reduced[who] = np.minimum(rc[at], penalty)
    found = np.unique(np.concatenate(columns)) if columns else np.zeros(0, dtype=np.int64)
    return best, reduced, found


def _first_least(owner: np.ndarray, rc: np.ndarray) -> np.ndarray:
    """Per run of equal owners (order_arc_pairs yields each order's arcs together, in
    rising arc order), the position of its least `rc`, the first among equals: its
    lowest arc. A scan, where sorting the pairs took a second per 100,000 orders."""
    start = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
    least = np.minimum.reduceat(rc, start)
    size = np.diff(np.r_[start, len(rc)])
    at = np.flatnonzero(rc == np.repeat(least, size))
    return at[np.searchsorted(at, start)]


class CutCharges:
    """What the priced cuts (cuts.py) charge an order on an arc: a cut's price over its unit
    size per kg (or m3) of the orders of its commodities, on an arc that rides one of its
    rows (once, however many it rides)."""

    def __init__(self, cuts: Cuts, arcs: Arcs, n_row: int, member: np.ndarray | None) -> None:
        self.cuts, self.member = cuts, member
        self.priced = np.flatnonzero(cuts.price > 0).tolist()
        n_com = max(int(cuts.commodities.max(initial=-1)), int(_top(member))) + 1
        self.charged = np.zeros(n_com, dtype=bool)  # commodities some priced cut charges
        self.commodities, self.riding = [], []
        for j in self.priced:
            of_cut = np.zeros(n_com, dtype=bool)
            of_cut[cuts.commodities[cuts.commodity_start[j] : cuts.commodity_start[j + 1]]] = True
            rows = cuts.rows[cuts.row_start[j] : cuts.row_start[j + 1]]
            self.commodities.append(of_cut)
            self.riding.append(riding(arcs.rows, rows, n_row))
            self.charged |= of_cut

    def __call__(self, orders: OrdersTable, owner: np.ndarray, arc: np.ndarray) -> np.ndarray:
        out = np.zeros(len(owner))
        if not self.priced or self.member is None:
            return out
        com = self.member[owner]
        at = np.flatnonzero(self.charged[com])
        size = (orders.weight_kg, orders.volume_m3)
        for k, j in enumerate(self.priced):
            hit = at[self.commodities[k][com[at]] & self.riding[k][arc[at]]]
            per = self.cuts.price[j] / self.cuts.size[j]
            out[hit] += per * size[int(self.cuts.dim[j])][owner[hit]]
        return out


def _top(member: np.ndarray | None) -> int:
    return -1 if member is None else int(member.max(initial=-1))


def _completion(
    arcs: Arcs, best: np.ndarray, rows: CapacityRows, prices: RowPrices
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Linking prices for the (group, departure) pairs that orders' cheapest arcs use and
    the model has no linking row for: a departure's unit cost not yet paid by its unit
    and linking prices (its reduced cost) is shared among the orders of those groups.

    Without them such an order rides free in a unit nobody has bought: the bound falls
    by up to a unit per order, and pricing adds the column only for the LP to refuse it.
    Any prices >= 0 give a valid bound as long as no unit's reduced cost turns negative,
    and these only use what is left of it."""
    n_row = len(rows)
    chosen = best[best >= 0]
    group, row = [], []
    for slot in range(arcs.rows.shape[1]):
        r = arcs.rows[chosen, slot]
        group.append(arcs.commodity[chosen][r >= 0])
        row.append(r[r >= 0])
    key = np.unique(np.concatenate(group) * (n_row + 1) + np.concatenate(row))
    key = key[~np.isin(key, prices.link_group * (n_row + 1) + prices.link_row)]
    g, r = key // (n_row + 1), key % (n_row + 1)
    has_unit = (rows.unit_kg[r] > 0) | (rows.unit_m3[r] > 0)
    g, r = g[has_unit], r[has_unit]
    left = np.maximum(unit_reduced_cost(rows, prices), 0.0)
    riders = np.bincount(r, prices.group_count[g], n_row)
    price = left[r] / np.maximum(riders[r], 1)
    keep = price > 0
    return g[keep], r[keep], price[keep]


def order_arc_pairs(
    coarse: Commodities, universe: Universe
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """(order, arc) arrays, every order against every arc of its coarse commodity, a chunk
    of commodities at a time; each order's arcs together, in rising order."""
    per_com = np.diff(universe.start)
    pairs_of = coarse.count * per_com
    c = 0
    n = len(coarse)
    while c < n:
        total = np.cumsum(pairs_of[c:])
        stop = c + max(int(np.searchsorted(total, CHUNK, side="right")), 1)
        members = coarse.members[coarse.start[c] : coarse.start[stop]]
        counts = per_com[coarse.of_order[members]]
        owner = np.repeat(members, counts)
        pos = np.arange(len(owner)) - np.repeat(np.cumsum(counts) - counts, counts)
        arc = universe.start[coarse.of_order[owner]] + pos
        if len(owner):
            yield owner, arc
        c = stop
