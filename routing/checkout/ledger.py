"""What a simulated week has sold, and how an order rides an option over it.

A ride is, per capacitated departure of the option, 0.0 (the order takes booked room) or
the chargeable kg it takes on the departure's spot. Without bid prices (`fcfs`) an order
takes booked room wherever there is some; with them, spot wherever spot plus its bid
price costs less than the booked room's bid price, as the offline LP would move it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from routing.calendar import day_number
from routing.capacity.limits import CapacityLimits
from routing.capacity.state import Sold
from routing.checkout.costs import CostBook
from routing.checkout.offline import DepartureKey, Prices, Room
from routing.network import Network
from routing.orders import Order
from routing.quote.capacity import order_load
from routing.quote.records import Option

Ride = list[tuple[DepartureKey, float]]  # per departure: 0.0 booked, else spot chargeable kg


class Ledger:
    """What the week has sold: booked kg and m3 per departure, spot chargeable kg."""

    def __init__(self, network: Network, limits: CapacityLimits, costs: CostBook, scale: float):
        self.index = network.compiled.service_index
        self.limits, self.costs, self.scale = limits, costs, scale
        self.sold: dict[DepartureKey, Sold] = {}
        self.spot_used: dict[DepartureKey, float] = {}

    def left(self, key: DepartureKey) -> tuple[float, float]:
        kg, m3 = self.limits.of(self.index[key[0]], day_number(key[1]))
        sold = self.sold.get(key, _NONE)
        return kg - sold.kg, m3 - sold.m3

    def spot_left(self, key: DepartureKey) -> float:
        cap = self.costs.spot_cap(key[0])
        return np.inf if cap is None else cap * self.scale - self.spot_used.get(key, 0.0)

    def spot(self, key: DepartureKey) -> tuple[float, float] | None:
        return self.costs.spot_rate(*key)

    def max_fill(self) -> float:
        """The fullest departure's booked share of its capacity, kg or m3."""
        fill = 0.0
        for key, sold in self.sold.items():
            kg, m3 = self.limits.of(self.index[key[0]], day_number(key[1]))
            fill = max(fill, sold.kg / kg if kg > 0 else 0.0, sold.m3 / m3 if m3 > 0 else 0.0)
        return fill

    def room(self) -> Room:
        return Room(self.left, self.spot_left, self.spot)

    def book(self, keys: Sequence[DepartureKey], kg: float, m3: float) -> None:
        for key in keys:
            s = self.sold.get(key, _NONE)
            self.sold[key] = Sold(s.kg + kg, s.m3 + m3)

    def spot_plan(
        self, order: Order, option: Option, prices: Prices | None = None
    ) -> tuple[Ride, float] | None:
        """How the order rides the option: per departure 0 (on booked room) or the
        chargeable kg it takes on spot, and what that costs beyond the option, spot and
        (with `prices`) the bid prices of the room and spot it takes. Booked room where
        there is some, unless spot, bid price included, costs less; None where a full
        departure has no spot left."""
        kg, m3 = order_load(order)
        plan, extra = [], 0.0
        for d in option.departures:
            key = (d.service, d.date)
            left_kg, left_m3 = self.left(key)
            room = kg <= left_kg + 1e-9 and m3 <= left_m3 + 1e-9
            booked = _room_price(prices, key, kg, m3) if room else np.inf
            terms = self.spot(key)
            charged = 0.0 if terms is None else max(kg, m3 * terms[1])
            spot = np.inf
            if terms is not None and charged <= self.spot_left(key) + 1e-9:
                spot = (terms[0] + (0.0 if prices is None else prices.spot.get(key, 0.0))) * charged
            if booked == spot == np.inf:
                return None
            if booked <= spot:
                plan.append((key, 0.0))
                extra += booked
            else:
                plan.append((key, charged))
                extra += spot
        return plan, extra

    def spot_cost(self, plan: Ride) -> float:
        total = 0.0
        for key, charged in plan:
            terms = self.spot(key)
            if charged and terms is not None:
                total += terms[0] * charged
        return total

    def ship(self, order: Order, plan: Ride) -> None:
        self.book([key for key, charged in plan if not charged], *order_load(order))
        for key, charged in plan:
            if charged:
                self.spot_used[key] = self.spot_used.get(key, 0.0) + charged


_NONE = Sold()


def overflow(
    order: Order,
    options: Sequence[Option],
    ledger: Ledger,
    costs: CostBook,
    prices: Prices | None,
) -> tuple[Option, Ride] | None:
    """The way to ship an order no quote could offer room to: of its options, with spot
    where a departure is full, the one of least cost, bid prices included where the
    policy has them (None: every option has a full departure without spot, or, with bid
    prices, costs more than leaving the order unplanned: its room is worth more to the
    buyers still to come, as the LP would decide)."""
    best, least = None, np.inf if prices is None else costs.unplanned
    for o in options:
        found = ledger.spot_plan(order, o, prices)
        if found is None:
            continue
        cost = costs.option(order, o) + found[1]
        if cost < least:
            best, least = (o, found[0]), cost
    return best


def _room_price(prices: Prices | None, key: DepartureKey, kg: float, m3: float) -> float:
    """The bid price of kg and m3 of booked room on the departure (0 without prices)."""
    if prices is None:
        return 0.0
    per_kg, per_m3 = prices.room.get(key, (0.0, 0.0))
    return per_kg * kg + per_m3 * m3
