"""Capacity state: what each departure can carry (`CapacityLimits`) and what is already
sold on it, as one immutable view the quote engine reads (the server builds a new view
when bookings change; a quote never waits on the store).

A departure is named by its service id and local departure date. Sold amounts are what
the store's bookings hold; the store, not this view, is the authority when a booking is
made (a view may be a moment old)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from routing.capacity.bidprices import BidPrices
from routing.capacity.limits import CapacityLimits

SLACK = 1e-9  # kg or m3 a departure may be found over by rounding alone

DepartureKey = tuple[str, date]  # (service id, local departure date)


@dataclass(frozen=True)
class Sold:
    kg: float = 0.0
    m3: float = 0.0


@dataclass(frozen=True)
class CapacityView:
    """Limits per departure, what is sold on each, and the bid prices in force."""

    limits: CapacityLimits
    sold: Mapping[DepartureKey, Sold] = field(default_factory=dict)
    bid_prices: BidPrices | None = None  # the snapshot that steers the ranking, if any
    pricing: str = "rank"  # rank, surcharge or hide (routing.quote.capacity: PRICING)
    margin_share: float = 0.2  # hide: an option's margin as a share of its shipping

    def capacitated(self, k: int) -> bool:
        return self.limits.capacitated(k)

    def capacity(self, k: int, day: date) -> tuple[float, float]:
        """kg and m3 the departure of compiled service k on `day` can carry (inf: no limit)."""
        return self.limits.on(k, day)

    def remaining(self, k: int, day: date) -> tuple[float, float]:
        cap_kg, cap_m3 = self.capacity(k, day)
        sold = self.sold.get((self.limits.net.services[k].id, day), _NONE)
        return cap_kg - sold.kg, cap_m3 - sold.m3

    def has_room(self, k: int, day: date, kg: float, m3: float) -> bool:
        """Whether kg and m3 more fit on the departure."""
        left_kg, left_m3 = self.remaining(k, day)
        return kg <= left_kg + SLACK and m3 <= left_m3 + SLACK


_NONE = Sold()
