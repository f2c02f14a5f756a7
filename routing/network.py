"""The network: nodes and services as a networkx graph (to validate, inspect and draw) and
as a compiled, array-backed form (what searches run on).

`load_network(directory)` validates everything a network directory holds, the files
(`carriers.registry`) and the graph (every market reachable, every last mile covered),
and raises `InvalidNetwork` with all problems at once.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

import networkx as nx
import numpy as np
from geopy.distance import geodesic

from carriers.errors import InvalidNetwork, Problem, UnknownNode
from carriers.model import ORIGIN_KINDS, CustomsRegime, Mode, Node, NodeKind, Service
from carriers.registry import World, load_world
from routing.lanes import LaneTable, compile_lanes

DEFAULT_NETWORK = Path(__file__).resolve().parent.parent / "data"
MODES = tuple(Mode)
REGIMES = tuple(CustomsRegime)
Route = tuple[Service, ...]


def network_dir(directory: str | Path | None = None) -> Path:
    """The network to use: the argument, else $GLOCAL_NETWORK, else the embedded data/."""
    chosen = directory or os.environ.get("GLOCAL_NETWORK") or DEFAULT_NETWORK
    return Path(chosen)


@dataclass(frozen=True)
class Network:
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
        return compile_network(self)


@dataclass(frozen=True)
class CompiledNetwork:
    """Index-based arrays over nodes and services; built once, read by every search.

    Services are sorted by from-node, so the services leaving node i are
    `out_start[i]:out_start[i + 1]` (a CSR adjacency).
    """

    node_ids: tuple[str, ...]
    node_index: dict[str, int]
    services: tuple[Service, ...]  # in compiled order
    service_index: dict[str, int]
    src: np.ndarray  # int32, from-node index per service
    dst: np.ndarray  # int32, to-node index per service
    mode: np.ndarray  # int8, index into MODES
    transit_p90_days: np.ndarray  # float64
    out_start: np.ndarray  # int32, n_nodes + 1
    is_zone: np.ndarray  # bool per node
    country: tuple[str, ...]  # per node
    search_days: np.ndarray  # float64 per service: P90 transit + handling + mean departure wait
    lanes: LaneTable  # restriction limits and rate-card breaks as arrays
    last_miles: dict[str, tuple[int, ...]]  # destination country -> services into its zones
    toward: dict[str, np.ndarray]  # country -> bool per node: some route leads to its zones
    currencies: tuple[str, ...]  # rate-card currencies
    currency_index: np.ndarray  # int per service, into currencies
    regime_group: np.ndarray  # int per service: index in CustomsRegime if it clears, else -1
    value_capped: tuple[int, ...]  # services with a declared-value ceiling

    @cached_property
    def as_lists(self) -> NetworkLists:
        """The arrays a search reads element by element, as Python lists (several times
        faster to index than numpy arrays)."""
        return NetworkLists(
            self.out_start.tolist(),
            self.dst.tolist(),
            self.is_zone.tolist(),
            self.search_days.tolist(),
            self.regime_group.tolist(),
        )


@dataclass(frozen=True)
class NetworkLists:
    out_start: list[int]
    dst: list[int]
    is_zone: list[bool]
    search_days: list[float]
    regime_group: list[int]


@lru_cache(maxsize=65536)
def _geodesic_km(a: Node, b: Node) -> float:
    return float(geodesic((a.lat, a.lon), (b.lat, b.lon)).km)


def compile_network(network: Network) -> CompiledNetwork:
    node_ids = tuple(sorted(network.nodes))
    node_index = {n: i for i, n in enumerate(node_ids)}
    services = tuple(sorted(network.services, key=lambda s: (node_index[s.from_node], s.id)))
    src = np.array([node_index[s.from_node] for s in services], dtype=np.int32)
    dst = np.array([node_index[s.to_node] for s in services], dtype=np.int32)
    last_miles = _last_miles(network, services)
    currencies = tuple(sorted({s.rate_card.currency for s in services}))
    counts = np.bincount(src, minlength=len(node_ids))
    out_start = np.concatenate(([0], np.cumsum(counts))).astype(np.int32)
    return CompiledNetwork(
        node_ids=node_ids,
        node_index=node_index,
        services=services,
        service_index={s.id: i for i, s in enumerate(services)},
        src=src,
        dst=dst,
        mode=np.array([MODES.index(s.mode) for s in services], dtype=np.int8),
        transit_p90_days=np.array([s.transit.p90_days for s in services], dtype=np.float64),
        out_start=out_start,
        is_zone=np.array(
            [network.nodes[n].kind is NodeKind.DESTINATION_ZONE for n in node_ids], dtype=bool
        ),
        country=tuple(network.nodes[n].country for n in node_ids),
        search_days=np.array([_search_days(s) for s in services], dtype=np.float64),
        lanes=compile_lanes(services),
        last_miles=last_miles,
        toward={c: _toward(src, dst, len(node_ids), dst[list(ks)]) for c, ks in last_miles.items()},
        currencies=currencies,
        currency_index=np.array(
            [currencies.index(s.rate_card.currency) for s in services], dtype=np.int32
        ),
        regime_group=np.array([_regime_group(s) for s in services], dtype=np.int32),
        value_capped=tuple(i for i, s in enumerate(services) if s.restrictions.max_value),
    )


def _regime_group(s: Service) -> int:
    """Which customs treatment a lane puts the parcel under: the regime's index, or -1."""
    regime = s.customs.regime
    return REGIMES.index(regime) if s.customs.clears_import and regime is not None else -1


