"""What capacity makes of a quote's route: the departures its capacitated legs take for
this order, or, when one of them has no room left for the order's kg and m3, the route
excluded with reason `no_capacity`."""

from __future__ import annotations

from decimal import Decimal

from carriers.money import Money, minor_units
from routing.capacity.departures import planned_departures
from routing.capacity.state import CapacityView
from routing.network import Network
from routing.orders import Order
from routing.quote.charges import Converter
from routing.quote.records import Departure, Excluded, Message, Option, RouteFacts


def order_load(order: Order) -> tuple[float, float]:
    """The order's kg and m3, as the planner counts them (actual, not chargeable)."""
    return order.weight_kg, sum(p.volume_m3 for p in order.parcels)


def route_departures(
    view: CapacityView, network: Network, order: Order, facts: RouteFacts
) -> tuple[Departure, ...] | Excluded:
    """The capacitated departures the order takes on the route, if each has room."""
    legs = tuple(i for i, k in enumerate(facts.indices) if view.capacitated(k))
    if not legs:
        return ()
    kg, m3 = order_load(order)
    out = []
    for i, day in planned_departures(facts.services, order.created_at, network, legs):
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
    scale = Decimal(10) ** minor_units(bids.currency)
    out = {}
    for o in options:
        cost = bids.opportunity_cost(o.departures, kg, m3)
        if cost > 0:
            out[o.option_id] = money(Money.of(Decimal(repr(cost)) / scale, bids.currency)).amount
    return out
