"""Insertion search: an unsplittable routing built and improved bundle by bundle against
the loads of the others, each route priced at what it adds to their units and spot
(loads.py); the units are then those the loads need, so the design's cost is exact.

1. **Construction**: bundles (the commodities that take one route together; without
   bundles, each commodity alone) inserted largest first, each on the route of least
   cost given the loads of those before it: consolidation as a shipper plans it.
2. **Re-insertion** rounds: every bundle taken off and inserted again at its best,
   until a round gains nothing; a move the exact count of units makes dearer (pieces
   packed worse than estimated) is undone.
3. **Ruin and recreate**: the bundles on a booked row (drawn with odds its idle
   capacity's cost) and on one more row that one of them takes (drawn evenly) taken
   off and inserted again, largest first or, every other ruin, in a random order; kept
   if the design is cheaper, undone if not. (On the Renault instance, ruins of one row
   stalled 0.3 % higher; of three, fewer were kept for more work; the random order
   every other ruin gained as much again as largest first alone: bench/renault.py.)

The route of a bundle comes from a `Router` (the problem's own: a shortest path over its
network) or, by default, from the pool of known columns and the pricer, asked for the
commodity alone at the insertion prices as link prices (`pool_router`).

Deterministic: the bundles in a fixed order, the rows of the ruins drawn from a seeded
generator, the work counted in rounds and ruins; the deadline is only a safety net.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from routing.design.duals import Duals, Pricer
from routing.design.loads import Loads
from routing.design.master import Groups, must_serve_price
from routing.design.problem import Columns, DesignProblem

log = logging.getLogger(__name__)

Prices = Callable[[np.ndarray, np.ndarray], np.ndarray]
"""(commodity, row) pairs -> what carrying all of each commodity on its row adds to the
cost of units and spot, the rest as it is (inf: the row cannot hold it)."""
Router = Callable[[np.ndarray, Prices], Columns | None]
"""The commodities of one bundle and the insertion prices -> one column per commodity, in
that order, all on one route: the route of least column cost plus prices (None: none)."""
HIGH = 1e15  # a price a pricer's shortest paths can add up (inf stands for no arc)


@dataclass(frozen=True)
class SearchParams:
    rounds: int = 20  # re-insertion rounds at most
    ruins: int = 200  # ruin-and-recreate moves
    rows: int = 2  # rows whose bundles a ruin takes off
    seed: int = 0

    def __post_init__(self) -> None:
        if self.rounds < 0 or self.ruins < 0:
            raise ValueError(f"rounds and ruins must be >= 0, got {self.rounds}, {self.ruins}")
        if self.rows < 1:
            raise ValueError(f"rows must be >= 1, got {self.rows}")


class Routing:
    """One column per commodity (or none: unserved), the loads they put on the rows, and
    the pool of columns known."""

    def __init__(self, problem: DesignProblem, groups: Groups, pool: Columns) -> None:
        self.problem, self.loads = problem, Loads(problem, groups)
        com = problem.commodities
        self.commodity = pool.commodity.tolist()
        self.cost = pool.cost.tolist()
        self.rows = [pool.rows_of(j).copy() for j in range(len(pool))]
        self.known = {
            self._key(k, r): j
            for j, (k, r) in enumerate(zip(self.commodity, self.rows, strict=True))
        }
        self.chosen = np.full(len(com), -1, dtype=np.int64)
        self.variable = 0.0  # the chosen columns' costs
        self.unserved_price = must_serve_price(problem, pool)
        bundle = problem.bundle if problem.bundle is not None else np.arange(len(com))
        _, of = np.unique(bundle, return_inverse=True)
        order = np.argsort(of, kind="stable")
        self.members = np.split(order, np.cumsum(np.bincount(of))[:-1])

    @staticmethod
    def _key(k: int, rows: np.ndarray) -> tuple[int, bytes]:
        return k, np.asarray(rows, dtype=np.int64).tobytes()

    @property
    def value(self) -> float:
        """Units and spot, the columns' costs, and the unserved at their price."""
        unserved = float(self.unserved_price[self.chosen < 0].sum())
        return self.loads.total + self.variable + unserved

    def add(self, columns: Columns) -> np.ndarray:
        """The pool indices of `columns`, those not known appended."""
        out = []
        for j in range(len(columns)):
            k, rows = int(columns.commodity[j]), columns.rows_of(j)
            key = self._key(k, rows)
            if key not in self.known:
                self.known[key] = len(self.cost)
                self.commodity.append(k)
                self.cost.append(float(columns.cost[j]))
                self.rows.append(rows.astype(np.int64).copy())
            out.append(self.known[key])
        return np.asarray(out, dtype=np.int64)

    def take(self, b: int) -> np.ndarray:
        """Take bundle b off its route; its columns as they were."""
        kept = self.chosen[self.members[b]].copy()
        for k, j in zip(self.members[b].tolist(), kept.tolist(), strict=True):
            if j >= 0:
                self.loads.move(k, self.rows[j], -1)
                self.variable -= self.cost[j]
        self.chosen[self.members[b]] = -1
        return kept

    def put(self, b: int, columns: np.ndarray) -> None:
        """Put bundle b (off any route) on `columns` (pool indices; -1: unserved)."""
        for k, j in zip(self.members[b].tolist(), columns.tolist(), strict=True):
            if j >= 0:
                self.loads.move(k, self.rows[j], 1)
                self.variable += self.cost[j]
        self.chosen[self.members[b]] = columns

    def insert(self, b: int, router: Router) -> None:
        """Bundle b (off any route) on its route of least cost at the insertion prices,
        or unserved where that costs less."""
        ks = self.members[b]
        found = router(ks, self.loads.added)
        best = np.full(len(ks), -1, dtype=np.int64)
        if found is not None and len(found) == len(ks):
            at = self.add(found)
            price = self.price(at)
            if price < float(self.unserved_price[ks].sum()):
                best = at
        self.put(b, best)

    def price(self, columns: np.ndarray) -> float:
        """What carrying the commodities on pool `columns` adds at the current loads."""
        rows = [self.rows[j] for j in columns.tolist()]
        k = np.repeat([self.commodity[j] for j in columns.tolist()], [len(r) for r in rows])
        added = self.loads.added(k, np.concatenate(rows)) if len(k) else np.zeros(0)
        return float(sum(self.cost[j] for j in columns.tolist()) + added.sum())

    def pool(self) -> Columns:
        lengths = [len(r) for r in self.rows]
        return Columns(
            commodity=np.asarray(self.commodity, dtype=np.int64),
            cost=np.asarray(self.cost, dtype=np.float64),
            start=np.r_[0, np.cumsum(lengths)].astype(np.int64),
            rows=np.concatenate(self.rows).astype(np.int64) if self.rows else np.zeros(0, np.int64),
        )


