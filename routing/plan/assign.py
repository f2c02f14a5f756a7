"""One route and departure per order: the plan as an assignment, the greedy baseline, and
the evaluation of a plan on the orders' own figures (their prices, kg, m3 and deadlines),
so every plan is costed alike. (The optimised plan's assignment: `disaggregate.py`.)

No capacity is ever broken: every assignment checks the booked kg and m3 left on each
departure it loads. An unplanned order carries its reason: `no_feasible_route` (no
candidate route and departure at all), `no_capacity` (none with room left for it) or
`uneconomic` (there is room, but carrying it, e.g. in a consolidation unit of its own,
would cost more than leaving it unplanned).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from routing.plan.arcs import Arcs, OrderArcs, RowTuples
from routing.plan.capacity import CapacityRows
from routing.plan.table import NO_DEADLINE, OrdersTable

NO_ROUTE = "no_feasible_route"
NO_CAPACITY = "no_capacity"
UNECONOMIC = "uneconomic"


@dataclass(frozen=True)
class Assignment:
    arc: np.ndarray  # int64 per order, -1 = unplanned
    reason: np.ndarray  # object per order, "" when planned


class _Room:
    """Per capacity row: the booked kg and m3 left, the load and the consolidation units
    it needs; checked and taken one order at a time."""

    def __init__(self, rows: CapacityRows, arcs: Arcs) -> None:
        self.kg = rows.cap_kg.tolist()
        self.m3 = rows.cap_m3.tolist()
        self.arc_rows = RowTuples(arcs.rows)
        self.load_kg, self.load_m3 = [0.0] * len(rows), [0.0] * len(rows)
        self.units = [0] * len(rows)
        self.unit_kg, self.unit_m3 = rows.unit_kg.tolist(), rows.unit_m3.tolist()
        self.unit_cost = rows.unit_cost.tolist()

    def fits(self, a: int, kg: float, m3: float) -> bool:
        return all(self.kg[r] >= kg - 1e-9 and self.m3[r] >= m3 - 1e-9 for r in self.arc_rows[a])

    def opening(self, a: int, kg: float, m3: float) -> float:
        """What the units cost that the order would open on arc a's departures: nothing
        where the open ones have room for it."""
        return sum(
            (self._units(r, kg, m3) - self.units[r]) * self.unit_cost[r] for r in self.arc_rows[a]
        )

    def take(self, a: int, kg: float, m3: float) -> None:
        for r in self.arc_rows[a]:
            self.units[r] = self._units(r, kg, m3)
            self.kg[r] -= kg
            self.m3[r] -= m3
            self.load_kg[r] += kg
            self.load_m3[r] += m3

    def _units(self, r: int, kg: float, m3: float) -> int:
        """The units row r needs with kg and m3 more (as `units_for` counts them)."""
        need = 0
        for load, size in (
            (self.load_kg[r] + kg, self.unit_kg[r]),
            (self.load_m3[r] + m3, self.unit_m3[r]),
        ):
            if size > 0:
                need = max(need, math.ceil(load / size - 1e-9))
        return need


def greedy(orders: OrdersTable, pairs: OrderArcs, arcs: Arcs, rows: CapacityRows) -> Assignment:
    """Orders by creation time; each takes the route-departure with room left where it
    costs least: its own cost there plus the consolidation units it would open (nothing
    where the units already bought have room for it). So greedy pays for its units as
    the plan does, one order at a time, and never loads past a booked kg or m3."""
    arc = np.full(len(orders), -1, dtype=np.int64)
    reason = np.full(len(orders), "", dtype=object)
    room = _Room(rows, arcs)
    kg, m3 = orders.weight_kg.tolist(), orders.volume_m3.tolist()
    start = pairs.start.tolist()
    for o in np.lexsort((np.arange(len(orders)), orders.created_min)).tolist():
        if start[o] == start[o + 1]:
            reason[o] = NO_ROUTE
            continue
        best, best_cost = -1, math.inf
        # each order its own slice as lists: lists of every pair took 1.9 GB on 1,000,000 orders
        span = slice(start[o], start[o + 1])
        for a, own in zip(pairs.arc[span].tolist(), pairs.cost[span].tolist(), strict=True):
            if own >= best_cost:  # cheapest own cost first
                break  # opening units only adds: no later option can be cheaper
            if room.fits(a, kg[o], m3[o]):
                cost = own + room.opening(a, kg[o], m3[o])
                if cost < best_cost:
                    best, best_cost = a, cost
        if best < 0:
            reason[o] = NO_CAPACITY
            continue
        room.take(best, kg[o], m3[o])
        arc[o] = best
    return Assignment(arc, reason)


def loads(
    orders: OrdersTable, arcs: Arcs, n_rows: int, who: np.ndarray, on: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    kg, m3 = np.zeros(n_rows), np.zeros(n_rows)
    for slot in range(arcs.rows.shape[1]):
        r = arcs.rows[on, slot]
        ok = r >= 0
        kg += np.bincount(r[ok], orders.weight_kg[who[ok]], n_rows)
        m3 += np.bincount(r[ok], orders.volume_m3[who[ok]], n_rows)
    return kg, m3


@dataclass(frozen=True)
class Evaluation:
    """A plan costed order by order (plan-currency minor units)."""

    shipping: np.ndarray  # per order (0 if unplanned)
    duties: np.ndarray
    late_days: np.ndarray  # int per order, 0 if on time, no deadline or unplanned
    on_time: np.ndarray  # object per order: True, False, or None (no deadline / unplanned)
    load_kg: np.ndarray  # per row
    load_m3: np.ndarray
    units: np.ndarray  # per row
    freight: float
    unit_cost: float
    duty: float
    late_penalty: float
    unplanned: int
    unplanned_penalty: float

    @property
    def cost(self) -> float:
        """What the plan costs: freight, units, duties and the late penalties."""
        return self.freight + self.unit_cost + self.duty + self.late_penalty

    @property
    def objective(self) -> float:
        """The model's objective: the cost plus the penalty of the unplanned orders."""
        return self.cost + self.unplanned_penalty