def _toward(src: np.ndarray, dst: np.ndarray, n_nodes: int, zones: np.ndarray) -> np.ndarray:
    """Nodes from which some path of services reaches one of `zones` (reverse BFS)."""
    reach = np.zeros(n_nodes, dtype=bool)
    reach[zones] = True
    while True:
        grown = reach.copy()
        grown[src[reach[dst]]] = True
        if grown.sum() == reach.sum():
            return reach
        reach = grown


def _search_days(s: Service) -> float:
    """The route search's time criterion for one lane: P90 transit, handling, and the mean
    wait for a departure (half the gap between departures). The promise engine later
    computes exact dates for the routes the search keeps."""
    return s.transit.p90_days + s.handling_days + 3.5 / len(s.schedule.weekdays)


def _last_miles(network: Network, services: tuple[Service, ...]) -> dict[str, tuple[int, ...]]:
    found: dict[str, list[int]] = defaultdict(list)
    for i, s in enumerate(services):
        if network.nodes[s.to_node].kind is NodeKind.DESTINATION_ZONE:
            found[network.nodes[s.to_node].country].append(i)
    return {country: tuple(ks) for country, ks in found.items()}


def load_network(directory: str | Path | None = None) -> Network:
    """Load, validate and compile a network directory; all problems or none."""
    path = network_dir(directory)
    if not path.is_dir():
        raise InvalidNetwork([Problem(f"{path}:1", "network", "is not a directory")])
    world = load_world(path)
    network = Network(
        world.nodes,
        world.services,
        path,
        {c.id: c.name for c in world.carriers},
    )
    problems = graph_problems(network, world)
    if problems:
        raise InvalidNetwork(problems)
    network.compiled  # noqa: B018 - compile once, at load, never on a request
    return network


def graph_problems(network: Network, world: World) -> list[Problem]:
    """What only the whole graph shows: dead-end zones, uncovered last miles, lost markets."""
    problems: list[Problem] = []
    for s in network.services:
        path, line = world.service_lines[s.id]
        to_zone = network.nodes[s.to_node].kind is NodeKind.DESTINATION_ZONE
        if to_zone and not s.coverage:
            problems.append(
                Problem(
                    f"{path}:{line}",
                    "coverage",
                    f"last-mile service {s.id!r} has no postal-code coverage",
                )
            )
        if network.nodes[s.from_node].kind is NodeKind.DESTINATION_ZONE:
            problems.append(
                Problem(
                    f"{path}:{line}", "from", f"a destination zone ({s.from_node}) cannot be left"
                )
            )
    reached = {r[-1].to_node for o in network.origins for r in routes_from(network, o)}
    for zone in network.zones:
        if zone not in reached:
            path, line = world.node_lines[zone]
            problems.append(
                Problem(
                    f"{path}:{line}", "id", f"market {zone!r} cannot be reached from any origin"
                )
            )
    return problems


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


def lanes_by_country(network: Network, origin: str) -> dict[str, set[Mode]]:
    """Destination countries an origin reaches, and the modes its routes there use."""
    modes: dict[str, set[Mode]] = defaultdict(set)
    for route in routes_from(network, origin):
        country = network.nodes[route[-1].to_node].country
        modes[country].update(s.mode for s in route)
    return dict(modes)
