"""One order's customs on every route a quote considers.

    case = customs_case(order, at, rules, fx, network=network)
    for route in routes:
        found = case.screen(route)  # == screen(order, route, at, rules, fx, network=...)
        landed = case.landed_cost(route, charges)  # == landed_cost(order, route, charges, ...)

The case prepares once what does not depend on the route (the order's checks, its
jurisdiction and the rules in force there, the origin, each item's value in the
destination's currency) and keeps what routes share (a service's own limits, bans and
buyer-id findings per set of modes, rule selections per item). Its answers are exactly
those of `screen` and `landed_cost`, errors included: nothing is computed before the
first call, and what cannot be computed raises on every call that needs it.

A case belongs to one order, one date and one set of rules and rates; build a new one
for another order (it is cheap), and do not share one between threads.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from carriers.money import Money
from carriers.pricing import Charge
from routing.customs.landed import landed_route
from routing.customs.lines import LandedCost
from routing.customs.prepare import Prepared
from routing.customs.rules import CustomsRules
from routing.customs.screen import Screening, screen_route
from routing.fx import FxRates
from routing.network import Network, Route
from routing.orders import Order


class CustomsCase:
    """Screening and landed cost of one order, on any route."""

    def __init__(self, prepared: Prepared) -> None:
        self._prepared = prepared

    def screen(self, route: Route) -> Screening:
        """Every finding of the order on `route` (as `screen`)."""
        return screen_route(self._prepared, route)

    def landed_cost(self, route: Route, shipping_charges: Sequence[Charge] = ()) -> LandedCost:
        """Itemised landed cost of the order on `route` (as `landed_cost`)."""
        return landed_route(self._prepared, route, shipping_charges)


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
    return CustomsCase(Prepared(order, at, rules, fx, network, buyer_year_to_date))
