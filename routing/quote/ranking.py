"""Which options a quote keeps and in which order: routes the order could not take (with
their reasons), options another beats on what the buyer sees, the tags, the ranking.

Tags: `cheapest` (lowest total the buyer pays), `fastest` (earliest P90 date), `greenest`
(least CO2e), `best_value` (lowest total + VALUE_OF_A_DAY per P90 day after the fastest
option: a buyer gives up about one percent of the cheapest price per day saved).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from decimal import Decimal

from routing.customs import route_id
from routing.network import Network
from routing.orders import Incoterm, Order
from routing.quote.order_lanes import OrderLanes, reasons
from routing.quote.records import Excluded, Message, Option
from routing.quote.search import Found, pareto_routes

MAX_ROUTES = 10
VALUE_OF_A_DAY = Decimal("0.01")  # share of the cheapest total one day of P90 is worth


def blocked(network: Network, order: Order, lanes: OrderLanes, kept: set) -> list[Excluded]:
    """Routes the order could not take: the Pareto routes over the lanes it was refused
    (as well as those it may use) that are not among its own, each with its legs' reasons.
    Blocks are only set on lanes that head for the destination, so opening them is safe."""
    dest = order.destination
    if not lanes.target.any():
        text = f"no last-mile service delivers to {dest.country} {dest.postal_code}"
        return [Excluded("", (Message("no_coverage", text),))]
    refused = lanes.blocks != 0
    if not refused.any():
        return []
    open_lanes = replace(lanes, allowed=lanes.allowed | refused)
    net = network.compiled
    out = []
    for f in pareto_routes(net, net.node_index[order.origin], open_lanes, MAX_ROUTES):
        if f.services not in kept:
            route = tuple(net.services[k] for k in f.services)
            out.append(Excluded(route_id(route), tuple(_lane_reasons(network, lanes, f))))
    return out


def _lane_reasons(network: Network, lanes: OrderLanes, f: Found) -> list[Message]:
    net = network.compiled
    found = []
    for k in f.services:
        mask = int(lanes.blocks[k])
        if mask:
            s = net.services[k]
            for code in reasons(mask):
                found.append(Message(code, f"{s.id} ({s.mode.value}, {s.carrier}): {code}"))
    return found or [Message("dominated", "another route is cheaper and faster")]


def undominated(options: list[Option]) -> tuple[list[Option], list[Excluded]]:
    """Drop options another option of the same incoterm beats on what the buyer sees: a
    total no higher and a P90 no later (one of them strictly). The search kept them because
    their customs treatment differed; once landed, they are simply worse."""
    kept: list[Option] = []
    beaten: list[Excluded] = []
    for o in options:
        better = next(
            (
                b
                for b in options
                if b is not o
                and b.incoterm is o.incoterm
                and b.total.amount <= o.total.amount
                and b.promise.p90 <= o.promise.p90
                and (b.total.amount, b.promise.p90) != (o.total.amount, o.promise.p90)
            ),
            None,
        )
        if better is None:
            kept.append(o)
        elif o.incoterm is Incoterm.DDP or not any(e.route == o.route_id for e in beaten):
            text = f"{better.route_id} costs no more and arrives no later ({o.incoterm.value})"
            beaten.append(Excluded(o.route_id, (Message("dominated", text),)))
    return kept, beaten


def tags(
    options: list[Option], opportunity: Mapping[str, int] | None = None
) -> dict[str, tuple[str, ...]]:
    """The cheapest, fastest, greenest and best-value options' tags (ties: all of them),
    by option id. With `opportunity` (an option's capacity opportunity cost, in the
    answer's minor units), best value counts it as part of the total."""
    if not options:
        return {}
    cheapest = min(o.total.amount for o in options)
    fastest = min(o.promise.p90 for o in options)
    co2e = [round(o.co2e_kg, 3) for o in options]
    greenest = min(co2e)
    extra = opportunity or {}
    value = [_value_score(o, cheapest, fastest, extra.get(o.option_id, 0)) for o in options]
    best = min(value)
    tagged = {}
    for o, score, kg in zip(options, value, co2e, strict=True):
        tags = []
        if o.total.amount == cheapest:
            tags.append("cheapest")
        if o.promise.p90 == fastest:
            tags.append("fastest")
        if score == best:
            tags.append("best_value")
        if kg == greenest:
            tags.append("greenest")
        tagged[o.option_id] = tuple(tags)
    return tagged


_DAY_SHARE = VALUE_OF_A_DAY.as_integer_ratio()  # (1, 100): scores stay whole numbers


def _value_score(o: Option, cheapest: int, fastest: date, extra: int = 0) -> int:
    """Total (plus `extra`) plus what the extra days are worth to the buyer
    (VALUE_OF_A_DAY per day), times VALUE_OF_A_DAY's denominator: whole numbers, so exact."""
    days = (o.promise.p90 - fastest).days
    share, per = _DAY_SHARE
    return (o.total.amount + extra) * per + share * cheapest * days


def ranked(
    options: list[Option], order: Order, opportunity: Mapping[str, int] | None = None
) -> list[Option]:
    """Options meeting deliver_by (P90 on or before it) first, then by ranking cost (the
    total, plus its capacity opportunity cost when bid prices are known), then P90."""
    extra = opportunity or {}

    def key(o: Option) -> tuple:
        late = order.deliver_by is not None and o.promise.p90 > order.deliver_by
        return (late, o.total.amount + extra.get(o.option_id, 0), o.promise.p90, o.option_id)

    return sorted(options, key=key)