def insertion_search(
    problem: DesignProblem,
    groups: Groups,
    pool: Columns,
    router: Router,
    params: SearchParams,
    deadline: float,
    mark: Callable[[str, float], None] | None = None,
) -> Routing:
    """The routing of the search (see the module) from the `pool`'s columns; `mark` is
    told each stage's value."""
    tell = mark or (lambda stage, value: log.info("insertion: %s at %.2f", stage, value))
    state = Routing(problem, groups, pool)
    order = largest_first(problem, state.members)
    for b in order.tolist():
        state.insert(b, router)
    tell("construction", state.value)
    reinsert(state, router, order, params.rounds, deadline)
    tell("re-insertion", state.value)
    ruin_and_recreate(state, router, params, deadline)
    tell("ruin and recreate", state.value)
    return state


def largest_first(problem: DesignProblem, members: list[np.ndarray]) -> np.ndarray:
    """The bundles by size, largest first (kg and m3 each in the rows' median unit)."""
    cap, com = problem.capacity, problem.commodities
    per = [float(np.median(u[u > 0])) if np.any(u > 0) else 0.0 for u in (cap.unit_kg, cap.unit_m3)]
    size = sum(load / unit for load, unit in zip((com.kg, com.m3), per, strict=True) if unit > 0)
    size = np.zeros(len(com)) + size
    total = np.array([size[m].sum() for m in members])
    return np.lexsort((np.arange(len(members)), -total))


def reinsert(
    state: Routing, router: Router, order: np.ndarray, rounds: int, deadline: float
) -> None:
    """Rounds of every bundle re-inserted at its best, until one gains nothing."""
    for r in range(rounds):
        before = state.value
        for b in order.tolist():
            if time.perf_counter() > deadline:
                return
            _try(state, [b], router, before=state.value)
        log.debug("insertion: re-insertion round %d at %.2f", r + 1, state.value)
        if state.value >= before - 1e-9 * max(abs(before), 1.0):
            return


def ruin_and_recreate(
    state: Routing, router: Router, params: SearchParams, deadline: float
) -> None:
    """Ruins of the bundles on a few booked rows, recreated, kept if cheaper."""
    rng = np.random.default_rng(params.seed)
    order = largest_first(state.problem, state.members)
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    for i in range(params.ruins):
        if time.perf_counter() > deadline:
            return
        ruined = _ruin(state, rng, params.rows)
        if not ruined:
            return
        if i % 2:
            ruined = [ruined[j] for j in rng.permutation(len(ruined))]
        else:
            ruined.sort(key=lambda b: rank[b])
        _try(state, ruined, router, before=state.value)


