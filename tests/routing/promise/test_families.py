"""routing/promise/families.py: route families (what a buyer chooses between at checkout),
the candidate routes of a destination, and the route promised per family."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from carriers.errors import NoFeasibleRoute
from carriers.model import Restrictions
from routing.network import Network, Route, load_network, routes_from
from routing.orders import Parcel
from routing.promise import (
    RouteFamily,
    best_per_family,
    candidate_routes,
    promise_all,
    route_family,
)
from routing.promise.families import STANDARD_PARCEL, fits, line_haul
from tests.helpers import DATA

WORLD = load_network(DATA / "promise_world")
WORLD_ROUTES = [r for o in WORLD.origins for r in routes_from(WORLD, o)]
SHANGHAI = ZoneInfo("Asia/Shanghai")


def route(network: Network, *ids: str) -> Route:
    return tuple(network.service_by_id[i] for i in ids)


def ids(routes: list[Route]) -> list[tuple[str, ...]]:
    return sorted(tuple(s.id for s in r) for r in routes)


def test_route_families() -> None:
    """Line-haul mode names the family; air splits by who delivers the last mile."""
    expected = {
        ("feeder-yiw-pvg", "air-pvg-mad", "postal-es"): RouteFamily.AIR_POSTAL,
        ("feeder-yiw-pvg", "air-pvg-mad", "courier-es"): RouteFamily.AIR_COURIER,
        ("feeder-yiw-pvg", "airpost-pvg-mad", "courier-es"): RouteFamily.AIR_COURIER,
        ("feeder-yiw-rail", "rail-yiw-mad", "postal-es"): RouteFamily.RAIL,
        ("feeder-yiw-ngb", "sea-ngb-mad", "courier-cnr"): RouteFamily.SEA,
        ("postal-br-direct",): RouteFamily.AIR_POSTAL,
        ("courier-br-direct",): RouteFamily.AIR_COURIER,
    }
    for ids, family in expected.items():
        assert route_family(route(WORLD, *ids), WORLD.nodes) is family


def test_best_per_family_has_the_earliest_p90() -> None:
    """Per family the chosen route's P90 is no later than any other route of the family."""
    t = datetime(2026, 6, 2, 9, 0, tzinfo=SHANGHAI)
    everything = promise_all(WORLD_ROUTES, t, WORLD)
    best = best_per_family(everything)
    assert len({b.family for b in best}) == len(best)
    for b in best:
        assert all(b.promise.p90 <= p.promise.p90 for p in everything if p.family is b.family)


def test_the_line_haul_is_the_longest_leg() -> None:
    """Yiwu -> Shanghai is ~250 km, Shanghai -> Madrid ~10,000 km, Madrid -> its own zone 0:
    the flight is the line haul, whichever end of the route it sits at."""
    air = route(WORLD, "feeder-yiw-pvg", "air-pvg-mad", "postal-es")
    assert line_haul(air, WORLD.nodes).id == "air-pvg-mad"
    assert line_haul(route(WORLD, "cbec-mad-cn"), WORLD.nodes).id == "cbec-mad-cn"


def test_a_parcel_fits_up_to_each_limit_inclusive() -> None:
    """The standard parcel (1 kg, 30 x 20 x 10 cm) fits limits of exactly 1 kg, a 30 cm side
    and 60 cm of sides, and no limit a hair below any of them."""
    service = WORLD.service_by_id["postal-es"]

    def limited(**limits: float) -> bool:
        return fits(dataclasses.replace(service, restrictions=Restrictions(**limits)), parcel)

    parcel = STANDARD_PARCEL
    assert fits(service, parcel)  # no limits at all
    assert limited(max_weight_kg=1.0, max_side_cm=30.0, max_sum_sides_cm=60.0)
    assert not limited(max_weight_kg=0.99)
    assert not limited(max_side_cm=29.9)
    assert not limited(max_sum_sides_cm=59.9)


def test_candidates_are_the_routes_whose_last_mile_covers_the_address() -> None:
    """From Yiwu, Madrid 28013 is served by the peninsula's post and courier over the four
    line hauls, Las Palmas 35001 only by the Canary courier; Brazil by the direct post."""
    peninsula = candidate_routes(WORLD, "CN-YIW-WH", "ES", "28013")
    assert len(peninsula) == 8
    assert {r[-1].id for r in peninsula} == {"postal-es", "courier-es"}
    assert {r[1].id for r in peninsula} == {
        "air-pvg-mad",
        "airpost-pvg-mad",
        "sea-ngb-mad",
        "rail-yiw-mad",
    }
    canary = candidate_routes(WORLD, "CN-YIW-WH", "ES", "35001")
    assert len(canary) == 4 and {r[-1].id for r in canary} == {"courier-cnr"}
    assert ids(candidate_routes(WORLD, "CN-YIW-WH", "BR", "01310")) == [("postal-br-direct",)]


def test_candidates_leave_out_services_the_parcel_exceeds() -> None:
    """In the default world a 5 kg parcel from Madrid cannot take Correos' 2 kg small
    packet, which the standard 1 kg parcel can."""
    default = load_network()
    standard = ids(candidate_routes(default, "ES-MAD-HUB", "ES", "28013"))
    heavy = ids(candidate_routes(default, "ES-MAD-HUB", "ES", "28013", Parcel(5.0, 30, 20, 10)))
    assert ("correos-es-paq-ligero",) in standard
    assert heavy == [r for r in standard if r != ("correos-es-paq-ligero",)]


def test_no_candidate_is_a_no_feasible_route() -> None:
    """An address no last mile from the origin covers is NoFeasibleRoute naming both."""
    with pytest.raises(NoFeasibleRoute, match=r"CN-YIW-WH delivers .* to US:10001"):
        candidate_routes(WORLD, "CN-YIW-WH", "US", "10001")


def test_promises_come_earliest_p90_first_with_their_family() -> None:
    """promise_all ranks by P90; each entry's family is its route's, and its JSON names the
    route's services, its carriers once each, and the promise's dates."""
    t = datetime(2026, 6, 2, 9, 0, tzinfo=SHANGHAI)
    everything = promise_all(candidate_routes(WORLD, "CN-YIW-WH", "ES", "28013"), t, WORLD)
    p90s = [p.promise.p90 for p in everything]
    assert p90s == sorted(p90s)
    for p in everything:
        assert p.family is route_family(p.route, WORLD.nodes)
        doc = p.as_dict()
        assert doc["family"] == p.family.value and doc["route"] == [s.id for s in p.route]
        assert doc["carriers"] == ["lastmile", "linehaul"]
        assert doc["p90"] == p.promise.p90.isoformat()


def test_best_per_family_lists_families_in_their_order() -> None:
    """One route per family, air postal before air courier, rail and sea, whatever order
    the promises came in."""
    t = datetime(2026, 6, 2, 9, 0, tzinfo=SHANGHAI)
    everything = promise_all(WORLD_ROUTES, t, WORLD)
    best = best_per_family(reversed(everything))
    assert [b.family for b in best] == [
        RouteFamily.AIR_POSTAL,
        RouteFamily.AIR_COURIER,
        RouteFamily.RAIL,
        RouteFamily.SEA,
    ]
