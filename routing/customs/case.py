"""One order's customs case: screening and landed cost on every route a quote considers.

    case = customs_case(order, at, rules, fx, network=network)
    for route in routes:
        found = case.screen(route)  # == screen(order, route, at, rules, fx, network=...)
        landed = case.landed_cost(route, charges)  # == landed_cost(order, route, charges, ...)

The case prepares once what does not depend on the route, each part on first use: the
order's checks, its jurisdiction and the rules in force there, the origin's country
(`OrderFacts`), each item's value in the destination's currency, who clears import on a
route and its modes; and it keeps what the routes' screenings share (`ScreenParts`). A
part that cannot be computed (an unknown destination, a hand-built item with a bad HS
code, a missing exchange rate) is not kept and raises on every call that needs it, in
the same order as when nothing is kept: the case answers exactly as `screen` and
`landed_cost` do, errors included.

A case belongs to one order, one date and one set of rules and rates; build a new one
for another order (it is cheap), and do not share one between threads.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal

from carriers.errors import InvalidOrder, Problem
from carriers.model import Mode, Service
from carriers.money import Money
from carriers.pricing import Charge
from routing.customs.landed import landed_shipment
from routing.customs.lines import LandedCost
from routing.customs.loader import load_rules
from routing.customs.routes import import_service, node_country, route_modes
from routing.customs.rulebook import CustomsRules
from routing.customs.rules import Valuation
from routing.customs.screen import Screening, ScreenParts, screen_shipment
from routing.customs.shipment import ItemValue, OrderFacts, Shipment, apportion, freight_of
from routing.fx import FxRate, FxRates, load_fx
from routing.network import Network, Route
from routing.orders import Order


def customs_case(
    order: Order,
    at: date,
    rules: CustomsRules | None = None,
    fx: FxRates | None = None,
    *,
    network: Network | None = None,
    buyer_year_to_date: Money | None = None,
) -> CustomsCase:
    """The customs case of `order` at date `at` (a datetime counts by its date); the
    arguments mean what they mean to `screen` and `landed_cost`."""
    return CustomsCase(order, at, rules, fx, network, buyer_year_to_date)


def screen(
    order: Order,
    route: Route,
    at: date,
    rules: CustomsRules | None = None,
    fx: FxRates | None = None,
    *,
    network: Network | None = None,
    buyer_year_to_date: Money | None = None,
) -> Screening:
    """Every finding of `order` on `route` at `at`; pure, given loaded rules and rates."""
    return CustomsCase(order, at, rules, fx, network, buyer_year_to_date).screen(route)


def landed_cost(
    order: Order,
    route: Route,
    shipping_charges: Sequence[Charge],
    at: date,
    rules: CustomsRules | None = None,
    fx: FxRates | None = None,
    *,
    network: Network | None = None,
    buyer_year_to_date: Money | None = None,
) -> LandedCost:
    """Itemised landed cost of `order` on `route` at date `at`.

    `shipping_charges` are the route's carrier charges (any currencies); under CIF they are
    the freight of the customs value. `network` tells the origin's country (otherwise
    read from the node id, `CN-YIW-WH` -> CN). `buyer_year_to_date` is what the buyer
    already imported this year under China's CBEC annual limit.
    """
    case = CustomsCase(order, at, rules, fx, network, buyer_year_to_date)
    return case.landed_cost(route, shipping_charges)


class CustomsCase:
    """Screening and landed cost of one order, on any route (module docstring)."""

    def __init__(
        self,
        order: Order,
        at: date,
        rules: CustomsRules | None,
        fx: FxRates | None,
        network: Network | None = None,
        year_to_date: Money | None = None,
    ) -> None:
        self.order = order
        self.day = at.date() if isinstance(at, datetime) else at
        self.network = network
        self._given = (rules, fx, year_to_date)
        self._facts: OrderFacts | None = None
        self._items: tuple[tuple[ItemValue, ...], Money, tuple[FxRate, ...]] | None = None
        self._routes: dict[Route, tuple[Service | None, frozenset[Mode]]] = {}  # by services
        self.values: dict[tuple[str, Valuation], Decimal] = {}  # without freight
        self._screening: ScreenParts | None = None  # what the routes' screenings share

    def screen(self, route: Route) -> Screening:
        """Every finding of the order on `route` (as `screen`)."""
        s = self.shipment(route, with_values=False)
        if self._screening is None:
            self._screening = ScreenParts.of(self.order)
        return screen_shipment(s, self._screening, self.network)

    def landed_cost(self, route: Route, shipping_charges: Sequence[Charge] = ()) -> LandedCost:
        """Itemised landed cost of the order on `route` (as `landed_cost`)."""
        return landed_shipment(self.shipment(route, shipping_charges))

    @property
    def facts(self) -> OrderFacts:
        if self._facts is None:
            _check_items(self.order)
            rules, fx, year_to_date = self._given
            rules = rules if rules is not None else load_rules()
            fx = fx if fx is not None else load_fx()
            destination = self.order.destination
            place = rules.destination(destination.country, destination.postal_code)
            origin = node_country(self.order.origin, self.network)
            self._facts = OrderFacts(self.order, self.day, rules, fx, place, origin, year_to_date)
        return self._facts

    def shipment(
        self, route: Route, shipping_charges: Sequence[Charge] = (), with_values: bool = True
    ) -> Shipment:
        """One route's facts; `with_values` False skips the freight and the items' customs
        values (screening compares whole-consignment values of the goods only)."""
        facts = self.facts
        if not with_values:
            clearing, modes = self._route(route)
            return Shipment(facts, route, clearing, modes, values=self.values)
        freight_charges = freight_of(shipping_charges)
        clearing, modes = self._route(route)
        s = Shipment(facts, route, clearing, modes, freight_charges)
        currency, used = s.currency, s.used
        freight = 0
        for m in freight_charges:  # each charge converted and rounded on its own
            if m.currency == currency:
                freight += m.amount
                continue
            freight += facts.freight_in(m)
            if (m.currency, currency) not in used:
                used[(m.currency, currency)] = facts.rate(m.currency, currency)
        s.freight = Money(freight, currency)
        items, goods, rates = self._item_values(s)
        s.note(rates)
        s.goods_value = s.customs_value = goods
        if freight and s.place.valuation is Valuation.CIF:
            shares = apportion(freight, [i.value.amount for i in items])
            items = tuple(
                ItemValue(i.index, i.item, i.value, Money(i.value.amount + share, currency))
                for i, share in zip(items, shares, strict=True)
            )
            # the shares add up to the freight exactly
            s.customs_value = Money(goods.amount + freight, currency)
        s.items = items
        return s

    def _route(self, route: Route) -> tuple[Service | None, frozenset[Mode]]:
        """Who clears import on `route`, and its modes: kept for the route's next call."""
        kept = self._routes.get(route)
        if kept is None:
            kept = self._routes[route] = (import_service(route), route_modes(route))
        return kept

    def _item_values(self, s: Shipment) -> tuple[tuple[ItemValue, ...], Money, tuple[FxRate, ...]]:
        """Each item's value in the destination currency (its customs value before any
        freight share), their sum, and the rates used, in the order of first use."""
        if self._items is None:
            probe = Shipment(s.facts, (), None, frozenset())
            values = [probe.convert(item.value) for item in self.order.items]
            items = tuple(
                ItemValue(i, item, value, value)
                for i, (item, value) in enumerate(zip(self.order.items, values, strict=True))
            )
            goods = Money(sum(v.amount for v in values), s.currency)
            self._items = (items, goods, tuple(probe.used.values()))
        return self._items


def _check_items(order: Order) -> None:
    """What an Order built by hand (not by parse_order) could get wrong."""
    problems = []
    for i, item in enumerate(order.items):
        if not (item.hs_code.isdigit() and 6 <= len(item.hs_code) <= 10):
            problems.append(Problem("order", f"items[{i}].hs_code", "must be 6-10 digits"))
        if item.unit_value.amount <= 0:
            problems.append(Problem("order", f"items[{i}].unit_value", "must be > 0"))
    if not order.items:
        problems.append(Problem("order", "items", "must be a non-empty list"))
    if problems:
        raise InvalidOrder(problems)