def _ruin(state: Routing, rng: np.random.Generator, rows: int) -> list[int]:
    """The bundles on a row drawn by its idle capacity's cost, and on `rows` - 1 more
    rows, each taken by a bundle drawn among those so far."""
    row = _idle_row(state, rng)
    if row < 0:
        return []
    on = _on(state, row)
    for _ in range(rows - 1):
        b = on[int(rng.integers(len(on)))]
        taken = [state.rows[j] for j in state.chosen[state.members[b]].tolist() if j >= 0]
        if not taken:
            break
        more = np.concatenate(taken)
        on = sorted(set(on) | set(_on(state, int(more[int(rng.integers(len(more)))]))))
    return on


def _on(state: Routing, row: int) -> list[int]:
    """The bundles whose route takes `row`."""
    return [b for b in range(len(state.members)) if _uses(state, b, row)]


def _try(state: Routing, bundles: list[int], router: Router, before: float) -> bool:
    """Take the bundles off, insert them again in turn; undone unless the value falls."""
    kept = [state.take(b) for b in bundles]
    for b in bundles:
        state.insert(b, router)
    if state.value < before - 1e-9 * max(abs(before), 1.0):
        return True
    for b in bundles:
        state.take(b)
    for b, columns in zip(bundles, kept, strict=True):
        state.put(b, columns)
    return False


def _uses(state: Routing, b: int, row: int) -> bool:
    return any(j >= 0 and row in state.rows[j] for j in state.chosen[state.members[b]].tolist())


def _idle_row(state: Routing, rng: np.random.Generator) -> int:
    """A row with units booked, drawn with odds the cost of its idle capacity (-1: none)."""
    loads, cap = state.loads, state.problem.capacity
    units = loads.units[loads.groups.of_row]
    held_m3 = np.where(cap.unit_m3 > 0, loads.m3 / np.maximum(cap.unit_m3, 1e-300), 0.0)
    held_kg = np.where(cap.unit_kg > 0, loads.kg / np.maximum(cap.unit_kg, 1e-300), 0.0)
    idle = np.maximum(units - np.maximum(held_m3, held_kg), 0.0) * cap.fixed
    idle[(units == 0) | ((loads.m3 <= 0) & (loads.kg <= 0))] = 0.0
    if idle.sum() <= 0:
        return -1
    return int(rng.choice(len(idle), p=idle / idle.sum()))


def pool_router(problem: DesignProblem, pool: Columns, pricer: Pricer | None) -> Router:
    """Each commodity of the bundle on its own (a problem whose bundles are single
    commodities): its pool column of least cost plus prices, or the pricer's column at
    the insertion prices as link prices where that is cheaper."""
    rows = len(problem.capacity)
    by = {int(k): np.flatnonzero(pool.commodity == k) for k in np.unique(pool.commodity)}

    def route(commodities: np.ndarray, prices: Prices) -> Columns | None:
        if problem.bundle is not None and len(commodities) > 1:
            raise ValueError("a bundle of several commodities needs the problem's own router")
        k = int(commodities[0])
        best, value = None, math.inf
        for j in by.get(k, np.zeros(0, dtype=np.int64)).tolist():
            r = pool.rows_of(j)
            v = pool.cost[j] + prices(np.full(len(r), k), r).sum()
            if v < value:
                best, value = _one(pool, j), v
        if pricer is not None:
            found = _priced(problem, pricer, k, prices, rows, value)
            if found is not None:
                best = found
        return best

    return route


def _priced(
    problem: DesignProblem, pricer: Pricer, k: int, prices: Prices, rows: int, value: float
) -> Columns | None:
    """The pricer's route for commodity k at the insertion prices, if cheaper than `value`."""
    every = np.arange(rows)
    link = np.minimum(prices(np.full(rows, k), every), HIGH)
    demand = np.full(len(problem.commodities), -np.inf)
    demand[k] = min(value, HIGH)
    duals = Duals(
        demand=demand,
        price_kg=np.zeros(rows),
        price_m3=np.zeros(rows),
        link_commodity=np.full(rows, k, dtype=np.int64),
        link_row=every,
        link_price=link,
    )
    found = pricer(duals)
    mine = np.flatnonzero(found.commodity == k)
    if not len(mine):
        return None
    j = int(mine[0])
    r = found.rows_of(j)
    if found.cost[j] + prices(np.full(len(r), k), r).sum() >= value:
        return None
    return _one(found, j)


def _one(columns: Columns, j: int) -> Columns:
    r = columns.rows_of(j)
    return Columns(
        commodity=columns.commodity[j : j + 1].copy(),
        cost=columns.cost[j : j + 1].copy(),
        start=np.array([0, len(r)], dtype=np.int64),
        rows=r.astype(np.int64).copy(),
    )
