"""routing/plan/routes.py: every route of an origin as padded index arrays with its
line-haul signature, each route's mean cost for each commodity, and the candidates kept:
per signature the cheapest and the fastest open route, for the cheapest signatures."""

from __future__ import annotations

import numpy as np

from routing.network import Network
from routing.plan.routes import MAX_LEGS, RouteSet, enumerate_routes, is_capacitated, route_costs
from routing.plan.routes import select as select_routes
from tests.routing.plan.conftest import first_stages, one_kilo_orders


def test_the_two_lane_routes(two_lanes: Network) -> None:
    """From Yiwu: rail + post and air + post, each capacitated on its first leg, each its
    own signature; from the Madrid hub the post alone, uncapacitated. The rail route's
    search days exceed the air route's by the P90 transits' 14 - 5 = 9 days."""
    net = two_lanes.compiled
    routes = enumerate_routes(two_lanes, ["CN-YIW-WH", "ES-MAD-HUB"])
    names = ["+".join(s.id for s in routes.services(net, r)) for r in range(len(routes))]
    assert sorted(names) == ["lanes-air+post-es", "lanes-rail+post-es", "post-es"]
    by_name = dict(zip(names, range(len(routes)), strict=True))
    rail, air, post = (by_name[n] for n in ("lanes-rail+post-es", "lanes-air+post-es", "post-es"))
    assert routes.origin[[rail, air, post]].tolist() == ["CN-YIW-WH", "CN-YIW-WH", "ES-MAD-HUB"]
    assert routes.capacitated[rail] == (0,) and routes.capacitated[post] == ()
    assert len(set(routes.signature.tolist())) == 3
    assert routes.legs.shape == (3, MAX_LEGS) and (routes.legs[post, 1:] == -1).all()
    assert routes.days[rail] - routes.days[air] == 9.0


def test_only_lanes_with_capacity_or_units_are_capacitated(two_lanes: Network) -> None:
    """Rail books kg and m3, air kg, m3 and pallets; the post books nothing."""
    s = two_lanes.service_by_id
    assert is_capacitated(s["lanes-rail"]) and is_capacitated(s["lanes-air"])
    assert not is_capacitated(s["post-es"])


def test_a_routes_cost_is_its_lanes_and_inf_where_one_refuses(two_lanes: Network) -> None:
    """A one-kilo commodity: rail + post 100 + 100 cents, air + post 300 + 100; a 31 kg
    commodity that no lane prices: inf on both."""
    frame = one_kilo_orders(2)
    frame.loc[1, "weight_kg"] = "31"
    s = first_stages(two_lanes, frame)
    ids = np.arange(len(s.routes))
    cost = route_costs(s.routes, ids, s.com.allowed, s.com.price)
    net = two_lanes.compiled
    names = ["+".join(x.id for x in s.routes.services(net, r)) for r in ids]
    light, heavy = s.com.of_order.tolist()
    assert dict(zip(names, cost[:, light].tolist(), strict=True)) == {
        "lanes-rail+post-es": 200.0,
        "lanes-air+post-es": 400.0,
    }
    assert np.isinf(cost[:, heavy]).all()


def _routes(signature: list[int], days: list[float]) -> RouteSet:
    n = len(signature)
    return RouteSet(
        legs=np.full((n, MAX_LEGS), -1, dtype=np.int32),
        origin=np.array(["O"] * n, dtype=object),
        signature=np.array(signature, dtype=np.int64),
        capacitated=((),) * n,
        days=np.array(days),
    )


def test_per_signature_the_cheapest_and_the_fastest_open_route() -> None:
    """Routes 0-4 with signatures A A B C B, costs 200 300 250 500 (4 refused), days
    20 10 15 5 1. The two cheapest signatures are A (200) and B (250): A keeps its cheap
    route 0 and its fast route 1, B its route 2 (route 4 is faster but refused); C only
    with three signatures. A commodity every route refuses has no candidate."""
    routes = _routes([0, 0, 1, 2, 1], [20.0, 10.0, 15.0, 5.0, 1.0])
    cost = np.array([[200.0, 300.0, 250.0, 500.0, np.inf], [np.inf] * 5]).T
    ids = np.arange(5)
    commodity, route = select_routes(routes, ids, cost, max_signatures=2)
    assert sorted(zip(commodity.tolist(), route.tolist(), strict=True)) == [(0, 0), (0, 1), (0, 2)]
    commodity, route = select_routes(routes, ids, cost, max_signatures=3)
    assert sorted(route.tolist()) == [0, 1, 2, 3] and set(commodity.tolist()) == {0}
