"""Route ids and the customs facts of a route: who clears import, where borders are crossed.

A route id is its service ids joined by "+", e.g.
`feeder-yiw-pvg+post-pvg-mad+correos-es-paq`; `parse_route_id` turns one back into the
services of a network, checking that each leg starts where the previous one ended.
"""

from __future__ import annotations

from itertools import pairwise

from carriers.errors import InvalidRoute, Problem
from carriers.model import Mode, Service
from carriers.places import is_country
from routing.network import Network, Route

SEPARATOR = "+"


def route_id(route: Route) -> str:
    return SEPARATOR.join(s.id for s in route)


def parse_route_id(network: Network, text: str) -> Route:
    ids = [part.strip() for part in text.split(SEPARATOR)]
    if not text.strip() or not all(ids):
        raise InvalidRoute(
            f"route {text!r} must be service ids joined by {SEPARATOR!r}",
            (Problem("route", "route", "is empty or has an empty leg"),),
        )
    unknown = [i for i in ids if i not in network.service_by_id]
    if unknown:
        raise InvalidRoute(
            f"route {text!r}: unknown service(s) {', '.join(unknown)}",
            tuple(Problem("route", "route", f"unknown service {i!r}") for i in unknown),
        )
    route = tuple(network.service_by_id[i] for i in ids)
    for before, after in pairwise(route):
        if before.to_node != after.from_node:
            raise InvalidRoute(
                f"route {text!r}: {after.id} starts at {after.from_node}, "
                f"but {before.id} ends at {before.to_node}",
                (Problem("route", "route", f"legs {before.id} and {after.id} do not connect"),),
            )
    return route


def node_country(node_id: str, network: Network | None = None) -> str:
    """The country of a node: from the network when given, else from the documented id
    convention `COUNTRY-PLACE-KIND` (data/README.md)."""
    if network is not None and node_id in network.nodes:
        return network.nodes[node_id].country
    prefix = node_id.split("-", 1)[0]
    if not is_country(prefix):
        raise InvalidRoute(
            f"cannot tell the country of node {node_id!r}: pass the network",
            (Problem("route", "node", f"{node_id!r} does not start with an ISO country"),),
        )
    return prefix


def import_service(route: Route) -> Service | None:
    """The service that clears import at the destination: the last one that clears."""
    for service in reversed(route):
        if service.customs.clears_import:
            return service
    return None


def postal_border_crossing(route: Route, network: Network | None = None) -> Service | None:
    """The postal leg that crosses a border, if any: it needs a CN22 or CN23."""
    for service in route:
        crosses = node_country(service.from_node, network) != node_country(service.to_node, network)
        if service.mode is Mode.POSTAL and crosses:
            return service
    clearing = import_service(route)
    if clearing is not None and clearing.customs.regime == "postal":
        return clearing
    return None


def route_modes(route: Route) -> frozenset[Mode]:
    return frozenset(s.mode for s in route)
