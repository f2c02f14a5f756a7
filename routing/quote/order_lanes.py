"""What one order makes of every lane: its ranking cost, its time, whether the lane may carry
it (and if not, why), and which lanes end at the buyer's door.

Built per order from the compiled network's arrays; nothing here touches networkx or
builds per-query structures beyond a handful of vectors.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from carriers.money import Money
from carriers.pricing import Charge
from routing.cache import Lru
from routing.fx import FxRates
from routing.network import CompiledNetwork
from routing.network.lanes import (
    NOT_PRICEABLE,
    LanePlace,
    ParcelCharges,
    block_codes,
    lane_blocks,
    lane_charges,
    lane_place,
)
from routing.orders import Order

NO_GROUP = -1  # a lane that clears no import
RANKING_CURRENCY = "EUR"  # lane costs are compared in one currency; answers use the buyer's
NOT_PRICEABLE_BIT = 1 << 62


@dataclass(frozen=True)
class OrderLanes:
    """What one order makes of every lane (arrays indexed like `compiled.services`): what
    the route search reads (cost, days, allowed, target, group) and what pricing and the
    exclusions read (blocks, prices, each parcel's charges)."""

    cost: np.ndarray  # float64 ranking cost, one common currency's minor units
    days: np.ndarray  # float64 time criterion (P90 transit, handling, departure wait)
    allowed: np.ndarray  # bool: the lane may carry this order
    target: np.ndarray  # bool: the lane ends in a zone covering the buyer's postal code
    group: np.ndarray  # int: customs regime group of a clearing lane, NO_GROUP otherwise
    blocks: np.ndarray  # int64 bitmask per lane (routing.network.lanes.BLOCKS and below)
    prices: np.ndarray  # int64 minor units per lane in its card's currency, all parcels
    parcels: tuple[ParcelCharges, ...] = ()  # each parcel's charges on the priced lanes
    position: dict[int, int] = field(default_factory=dict)  # priced lane -> its place there

    def charges(self, k: int, currency: str) -> list[Charge]:
        """Every parcel's itemised charges on service k (as `price_parcel` gives them)."""
        j = self.position.get(k)
        assert j is not None, f"service {k} was not priced for this order"
        return [c for parcel in self.parcels for c in parcel.itemised(j, currency)]


@dataclass(frozen=True)
class Destination:
    """What the network's lanes make of one destination, whatever the order."""

    target: np.ndarray  # lanes that end at the buyer's door
    heading: np.ndarray  # lanes toward the destination country (not into a zone)
    ks: np.ndarray  # the lanes an order there is priced and checked on
    place: LanePlace  # their zones and remote-area surcharges
    position: dict[int, int]  # a lane's service index -> its place in ks


def order_lanes(
    net: CompiledNetwork,
    order: Order,
    fx: FxRates,
    at: date,
    memo: Lru[Any] | None = None,
) -> OrderLanes:
    """Lane vectors of one order. Only lanes that head for the destination country, or end
    at the buyer's door, are priced and checked; every other lane is simply not allowed.
    `memo` keeps, for this network and these rates, what a destination and a date decide
    (a quote engine holds one): checkouts ship to the same postal codes day after day."""
    n = len(net.services)
    dest = _destination(net, order.destination.country, order.destination.postal_code, memo)
    prices = np.zeros(n, dtype=np.int64)
    blocks = np.zeros(n, dtype=np.int64)
    parcels = _charges(net, order, dest)
    prices[dest.ks], blocks[dest.ks] = _price_and_check(net, order, dest, parcels)
    blocks |= _value_blocks(net, order, fx, at)
    cost = prices * _to_ranking(net, fx, at, memo)[net.currency_index]
    allowed = (blocks == 0) & (dest.heading | dest.target)
    return OrderLanes(
        cost,
        net.search_days,
        allowed,
        dest.target,
        net.regime_group,
        blocks,
        prices,
        parcels,
        dest.position,
    )


def _destination(
    net: CompiledNetwork, country: str, postal_code: str, memo: Lru[Any] | None
) -> Destination:
    key = ("destination", country, postal_code)
    found = memo.get(key) if memo is not None else None
    if found is None:
        n = len(net.services)
        target = np.zeros(n, dtype=bool)
        for k in net.last_miles.get(country, ()):
            target[k] = net.services[k].covers(country, postal_code)
        toward = net.toward.get(country)
        heading = (
            np.zeros(n, dtype=bool) if toward is None else toward[net.dst] & ~net.is_zone[net.dst]
        )
        ks = np.flatnonzero(heading | target)
        place = lane_place(net.lanes, net.services, ks, country, postal_code)
        found = Destination(target, heading, ks, place, {k: j for j, k in enumerate(ks.tolist())})
        for a in (target, heading, ks, place.zones, place.remote, place.block):
            a.setflags(write=False)
        if memo is not None:
            memo.put(key, found)
    return found


def _to_ranking(net: CompiledNetwork, fx: FxRates, at: date, memo: Lru[Any] | None) -> np.ndarray:
    """The rate from each card currency into the ranking currency on `at`."""
    key = ("to_ranking", at)
    found = memo.get(key) if memo is not None else None
    if found is None:
        found = np.array([_rate(fx, c, at) for c in net.currencies])
        found.setflags(write=False)
        if memo is not None:
            memo.put(key, found)
    return found


def _charges(net: CompiledNetwork, order: Order, dest: Destination) -> tuple[ParcelCharges, ...]:
    """Each parcel's charges on the destination's lanes."""
    country, postal = order.destination.country, order.destination.postal_code
    return tuple(
        lane_charges(
            net.lanes,
            net.services,
            parcel.weight_kg,
            parcel.dims_cm,
            country,
            postal,
            dest.ks,
            dest.place,
        )
        for parcel in order.parcels
    )


def _price_and_check(
    net: CompiledNetwork, order: Order, dest: Destination, parcels: tuple[ParcelCharges, ...]
) -> tuple[np.ndarray, np.ndarray]:
    """All parcels' charges on the destination's lanes, and what each lane refuses (bit
    masks)."""
    ks = dest.ks
    prices = np.zeros(len(ks), dtype=np.int64)
    blocks = np.zeros(len(ks), dtype=np.int64)
    for parcel, charges in zip(order.parcels, parcels, strict=True):
        p = charges.total
        unpriced = p == NOT_PRICEABLE
        blocks |= np.where(unpriced, NOT_PRICEABLE_BIT, 0)
        prices += np.where(unpriced, 0, p)
        blocks |= lane_blocks(
            net.lanes,
            parcel.weight_kg,
            parcel.dims_cm,
            order.battery,
            order.has_liquid,
            order.categories,
            ks,
            dest.place.rows,
        )
    return prices, blocks


def _rate(fx: FxRates, currency: str, at: date) -> float:
    return float(fx.rate(currency, RANKING_CURRENCY, at).rate)


def _value_blocks(net: CompiledNetwork, order: Order, fx: FxRates, at: date) -> np.ndarray:
    """Lanes whose declared-value ceiling the goods exceed (goods converted once per
    ceiling currency)."""
    blocks = np.zeros(len(net.services), dtype=np.int64)
    if not net.value_capped:
        return blocks
    goods = Money(sum(i.value.amount for i in order.items), order.goods_currency)
    in_currency: dict[str, Money] = {}
    for k in net.value_capped:
        cap = net.services[k].restrictions.max_value
        assert cap is not None
        if cap.currency not in in_currency:
            in_currency[cap.currency] = fx.convert(goods, cap.currency, at)
        if in_currency[cap.currency] > cap:
            blocks[k] = VALUE_BIT
    return blocks


VALUE_BIT = 1 << 61


def reasons(mask: int) -> list[str]:
    """Stable reason codes of a lane's block mask."""
    codes = block_codes(mask & ((1 << 32) - 1))
    if mask & VALUE_BIT:
        codes.append("over_value_limit")
    if mask & NOT_PRICEABLE_BIT:
        codes.append("not_priceable")
    return codes
