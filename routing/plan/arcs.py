"""Arcs: the time-expanded candidates of every commodity, a route and a departure each,
with their cost per order and the capacity rows (service departures) they load.

cost per order = mean freight of the commodity's orders on the route's lanes (last mile
included) + mean DDP duties and taxes on that route + mean late penalty of its orders
(each its own, `late.py`, for the days of P90 past its deliver_by).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from routing.plan.commodities import Commodities
from routing.plan.late import LateCost
from routing.plan.table import NO_DEADLINE, OrdersTable

_DAY_KEY = 1 << 22  # day numbers of deadlines fit below this (year 13,400)


@dataclass(frozen=True)
class Arcs:
    commodity: np.ndarray  # int64
    route: np.ndarray  # int64 route id (RouteSet)
    day: np.ndarray  # int64 local day of the planned (first capacitated) departure
    p50: np.ndarray  # int64 buyer-local day numbers
    p90: np.ndarray
    rows: np.ndarray  # int64 (arcs x 2) capacity-row ids, -1 = none
    freight: np.ndarray  # float64 mean per order, plan minor units
    duty: np.ndarray  # float64 mean per order
    late_days: np.ndarray  # float64 mean per order
    cost: np.ndarray  # float64 per order: freight + duty + mean late penalty

    def __len__(self) -> int:
        return len(self.commodity)


class RowTuples:
    """Each arc's capacity rows as a tuple (`rows`: arcs x 2, -1 none), made at the arc's
    first use. The greedy plan and the repair steps place one order at a time, where a
    loop over a tuple costs less than a numpy call; most arcs are never used, and making
    every arc's took 0.7 s a step on 100,000 orders."""

    def __init__(self, rows: np.ndarray) -> None:
        self.rows = rows
        self.made: dict[int, tuple[int, ...]] = {}

    def __getitem__(self, a: int) -> tuple[int, ...]:
        found = self.made.get(a)
        if found is None:
            found = self.made[a] = tuple(r for r in self.rows[a].tolist() if r >= 0)
        return found


@dataclass(frozen=True)
class OrderArcs:
    """Entries start[o]:start[o + 1] are order o's candidate arcs, cheapest first for it,
    with its own cost (shipping + duties + late penalty) on each."""

    start: np.ndarray  # int64 (orders + 1)
    arc: np.ndarray  # int64
    cost: np.ndarray  # float64, plan minor units

    def of(self, o: int) -> range:
        return range(int(self.start[o]), int(self.start[o + 1]))

    @property
    def counts(self) -> np.ndarray:
        return np.diff(self.start)

    @property
    def owner(self) -> np.ndarray:
        """The order of each entry."""
        return np.repeat(np.arange(len(self.start) - 1), self.counts)


def late_days(
    orders: OrdersTable, com: Commodities, commodity: np.ndarray, p90: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Mean days late per order (P90 past deliver_by) for each (commodity, P90 day), and
    how many of the commodity's orders are late."""
    days, count, _ = late_means(orders, com, commodity, p90, LateCost.flat(len(orders), 0.0))
    return days, count


def late_means(
    orders: OrdersTable,
    com: Commodities,
    commodity: np.ndarray,
    p90: np.ndarray,
    late: LateCost,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each (commodity, P90 day): the mean days late per order, how many of its orders
    are late, and the mean late penalty per order, exact for per-order rates: the late
    members of a commodity are those with deliver_by < P90, a prefix of its members sorted
    by deadline, so with once_o, rate_o and db_o their penalty sums to
    sum(once_o) + P90 x sum(rate_o) - sum(rate_o x db_o), read off prefix sums."""
    has = orders.deliver_by != NO_DEADLINE
    db = np.minimum(orders.deliver_by, _DAY_KEY - 1)
    key = com.of_order * _DAY_KEY + db
    order = np.argsort(key, kind="stable")
    keys = key[order]
    base = int(db[has].min()) if has.any() else 0  # days from it: small, exact sums
    day = np.where(has, db - base, 0)[order]
    once = np.where(has, late.once, 0.0)[order]
    rate = np.where(has, late.per_day, 0.0)[order]
    sums = [np.concatenate(([0], np.cumsum(x))) for x in (day, once, rate, rate * day)]
    start = com.start[commodity]
    at = np.searchsorted(keys, commodity * _DAY_KEY + p90, side="left")
    count = at - start
    day_sum, once_sum, rate_sum, rate_day_sum = (x[at] - x[start] for x in sums)
    due = p90 - base
    n = np.maximum(com.count[commodity], 1)
    days = (count * due - day_sum) / n
    return days, count, (once_sum + due * rate_sum - rate_day_sum) / n


def build_arcs(
    cols: dict[str, list],
    orders: OrdersTable,
    com: Commodities,
    freight: np.ndarray,
    duty: np.ndarray,
    late: LateCost,
    hard_deadlines: bool,
) -> Arcs:
    """`freight` and `duty` are per (commodity, route) pair of each arc; `late` per order."""
    commodity = np.array(cols["commodity"], dtype=np.int64)
    p90 = np.array(cols["p90"], dtype=np.int64)
    if len(commodity):
        days, count, penalty = late_means(orders, com, commodity, p90, late)
    else:
        days, count, penalty = p90 * 0.0, p90, p90 * 0.0
    keep = count == 0 if hard_deadlines else np.ones(len(commodity), dtype=bool)
    arcs = Arcs(
        commodity=commodity,
        route=np.array(cols["route"], dtype=np.int64),
        day=np.array(cols["day"], dtype=np.int64),
        p50=np.array(cols["p50"], dtype=np.int64),
        p90=p90,
        rows=np.stack(
            [np.array(cols["r0"], dtype=np.int64), np.array(cols["r1"], dtype=np.int64)], axis=1
        ).reshape(-1, 2),
        freight=freight,
        duty=duty,
        late_days=days,
        cost=freight + duty + penalty,
    )
    return take(arcs, np.flatnonzero(keep))


def take(arcs: Arcs, index: np.ndarray) -> Arcs:
    return Arcs(**{k: getattr(arcs, k)[index] for k in arcs.__dataclass_fields__})


def join(first: Arcs, then: Arcs) -> Arcs:
    """The arcs of `first`, then those of `then` (ids of `first` keep their meaning)."""
    fields = first.__dataclass_fields__
    return Arcs(**{k: np.concatenate([getattr(first, k), getattr(then, k)]) for k in fields})
