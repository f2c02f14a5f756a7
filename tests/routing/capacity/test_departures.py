"""routing/capacity/departures.py: the departure an order takes on a capacitated leg is
the one its parcels reach with 90 % probability, as the planner plans it."""

from __future__ import annotations

from datetime import UTC, date, datetime

from routing.capacity.departures import planned_departures
from routing.network import load_network
from tests.api.live import TINY

ROUTE = ("feeder-yiw-pvg", "skyline-pvg-mad", "lastmile-es-courier")


def test_the_line_haul_departure_follows_the_feeder_and_the_cutoff() -> None:
    """The air leg leaves on Tuesdays and Fridays at 18:00 Shanghai time: an order placed
    on Thursday morning reaches the hub too late for Friday's with 90 % probability, so
    Tuesday's; an order placed the Tuesday before makes Friday's. The same first
    departure gives the same answer (it is shared)."""
    network = load_network(TINY)
    services = {s.id: s for s in network.compiled.services}
    route = tuple(services[s] for s in ROUTE)
    thursday = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)
    assert planned_departures(route, thursday, network, (1,)) == ((1, date(2026, 12, 1)),)
    tuesday = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
    assert planned_departures(route, tuesday, network, (1,)) == ((1, date(2026, 11, 27)),)
    assert planned_departures(route, thursday, network, ()) == ()
    both = planned_departures(route, thursday, network, (0, 1))
    assert [i for i, _ in both] == [0, 1] and both[0][1] <= both[1][1]
