"""The supply side's vocabulary: nodes, carriers, services (lane offers) and their terms.

Frozen dataclasses with units in their names. Loaders (`carriers.registry`) build them
from `data/`; the routing layer compiles them into arrays once and never mutates them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import time
from decimal import Decimal
from enum import StrEnum
from statistics import NormalDist

from carriers.money import Money


class NodeKind(StrEnum):
    WAREHOUSE = "warehouse"  # an origin warehouse
    CONSOLIDATION_CENTRE = "consolidation_centre"
    AIRPORT = "airport"
    SEAPORT = "seaport"
    RAIL_TERMINAL = "rail_terminal"
    CUSTOMS_POINT = "customs_point"  # a customs office or a bonded warehouse
    HUB = "hub"
    LAST_MILE_DEPOT = "last_mile_depot"
    DESTINATION_ZONE = "destination_zone"


# Kinds a shipment may start from: origin warehouses and hubs (the reverse flow starts at
# the Spanish hub).
ORIGIN_KINDS = frozenset({NodeKind.WAREHOUSE, NodeKind.HUB})


class Mode(StrEnum):
    AIR = "air"
    SEA = "sea"
    RAIL = "rail"
    ROAD = "road"
    POSTAL = "postal"
    COURIER = "courier"


class BatteryClass(StrEnum):
    """How lithium batteries travel, from least to most restricted."""

    NONE = "none"
    IN_EQUIPMENT = "in_equipment"
    LOOSE = "loose"

    @property
    def rank(self) -> int:
        return _BATTERY_RANK[self]


_BATTERY_RANK = {BatteryClass.NONE: 0, BatteryClass.IN_EQUIPMENT: 1, BatteryClass.LOOSE: 2}


class GoodsCategory(StrEnum):
    GENERAL = "general"
    ELECTRONICS = "electronics"
    APPAREL = "apparel"
    FOOTWEAR = "footwear"
    BAGS = "bags"
    COSMETICS = "cosmetics"
    TOYS = "toys"
    BOOKS = "books"
    FOOD = "food"
    HOME = "home"
    SPORTS = "sports"
    JEWELLERY = "jewellery"
    MEDICINES = "medicines"
    WEAPONS = "weapons"


class CustomsRegime(StrEnum):
    POSTAL = "postal"  # UPU postal stream, cleared by the destination post
    COURIER_DDP = "courier_ddp"  # express courier clears, duties collected up front
    IOSS = "ioss"  # EU import one-stop shop: VAT collected at checkout
    B2B_HUB = "b2b_hub"  # bulk import clearance of consolidated freight at a hub
    CBEC_1210 = "cbec_1210"  # China cross-border e-commerce, bonded import
    CBEC_9610 = "cbec_9610"  # China cross-border e-commerce, direct mail


@dataclass(frozen=True)
class Node:
    id: str
    kind: NodeKind
    country: str  # ISO 3166-1 alpha-2
    city: str
    lat: float
    lon: float
    tz: str  # IANA time zone
    source: str = ""
    # optional: what handling each m3 that enters the node costs, and how many m3 it can
    # handle a week (None: not stated)
    handling_cost_per_m3: Money | None = None
    capacity_m3_per_week: float | None = None


# z-score of the 90th percentile of the standard normal distribution.
_Z90 = 1.2815515655446004


@dataclass(frozen=True)
class TransitTime:
    """Door-to-door days of one leg: a shifted log-normal fixed by its minimum, P50 and P90.

    The three figures are what carriers and reference sources publish; the log-normal gives
    the long right tail that late deliveries have. P95 and any other quantile follow.
    """

    min_days: float
    p50_days: float
    p90_days: float

    def __post_init__(self) -> None:
        if not 0 <= self.min_days < self.p50_days < self.p90_days:
            raise ValueError(
                "transit days must satisfy 0 <= min < p50 < p90, got "
                f"{self.min_days}, {self.p50_days}, {self.p90_days}"
            )

    @property
    def mu(self) -> float:
        return math.log(self.p50_days - self.min_days)

    @property
    def sigma(self) -> float:
        return math.log((self.p90_days - self.min_days) / (self.p50_days - self.min_days)) / _Z90

    def quantile(self, q: float) -> float:
        return self.min_days + math.exp(self.mu + self.sigma * NormalDist().inv_cdf(q))

    @property
    def p95_days(self) -> float:
        return self.quantile(0.95)


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class Schedule:
    """When a service departs: weekdays (0 = Monday) and the local cut-off for that day."""

    weekdays: frozenset[int]
    cutoff: time
    moves_weekends: bool  # does the leg run (and the last mile deliver) on Sat/Sun

    @property
    def is_daily(self) -> bool:
        return len(self.weekdays) == 7


@dataclass(frozen=True)
class Capacity:
    """What one departure can carry; None means not limited by the network data."""

    kg: float | None = None
    m3: float | None = None


@dataclass(frozen=True)
class ConsolidationUnit:
    """The unit line-haul capacity is bought in (an air ULD, a rail or sea container)."""

    name: str
    capacity_kg: float
    capacity_m3: float
    cost: Money


class UnitType(StrEnum):
    """What line-haul capacity is booked in, and the modes that carry it."""

    ULD = "uld"  # an air pallet or container (PMC, AKE/LD3)
    CONTAINER_20 = "container_20"
    CONTAINER_40 = "container_40"
    TRAILER = "trailer"  # a semi-trailer, on the road or on a ro-ro ferry
    RAIL_SLOT = "rail_slot"  # a wagon slot on a block train


UNIT_MODES: dict[UnitType, frozenset[Mode]] = {
    UnitType.ULD: frozenset({Mode.AIR}),
    UnitType.CONTAINER_20: frozenset({Mode.SEA, Mode.RAIL, Mode.ROAD}),
    UnitType.CONTAINER_40: frozenset({Mode.SEA, Mode.RAIL, Mode.ROAD}),
    UnitType.TRAILER: frozenset({Mode.ROAD, Mode.SEA}),
    UnitType.RAIL_SLOT: frozenset({Mode.RAIL}),
}


class Commitment(StrEnum):
    """How booked units are committed over a season."""

    DEPARTURE = "departure"  # each departure's units chosen on their own
    WEEKLY = "weekly"  # the same units on the same weekday's departure every week


@dataclass(frozen=True)
class BookingOption:
    """How a service's capacity can be booked for a season, in its `unit`
    (`ConsolidationUnit`: kg, m3 and cost per unit and departure): between `min_units`
    and `max_units` units a departure, committed per departure or weekly; what is not
    booked moves at `spot_rate` per chargeable kg (kg, or m3 x `spot_kg_per_m3` where
    that is more), at most `spot_cap_kg` a departure (None: unlimited; a None rate: no
    spot on this service). `vehicle_kg` and `vehicle_m3` are what one departure's aircraft,
    vessel, train or truck can physically carry."""

    unit_type: UnitType
    min_units: int
    max_units: int
    commitment: Commitment
    vehicle_kg: float
    vehicle_m3: float
    spot_rate: Money | None = None  # per chargeable kg
    spot_cap_kg: float | None = None  # chargeable kg per departure
    spot_kg_per_m3: float = 167.0  # 1:6000 air; 1000 sea and rail (W/M); 333 road
    illustrative: bool = True
    source: str = ""


@dataclass(frozen=True)
class Restrictions:
    max_weight_kg: float | None = None
    max_side_cm: float | None = None  # longest side
    max_sum_sides_cm: float | None = None  # length + width + height
    max_battery: BatteryClass = BatteryClass.IN_EQUIPMENT
    liquids: bool = True
    forbidden_categories: frozenset[GoodsCategory] = frozenset()
    max_value: Money | None = None


@dataclass(frozen=True)
class CustomsRole:
    """Whether the service clears import on arrival, under which regime, at what fee."""

    clears_import: bool = False
    regime: CustomsRegime | None = None
    clearance_fee: Money | None = None  # charged to the buyer when duties are paid on delivery


@dataclass(frozen=True)
class Coverage:
    """Postal codes a last-mile service delivers to in one country.

    A code is covered when its longest matching prefix is in `postal_prefixes` rather than in
    `except_prefixes`; the empty prefix "" stands for every code of the country.
    """

    country: str
    postal_prefixes: tuple[str, ...]
    except_prefixes: tuple[str, ...] = ()

    def covers(self, country: str, postal_code: str) -> bool:
        if country != self.country:
            return False
        code = postal_code.replace(" ", "").replace("-", "").upper()
        best_in = max((len(p) for p in self.postal_prefixes if code.startswith(p)), default=-1)
        best_out = max((len(p) for p in self.except_prefixes if code.startswith(p)), default=-1)
        return best_in > best_out


@dataclass(frozen=True)
class WeightBreak:
    """One tier: parcels up to `up_to_kg` pay `per_piece` plus `per_kg` x chargeable kg."""

    up_to_kg: float
    per_kg: int  # minor units per kg
    per_piece: int  # minor units per parcel
    zone: str = ""  # "" for cards without zones


@dataclass(frozen=True)
class Zone:
    """A pricing zone of a zone-by-weight card: postal-code prefixes in one country."""

    name: str
    country: str
    postal_prefixes: tuple[str, ...]


@dataclass(frozen=True)
class RateCard:
    id: str
    currency: str
    breaks: tuple[WeightBreak, ...]
    minimum_charge: int = 0  # minor units, per parcel
    rounding_kg: float = 0.0  # chargeable weight rounds up to this increment; 0 = none
    volumetric_divisor: int | None = None  # cm3 per kg (5000 express, 6000 many lines)
    fuel_surcharge_pct: Decimal = Decimal(0)  # percent of freight and surcharges
    remote_area_surcharge: int = 0  # minor units per parcel
    remote_area_prefixes: tuple[str, ...] = ()
    oversize_surcharge: int = 0  # minor units per parcel
    oversize_side_cm: float | None = None
    oversize_weight_kg: float | None = None
    zones: tuple[Zone, ...] = ()
    illustrative: bool = True  # True when no public source gives these rates
    source: str = ""


@dataclass(frozen=True, eq=False)
class Service:
    """One carrier's offer on one lane. An entity: it compares and hashes by identity (a
    service is the one a network holds), so caches can key on it cheaply."""

    id: str
    carrier: str
    name: str
    from_node: str
    to_node: str
    mode: Mode
    rate_card: RateCard
    transit: TransitTime
    schedule: Schedule
    capacity: Capacity = field(default_factory=Capacity)
    unit: ConsolidationUnit | None = None
    booking: BookingOption | None = None  # how `unit`s can be booked for a season
    restrictions: Restrictions = field(default_factory=Restrictions)
    customs: CustomsRole = field(default_factory=CustomsRole)
    coverage: tuple[Coverage, ...] = ()
    handling_days: float = 0.0  # working days at the from-node before the departure
    source: str = ""
    # optional lane facts for costs beyond the rate card (None: not stated): the lane's
    # length, which a shipment's inventory (lead-time) cost per km is charged on, and the
    # carbon cost of each m3 carried
    distance_km: float | None = None
    carbon_cost_per_m3: Money | None = None

    def covers(self, country: str, postal_code: str) -> bool:
        return any(c.covers(country, postal_code) for c in self.coverage)


@dataclass(frozen=True)
class Carrier:
    id: str
    name: str
    services: tuple[Service, ...]
    rate_cards: tuple[RateCard, ...]
    source: str = ""
    website: str = ""
