"""routing/promise/departures.py: the instants a service leaves a node (its local cut-off
on the days its calendar and weekly schedule allow), tabulated by local year."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import numpy as np

from routing.calendar import WorkCalendar, day_number, time_zone, utc_minutes
from routing.network import load_network, routes_from
from routing.promise import default_settings
from routing.promise.departures import Departures, departures_of
from routing.promise.grid import departures_between
from routing.promise.legs import compile_route

DEFAULT = load_network()
DEFAULT_ROUTES = [r for o in DEFAULT.origins for r in routes_from(DEFAULT, o)][::5]
SHANGHAI, MADRID = time_zone("Asia/Shanghai"), time_zone("Europe/Madrid")
DAILY = (True,) * 7
NOON, SIX_PM = 12 * 60, 18 * 60


def at(*args: int, tz: str = "UTC") -> int:
    """UTC minutes of a wall-clock time in a zone."""
    return utc_minutes(datetime(*args, tzinfo=UTC if tz == "UTC" else ZoneInfo(tz)))


def test_departure_tables_list_every_departure() -> None:
    """A service's departures between two instants are exactly its cut-off instants on the
    days it runs, whatever was asked of its table before (years back and forth)."""
    legs = compile_route(DEFAULT_ROUTES[0], DEFAULT, default_settings())
    for leg in legs:
        first_day = day_number(date(2025, 6, 1))
        truth = leg.departures.on_days(first_day, 3 * 365)
        n = len(truth)
        for a, b in ((n // 2, n * 2 // 3), (1, n // 10), (n - 30, n - 2), (0, 3), (n // 3,) * 2):
            found = departures_between(leg, int(truth[a]) - 1, int(truth[b]))
            assert np.array_equal(found, truth[a : b + 1])
            assert np.array_equal(departures_between(leg, int(truth[a]), int(truth[b]) - 1), found)


def test_a_weekly_schedule_leaves_on_its_weekdays_at_the_local_cutoff() -> None:
    """Mon, Wed, Fri, Sat at 12:00 Shanghai (04:00 UTC), in the week of Mon 2026-03-02;
    the airport works every day, so only the schedule narrows the days."""
    weekdays = (True, False, True, False, True, True, False)
    flights = Departures(WorkCalendar("CN", "airport", weekends=True), weekdays, NOON, SHANGHAI)
    found = flights.on_days(day_number(date(2026, 3, 2)), 7)
    assert list(found) == [at(2026, 3, d, 4) for d in (2, 4, 6, 7)]


def test_a_daily_service_leaves_on_its_calendars_working_days_only() -> None:
    """A daily 18:00 feeder on a Chinese working-day calendar: none on the New Year day off
    Fri 2026-02-20 or on Sunday 02-22, one on the make-up working Saturday 02-28."""
    feeder = Departures(WorkCalendar("CN", "warehouse"), DAILY, SIX_PM, SHANGHAI)
    days = SHANGHAI.local_day(feeder.on_days(day_number(date(2026, 2, 20)), 9))
    expected = [date(2026, 2, d) for d in (24, 25, 26, 27, 28)]
    assert list(days) == [day_number(d) for d in expected]


def test_the_cutoff_stays_local_across_daylight_saving() -> None:
    """Madrid's 18:00 is 17:00 UTC on Friday 2026-03-27 and 16:00 UTC on Monday 03-30,
    after the clocks went forward on Sunday 03-29."""
    post = Departures(WorkCalendar("ES", "hub"), DAILY, SIX_PM, MADRID)
    found = post.on_days(day_number(date(2026, 3, 27)), 4)
    assert list(found) == [at(2026, 3, 27, 17), at(2026, 3, 30, 16)]


def test_the_next_departure_is_at_or_after_the_instant() -> None:
    """A parcel ready at the cut-off instant makes it; a minute later it waits for the next
    (Mon 2026-03-02 18:00 Madrid, then Tue 18:00), from whichever year the table covers."""
    post = Departures(WorkCalendar("ES", "hub"), DAILY, SIX_PM, MADRID)
    monday, tuesday = at(2026, 3, 2, 18, tz="Europe/Madrid"), at(2026, 3, 3, 18, tz="Europe/Madrid")
    assert post.next_departure(at(2033, 3, 2)) > monday  # the table moves years ahead first
    assert post.next_departure(monday) == monday
    assert post.next_departure(monday + 1) == tuesday
    assert list(post.between(monday + 1, tuesday)) == [tuesday]
    assert list(post.between(monday, tuesday + 1)) == [monday, tuesday, tuesday + 24 * 60]


def test_routes_using_a_service_from_a_node_share_its_table() -> None:
    """The same calendar, weekdays, cut-off and zone give the same table; another cut-off
    another one."""
    calendar = WorkCalendar("ES", "hub")
    a = departures_of(calendar, DAILY, SIX_PM, MADRID)
    assert departures_of(WorkCalendar("ES", "hub"), DAILY, SIX_PM, MADRID) is a
    assert departures_of(calendar, DAILY, NOON, MADRID) is not a
    assert np.array_equal(a.on_days(day_number(date(2026, 3, 2)), 1), [at(2026, 3, 2, 17)])


def test_what_was_tabulated_before_never_changes_the_next_departure() -> None:
    """A table built for 2026 is not stretched over two centuries to answer 2200 (which
    took minutes): a fresh table starts there, and answers as a fresh service does."""
    weekly = (True, False, False, True, False, False, False)
    used = Departures(WorkCalendar("CN", "seaport"), weekly, NOON, SHANGHAI)
    fresh = Departures(WorkCalendar("CN", "seaport"), weekly, NOON, SHANGHAI)
    used.next_departure(at(2026, 6, 1))
    far = at(2200, 3, 2)
    assert used.next_departure(far) == fresh.next_departure(far)
    assert used.table.years == (2200, 2200)


def test_a_year_without_departures_is_an_empty_table_not_an_error() -> None:
    """A calendar closed all year gives no instants for it (numpy used to refuse the
    empty conversion)."""
    closed = Departures(WorkCalendar("ES", "hub"), (False,) * 7, NOON, MADRID)
    first = day_number(date(2026, 1, 1))
    assert closed.on_days(first, 365).size == 0
