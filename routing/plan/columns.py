"""Column generation: the model starts from the first candidates of the universe and grows
by the routes and departures that pricing finds, until none is left, the LP is within
`pricing_gap` of the bound over every route, or the round limit.

Each round solves the LP relaxation of the restricted model block by block (through the
same `map` as the final solve), prices every order over the whole universe at the LP's
prices (pricing.py), adds the arcs that some order prefers to everything the model has,
and splits the commodities by each order's cheapest arc at those prices (refine.py):
the orders of a commodity then agree on where they should go. It stops when a round adds
no column or its LP is within `pricing_gap` of the bound (after at least `refine_rounds`
splits), or after `pricing_rounds` rounds; the report says which, and the bound is valid
either way (pricing.py).

A round adds every arc that some order prefers to all the model holds for it, not only
its best. After `refine_rounds` splits the commodities stay as they are, so a block that
gained no column has the same LP as before: only the blocks that changed are solved
again.

The final model also holds, for each commodity, an arc on every set of departures the
universe offers it and no round brought in (`complete_departures`): the cheapest of the
arcs that load exactly those departures. Within a commodity the model keeps one arc per
set of departures anyway (master.py leaves out the dearer ones), so this adds few arcs
(on 100,000 sample orders 1,635 to the 75,507 the rounds held), but the final LP's prices
differ from the last round's, and at them the routes outside the model cost the bound
most of what separates it from the LP: on 10,000 sample orders, four orders paid EUR 479
each to ride a departure whose unit the LP had bought in part while an arc no round had
priced took them for EUR 21.

The last split also makes every order of a small block (at most `solo_pairs` order-arc
pairs) a commodity of its own. The orders of a commodity agree at the prices of the
round that split them, not at the final LP's, and the cuts of the final solve (cuts.py)
charge a heavy order more than the commodity's mean: on 100,000 sample orders the
order-level bound sat up to EUR 2,800 below a small block's LP. Solved order by order,
the block's LP bounds its orders as tightly as it bounds the model.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from routing.plan.arcs import Arcs, OrderArcs, take
from routing.plan.blocks import BlockResult, MapFunction, solve_blocks, solve_relaxation
from routing.plan.capacity import CapacityRows, unit_limit
from routing.plan.commodities import Commodities
from routing.plan.costs import OrderCosts
from routing.plan.master import collect, link_groups, model_blocks
from routing.plan.model import BlockData
from routing.plan.params import PlanParams
from routing.plan.pricing import UniverseCosts, price_orders
from routing.plan.refine import Splitter
from routing.plan.table import OrdersTable
from routing.plan.universe import Universe

LATER = 3.0  # rounds' worth of time a new round must leave: itself, the solve and the rest


@dataclass(frozen=True)
class Restricted:
    """The model the rounds ended with."""

    com: Commodities
    arcs: Arcs
    pairs: OrderArcs  # every order's arcs of the model, with its own cost on each
    source: np.ndarray  # per model arc, its universe arc
    active: np.ndarray  # per universe arc: in the model
    priced: np.ndarray  # per universe arc: added by a pricing round
    solved: Relaxations  # the LPs the rounds solved


@dataclass(frozen=True)
class ColumnReport:
    rounds: int  # LP solves priced
    columns: int  # universe arcs that pricing added to the first candidates
    converged: bool  # the last round found no column, or its LP was within `pricing_gap`
    # of the bound over every route (else the round limit stopped it)
    bound: float  # the best bound over every route that a round's prices gave (pricing.py)
    stopped: str  # "converged", "round limit" or "time limit"
    completed: int = 0  # arcs the final model holds for departures it had no arc on


def generate(
    orders: OrdersTable,
    universe_costs: UniverseCosts,
    rows: CapacityRows,
    params: PlanParams,
    penalty: float,
    map_fn: MapFunction,
    time_left: Callable[[], float] | None = None,
) -> tuple[Restricted, ColumnReport]:
    """`universe_costs`: every order's own cost on the universe's arcs of its coarse
    commodity; `penalty` per unplanned order (minor units). With `time_left` (seconds),
    no round begins that would leave the final solve less than about two rounds' time
    (LATER)."""
    coarse, universe, costs = universe_costs.coarse, universe_costs.universe, universe_costs.costs
    active = universe.initial.copy()
    priced = np.zeros(len(active), dtype=bool)
    model = _Model(orders, coarse, universe, costs, active)
    com, arcs, pairs, source = model.split(model.splitter.preferences(params.refine_top))
    limit = unit_limit(rows)
    rounds = added = completed = 0
    converged = False
    bound = -np.inf
    stopped = "round limit"
    relax = Relaxations(map_fn)
    while rounds < params.pricing_rounds:
        started = time.perf_counter()
        group = link_groups(coarse, com)
        relaxed = relax(model_blocks(com, arcs, rows, params, group))
        prices = collect(relaxed, len(arcs), len(rows), group, com.count)[2]
        found = price_orders(orders, universe_costs, rows, limit, prices, penalty, active)
        lp = float(sum(b.lp_bound for b in relaxed))
        bound = max(bound, found.bound)
        close = lp - found.bound <= params.pricing_gap * abs(lp)
        rounds += 1
        converged = close or not len(found.columns)
        settled = converged and rounds >= params.refine_rounds
        new = found.columns[: 0 if settled else len(found.columns)]
        added += len(new)
        priced[new] = active[new] = True
        splits = rounds <= params.refine_rounds
        if settled:
            stopped = "converged"
        elif time_left is not None and time_left() < LATER * (time.perf_counter() - started):
            stopped = "time limit"
        last = stopped != "round limit" or rounds >= params.pricing_rounds
        if last and params.complete_departures:
            rest = uncovered(universe.arcs, active)
            active[rest] = True
            completed = len(rest)
        if len(new) or completed:
            del model, pairs  # the old splitter's pairs go before the new one's are made
            model = _Model(orders, coarse, universe, costs, active)
        solo = [solo_keys(relaxed, com, arcs, params.solo_pairs)] if last else []
        com, arcs, pairs, source = model.split([com.of_order] + [found.best] * splits + solo)
        if last:
            break
    report = ColumnReport(rounds, added, converged, bound, stopped, completed)
    return Restricted(com, arcs, pairs, source, active, priced, relax), report


def uncovered(arcs: Arcs, active: np.ndarray) -> np.ndarray:
    """Per (commodity, departures) pair that no active arc loads, its cheapest arc."""
    _, group = np.unique(np.column_stack([arcs.commodity, arcs.rows]), axis=0, return_inverse=True)
    group = group.ravel()
    covered = np.bincount(group, active, int(group.max(initial=-1)) + 1) > 0
    order = np.lexsort((arcs.cost, group))
    first = order[np.r_[True, group[order][1:] != group[order][:-1]]] if len(order) else order
    return first[~covered[group[first]]]


def solo_keys(relaxed: list[BlockResult], com: Commodities, arcs: Arcs, limit: int) -> np.ndarray:
    """A split key per order: its own id where its block (of the model `com`, `arcs`,
    solved as `relaxed`) is small enough for each of its orders to be a commodity of its
    own, at most `limit` (order, arc) pairs, else -1. There the final LP sees every
    order's own kg, m3 and costs, so its prices bound the orders themselves as tightly
    as the LP bounds the model (bound.py), cuts included."""
    arcs_of = np.bincount(arcs.commodity, minlength=len(com))
    solo = np.zeros(len(com), dtype=bool)
    for b in relaxed:
        pairs = int((com.count[b.commodities] * arcs_of[b.commodities]).sum())
        if 0 < pairs <= limit:
            solo[b.commodities] = True
    return np.where(solo[com.of_order], np.arange(len(com.of_order)), -1)


class Relaxations:
    """LP relaxations of blocks, each solved once: a block whose arrays are those of a
    block solved before (no column came into it) gets that block's answer, and the final
    solve starts from it (`warm`)."""

    def __init__(self, map_fn: MapFunction) -> None:
        self.map_fn = map_fn
        self.done: dict[bytes, BlockResult] = {}

    def __call__(self, blocks: list[BlockData]) -> list[BlockResult]:
        keys = [_digest(b) for b in blocks]
        todo = [b for b, k in zip(blocks, keys, strict=True) if k not in self.done]
        for k, result in zip(
            [k for k in keys if k not in self.done],
            solve_blocks(todo, self.map_fn, solve_relaxation),
            strict=True,
        ):
            self.done[k] = result
        return [_renumbered(self.done[k], b) for b, k in zip(blocks, keys, strict=True)]

    def warm(self, blocks: list[BlockData]) -> list[BlockData]:
        """The blocks, each with its LP where a round solved it already."""
        out = []
        for b in blocks:
            known = self.done.get(_digest(b))
            out.append(b if known is None or known.lp is None else replace(b, lp=known.lp))
        return out


def _digest(b: BlockData) -> bytes:
    """What the LP of a block depends on (its global arc ids do not)."""
    h = hashlib.blake2b(digest_size=20)
    for part in (
        b.commodities,
        b.rows,
        b.demand,
        b.arc_commodity,
        b.arc_cost,
        b.arc_kg,
        b.arc_m3,
        b.arc_rows,
        b.cap_kg,
        b.cap_m3,
        b.unit_cost,
        b.link_group,
    ):
        h.update(np.ascontiguousarray(part).tobytes() if part is not None else b"-")
    return h.digest()


def _renumbered(result: BlockResult, b: BlockData) -> BlockResult:
    """An answer for a block with the same arrays, under the block's own arc ids."""
    return result if np.array_equal(result.arcs, b.arcs) else replace(result, arcs=b.arcs)


class _Model:
    """The splitter over the universe's active arcs."""

    def __init__(
        self,
        orders: OrdersTable,
        coarse: Commodities,
        universe: Universe,
        costs: OrderCosts,
        active: np.ndarray,
    ) -> None:
        self.ids = np.flatnonzero(active)
        held = take(universe.arcs, self.ids)
        self.splitter = Splitter(orders, coarse, held, costs.with_arcs(held))

    def split(self, keys: list[np.ndarray]) -> tuple[Commodities, Arcs, OrderArcs, np.ndarray]:
        com, arcs, pairs, parent = self.splitter.split(keys)
        return com, arcs, pairs, self.ids[parent]
