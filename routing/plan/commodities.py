"""Orders aggregated into commodities: orders that the model may treat alike.

A commodity is the orders of one origin with the same set of lanes that may carry them
(restriction class and destination coverage in one: the same permitted services), the
same ready day (the origin's local date of creation) and the same deadline bucket.
100,000 orders make a few thousand commodities. Per commodity the
model uses the members' mean price on every lane and their mean kg and m3, so a
commodity that the plan does not split costs exactly the sum of its orders.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from routing.calendar import MINUTES_PER_DAY, time_zone
from routing.network import Network
from routing.plan.matrix import LaneMatrix
from routing.plan.table import NO_DEADLINE, OrdersTable

NO_BUCKET = 1_000_000


@dataclass(frozen=True)
class Commodities:
    of_order: np.ndarray  # int64 commodity of each order
    members: np.ndarray  # order indices sorted by (commodity, creation, input order)
    start: np.ndarray  # members[start[c]:start[c + 1]] are commodity c's orders
    origin: np.ndarray  # object, origin node id per commodity
    ready_day: np.ndarray  # int64 origin-local day number
    ready_min: np.ndarray  # int64 UTC minute the commodity is ready: the end of its day
    count: np.ndarray  # int64 orders
    kg: np.ndarray  # float64 mean kg per order
    m3: np.ndarray  # float64 mean m3 per order
    allowed: np.ndarray  # bool (services x commodities)
    price: np.ndarray  # float64 (services x commodities), mean per order, 0 where refused

    def __len__(self) -> int:
        return len(self.count)

    def orders_of(self, c: int) -> np.ndarray:
        return self.members[self.start[c] : self.start[c + 1]]


def local_days(network: Network, orders: OrdersTable) -> np.ndarray:
    """Each order's creation date in its origin's time zone, as a day number."""
    days = np.zeros(len(orders), dtype=np.int64)
    for origin in np.unique(orders.origin):
        rows = orders.origin == origin
        tz = time_zone(network.nodes[origin].tz)
        days[rows] = tz.local_day(orders.created_min[rows])
    return days


def aggregate(
    network: Network, orders: OrdersTable, lanes: LaneMatrix, bucket_days: int
) -> Commodities:
    ready = local_days(network, orders)
    lane_class = _lane_class(lanes.allowed)
    slack = np.where(
        orders.deliver_by == NO_DEADLINE, NO_BUCKET, (orders.deliver_by - ready) // bucket_days
    )
    key = pd.MultiIndex.from_arrays([orders.origin, lane_class, ready, slack])
    of_order, uniques = key.factorize(sort=True)
    of_order = of_order.astype(np.int64)
    members = np.lexsort((np.arange(len(orders)), orders.created_min, of_order))
    count = np.bincount(of_order, minlength=len(uniques))
    start = np.concatenate(([0], np.cumsum(count)))
    first = members[start[:-1]]
    kg = np.bincount(of_order, weights=orders.weight_kg) / np.maximum(count, 1)
    m3 = np.bincount(of_order, weights=orders.volume_m3) / np.maximum(count, 1)
    ordered = np.where(lanes.allowed, lanes.price, 0.0)[:, members]
    price = np.add.reduceat(ordered, start[:-1], axis=1) / np.maximum(count, 1)
    origin = orders.origin[first]
    return Commodities(
        of_order=of_order,
        members=members,
        start=start,
        origin=origin,
        ready_day=ready[first],
        ready_min=_day_end(network, origin, ready[first]),
        count=count,
        kg=kg,
        m3=m3,
        allowed=lanes.allowed[:, first],
        price=price,
    )


def _lane_class(allowed: np.ndarray) -> np.ndarray:
    """An id per distinct column of the (services x orders) permission matrix."""
    packed = np.packbits(allowed, axis=0)  # (ceil(services / 8) x orders)
    rows = np.ascontiguousarray(packed.T)
    view = rows.view(np.dtype((np.void, rows.shape[1]))).ravel()
    _, ids = np.unique(view, return_inverse=True)
    return ids.astype(np.int64)


def _day_end(network: Network, origin: np.ndarray, day: np.ndarray) -> np.ndarray:
    """The last minute (UTC) of each local day at its origin."""
    out = np.zeros(len(day), dtype=np.int64)
    for o in np.unique(origin):
        rows = origin == o
        tz = time_zone(network.nodes[o].tz)
        out[rows] = tz.to_utc((day[rows] + 1) * MINUTES_PER_DAY) - 1
    return out