def evaluate(
    orders: OrdersTable,
    arcs: Arcs,
    rows: CapacityRows,
    plan: Assignment,
    shipping_of: np.ndarray,
    duty_of: np.ndarray,
    late_per_day: np.ndarray | float,
    unplanned_per_order: float,
    late_once: np.ndarray | float = 0.0,
) -> Evaluation:
    """`shipping_of` / `duty_of`: per order, its cost on its assigned arc (any value where
    unplanned); computed by the caller from the lane matrix and the duty shares. A late
    order pays `late_once` and `late_per_day` per day late (each per order, or one for
    all)."""
    planned = plan.arc >= 0
    who = np.flatnonzero(planned)
    on = plan.arc[who]
    shipping = np.where(planned, shipping_of, 0.0)
    duties = np.where(planned, duty_of, 0.0)
    p90 = np.where(planned, arcs.p90[np.maximum(plan.arc, 0)], 0) if len(arcs) else plan.arc * 0
    has = orders.deliver_by != NO_DEADLINE
    late = np.where(planned & has, np.maximum(p90 - orders.deliver_by, 0), 0)
    on_time = np.full(len(orders), None, dtype=object)
    on_time[planned & has] = late[planned & has] == 0
    kg, m3 = loads(orders, arcs, len(rows), who, on)
    units = units_for(kg, m3, rows)
    return Evaluation(
        shipping=shipping,
        duties=duties,
        late_days=late,
        on_time=on_time,
        load_kg=kg,
        load_m3=m3,
        units=units,
        freight=float(shipping.sum()),
        unit_cost=float(units @ rows.unit_cost),
        duty=float(duties.sum()),
        late_penalty=float(np.where(late > 0, late_once + late_per_day * late, 0.0).sum()),
        unplanned=int((~planned).sum()),
        unplanned_penalty=float((~planned).sum() * unplanned_per_order),
    )


def units_for(kg: np.ndarray, m3: np.ndarray, rows: CapacityRows) -> np.ndarray:
    """The fewest consolidation units per row that hold these loads (0 without a unit)."""
    return np.maximum(_ceil_ratio(kg, rows.unit_kg), _ceil_ratio(m3, rows.unit_m3))


def _ceil_ratio(load: np.ndarray, size: np.ndarray) -> np.ndarray:
    return np.where(size > 0, np.ceil(load / np.where(size > 0, size, 1) - 1e-9), 0)
