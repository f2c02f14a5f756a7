"""The Renault inbound instance (Renault Group and CERMICS, CC-BY-4.0) as its authors read it.

The authors' reader (`BatyLeo/TransportationPlanningOptimization.jl`,
`src/problems/inbound/parser.jl` and `src/instance/instance.jl`, run with weekly steps and
`wrap_time=true` in their benchmark `scripts/benchmark/run_comparison.jl`) fixes what the
objective is computed on; this module does the same, row for row:

- volumes are whole hundredths of a m3 (`VOLUME_FACTOR = 100`): a leg's vehicle holds
  `round(capacity * 100)`, one unit of a commodity `max(1, round(size * 100))` (round half
  to even, Julia's and Python's `round`);
- a commodity row is `quantity` units of `size` m3 each, each unit carrying the row's
  `lead_time_cost`;
- an order is the units of one supplier, one plant and one delivery week; its maximum lead
  time is the least of its rows'; a bundle is the orders of one supplier and one plant,
  and takes one path (`bundle_id` of the file is not used);
- weeks are numbered 1..T from the earliest delivery date, T the last; a departure before
  week 1 wraps round to the end of the horizon (the steady-state week);
- of two legs between the same two points, only the first in the file is kept, and legs
  with a missing field are dropped.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

VOLUME_FACTOR = 100  # hundredths of a m3


@dataclass(frozen=True)
class Point:
    """A node of the instance: supplier, platform, pol (port of loading), pod, plant."""

    account: str
    kind: str
    country: str
    continent: str
    cost_per_m3: float  # handling cost of each m3 that enters it
    capacity_m3: float  # stated by the instance; the authors' objective does not use it


@dataclass(frozen=True)
class Leg:
    """A lane between two points. `is_linear`: `shipment_cost` is the cost of a full
    vehicle's worth of volume, charged pro rata; else it is the cost of each vehicle."""

    src: str
    dst: str
    leg_type: str
    weeks: int  # travel time in weeks
    capacity: int  # hundredths of a m3 a vehicle holds
    shipment_cost: float
    is_linear: bool
    carbon_cost: float  # per full vehicle's worth of volume, pro rata
    distance_km: float


@dataclass(frozen=True)
class Order:
    """The units of one bundle delivered in one week."""

    bundle: int
    week: int  # 1..T
    max_weeks: int  # maximum lead time
    sizes: tuple[int, ...]  # one per unit, hundredths of a m3, largest first
    lead_time_cost: float  # per km, summed over the units

    @property
    def volume(self) -> int:
        return sum(self.sizes)


@dataclass(frozen=True)
class Bundle:
    supplier: str
    plant: str
    orders: tuple[Order, ...]

    @property
    def max_weeks(self) -> int:
        return min(o.max_weeks for o in self.orders)


@dataclass(frozen=True)
class Instance:
    points: Mapping[str, Point]
    legs: Mapping[tuple[str, str], Leg]
    bundles: tuple[Bundle, ...]
    horizon: int  # weeks
    first_week: date

    def bundle_of(self, supplier: str, plant: str) -> int | None:
        for i, b in enumerate(self.bundles):
            if (b.supplier, b.plant) == (supplier, plant):
                return i
        return None


def unit_size(size_m3: float) -> int:
    return max(1, round(size_m3 * VOLUME_FACTOR))


def point(row: Mapping[str, str]) -> Point:
    return Point(
        account=row["point_account"],
        kind=row["point_type"],
        country=row["point_country"],
        continent=row["point_continent"],
        cost_per_m3=float(row["point_m3_cost"]),
        capacity_m3=float(row["point_m3_capacity"]),
    )


_LEG_FIELDS = (
    *("src_account", "dst_account", "shipment_cost", "capacity", "leg_type"),
    *("src_type", "dst_type", "distance", "travel_time", "carbon_cost"),
)


def legs(rows: Iterable[Mapping[str, str]]) -> dict[tuple[str, str], Leg]:
    """The first complete leg for each (src, dst) pair, in file order."""
    found: dict[tuple[str, str], Leg] = {}
    for row in rows:
        if any(not (row.get(f) or "").strip() for f in _LEG_FIELDS):
            continue
        key = (row["src_account"], row["dst_account"])
        if key in found:
            continue
        found[key] = Leg(
            src=key[0],
            dst=key[1],
            leg_type=row["leg_type"],
            weeks=int(float(row["travel_time"])),
            capacity=round(float(row["capacity"]) * VOLUME_FACTOR),
            shipment_cost=float(row["shipment_cost"]),
            is_linear=row["is_linear"].strip().lower() == "true",
            carbon_cost=float(row["carbon_cost"]),
            distance_km=float(row["distance"]),
        )
    return found


def bundles(rows: Iterable[Mapping[str, str]]) -> tuple[tuple[Bundle, ...], int, date]:
    """Orders grouped by (week, supplier, plant), bundles by (supplier, plant); also the
    horizon T and the date of week 1."""
    parsed = [_commodity(row) for row in rows]
    first = min(p[2] for p in parsed)
    orders: dict[tuple[str, str, int], list[tuple[list[int], float, int]]] = {}
    for supplier, plant, day, sizes, lead, max_weeks in parsed:
        week = (day - first).days // 7 + 1
        orders.setdefault((supplier, plant, week), []).append((sizes, lead, max_weeks))
    horizon = max(k[2] for k in orders)
    keys = sorted({(k[0], k[1]) for k in orders})
    index = {k: i for i, k in enumerate(keys)}
    grouped: dict[int, list[Order]] = {i: [] for i in range(len(keys))}
    for (supplier, plant, week), parts in sorted(orders.items()):
        b = index[(supplier, plant)]
        sizes = sorted((s for p in parts for s in p[0]), reverse=True)
        lead = sum(p[1] for p in parts)
        grouped[b].append(Order(b, week, min(p[2] for p in parts), tuple(sizes), lead))
    found = tuple(Bundle(k[0], k[1], tuple(grouped[index[k]])) for k in keys)
    return found, horizon, first


def _commodity(row: Mapping[str, str]) -> tuple[str, str, date, list[int], float, int]:
    quantity = int(float(row["quantity"]))
    day = date.fromisoformat(row["delivery_date"][:10])
    size = unit_size(float(row["size"]))
    lead = float(row["lead_time_cost"]) * quantity
    return (
        row["supplier_account"],
        row["customer_account"],
        day,
        [size] * quantity,
        lead,
        int(float(row["max_delivery_time"])),
    )


def build(
    point_rows: Iterable[Mapping[str, str]],
    leg_rows: Iterable[Mapping[str, str]],
    commodity_rows: Iterable[Mapping[str, str]],
) -> Instance:
    points = {p.account: p for p in map(point, point_rows)}
    found, horizon, first = bundles(commodity_rows)
    return Instance(points, legs(leg_rows), found, horizon, first)


def departure_week(instance: Instance, order: Order, weeks_left: int) -> int:
    """The week a leg leaves for `order` when `weeks_left` weeks of travel remain from
    its tail to the plant: the delivery week less them, wrapped once into 1..T."""
    t = order.week - weeks_left
    if t < 1:
        t += instance.horizon
    return t
