"""quote(order, network, at) -> ranked options: price, landed cost and promise per route.

For one order: the Pareto routes of the compiled network (cost x time, per customs
treatment), each screened by customs, priced leg by leg (`charges`), given its landed cost
for DDP and DAP, its delivery promise and CO2e, then tagged and ranked (`ranking`).
Routes the order could not take are listed under `excluded` with reason codes. What a
quote needs beyond the order is loaded once per network (`engine_for`); a quote does no
I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from babel.numbers import get_territory_currencies

from carriers.errors import InvalidOrder, Problem
from carriers.model import ORIGIN_KINDS
from carriers.money import total
from routing.cache import Lru
from routing.capacity.state import CapacityView
from routing.coverage import data_window
from routing.customs import CustomsCase, CustomsRules, customs_case, load_rules, route_id
from routing.fx import FxRates, load_fx
from routing.network import Network
from routing.orders import Order
from routing.promise import STANDARD, promise
from routing.promise.served import ServedModel, lane_of
from routing.quote.capacity import (
    apply_pricing,
    opportunity_costs,
    order_load,
    route_departures,
)
from routing.quote.charges import (
    Converter,
    collection_messages,
    duty_lines,
    fee_lines,
    incoterms,
    shipping_lines,
)
from routing.quote.emissions import co2e_of, route_factors
from routing.quote.localize import parse_locale, summary_line
from routing.quote.order_lanes import OrderLanes, order_lanes
from routing.quote.ranking import MAX_ROUTES, blocked, ranked, tags, undominated
from routing.quote.records import (
    Excluded,
    Message,
    Option,
    PromiseDates,
    Quote,
    RouteFacts,
    legs_of,
    new_quote_id,
)
from routing.quote.search import pareto_routes


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
                lane_of(route, self.network.nodes),
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
    learned: ServedModel | None = None,
    capacity: CapacityView | None = None,
) -> Quote:
    """Ranked options for one order; `at` (default: the order's time) picks the rules.
    With `learned`, the options on lanes that model knows are promised by it, the others
    by the schedule-based engine (`_promise`). With `capacity`, each option names the
    capacitated departures it takes, and a route with a departure that has no room for
    the order is excluded (`no_capacity`)."""
    engine = engine_for(network)
    at = at or order.created_at
    outside = data_window().problem(at.date())
    if outside:  # no rates, rules or calendars for it: never a search through empty years
        raise InvalidOrder([Problem("order", "created_at", outside)])
    check_origin(order, network)
    currency = answer_currency(order, currency)
    tag = str(parse_locale(locale or order.locale))
    net = network.compiled
    lanes = order_lanes(net, order, engine.fx, at.date(), engine.lanes)
    found = pareto_routes(net, net.node_index[order.origin], lanes, MAX_ROUTES)
    options: list[Option] = []
    excluded = blocked(network, order, lanes, {f.services for f in found})
    memo: dict = {}
    money = Converter(engine.fx, currency, at.date())
    case = customs_case(order, at.date(), engine.rules, engine.fx, network=engine.network)
    facts: dict[str, RouteFacts] = {}
    load = None if capacity is None else order_load(order)
    for f in found:
        route = engine.route(f.services)
        taken = () if capacity is None else route_departures(capacity, network, order, route, load)
        if isinstance(taken, Excluded):
            excluded.append(taken)
            continue
        built = _route_options(engine, order, route, lanes, money, memo, case, learned)
        if isinstance(built, Excluded):
            excluded.append(built)
        else:
            options += [o._replace(departures=taken) for o in built] if taken else built
            facts[route.route_id] = route
    options, beaten = undominated(options)
    excluded += beaten
    extra = {} if capacity is None else opportunity_costs(options, capacity, order, money)
    if capacity is not None:
        options, hidden, extra = apply_pricing(options, extra, capacity)
        excluded += hidden
    tagged = tags(options, extra)
    options = [
        o._replace(tags=tagged[o.option_id], summary=_summary(o, tag, facts[o.route_id]))
        for o in ranked(options, order, extra)
    ]
    rates = tuple(sorted(money.used.values(), key=lambda r: (r.base, r.quote, r.as_of)))
    bids = None if capacity is None or capacity.bid_prices is None else capacity.bid_prices
    snapshot = None if bids is None else bids.snapshot_id
    return Quote(new_quote_id(), at, currency, tuple(options), tuple(excluded), rates, snapshot)


def _route_options(
    engine: Engine,
    order: Order,
    facts: RouteFacts,
    lanes: OrderLanes,
    money: Converter,
    memo: dict,
    case: CustomsCase,
    learned: ServedModel | None = None,
) -> list[Option] | Excluded:
    """The route's options (DDP, DAP), or why the order cannot take it."""
    rid, route = facts.route_id, facts.services
    findings = case.screen(route)  # the order's customs, prepared once per quote
    blockers = [Message(f.code, f.message) for f in findings if f.excludes]
    if blockers:
        return Excluded(rid, tuple(blockers))
    freight, charges = shipping_lines(facts, lanes, money, memo)
    shipping = total([line.amount for line in freight], money.currency)
    landed = case.landed_cost(route, charges)
    money.note(landed.fx)
    when = _promise(engine, order, facts, learned)
    co2 = co2e_of(facts.co2e, order.weight_kg)
    messages = tuple(Message(f.code, f.message) for f in findings)
    duties_lines = duty_lines(landed, money)
    options = []
    for incoterm in incoterms(order, landed):
        lines = duties_lines + fee_lines(landed, incoterm, money)
        duties = total([line.amount for line in lines], money.currency)
        options.append(
            Option(
                option_id=f"{rid}#{incoterm}",  # StrEnums: str() is the value
                route_id=rid,
                incoterm=incoterm,
                legs=facts.legs,
                charges=(*freight, *lines),
                shipping=shipping,
                duties_and_taxes=duties,
                total=shipping + duties,
                promise=when,
                co2e_kg=co2,
                messages=messages + collection_messages(landed, incoterm),
            )
        )
    return options


def _promise(
    engine: Engine, order: Order, facts: RouteFacts, learned: ServedModel | None
) -> PromiseDates:
    """The route's dates: the learned model's where it knows the lane, else the schedule's."""
    found = (
        None if learned is None else learned.dates(facts.lane, order.created_at, order.weight_kg)
    )
    if found is not None and learned is not None:
        p50, p90, p95 = found.standard
        on_time = None if order.deliver_by is None else found.probability_by(order.deliver_by)
        return PromiseDates(p50, p90, p95, on_time, "learned", learned.model_id)
    dates = promise(facts.services, order.created_at, engine.network)
    on_time = None if order.deliver_by is None else dates.probability_by(order.deliver_by)
    p50, p90, p95 = dates.quantiles(*STANDARD)
    return PromiseDates(p50, p90, p95, on_time)


def _summary(o: Option, tag: str, route: RouteFacts) -> str:
    return summary_line(tag, route.carriers, route.modes, o.total, o.promise.p50, o.promise.p90)


def answer_currency(order: Order, currency: str | None) -> str:
    """The buyer's currency: asked for, else the order's, else the destination country's."""
    if currency or order.currency:
        return str(currency or order.currency)
    found = get_territory_currencies(order.destination.country, tender=True)
    if not found:
        raise InvalidOrder([Problem("order", "currency", "give the answer's currency")])
    return str(found[0])


def check_origin(order: Order, network: Network) -> None:
    """The order starts at an origin warehouse or hub of the network."""
    node = network.node(order.origin)
    if node.kind not in ORIGIN_KINDS:
        text = f"{node.id} is a {node.kind.value}, not an origin warehouse or hub"
        raise InvalidOrder([Problem("order", "origin", text)])
