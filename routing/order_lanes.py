"""What one order makes of every lane: its ranking cost, its time, whether the lane may carry
it (and if not, why), and which lanes end at the buyer's door.

Built per order from the compiled network's arrays; nothing here touches networkx or
builds per-query structures beyond a handful of vectors.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from carriers.money import Money
from routing.fx import FxRates
from routing.lanes import NOT_PRICEABLE, block_codes, lane_blocks, lane_prices
from routing.network import CompiledNetwork
from routing.orders import Order
from routing.search import Lanes

RANKING_CURRENCY = "EUR"  # lane costs are compared in one currency; answers use the buyer's
NOT_PRICEABLE_BIT = 1 << 62


@dataclass(frozen=True)
class OrderLanes:
    lanes: Lanes
    blocks: np.ndarray  # int64 bitmask per service (routing.lanes.BLOCKS, NOT_PRICEABLE_BIT)
    prices: np.ndarray  # int64 minor units per service in its card's currency, all parcels


def order_lanes(net: CompiledNetwork, order: Order, fx: FxRates, at: date) -> OrderLanes:
    """Lane vectors of one order. Only lanes that head for the destination country, or end
    at the buyer's door, are priced and checked; every other lane is simply not allowed."""
    n = len(net.services)
    dest = order.destination
    target = np.zeros(n, dtype=bool)
    for k in net.last_miles.get(dest.country, ()):
        target[k] = net.services[k].covers(dest.country, dest.postal_code)
    toward = net.toward.get(dest.country)
    heading = np.zeros(n, dtype=bool) if toward is None else toward[net.dst] & ~net.is_zone[net.dst]
    ks = np.flatnonzero(heading | target)
    prices = np.zeros(n, dtype=np.int64)
    blocks = np.zeros(n, dtype=np.int64)
    prices[ks], blocks[ks] = _price_and_check(net, order, ks)
    blocks |= _value_blocks(net, order, fx, at)
    to_ranking = np.array([_rate(fx, c, at) for c in net.currencies])
    cost = prices * to_ranking[net.currency_index]
    allowed = (blocks == 0) & (heading | target)
    return OrderLanes(
        Lanes(cost, net.search_days, allowed, target, net.regime_group), blocks, prices
    )


def _price_and_check(
    net: CompiledNetwork, order: Order, ks: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """All parcels' charges on lanes `ks`, and what each lane refuses (bit masks)."""
    dest = order.destination
    prices = np.zeros(len(ks), dtype=np.int64)
    blocks = np.zeros(len(ks), dtype=np.int64)
    for parcel in order.parcels:
        p = lane_prices(net.lanes, net.services, parcel.weight_kg, parcel.dims_cm,
                        dest.country, dest.postal_code, ks)  # fmt: skip
        unpriced = p == NOT_PRICEABLE
        blocks |= np.where(unpriced, NOT_PRICEABLE_BIT, 0)
        prices += np.where(unpriced, 0, p)
        blocks |= lane_blocks(net.lanes, parcel.weight_kg, parcel.dims_cm, order.battery,
                              order.has_liquid, order.categories, ks)  # fmt: skip
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
