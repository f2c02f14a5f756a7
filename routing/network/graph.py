"""The network: nodes and services, as a networkx graph to validate, inspect and draw, and
the routes a network offers (enumerated, for validation, summaries and checks).

The compiled, array-backed form that engines run on is `network.compiled`
(`routing.network.compiled`); `load_network` (`routing.network.loader`) reads, validates
and compiles a network directory.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import networkx as nx
from geopy.distance import geodesic

from carriers.errors import UnknownNode
from carriers.model import ORIGIN_KINDS, Mode, Node, NodeKind, Service
from routing.cache import cached
from routing.network.compiled import CompiledNetwork, compile_network

Route = tuple[Service, ...]


@dataclass(frozen=True, eq=False)
class Network:
    """Nodes and services, loaded once. An entity: it compares and hashes by identity,
    so what is computed from a network (its compiled arrays, a quote engine) can be kept
    by it."""

    nodes: dict[str, Node]
    services: tuple[Service, ...]
    source: Path | None = None
    carrier_names: dict[str, str] = field(default_factory=dict)

    def node(self, node_id: str) -> Node:
        try:
            return self.nodes[node_id]
        except KeyError:
            raise UnknownNode(node_id) from None

    @cached_property
    def service_by_id(self) -> dict[str, Service]:
        return {s.id: s for s in self.services}

    @cached_property
    def origins(self) -> tuple[str, ...]:
        return tuple(n.id for n in self.nodes.values() if n.kind in ORIGIN_KINDS)

    @cached_property
    def zones(self) -> tuple[str, ...]:
        return tuple(n.id for n in self.nodes.values() if n.kind is NodeKind.DESTINATION_ZONE)

    def graph(self) -> nx.MultiDiGraph:
        """Nodes with their attributes; one edge per service, keyed by service id."""
        g = nx.MultiDiGraph()
        for node in self.nodes.values():
            g.add_node(node.id, node=node, kind=node.kind.value, country=node.country)
        for s in self.services:
            g.add_edge(s.from_node, s.to_node, key=s.id, service=s, mode=s.mode.value)
        return g

    def distance_km(self, service: Service) -> float:
        """Geodesic length of a lane (WGS 84), computed once per node pair."""
        return _geodesic_km(self.nodes[service.from_node], self.nodes[service.to_node])

    @cached_property
    def compiled(self) -> CompiledNetwork:
        return compile_network(self.nodes, self.services)


@cached(65536)
def _geodesic_km(a: Node, b: Node) -> float:
    return float(geodesic((a.lat, a.lon), (b.lat, b.lon)).km)


def routes_from(network: Network, origin: str, max_legs: int = 8) -> Iterator[Route]:
    """Every route from an origin to a destination zone, by depth-first enumeration.

    A route visits no node twice and never re-enters a country it has left: exported goods
    are not shipped back (so a Chinese parcel cannot reach China through the Madrid hub's
    reverse flow). Meant for validation, summaries and brute-force checks, not requests.
    """
    leaving: dict[str, list[Service]] = defaultdict(list)
    for s in network.services:
        leaving[s.from_node].append(s)
    start = network.node(origin)

    def walk(node: str, route: Route, seen: set[str], left: set[str]) -> Iterator[Route]:
        if network.nodes[node].kind is NodeKind.DESTINATION_ZONE:
            yield route
            return
        if len(route) == max_legs:
            return
        here = network.nodes[node].country
        for s in leaving[node]:
            there = network.nodes[s.to_node].country
            if s.to_node in seen or there in left:
                continue
            gone = left | {here} if there != here else left
            yield from walk(s.to_node, (*route, s), seen | {s.to_node}, gone)

    yield from walk(start.id, (), {start.id}, set())


def reachable_zones(network: Network, max_legs: int = 8) -> set[str]:
    """The destination zones some route of `routes_from` (from any origin, within
    `max_legs`) ends at, without enumerating the routes: a breadth-first search over
    (node, countries left behind), from every origin at once, in time linear in the
    services times the country sets met (not in the routes, which grow exponentially
    with the hubs a route may chain).

    The same zones as the enumeration: a route is a walk that re-enters no country it
    has left; conversely, the shortest such walk to a zone visits no node twice (a walk
    back at a node stays in that node's country all the way round, since it re-enters no
    country, so the loop can be cut and the rest still re-enters none), so it is one of
    the routes. A state whose countries left include another's, reached in as many legs
    or more, reaches no zone the other does not, and is dropped.
    """
    leaving: dict[str, list[str]] = defaultdict(list)
    for s in network.services:
        leaving[s.from_node].append(s.to_node)
    nodes = network.nodes
    seen: dict[str, list[frozenset[str]]] = defaultdict(list)
    layer: list[tuple[str, frozenset[str]]] = []
    for origin in network.origins:
        if not seen[origin]:
            seen[origin].append(frozenset())
            layer.append((origin, frozenset()))
    reached: set[str] = set()
    for legs in range(max_legs + 1):
        grown: list[tuple[str, frozenset[str]]] = []
        for node, left in layer:
            if nodes[node].kind is NodeKind.DESTINATION_ZONE:
                reached.add(node)
                continue
            if legs == max_legs:
                continue
            here = nodes[node].country
            for to in leaving[node]:
                there = nodes[to].country
                if there in left:
                    continue
                gone = left | {here} if there != here else left
                if any(known <= gone for known in seen[to]):
                    continue
                seen[to].append(gone)
                grown.append((to, gone))
        layer = grown
    return reached


def lanes_by_country(network: Network, origin: str) -> dict[str, set[Mode]]:
    """Destination countries an origin reaches, and the modes its routes there use."""
    modes: dict[str, set[Mode]] = defaultdict(set)
    for route in routes_from(network, origin):
        country = network.nodes[route[-1].to_node].country
        modes[country].update(s.mode for s in route)
    return dict(modes)
