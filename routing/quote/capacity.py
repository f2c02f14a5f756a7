"""What capacity makes of a quote's route: the departures its capacitated legs take for
this order, or, when one of them has no room left for the order's kg and m3, the route
excluded with reason `no_capacity`; and what the bid prices make of its options.

An option's opportunity cost is the sum of bid price x kg or m3 over its departures. The
price policy (`CapacityView.pricing`, the server's GLOCAL_CAPACITY_PRICING) says what
it does:

- `rank`: the buyer's price is unchanged; the ranking cost and the best-value tag count
  the opportunity cost;
- `surcharge`: the option gains a charge line "capacity surcharge" (kind `surcharge`)
  of its opportunity cost, capped at SURCHARGE_CAP (half) of its freight before it, and
  added to its shipping and total; the ranking cost is still freight + opportunity cost
  (the part above the cap counts in the ranking, not in the price);
- `hide`: an option whose opportunity cost exceeds its margin is left out, excluded with
  reason `capacity_reserved`. The quote knows what it charges for carriage (the
  option's shipping: freight and its surcharges; duties and taxes pass through) and no
  carrier cost below it, so its margin is a stated share of its shipping,
  `CapacityView.margin_share` (GLOCAL_CAPACITY_MARGIN, default 0.2). A quote may then
  offer nothing, as when every departure is full.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from carriers.money import Money, minor_units
from routing.cache import Lru
from routing.capacity.bidprices import BidPrices
from routing.capacity.departures import planned_departures
from routing.capacity.state import CapacityView
from routing.network import Network
from routing.orders import Order
from routing.promise import default_settings
from routing.promise.legs import TimedLeg, compile_route
from routing.quote.charges import Converter
from routing.quote.records import Departure, Excluded, Line, Message, Option, RouteFacts

PRICING = ("rank", "surcharge", "hide")
SURCHARGE_CAP = Decimal("0.5")  # surcharge: at most half the option's freight
SURCHARGE = "capacity surcharge"
_CAP = SURCHARGE_CAP.as_integer_ratio()
# (network, route's service indices) -> the route compiled for the promise arithmetic
_TIMED: Lru[tuple[TimedLeg, ...]] = Lru(65_536)


def order_load(order: Order) -> tuple[float, float]:
    """The order's kg and m3, as the planner counts them (actual, not chargeable)."""
    return order.weight_kg, sum(p.volume_m3 for p in order.parcels)


def route_departures(
    view: CapacityView,
    network: Network,
    order: Order,
    facts: RouteFacts,
    load: tuple[float, float] | None = None,
) -> tuple[Departure, ...] | Excluded:
    """The capacitated departures the order takes on the route, if each has room;
    `load`: the order's kg and m3 (`order_load`), if known already."""
    legs = view.limits.capacitated_legs(facts.indices)
    if not legs:
        return ()
    kg, m3 = load or order_load(order)
    out = []
    key = (network, facts.indices)
    timed = _TIMED.get(key)
    if timed is None:
        timed = compile_route(facts.services, network, default_settings())
        _TIMED.put(key, timed)
    for i, day in planned_departures(facts.services, order.created_at, network, legs, timed):
        k, service = facts.indices[i], facts.services[i].id
        if not view.has_room(k, day, kg, m3):
            left_kg, left_m3 = view.remaining(k, day)
            text = (
                f"{service} departing {day.isoformat()} has {max(left_kg, 0):.1f} kg and "
                f"{max(left_m3, 0):.3f} m3 left; the order needs {kg:.1f} kg, {m3:.3f} m3"
            )
            return Excluded(facts.route_id, (Message("no_capacity", text),))
        out.append(Departure(service, day))
    return tuple(out)


def opportunity_costs(
    options: list[Option], view: CapacityView, order: Order, money: Converter
) -> dict[str, int]:
    """Each option's capacity opportunity cost under the view's bid prices (the sum of
    bid price x kg or m3 over its departures), in the answer's minor units; {} without
    bid prices."""
    bids = view.bid_prices
    if bids is None:
        return {}
    kg, m3 = order_load(order)
    factor = _factor(bids.currency, money)  # once per quote: the options share it
    out = {}
    for o in options:
        cost = _minor(bids.opportunity_cost(o.departures, kg, m3), factor)
        if cost > 0:
            out[o.option_id] = cost
    return out


def opportunity_cost(
    bids: BidPrices, departures: Iterable[tuple[str, date]], kg: float, m3: float, money: Converter
) -> int:
    """The opportunity cost of kg and m3 on these departures, in `money`'s minor units
    (as a quote counts it: a booking checks its price with this)."""
    cost = bids.opportunity_cost(departures, kg, m3)
    return _minor(cost, _factor(bids.currency, money)) if cost > 0 else 0


def _factor(currency: str, money: Converter) -> float:
    """Minor units of the answer's currency per minor unit of `currency`, at the quote's
    rate (noted among the rates the quote used). A bid price ranks and prices in whole
    minor units, so a float product, rounded half up, is exact enough."""
    if currency == money.currency:
        return 1.0
    rate = money.fx.rate(currency, money.currency, money.day)
    money.used[(rate.base, rate.quote)] = rate
    return float(rate.rate) * 10.0 ** (minor_units(money.currency) - minor_units(currency))


def _minor(cost: float, factor: float) -> int:
    return math.floor(cost * factor + 0.5) if cost > 0 else 0


def surcharge_of(shipping: Money, opportunity: int) -> Money:
    """The capacity surcharge of an option: its opportunity cost (minor units of the
    shipping's currency), capped at SURCHARGE_CAP of its shipping before it."""
    num, den = _CAP
    cap = (2 * shipping.amount * num + den) // (2 * den)  # x SURCHARGE_CAP, half up
    return Money(max(0, min(opportunity, cap)), shipping.currency)


def apply_pricing(
    options: list[Option], extra: dict[str, int], view: CapacityView
) -> tuple[list[Option], list[Excluded], dict[str, int]]:
    """The options under the view's price policy, those it leaves out, and what is left
    of each opportunity cost for the ranking (see the module's docstring)."""
    if not extra or view.pricing == "rank":
        return options, [], extra
    kept: list[Option] = []
    out: list[Excluded] = []
    left = dict(extra)
    for o in options:
        cost = extra.get(o.option_id, 0)
        if view.pricing == "surcharge" and cost > 0:
            added = surcharge_of(o.shipping, cost)
            line = Line("surcharge", SURCHARGE, added)
            o = o._replace(
                charges=(*o.charges, line), shipping=o.shipping + added, total=o.total + added
            )
            left[o.option_id] = cost - added.amount
        elif view.pricing == "hide":
            margin = int(o.shipping.amount * view.margin_share)
            if cost > margin:
                text = (
                    f"its capacity is worth more to other orders: opportunity cost "
                    f"{Money(cost, o.total.currency)} over a margin of "
                    f"{Money(margin, o.total.currency)} ({view.margin_share:.0%} of shipping)"
                )
                if not any(e.route == o.route_id for e in out):
                    out.append(Excluded(o.route_id, (Message("capacity_reserved", text),)))
                continue
        kept.append(o)
    return kept, out, left
