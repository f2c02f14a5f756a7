"""What an order costs the network, the one measure every policy is judged by (and the
offline LP minimises), in EUR cents:

- on an option: its freight at the quote's rates (its shipping, less any capacity
  surcharge: that is a price, not a cost), its DDP duties and taxes, and its late cost if
  its P90 date passes the order's deliver_by: the planner's late model
  (`routing.plan.late`, at `PlanParams`' defaults: once EUR 5 + 10 % of the goods' value,
  then per day EUR 0.50 + 3 % of it);
- on spot: a departure with no room left still moves the order at its service's spot
  rate per chargeable kg (`BookingOption.spot_rate`; kg, or m3 x its kg per m3 where
  that is more), paid on top: the booked units are paid for whether or not they fill;
- unplanned: where a full departure has no spot (no rate, or its spot cap is reached),
  the planner's `unplanned_penalty` (EUR 500).
"""

from __future__ import annotations

from datetime import date

from carriers.money import Money
from routing.fx import load_fx
from routing.network import Network
from routing.orders import Order
from routing.plan.params import PlanParams
from routing.quote.capacity import SURCHARGE
from routing.quote.charges import Converter
from routing.quote.records import Option

CURRENCY = "EUR"
CENTS = 100


class CostBook:
    def __init__(self, network: Network, params: PlanParams | None = None) -> None:
        self.net = network.compiled
        self.params = params or PlanParams()
        self.fx = load_fx()
        self.unplanned = float(self.params.unplanned_penalty) * CENTS
        self._spot: dict[tuple[str, date], tuple[float, float] | None] = {}

    def _eur(self, money: Money, day: date) -> float:
        return float(Converter(self.fx, CURRENCY, day)(money).amount)

    def value(self, order: Order) -> float:
        """The goods' value, EUR cents, at the order's day's rate."""
        day = order.created_at.date()
        return sum(self._eur(i.value, day) for i in order.items)

    def late(self, order: Order, p90: date) -> float:
        if order.deliver_by is None or p90 <= order.deliver_by:
            return 0.0
        p, value = self.params, self.value(order)
        days = (p90 - order.deliver_by).days
        once = float(p.late_fee) * CENTS + p.late_share * value
        per_day = float(p.late_penalty_per_day) * CENTS + p.late_share_per_day * value
        return once + per_day * days

    def option(self, order: Order, option: Option) -> float:
        """Freight (without the capacity surcharge), duties and taxes, late cost."""
        surcharge = sum(ln.amount.amount for ln in option.charges if ln.name == SURCHARGE)
        freight = option.shipping.amount - surcharge
        return freight + option.duties_and_taxes.amount + self.late(order, option.promise.p90)

    def spot_rate(self, service: str, day: date) -> tuple[float, float] | None:
        """The service's spot rate (EUR cents per chargeable kg) and its kg per m3; None
        where it has no spot. Kept per departure (asked for every option and solve)."""
        key = (service, day)
        if key not in self._spot:
            self._spot[key] = self._spot_rate(service, day)
        return self._spot[key]

    def _spot_rate(self, service: str, day: date) -> tuple[float, float] | None:
        booking = self.net.services[self.net.service_index[service]].booking
        if booking is None or booking.spot_rate is None:
            return None
        return self._eur(booking.spot_rate, day), booking.spot_kg_per_m3

    def spot_cap(self, service: str) -> float | None:
        """Chargeable kg a departure of the service moves on spot at most (None: no cap)."""
        booking = self.net.services[self.net.service_index[service]].booking
        return None if booking is None else booking.spot_cap_kg
