"""routing/network/compiled.py: the arrays every engine runs on, worked out by hand for the
tiny world and checked against the network's own objects on random networks."""

from __future__ import annotations

from datetime import time
from typing import Any

import networkx as nx
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from carriers.model import (
    CustomsRegime,
    CustomsRole,
    Mode,
    Node,
    NodeKind,
    Restrictions,
    Schedule,
    Service,
    TransitTime,
)
from carriers.money import Money
from routing.network import Network
from routing.network.compiled import MODES, REGIMES, compile_network
from tests.helpers import card, random_network


def test_compiled_adjacency_lists_each_service_under_its_from_node(tiny: Network) -> None:
    """out_start is a CSR over from-nodes: slice i holds exactly the services leaving node i."""
    c = tiny.compiled
    for i, node_id in enumerate(c.node_ids):
        leaving = {c.services[k].id for k in range(c.out_start[i], c.out_start[i + 1])}
        assert leaving == {s.id for s in tiny.services if s.from_node == node_id}
    assert c.is_zone.sum() == 2
    # Shanghai to Madrid is about 10,300 km on the geodesic.
    assert 10_000 < tiny.distance_km(tiny.service_by_id["skyline-pvg-mad"]) < 10_600


def test_the_tiny_world_compiles_as_worked_out_on_paper(tiny: Network) -> None:
    """Nodes sorted by id, services by (from-node, id); the index maps invert the orders."""
    c = tiny.compiled
    assert c.node_ids == ("CN-PVG-AIR", "CN-YIW-WH", "ES-MAD-HUB", "ES-PEN-ZONE", "PT-NAT-ZONE")
    assert [s.id for s in c.services] == [
        "skyline-pvg-mad",
        "feeder-yiw-pvg",
        "lastmile-es-courier",
        "lastmile-es-postal",
        "lastmile-pt-road",
    ]
    assert all(c.node_index[n] == i for i, n in enumerate(c.node_ids))
    assert all(c.service_index[s.id] == k for k, s in enumerate(c.services))
    assert c.out_start.tolist() == [0, 1, 2, 5, 5, 5]
    assert c.src.tolist() == [0, 1, 2, 2, 2] and c.dst.tolist() == [2, 0, 3, 3, 4]
    assert c.is_zone.tolist() == [False, False, False, True, True]
    assert c.country == ("CN", "CN", "ES", "ES", "PT")
    assert [MODES[m] for m in c.mode] == [Mode.AIR, Mode.ROAD, Mode.COURIER, Mode.POSTAL, Mode.ROAD]
    assert c.transit_p90_days.tolist() == [5.0, 1.5, 2.0, 4.0, 3.0]


def test_search_days_add_the_mean_wait_for_a_departure(tiny: Network) -> None:
    """P90 + handling + 3.5 / departures a week: the Tue/Fri air lane 5 + 3.5/2 = 6.75
    days; the daily feeder 1.5 + 0.5 = 2.0; the daily last miles P90 + 0.5."""
    assert tiny.compiled.search_days.tolist() == [6.75, 2.0, 2.5, 4.5, 3.5]


def test_last_miles_and_the_nodes_toward_each_country(tiny: Network) -> None:
    """ES is reached by the two Spanish last miles, PT by one; every node but the other
    market's zone leads toward a country."""
    c = tiny.compiled
    assert c.last_miles == {"ES": (2, 3), "PT": (4,)}
    assert c.toward["ES"].tolist() == [True, True, True, True, False]
    assert c.toward["PT"].tolist() == [True, True, True, False, True]


def test_currencies_and_customs_groups_per_lane(tiny: Network) -> None:
    """The CNY feeder and the EUR lanes: currencies sorted, one index per lane; only the
    air lane clears import (b2b_hub), every other lane is in no group (-1)."""
    c = tiny.compiled
    assert c.currencies == ("CNY", "EUR")
    assert c.currency_index.tolist() == [1, 0, 1, 1, 1]
    assert c.regime_group.tolist() == [REGIMES.index(CustomsRegime.B2B_HUB), -1, -1, -1, -1]
    assert c.value_capped == ()


def test_value_caps_and_a_regime_without_clearance() -> None:
    """A lane with a declared-value ceiling is listed; a regime named on a lane that does
    not clear import puts it in no customs group."""
    daily = Schedule(frozenset(range(7)), time(18), True)
    nodes = {
        n: Node(n, kind, "ES", "x", 0.0, 0.0, "UTC")
        for n, kind in (
            ("A", NodeKind.WAREHOUSE),
            ("B", NodeKind.HUB),
            ("Z", NodeKind.DESTINATION_ZONE),
        )
    }

    def lane(i: str, a: str, b: str, **parts: Any) -> Service:
        return Service(
            i, "c", i, a, b, Mode.ROAD, card(100, 0), TransitTime(1, 2, 3), daily, **parts
        )

    services = (
        lane("ab", "A", "B", customs=CustomsRole(False, CustomsRegime.IOSS)),
        lane("bz", "B", "Z", restrictions=Restrictions(max_value=Money(15_000, "EUR"))),
        lane("az", "A", "Z", customs=CustomsRole(True, CustomsRegime.IOSS)),
    )
    c = compile_network(nodes, services)
    assert [s.id for s in c.services] == ["ab", "az", "bz"]
    assert c.value_capped == (2,)
    assert c.regime_group.tolist() == [-1, REGIMES.index(CustomsRegime.IOSS), -1]


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_compiled_arrays_agree_with_the_services(seed: int) -> None:
    """On random networks, every lane's row (ends, mode, currency, P90) is its service's,
    and it lies in its from-node's CSR slice; as_lists are the same arrays as lists."""
    network = random_network(seed)
    c = network.compiled
    assert sorted(s.id for s in c.services) == sorted(s.id for s in network.services)
    for k, s in enumerate(c.services):
        assert c.node_ids[c.src[k]] == s.from_node and c.node_ids[c.dst[k]] == s.to_node
        assert c.out_start[c.src[k]] <= k < c.out_start[c.src[k] + 1]
        assert MODES[c.mode[k]] is s.mode and c.transit_p90_days[k] == s.transit.p90_days
        assert c.currencies[c.currency_index[k]] == s.rate_card.currency
    lists = c.as_lists
    assert lists.out_start == c.out_start.tolist() and lists.dst == c.dst.tolist()
    assert lists.is_zone == c.is_zone.tolist() and lists.search_days == c.search_days.tolist()
    assert lists.regime_group == c.regime_group.tolist()


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_toward_is_graph_reachability(seed: int) -> None:
    """A node leads toward a country exactly when some path of lanes reaches one of the
    zones that country's last miles end in (networkx says which)."""
    network = random_network(seed)
    c = network.compiled
    g = network.graph()
    for country, ks in c.last_miles.items():
        zones = {c.node_ids[c.dst[k]] for k in ks}
        expected = [any(nx.has_path(g, n, z) for z in zones) for n in c.node_ids]
        assert c.toward[country].tolist() == expected
    assert set(c.last_miles) == {
        network.nodes[s.to_node].country
        for s in network.services
        if network.nodes[s.to_node].kind is NodeKind.DESTINATION_ZONE
    }
    assert np.all(np.diff(c.src) >= 0)
