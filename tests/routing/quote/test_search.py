"""Route search: the label-setting Pareto set equals brute force over all legal routes."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from carriers.model import NodeKind
from routing.network import Network, routes_from
from routing.quote.order_lanes import NO_GROUP, OrderLanes
from routing.quote.search import pareto_routes
from tests.helpers import random_network


def search_lanes(**vectors: np.ndarray) -> OrderLanes:
    """Lane vectors as the search reads them; nothing blocked, nothing priced."""
    n = len(vectors["cost"])
    return OrderLanes(**vectors, blocks=np.zeros(n, np.int64), prices=np.zeros(n, np.int64))


def random_lanes(network: Network, seed: int) -> OrderLanes:
    """Random positive costs and days, ~85 % of lanes allowed, some lanes clearing in group 0/1."""
    rng = np.random.default_rng(seed)
    c = network.compiled
    n = len(c.services)
    target = np.array(
        [network.nodes[s.to_node].kind is NodeKind.DESTINATION_ZONE for s in c.services]
    )
    group = np.where(rng.random(n) < 0.3, rng.integers(0, 2, n), NO_GROUP)
    return search_lanes(
        cost=rng.uniform(1, 100, n),
        days=rng.uniform(0.5, 20, n),
        allowed=rng.random(n) < 0.85,
        target=target,
        group=group,
    )


def brute_force(network: Network, origin: str, lanes: OrderLanes) -> set[tuple[int, ...]]:
    """Every legal route, scored with the same vectors, reduced to per-group Pareto fronts."""
    c = network.compiled
    scored = []
    for route in routes_from(network, origin):
        ks = tuple(c.service_index[s.id] for s in route)
        if not all(lanes.allowed[k] for k in ks) or not lanes.target[ks[-1]]:
            continue
        groups = [int(lanes.group[k]) for k in ks if lanes.group[k] != NO_GROUP]
        group = groups[-1] if groups else NO_GROUP
        scored.append((ks, sum(lanes.cost[k] for k in ks), sum(lanes.days[k] for k in ks), group))
    return {
        ks
        for ks, cost, days, group in scored
        if not any(
            g == group and c2 <= cost and d2 <= days and k2 != ks for k2, c2, d2, g in scored
        )
    }


@settings(max_examples=60, deadline=None)
@given(net_seed=st.integers(0, 5000), lane_seed=st.integers(0, 5000))
def test_pareto_set_equals_exhaustive_enumeration(net_seed: int, lane_seed: int) -> None:
    """On random small networks the search returns exactly the brute-force Pareto routes."""
    network = random_network(net_seed, width=3)
    lanes = random_lanes(network, lane_seed)
    c = network.compiled
    for origin in network.origins:
        found = pareto_routes(c, c.node_index[origin], lanes, limit=1000)
        assert {f.services for f in found} == brute_force(network, origin, lanes)


def test_cheapest_first_and_limit(tiny: Network) -> None:
    """Results come cheapest first, and `limit` bounds them."""
    c = tiny.compiled
    n = len(c.services)
    lanes = search_lanes(
        cost=np.arange(1, n + 1, dtype=float),
        days=np.arange(n, 0, -1, dtype=float),
        allowed=np.ones(n, dtype=bool),
        target=c.is_zone[c.dst],
        group=np.full(n, NO_GROUP),
    )
    found = pareto_routes(c, c.node_index["CN-YIW-WH"], lanes)
    assert [f.cost for f in found] == sorted(f.cost for f in found)
    assert len(pareto_routes(c, c.node_index["CN-YIW-WH"], lanes, limit=1)) == 1
