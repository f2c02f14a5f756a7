"""routing/network/graph.py: the network as a graph, and route enumeration (checked against
brute force, and over the default world)."""

from __future__ import annotations

import itertools
import random

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carriers.errors import UnknownNode
from carriers.model import Node, NodeKind, Service
from routing.network import Network, load_network, routes_from
from routing.network.graph import reachable_zones
from tests.helpers import _service, random_network


def test_tiny_routes_on_paper(tiny: Network) -> None:
    """Yiwu has exactly three routes: two into Spain (postal, courier) and one to Portugal."""
    routes = sorted(tuple(s.id for s in r) for r in routes_from(tiny, "CN-YIW-WH"))
    assert routes == [
        ("feeder-yiw-pvg", "skyline-pvg-mad", "lastmile-es-courier"),
        ("feeder-yiw-pvg", "skyline-pvg-mad", "lastmile-es-postal"),
        ("feeder-yiw-pvg", "skyline-pvg-mad", "lastmile-pt-road"),
    ]


def test_the_graph_has_one_edge_per_service_keyed_by_its_id(tiny: Network) -> None:
    """Two Spanish last miles between the same nodes stay two edges, each with its service."""
    g = tiny.graph()
    assert g.number_of_nodes() == 5 and g.number_of_edges() == 5
    assert set(g["ES-MAD-HUB"]["ES-PEN-ZONE"]) == {"lastmile-es-postal", "lastmile-es-courier"}
    edge = g["CN-PVG-AIR"]["ES-MAD-HUB"]["skyline-pvg-mad"]
    assert edge["service"] is tiny.service_by_id["skyline-pvg-mad"] and edge["mode"] == "air"
    assert g.nodes["PT-NAT-ZONE"]["kind"] == "destination_zone"


def test_origins_zones_and_an_unknown_node(tiny: Network) -> None:
    """Warehouses and hubs are origins, destination zones are zones; an id the network does
    not hold is UnknownNode, naming it."""
    assert tiny.origins == ("CN-YIW-WH", "ES-MAD-HUB")
    assert tiny.zones == ("ES-PEN-ZONE", "PT-NAT-ZONE")
    with pytest.raises(UnknownNode) as caught:
        tiny.node("CN-XXX-WH")
    assert caught.value.node_id == "CN-XXX-WH"
    with pytest.raises(UnknownNode):
        list(routes_from(tiny, "CN-XXX-WH"))


def legal_paths(network: Network, origin: str) -> set[tuple[str, ...]]:
    """Brute force: every simple path to a zone that never re-enters a country it left."""
    g = network.graph()
    found = set()
    for zone in network.zones:
        for path in nx.all_simple_edge_paths(g, origin, zone):
            countries = [network.nodes[origin].country] + [
                network.nodes[v].country for _, v, _ in path
            ]
            left: set[str] = set()
            ok = True
            for here, there in itertools.pairwise(countries):
                if there != here:
                    if there in left:
                        ok = False
                    left.add(here)
            if ok:
                found.add(tuple(key for _, _, key in path))
    return found


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_routes_from_equals_brute_force(seed: int) -> None:
    """On random layered networks, routes_from finds exactly the legal simple paths to zones."""
    network = random_network(seed)
    for origin in network.origins:
        ours = {tuple(s.id for s in r) for r in routes_from(network, origin)}
        assert ours == legal_paths(network, origin)


@pytest.fixture(scope="module")
def world() -> Network:
    return load_network()


def test_every_route_of_the_default_world_ends_in_a_served_zone(world: Network) -> None:
    """From every origin, each route ends in a destination zone whose last mile covers codes
    of that zone's country, and never comes back to a country it left."""
    for origin in world.origins:
        routes = list(routes_from(world, origin))
        assert routes, f"{origin} reaches nothing"
        for route in routes:
            zone = world.nodes[route[-1].to_node]
            assert zone.kind is NodeKind.DESTINATION_ZONE
            assert any(c.country == zone.country for c in route[-1].coverage)
            assert route[0].from_node == origin
            for a, b in itertools.pairwise(route):
                assert a.to_node == b.from_node


def cyclic_network(seed: int) -> Network:
    """Random lanes between consolidation centres of three countries in both directions
    (loops within a country and back across borders), out of a warehouse and into zones."""
    rng = random.Random(seed)
    kinds = [NodeKind.WAREHOUSE] + [NodeKind.CONSOLIDATION_CENTRE] * 8
    kinds += [NodeKind.DESTINATION_ZONE] * 4
    nodes = {}
    for i, kind in enumerate(kinds):
        country = rng.choice(("CN", "ES", "PT"))
        node_id = f"{country}-N{i}-{kind.value[:3].upper()}"
        nodes[node_id] = Node(node_id, kind, country, "x", float(i), 0.0, "UTC")
    ids = list(nodes)
    services: list[Service] = []
    for a, b in itertools.permutations(ids, 2):
        to, since = nodes[b].kind, nodes[a].kind
        if to is NodeKind.WAREHOUSE or since is NodeKind.DESTINATION_ZONE:
            continue
        if rng.random() < 0.2:
            services.append(_service(rng, len(services), a, b, nodes[b]))
    return Network(nodes, tuple(services))


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10_000), max_legs=st.integers(1, 8))
def test_reachable_zones_equals_the_ends_of_the_enumerated_routes(seed: int, max_legs: int) -> None:
    """On networks with loops and lanes back across borders, the search finds exactly the
    zones some enumerated route ends at, whatever the leg limit."""
    for network in (cyclic_network(seed), random_network(seed)):
        ends = {r[-1].to_node for o in network.origins for r in routes_from(network, o, max_legs)}
        assert reachable_zones(network, max_legs) == ends
