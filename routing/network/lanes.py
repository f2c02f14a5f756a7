"""Per-order lane arithmetic over every service at once: what each lane charges and whether
it may carry the order.

`LaneTable` is compiled once per network: restriction limits and every rate card's weight
breaks as flat numpy arrays. Per order, `lane_charges` prices a parcel on all services in a
few vectorised steps, with the same integer rules as `carriers.pricing.price_parcel`
(a property test holds the two equal), and `lane_blocks` says which lanes refuse the
order and why.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from decimal import Decimal
from functools import cached_property

import numpy as np

from carriers.errors import NotPriceable
from carriers.model import BatteryClass, GoodsCategory, Service
from carriers.money import Money
from carriers.pricing import Charge, ChargeKind, grams, zone_of

CATEGORIES = tuple(GoodsCategory)
_KEY = 10**10  # grams per (service, zone) block of the break-key space: 10,000 t
NOT_PRICEABLE = np.iinfo(np.int64).max


@dataclass(frozen=True)
class LaneTable:
    # restrictions, one entry per service (inf / True where the service sets no limit)
    max_weight_kg: np.ndarray
    max_side_cm: np.ndarray
    max_sum_sides_cm: np.ndarray
    max_battery: np.ndarray  # int8, BatteryClass.rank
    liquids: np.ndarray  # bool
    forbidden: np.ndarray  # int64 bitmask over CATEGORIES
    # pricing, one entry per service
    divisor: np.ndarray  # float64, 0 = no volumetric weight
    step_g: np.ndarray  # int64, rounding step in grams, 0 = none
    minimum: np.ndarray  # int64 minor units
    fuel_ppm: np.ndarray  # int64, fuel surcharge in millionths (24.5 % -> 245,000)
    has_fuel: np.ndarray  # bool: the card charges fuel at all
    oversize: np.ndarray  # int64 minor units
    oversize_side_cm: np.ndarray  # float64, inf = none
    oversize_weight_kg: np.ndarray  # float64, inf = none
    is_zoned: np.ndarray  # bool: the service's card has zones
    is_remote: np.ndarray  # bool: the service's card has remote-area prefixes
    # weight breaks of all cards, sorted by (service, zone, up_to)
    break_key: np.ndarray  # int64: (service * n_zones + zone) * _KEY + up_to_grams
    break_per_kg: np.ndarray  # int64
    break_per_piece: np.ndarray  # int64
    n_zones: int
    zone_names: tuple[tuple[str, ...], ...]  # per service, its card's zone names in order

    def rows(self, ks: np.ndarray) -> LaneTable:
        """The per-service arrays of services `ks` only, in that order (the weight breaks
        and zone names stay whole: they are found by service index)."""
        taken = {f: getattr(self, f)[ks] for f in _PER_SERVICE}
        for a in taken.values():
            a.setflags(write=False)  # kept per destination, read by every order there
        return replace(self, **taken)


_PER_SERVICE = tuple(
    f.name
    for f in fields(LaneTable)
    if f.name not in ("n_zones", "zone_names") and not f.name.startswith("break_")
)


def _limit(value: float | None) -> float:
    return np.inf if value is None else float(value)


def compile_lanes(services: Sequence[Service]) -> LaneTable:
    cards = [s.rate_card for s in services]
    zone_names = tuple(tuple(dict.fromkeys(b.zone for b in c.breaks)) for c in cards)
    n_zones = max((len(z) for z in zone_names), default=1) or 1
    keys, per_kg, per_piece = [], [], []
    for i, card in enumerate(cards):
        for brk in card.breaks:
            block = i * n_zones + zone_names[i].index(brk.zone)
            keys.append(block * _KEY + grams(brk.up_to_kg))
            per_kg.append(brk.per_kg)
            per_piece.append(brk.per_piece)
    order = np.argsort(np.array(keys, dtype=np.int64), kind="stable")
    r = [s.restrictions for s in services]
    return LaneTable(
        max_weight_kg=np.array([_limit(x.max_weight_kg) for x in r]),
        max_side_cm=np.array([_limit(x.max_side_cm) for x in r]),
        max_sum_sides_cm=np.array([_limit(x.max_sum_sides_cm) for x in r]),
        max_battery=np.array([x.max_battery.rank for x in r], dtype=np.int8),
        liquids=np.array([x.liquids for x in r], dtype=bool),
        forbidden=np.array([_category_mask(x.forbidden_categories) for x in r], dtype=np.int64),
        divisor=np.array([float(c.volumetric_divisor or 0) for c in cards]),
        step_g=np.array([grams(c.rounding_kg) if c.rounding_kg else 0 for c in cards], np.int64),
        minimum=np.array([c.minimum_charge for c in cards], dtype=np.int64),
        fuel_ppm=np.array([int(c.fuel_surcharge_pct * Decimal(10_000)) for c in cards], np.int64),
        has_fuel=np.array([bool(c.fuel_surcharge_pct) for c in cards]),
        oversize=np.array([c.oversize_surcharge for c in cards], dtype=np.int64),
        oversize_side_cm=np.array([_limit(c.oversize_side_cm) for c in cards]),
        oversize_weight_kg=np.array([_limit(c.oversize_weight_kg) for c in cards]),
        is_zoned=np.array([bool(c.zones) for c in cards], dtype=bool),
        is_remote=np.array([bool(c.remote_area_surcharge) for c in cards], dtype=bool),
        break_key=np.array(keys, dtype=np.int64)[order],
        break_per_kg=np.array(per_kg, dtype=np.int64)[order],
        break_per_piece=np.array(per_piece, dtype=np.int64)[order],
        n_zones=n_zones,
        zone_names=zone_names,
    )


def _category_mask(categories: frozenset[GoodsCategory] | set[GoodsCategory]) -> int:
    return sum(1 << CATEGORIES.index(c) for c in categories)


@dataclass(frozen=True)
class LanePlace:
    """What a destination means to each lane of a subset, whatever the parcel: the lanes'
    rows of the table, each card's zone index (0 unzoned, -1 none), where the zone's weight
    breaks start in the table, and the remote-area surcharge (0 if none). Kept per
    destination: an order there prices and checks every parcel on these rows."""

    rows: LaneTable
    zones: np.ndarray
    block: np.ndarray  # (service * n_zones + zone): the break_key block of each lane
    remote: np.ndarray


def lane_place(
    table: LaneTable, services: Sequence[Service], ks: np.ndarray, country: str, postal: str
) -> LanePlace:
    remote = np.zeros(len(ks), dtype=np.int64)
    code = postal.replace(" ", "").upper()
    for j in np.flatnonzero(table.is_remote[ks]):
        card = services[ks[j]].rate_card
        if any(code.startswith(p) for p in card.remote_area_prefixes):
            remote[j] = card.remote_area_surcharge
    zones = _zones(table, services, ks, country, postal)
    block = ks.astype(np.int64) * table.n_zones + np.maximum(zones, 0)
    return LanePlace(table.rows(ks), zones, block, remote)


@dataclass(frozen=True)
class ParcelCharges:
    """One parcel's charges on each lane of a subset, by kind, in each card's minor units
    (meaningful where `found`): what `price_parcel` itemises, for all lanes at once."""

    found: np.ndarray  # bool: the card has a zone and a tier for the parcel
    freight: np.ndarray
    remote: np.ndarray  # remote-area surcharge, 0 if none
    oversize: np.ndarray  # oversize surcharge, 0 if none
    fuel: np.ndarray  # fuel on freight and surcharges
    has_fuel: np.ndarray  # bool: the card charges fuel (a line, even if it rounds to 0)

    @property
    def total(self) -> np.ndarray:
        charge = self.freight + self.remote + self.oversize + self.fuel
        return np.where(self.found, charge, NOT_PRICEABLE)

    def itemised(self, j: int, currency: str) -> list[Charge]:
        """Lane j's charges as `price_parcel` lists them (a property test holds them equal)."""
        freight, remote, oversize, fuel, has_fuel = self.columns
        charges = [Charge(ChargeKind.FREIGHT, "freight", Money(freight[j], currency))]
        if remote[j]:
            charges.append(Charge(ChargeKind.SURCHARGE, "remote area", Money(remote[j], currency)))
        if oversize[j]:
            charges.append(Charge(ChargeKind.SURCHARGE, "oversize", Money(oversize[j], currency)))
        if has_fuel[j]:
            charges.append(Charge(ChargeKind.SURCHARGE, "fuel", Money(fuel[j], currency)))
        return charges

    @cached_property
    def columns(self) -> tuple[list[int], list[int], list[int], list[int], list[bool]]:
        """The charges as Python lists: a quote itemises a few lanes, element by element."""
        return (
            self.freight.tolist(),
            self.remote.tolist(),
            self.oversize.tolist(),
            self.fuel.tolist(),
            self.has_fuel.tolist(),
        )


