"""routing/plan/timeline.py: the departures a commodity can take on a route (the first the
parcels reach, then up to `max_departures` weekly ones within the horizon) with the
buyer's P50/P90 dates from each, on the two-lane world's Tuesday line-hauls (cut-off
12:00 in Yiwu)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from routing.calendar import day_date, day_number
from routing.network import Network
from routing.plan.routes import enumerate_routes
from routing.plan.timeline import Departure, Timeline

END_OF_MONDAY = int(datetime(2026, 11, 9, 15, 59, tzinfo=UTC).timestamp() // 60)  # 23:59 Yiwu
NO_LIMIT = day_number(date(2027, 1, 1))


@pytest.fixture(scope="module")
def routes(two_lanes: Network) -> dict[str, tuple]:
    """Each route's services and capacitated legs, by its services' ids."""
    net = two_lanes.compiled
    found = enumerate_routes(two_lanes, ["CN-YIW-WH", "ES-MAD-HUB"])
    return {
        "+".join(s.id for s in found.services(net, r)): (
            found.services(net, r),
            found.capacitated[r],
        )
        for r in range(len(found))
    }


def _departures(network: Network, route: tuple, ready: int, last: int, most: int = 3):
    return Timeline(network, 0.9, most).departures(*route, ready, last)


def test_ready_on_monday_the_first_departure_is_tuesdays(two_lanes: Network, routes) -> None:
    """Ready at the end of Monday 9 November: the Tuesday 10, 17 and 24 November
    departures, each loading its own rail departure (leg 0, that day)."""
    found = _departures(two_lanes, routes["lanes-rail+post-es"], END_OF_MONDAY, NO_LIMIT)
    days = [date(2026, 11, 10), date(2026, 11, 17), date(2026, 11, 24)]
    assert [day_date(d.day) for d in found] == days
    assert [d.rows for d in found] == [((0, day_number(x)),) for x in days]


def test_a_departure_a_week_later_arrives_a_week_later(two_lanes: Network, routes) -> None:
    """The same route from the next Tuesday: P50 and P90 seven days later; air arrives
    before rail from the same departure."""
    for name in ("lanes-rail+post-es", "lanes-air+post-es"):
        first, second = _departures(two_lanes, routes[name], END_OF_MONDAY, NO_LIMIT, 2)
        assert (second.p50 - first.p50, second.p90 - first.p90) == (7, 7)
        assert first.day <= first.p50 <= first.p90
    rail = _departures(two_lanes, routes["lanes-rail+post-es"], END_OF_MONDAY, NO_LIMIT)[0]
    air = _departures(two_lanes, routes["lanes-air+post-es"], END_OF_MONDAY, NO_LIMIT)[0]
    assert air.p90 < rail.p90 and air.p50 < rail.p50


def test_the_horizon_and_max_departures_cut_the_options(two_lanes: Network, routes) -> None:
    """A horizon ending Sunday 15 November leaves only the 10 November departure; one
    departure asked for, one given."""
    rail = routes["lanes-rail+post-es"]
    sunday = day_number(date(2026, 11, 15))
    assert [day_date(d.day) for d in _departures(two_lanes, rail, END_OF_MONDAY, sunday)] == [
        date(2026, 11, 10)
    ]
    assert len(_departures(two_lanes, rail, END_OF_MONDAY, NO_LIMIT, most=1)) == 1


def test_ready_after_tuesdays_cutoff_waits_a_week(two_lanes: Network, routes) -> None:
    """Ready at the end of Tuesday 10 November (after its 12:00 cut-off): the first
    departure is Tuesday 17 November: Monday's second and third options come first."""
    rail = routes["lanes-rail+post-es"]
    monday = _departures(two_lanes, rail, END_OF_MONDAY, NO_LIMIT)
    tuesday = _departures(two_lanes, rail, END_OF_MONDAY + 1440, NO_LIMIT)
    assert day_date(tuesday[0].day) == date(2026, 11, 17)
    assert [(d.day, d.rows) for d in tuesday[:2]] == [(d.day, d.rows) for d in monday[1:]]


def test_a_route_without_capacity_has_one_departure_and_no_rows(two_lanes: Network, routes) -> None:
    """The post alone from the Madrid hub: one option, loading no capacity row."""
    found = _departures(two_lanes, routes["post-es"], END_OF_MONDAY, NO_LIMIT)
    assert len(found) == 1 and isinstance(found[0], Departure)
    assert found[0].rows == () and found[0].day <= found[0].p50 <= found[0].p90
