"""quote(order, network, at) -> ranked options: price, landed cost and promise per route.

For one order: the Pareto routes of the compiled network (cost x time, per customs
treatment), each screened by customs, priced leg by leg, given its landed cost for DDP and
DAP, its delivery promise and CO2e, then tagged and ranked. Routes the order could not
take are listed under `excluded` with reason codes. What a quote needs beyond the order is
loaded once per network (`engine_for`); a quote does no I/O.

Tags: `cheapest` (lowest total the buyer pays), `fastest` (earliest P90 date), `greenest`
(least CO2e), `best_value` (lowest total + VALUE_OF_A_DAY per P90 day after the fastest
option: a buyer gives up about one percent of the cheapest price per day saved).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from carriers.model import Mode, Service
from carriers.money import Money, total
from carriers.pricing import Charge
from routing.cache import Lru
from routing.customs import CustomsCase, CustomsRules, LandedCost, customs_case, load_rules
from routing.customs.routes import route_id
from routing.fx import FxRate, FxRates, load_fx
from routing.network import Network
from routing.orders import Incoterm, Order
from routing.promise import STANDARD, promise
from routing.quote.emissions import Factors, co2e_of, route_factors
from routing.quote.localize import parse_locale, summary_line
from routing.quote.order_lanes import OrderLanes, order_lanes, reasons
from routing.quote.records import (
    Excluded,
    Leg,
    Line,
    Message,
    Option,
    PromiseDates,
    Quote,
    Route,
    answer_currency,
    check_origin,
    legs_of,
    new_quote_id,
)
from routing.quote.search import Found, pareto_routes

MAX_ROUTES = 10
CLEARANCE_FEE = "clearance fee"
VALUE_OF_A_DAY = Decimal("0.01")  # share of the cheapest total one day of P90 is worth


@dataclass(frozen=True)
class RouteFacts:
    """What a quote needs of a route that the route alone decides, kept by the engine."""

    indices: tuple[int, ...]  # the services' compiled indices
    services: Route
    route_id: str
    legs: tuple[Leg, ...]
    co2e: Factors
    carriers: tuple[str, ...]  # the carriers' display names, leg by leg
    modes: tuple[Mode, ...]


@dataclass(frozen=True)
class Engine:
    """Everything a quote reads besides the order, loaded once."""

    network: Network
    fx: FxRates
    rules: CustomsRules
    routes: Lru[RouteFacts] = field(default_factory=lambda: Lru(65_536))  # by service indices
    lanes: Lru[Any] = field(default_factory=lambda: Lru(65_536))  # order_lanes' memo

    def route(self, services: tuple[int, ...]) -> RouteFacts:
        """The facts of the route over these compiled service indices (the network's
        services never change, so they are kept)."""
        found = self.routes.get(services)
        if found is None:
            route = tuple(self.network.compiled.services[k] for k in services)
            names = self.network.carrier_names
            found = RouteFacts(
                services,
                route,
                route_id(route),
                legs_of(route),
                route_factors(self.network, route),
                tuple(names.get(s.carrier, s.carrier) for s in route),
                tuple(s.mode for s in route),
            )
            self.routes.put(services, found)
        return found


_ENGINES: Lru[Engine] = Lru(8)  # by network: a server holds one, tests a few


def engine_for(network: Network) -> Engine:
    """The quote engine of `network`: its rates and rules, read once."""
    found = _ENGINES.get(network)
    if found is None:
        found = Engine(network, load_fx(), load_rules())
        _ENGINES.put(network, found)
    return found


def quote(
    order: Order,
    network: Network,
    at: datetime | None = None,
    currency: str | None = None,
    locale: str | None = None,
) -> Quote:
    """Ranked options for one order; `at` (default: the order's time) picks the rules."""
    engine = engine_for(network)
    at = at or order.created_at
    check_origin(order, network)
    currency = answer_currency(order, currency)
    tag = str(parse_locale(locale or order.locale))
    net = network.compiled
    lanes = order_lanes(net, order, engine.fx, at.date(), engine.lanes)
    found = pareto_routes(net, net.node_index[order.origin], lanes.lanes, MAX_ROUTES)
    options: list[Option] = []
    excluded = _blocked(network, order, lanes, {f.services for f in found})
    memo: dict = {}
    money = Converter(engine.fx, currency, at.date())
    case = customs_case(order, at.date(), engine.rules, engine.fx, network=engine.network)
    facts: dict[str, RouteFacts] = {}
    for f in found:
        route = engine.route(f.services)
        built = _route_options(engine, order, route, lanes, money, memo, case)
        if isinstance(built, Excluded):
            excluded.append(built)
        else:
            options += built
            facts[route.route_id] = route
    options, beaten = _undominated(options)
    excluded += beaten
    tags = _tags(options)
    options = [
        o._replace(tags=tags[o.option_id], summary=_summary(o, tag, facts[o.route_id]))
        for o in _rank(options, order)
    ]
    rates = tuple(sorted(money.used.values(), key=lambda r: (r.base, r.quote, r.as_of)))
    return Quote(new_quote_id(), at, currency, tuple(options), tuple(excluded), rates)


class Converter:
    """Converts into the answer's currency at the quote's date and remembers each rate used,
    so the quote can state them."""

    def __init__(self, fx: FxRates, currency: str, day: date) -> None:
        self.fx, self.currency, self.day = fx, currency, day
        self.used: dict[tuple[str, str], FxRate] = {}

    def __call__(self, money: Money) -> Money:
        if money.currency == self.currency:
            return money
        rate = self.fx.rate(money.currency, self.currency, self.day)
        self.used[(rate.base, rate.quote)] = rate
        return Money.of(money.decimal * rate.rate, self.currency)

    def note(self, rates: tuple[FxRate, ...]) -> None:
        for rate in rates:
            self.used[(rate.base, rate.quote)] = rate


def _route_options(
    engine: Engine,
    order: Order,
    facts: RouteFacts,
    lanes: OrderLanes,
    money: Converter,
    memo: dict,
    case: CustomsCase,
) -> list[Option] | Excluded:
    rid, route = facts.route_id, facts.services
    findings = case.screen(route)  # the order's customs, prepared once per quote
    blockers = [Message(f.code, f.message) for f in findings if f.excludes]
    if blockers:
        return Excluded(rid, tuple(blockers))
    shipping_lines, charges = _shipping(facts, lanes, money, memo)
    shipping = total([line.amount for line in shipping_lines], money.currency)
    landed = case.landed_cost(route, charges)
    money.note(landed.fx)
    dates = promise(route, order.created_at, engine.network)
    on_time = None if order.deliver_by is None else dates.probability_by(order.deliver_by)
    p50, p90, p95 = dates.quantiles(*STANDARD)
    when = PromiseDates(p50, p90, p95, on_time)
    co2 = co2e_of(facts.co2e, order.weight_kg)
    messages = tuple(Message(f.code, f.message) for f in findings)
    duty_lines = _duty_lines(landed, money)
    options = []
    for incoterm in _incoterms(order, landed):
        lines = duty_lines + _fee_lines(landed, incoterm, money)
        duties = total([line.amount for line in lines], money.currency)
        options.append(
            Option(
                option_id=f"{rid}#{incoterm}",  # StrEnums: str() is the value
                route_id=rid,
                incoterm=incoterm,
                legs=facts.legs,
                charges=(*shipping_lines, *lines),
                shipping=shipping,
                duties_and_taxes=duties,
                total=shipping + duties,
                promise=when,
                co2e_kg=co2,
                messages=messages + _collection_messages(landed, incoterm),
            )
        )
    return options


def _shipping(
    route: RouteFacts, lanes: OrderLanes, money: Converter, memo: dict
) -> tuple[list[Line], list[Charge]]:
    """Itemised freight and surcharges per leg, in the answer's currency. `memo` keeps each
    leg's charges for the rest of this quote: routes share their first and last miles."""
    lines, raw = [], []
    for k, s in zip(route.indices, route.services, strict=True):
        if k not in memo:
            memo[k] = _leg_charges(s, lanes.charges(k, s.rate_card.currency), money)
        leg_lines, leg_raw = memo[k]
        lines += leg_lines
        raw += leg_raw
    return lines, raw


def _leg_charges(
    s: Service, raw: list[Charge], money: Converter
) -> tuple[list[Line], list[Charge]]:
    """A leg's charges (every parcel's, in the card's currency) as lines of the answer."""
    lines = [Line(str(c.kind), f"{s.id}: {c.name}", money(c.amount)) for c in raw]
    return _merge(lines), raw


def _merge(lines: list[Line]) -> list[Line]:
    """One line per leg and charge name: multi-parcel orders add up per leg."""
    merged: dict[tuple[str, str], Line] = {}
    for line in lines:
        key = (line.kind, line.name)
        if key in merged:
            merged[key] = merged[key]._replace(amount=merged[key].amount + line.amount)
        else:
            merged[key] = line
    return list(merged.values())


def _blocked(network: Network, order: Order, lanes: OrderLanes, kept: set) -> list[Excluded]:
    """Routes the order could not take: the Pareto routes over the lanes it was refused
    (as well as those it may use) that are not among its own, each with its legs' reasons.
    Blocks are only set on lanes that head for the destination, so opening them is safe."""
    dest = order.destination
    if not lanes.lanes.target.any():
        text = f"no last-mile service delivers to {dest.country} {dest.postal_code}"
        return [Excluded("", (Message("no_coverage", text),))]
    refused = lanes.blocks != 0
    if not refused.any():
        return []
    open_lanes = replace(lanes.lanes, allowed=lanes.lanes.allowed | refused)
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


def _undominated(options: list[Option]) -> tuple[list[Option], list[Excluded]]:
    """Drop options another option of the same incoterm beats on what the buyer sees: a
    total no higher and a P90 no later (one of them strictly). The search kept them because
    their customs treatment differed; once landed, they are simply worse."""
    kept: list[Option] = []
    beaten: list[Excluded] = []
    for o in options:
        better = next((b for b in options if b is not o and b.incoterm is o.incoterm
                       and b.total.amount <= o.total.amount and b.promise.p90 <= o.promise.p90
                       and (b.total.amount, b.promise.p90) != (o.total.amount, o.promise.p90)),
                      None)  # fmt: skip
        if better is None:
            kept.append(o)
        elif o.incoterm is Incoterm.DDP or not any(e.route == o.route_id for e in beaten):
            text = f"{better.route_id} costs no more and arrives no later ({o.incoterm.value})"
            beaten.append(Excluded(o.route_id, (Message("dominated", text),)))
    return kept, beaten


def _tags(options: list[Option]) -> dict[str, tuple[str, ...]]:
    """The cheapest, fastest, greenest and best-value options' tags (ties: all of them),
    by option id."""
    if not options:
        return {}
    cheapest = min(o.total.amount for o in options)
    fastest = min(o.promise.p90 for o in options)
    co2e = [round(o.co2e_kg, 3) for o in options]
    greenest = min(co2e)
    value = [_value_score(o, cheapest, fastest) for o in options]
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


def _value_score(o: Option, cheapest: int, fastest: date) -> int:
    """Total plus what the extra days are worth to the buyer (VALUE_OF_A_DAY per day),
    times VALUE_OF_A_DAY's denominator: whole numbers, so exact."""
    days = (o.promise.p90 - fastest).days
    share, per = _DAY_SHARE
    return o.total.amount * per + share * cheapest * days


def _rank(options: list[Option], order: Order) -> list[Option]:
    """Options meeting deliver_by (P90 on or before it) first, then by total, then P90."""

    def key(o: Option) -> tuple:
        late = order.deliver_by is not None and o.promise.p90 > order.deliver_by
        return (late, o.total.amount, o.promise.p90, o.option_id)

    return sorted(options, key=key)


def _summary(o: Option, tag: str, route: RouteFacts) -> str:
    return summary_line(tag, route.carriers, route.modes, o.total, o.promise.p50, o.promise.p90)


def _incoterms(order: Order, landed: LandedCost) -> list[Incoterm]:
    """DDP and DAP unless the order fixes one; regimes that collect at checkout (IOSS,
    Remessa Conforme, CBEC, UK sale VAT) are DDP only."""
    if landed.checkout_only:
        return [Incoterm.DDP]
    if order.incoterm is not None:
        return [order.incoterm]
    return [Incoterm.DDP, Incoterm.DAP]


def _duty_lines(landed: LandedCost, money: Converter) -> list[Line]:
    """Duties and taxes of the route, under any incoterm. A fixed-amount rate (EUR 3 per
    subheading) is stated as that amount."""
    return [
        Line(
            kind=str(x.kind),
            name=x.name,
            amount=money(x.amount),
            base=money(x.base),
            rate=x.rate if isinstance(x.rate, Decimal) else money(x.rate),
            rule_id=x.rule_id,
            source=x.source,
        )
        for x in landed.lines
        if x.name != CLEARANCE_FEE
    ]


def _fee_lines(landed: LandedCost, incoterm: Incoterm, money: Converter) -> list[Line]:
    """Under DAP, the carrier's clearance fee, when there is something to collect."""
    if incoterm is Incoterm.DAP and landed.clearance_fee is not None and landed.total.amount:
        return [
            Line(
                "fee",
                CLEARANCE_FEE,
                money(landed.clearance_fee),
                rule_id="carrier.clearance_fee",
                source="the clearing carrier's fee to the buyer",
            )
        ]
    return []


def _collection_messages(landed: LandedCost, incoterm: Incoterm) -> tuple[Message, ...]:
    if incoterm is Incoterm.DAP:
        text = "duties, taxes and the carrier's clearance fee are paid by the buyer on delivery"
        return (Message("paid_on_delivery", text),)
    return (
        Message(
            "collected_at_checkout", f"duties and taxes collected at checkout ({landed.regime})"
        ),
    )