def lane_charges(
    table: LaneTable,
    services: Sequence[Service],
    weight_kg: float,
    dims_cm: tuple[float, float, float],
    country: str,
    postal_code: str,
    subset: np.ndarray | None = None,
    place: LanePlace | None = None,
) -> ParcelCharges:
    """One parcel's charges on each service of `subset` (default: all), by kind, in each
    card's minor units; `.total` is NOT_PRICEABLE where the card has no tier or zone for
    the parcel. `place` is `lane_place` of the subset and destination, when the caller
    kept it."""
    if place is None:
        ks = np.arange(len(services)) if subset is None else subset
        place = lane_place(table, services, ks, country, postal_code)
    rows, zones, block = place.rows, place.zones, place.block
    actual = grams(weight_kg)
    volume = dims_cm[0] * dims_cm[1] * dims_cm[2] * 1000
    divisor = rows.divisor
    with np.errstate(divide="ignore"):
        vol = np.where(divisor > 0, np.ceil(np.round(volume / divisor, 6)), 0)
    billed = np.maximum(vol.astype(np.int64), actual)
    step_g = rows.step_g
    billed = np.where(step_g > 0, -(-billed // np.maximum(step_g, 1)) * step_g, billed)
    pos = np.searchsorted(table.break_key, block * _KEY + billed, side="left")
    pos_ok = pos < len(table.break_key)
    pos = np.minimum(pos, len(table.break_key) - 1)
    found = pos_ok & (table.break_key[pos] // _KEY == block) & (zones >= 0)
    freight = table.break_per_piece[pos] + (table.break_per_kg[pos] * billed + 500) // 1000
    freight = np.maximum(freight, rows.minimum)
    too_big = (max(dims_cm) > rows.oversize_side_cm) | (weight_kg > rows.oversize_weight_kg)
    oversize = np.where(too_big, rows.oversize, 0)
    fuel = ((freight + oversize + place.remote) * rows.fuel_ppm * 2 + 1_000_000) // 2_000_000
    return ParcelCharges(found, freight, place.remote, oversize, fuel, rows.has_fuel)


def _zones(
    table: LaneTable, services: Sequence[Service], ks: np.ndarray, country: str, postal: str
) -> np.ndarray:
    """Index of each card's zone for the destination (0 for unzoned cards, -1 for none)."""
    zones = np.zeros(len(ks), dtype=np.int64)
    for j in np.flatnonzero(table.is_zoned[ks]):
        i = int(ks[j])
        try:
            zones[j] = table.zone_names[i].index(zone_of(services[i].rate_card, country, postal))
        except NotPriceable:
            zones[j] = -1
    return zones


# Reasons a lane refuses an order: stable codes, in the order they are checked.
BLOCKS = ("over_weight_limit", "over_size_limit", "battery", "liquid", "category")


def lane_blocks(
    table: LaneTable,
    weight_kg: float,
    dims_cm: tuple[float, float, float],
    battery: BatteryClass,
    liquid: bool,
    categories: frozenset[GoodsCategory],
    subset: np.ndarray | None = None,
    rows: LaneTable | None = None,
) -> np.ndarray:
    """A bitmask per service of `subset` (default: all) of the BLOCKS it raises against one
    parcel (0 = the lane takes it). `rows` is `table.rows(subset)`, when the caller kept it."""
    if rows is None:
        rows = table if subset is None else table.rows(subset)
    side, total = max(dims_cm), sum(dims_cm)
    checks = (
        weight_kg > rows.max_weight_kg,
        (side > rows.max_side_cm) | (total > rows.max_sum_sides_cm),
        battery.rank > rows.max_battery,
        np.full(len(rows.liquids), liquid) & ~rows.liquids,
        (rows.forbidden & _category_mask(set(categories))) != 0,
    )
    mask = np.zeros(len(rows.liquids), dtype=np.int64)
    for bit, check in enumerate(checks):
        mask |= np.asarray(check, dtype=np.int64) << bit
    return mask


def block_codes(mask: int) -> list[str]:
    return [code for bit, code in enumerate(BLOCKS) if mask >> bit & 1]
