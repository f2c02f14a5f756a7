"""Which routes a merchant promises: route families and the candidates for a destination.

A route's family names what a buyer chooses between at checkout: its line-haul mode (the
leg that covers the longest distance; a door-to-door postal or courier service flies) and,
for air, whether a post or a courier delivers: "air postal", "air courier", "rail", "sea",
"road". Within a family, the route to promise is the one with the earliest P90 date: the
date a merchant shows is the one nine parcels in ten meet, and among routes of one family
the buyer sees one option, so it should be the one that can honestly promise soonest.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from carriers.errors import NoFeasibleRoute
from carriers.model import Mode, Node, Service
from routing.network import Network, Route, routes_from
from routing.orders import Parcel
from routing.promise.engine import Promise, promise
from routing.promise.legs import PromiseSettings


class RouteFamily(StrEnum):
    AIR_POSTAL = "air postal"
    AIR_COURIER = "air courier"
    RAIL = "rail"
    SEA = "sea"
    ROAD = "road"


# A standard parcel for product-page promises: a shoebox of 1 kg (fits small-packet lines).
STANDARD_PARCEL = Parcel(weight_kg=1.0, length_cm=30.0, width_cm=20.0, height_cm=10.0)
_LINE_HAUL = {
    Mode.AIR: "air",
    Mode.POSTAL: "air",
    Mode.COURIER: "air",
    Mode.RAIL: "rail",
    Mode.SEA: "sea",
    Mode.ROAD: "road",
}


def line_haul(route: Route, nodes: Mapping[str, Node]) -> Service:
    """The route's leg that covers the longest great-circle distance."""
    return max(route, key=lambda s: _km(nodes[s.from_node], nodes[s.to_node]))


def _km(a: Node, b: Node) -> float:
    """Great-circle distance (haversine, mean Earth radius): enough to rank legs."""
    la, lb = math.radians(a.lat), math.radians(b.lat)
    h = math.sin((lb - la) / 2) ** 2
    h += math.cos(la) * math.cos(lb) * math.sin(math.radians(b.lon - a.lon) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def route_family(route: Route, nodes: Mapping[str, Node]) -> RouteFamily:
    haul = _LINE_HAUL[line_haul(route, nodes).mode]
    if haul != "air":
        return RouteFamily(haul)
    return RouteFamily.AIR_POSTAL if route[-1].mode is Mode.POSTAL else RouteFamily.AIR_COURIER


def fits(service: Service, parcel: Parcel) -> bool:
    """The parcel is within the service's weight and size limits."""
    r = service.restrictions
    sides = parcel.dims_cm
    return (
        (r.max_weight_kg is None or parcel.weight_kg <= r.max_weight_kg)
        and (r.max_side_cm is None or max(sides) <= r.max_side_cm)
        and (r.max_sum_sides_cm is None or sum(sides) <= r.max_sum_sides_cm)
    )


def candidate_routes(
    network: Network, origin: str, country: str, postal_code: str, parcel: Parcel = STANDARD_PARCEL
) -> list[Route]:
    """Routes from `origin` whose last mile covers the address and that take the parcel."""
    found = [
        r
        for r in routes_from(network, origin)
        if r[-1].covers(country, postal_code) and all(fits(s, parcel) for s in r)
    ]
    if not found:
        raise NoFeasibleRoute(
            f"no route from {origin} delivers a standard parcel to {country}:{postal_code}"
        )
    return found


@dataclass(frozen=True, eq=False)
class RoutePromise:
    family: RouteFamily
    route: Route
    promise: Promise

    def as_dict(self) -> dict[str, object]:
        return {
            "family": self.family.value,
            "route": [s.id for s in self.route],
            "carriers": sorted({s.carrier for s in self.route}),
            **self.promise.as_dict(),
        }


def promise_all(
    routes: Iterable[Route],
    order_time: datetime,
    network: Network,
    settings: PromiseSettings | None = None,
) -> list[RoutePromise]:
    """The promise of every route of `network`, with its family, earliest P90 first."""
    found = [
        RoutePromise(route_family(r, network.nodes), r, promise(r, order_time, network, settings))
        for r in routes
    ]
    return sorted(found, key=_rank)


def best_per_family(promises: Iterable[RoutePromise]) -> list[RoutePromise]:
    """Per family, the route with the earliest P90 (then P50, P95, fewer legs, ids)."""
    best: dict[RouteFamily, RoutePromise] = {}
    for p in sorted(promises, key=_rank):
        best.setdefault(p.family, p)
    return [best[f] for f in RouteFamily if f in best]


def _rank(p: RoutePromise) -> tuple[object, ...]:
    q = p.promise
    return (q.p90, q.p50, q.p95, len(p.route), tuple(s.id for s in p.route))
