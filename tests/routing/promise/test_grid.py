"""routing/promise/grid.py: the promise engine's steps (departure, transit and arrival,
clearance, handling, delivery), each checked on a hand-worked case and against the same
step done another way."""

from __future__ import annotations

from datetime import date, datetime
from itertools import pairwise
from zoneinfo import ZoneInfo

import numpy as np

from routing.calendar import day_date, day_number, utc_minutes
from routing.network import Network, Route, load_network, routes_from
from routing.promise import default_settings
from routing.promise.grid import (
    arrive,
    clear,
    deliver,
    depart,
    departures_between,
    handle,
    next_departure,
    outcome,
    step,
)
from routing.promise.legs import TimedLeg, compile_route
from routing.promise.mass import ONE, Arrivals, Dist, Spikes
from tests.helpers import DATA

WEEKLY = load_network(DATA / "promise_weekly")
WORLD = load_network(DATA / "promise_world")
DEFAULT = load_network()
DEFAULT_ROUTES = [r for o in DEFAULT.origins for r in routes_from(DEFAULT, o)][::25]


def route(network: Network, *ids: str) -> Route:
    return tuple(network.service_by_id[i] for i in ids)


def legs_of(network: Network, *ids: str) -> tuple[TimedLeg, ...]:
    return compile_route(route(network, *ids), network, default_settings())


def at(*args: int, tz: str = "UTC") -> int:
    """UTC minutes of a wall-clock time in a zone."""
    return utc_minutes(datetime(*args, tzinfo=ZoneInfo(tz)))


def spikes(*minutes_and_mass: tuple[int, float]) -> Spikes:
    minutes, mass = zip(*minutes_and_mass, strict=True)
    return Spikes(np.array(minutes, dtype=np.int64), np.array(mass))


FEEDER = legs_of(WEEKLY, "feeder-yiw-pvg", "air-pvg-mad", "postal-es")[0]  # daily 23:00, Mon-Fri


def test_a_parcel_leaves_with_the_first_departure_at_or_after_it() -> None:
    """Ready Thu 2026-03-05 at 22:30 (0.5) or at 23:00 sharp (0.2), parcels leave with
    Thursday's 23:00 feeder; at 23:30 (0.3) with Friday's; ready on Saturday, Monday's."""
    thursday = at(2026, 3, 5, 23, tz="Asia/Shanghai")
    friday = at(2026, 3, 6, 23, tz="Asia/Shanghai")
    left = depart(FEEDER, spikes((thursday - 30, 0.5), (thursday, 0.2), (thursday + 30, 0.3)))
    assert list(left.minutes) == [thursday, friday]
    np.testing.assert_allclose(left.mass, [0.7, 0.3])
    saturday = depart(FEEDER, spikes((at(2026, 3, 7, 9, tz="Asia/Shanghai"), 1.0)))
    assert list(saturday.minutes) == [at(2026, 3, 9, 23, tz="Asia/Shanghai")]
    assert next_departure(FEEDER, thursday + 1) == friday
    assert list(departures_between(FEEDER, thursday, friday)) == [thursday, friday]


def test_mass_on_the_hour_grid_leaves_from_the_hour_it_is_ready_by() -> None:
    """The hour ending at 23:00 Shanghai (15:00 UTC) is ready for Thursday's 23:00 feeder,
    the hour after it waits for Friday's: 0.6 and 0.4 leave a day apart."""
    thursday = at(2026, 3, 5, 23, tz="Asia/Shanghai")
    left = depart(FEEDER, Dist(thursday // 60, np.array([0.6, 0.4])))
    assert list(left.minutes) == [thursday, at(2026, 3, 6, 23, tz="Asia/Shanghai")]
    np.testing.assert_allclose(left.mass, [0.6, 0.4])


def test_one_step_is_a_transit_then_the_next_departure() -> None:
    """`step` (a transit read at the next leg's departures, its handling applied to them)
    gives the same departures as arriving on the grid and departing from there, for every
    pair of legs without clearance between them, on routes of the default world."""
    checked = 0
    for r in DEFAULT_ROUTES:
        legs = compile_route(r, DEFAULT, default_settings())
        departed = depart(legs[0], spikes((at(2026, 3, 20, 8), 1.0)))
        for leg, following in pairwise(legs):
            stepped = step(leg, following, departed)
            grid = depart(following, arrive(leg, following, departed))
            if leg.clear_after is None and following.clear_before is None:
                assert np.array_equal(stepped.minutes, grid.minutes)
                assert np.max(np.abs(stepped.mass - grid.mass)) < 1e-12
                checked += 1
            departed = grid
    assert checked >= 20


def test_handling_takes_working_time_of_the_from_node() -> None:
    """One working day at Shenzhen from Fri 2026-03-06 10:00 ends Mon 03-09 10:00, from
    16:00 at 16:00; from Saturday it starts Monday 00:00 and ends Tuesday 00:00. For one
    parcel (to the minute) or several at once; on the hour grid the mass moves whole."""
    feeder = legs_of(WORLD, "feeder-szx-pvg", "air-pvg-mad", "postal-es")[0]
    friday = at(2026, 3, 6, 10, tz="Asia/Shanghai")
    monday = at(2026, 3, 9, 10, tz="Asia/Shanghai")
    one = handle(feeder, spikes((friday, 1.0)))
    assert isinstance(one, Spikes) and list(one.minutes) == [monday]
    several = handle(feeder, spikes((friday, 0.2), (friday + 360, 0.3), (friday + 1440, 0.5)))
    assert isinstance(several, Spikes)
    assert list(several.minutes) == [monday, monday + 360, at(2026, 3, 10, tz="Asia/Shanghai")]
    grid = handle(feeder, Dist(friday // 60, np.array([0.3, 0.7])))
    assert isinstance(grid, Dist) and grid.h0 == monday // 60
    np.testing.assert_allclose(grid.p, [0.3, 0.7])


def test_clearance_ends_in_customs_working_hours_only() -> None:
    """Parcels landing in Madrid on Friday 2026-04-03 (Good Friday) clear in Spanish customs
    working time: all mass is kept, none completes on the holiday or the weekend after."""
    air = legs_of(WORLD, "feeder-yiw-pvg", "air-pvg-mad", "courier-es")[1]
    assert air.clear_after is not None
    landed = at(2026, 4, 3, 9, tz="Europe/Madrid")
    cleared = clear(air.clear_after, spikes((landed, 1.0)))
    assert abs(cleared.p.sum() - 1) < 1e-9
    hours = cleared.h0 + np.flatnonzero(cleared.p > 1e-12)
    days = set(air.clear_after.tz.local_day(hours * 60 - 1).tolist())  # (h holds (h - 1, h])
    assert min(days) >= day_number(date(2026, 4, 6))
    assert all(air.clear_after.calendar.works(day_date(d)) for d in days)


def test_clearance_per_departure_or_summed_on_the_grid_agree() -> None:
    """With a few departures (two) each is cleared on its own, and cached; with more (four)
    they are summed on the grid first and cleared once: either way the parcels are ready
    at the hours of clearing the summed transits (to 1e-12)."""
    _, air, courier = legs_of(WORLD, "feeder-yiw-pvg", "air-pvg-mad", "courier-es")
    assert air.clear_after is not None
    flights = air.departures.between(at(2026, 3, 2), at(2026, 3, 9))[:4]  # Mon Wed Fri Sat
    for n, outcomes in ((2, 2), (4, 1)):
        departed = Spikes(flights[:n], np.full(n, 1 / n))
        arrivals = arrive(air, courier, departed)
        assert arrivals.transit is None and len(arrivals.outcomes) == outcomes
        summed = clear(air.clear_after, Arrivals(departed.ceil_hours(), departed.mass, air.transit))
        hours = np.arange(summed.first - 5, summed.last + 5)
        assert np.max(np.abs(arrivals.below(hours) - summed.below(hours))) < 1e-12
    first = int(flights[0] + 59) // 60
    assert outcome(air, courier, first) is outcome(air, courier, first)


def test_a_day_without_delivery_waits_for_the_next_delivery_day() -> None:
    """Ready Saturday 2026-03-07 in Madrid, the post (no weekend rounds) delivers on Monday
    03-09, the weekend courier on the Saturday itself. Leaving Friday 04:00 on the post's
    "exactly" two-day transit, a parcel is ready on Sunday: delivered on Monday too."""
    saturday = at(2026, 3, 7, 10, tz="Europe/Madrid") // 60
    monday = day_number(date(2026, 3, 9))
    ready = Dist(saturday, np.array([1.0]))
    post = legs_of(WEEKLY, "feeder-yiw-pvg", "air-pvg-mad", "postal-es")[-1]
    courier = legs_of(WEEKLY, "feeder-yiw-pvg", "air-pvg-mad", "courier-es")[-1]
    assert deliver(post, ready) == (monday, [1.0])
    assert deliver(courier, ready) == (day_number(date(2026, 3, 7)), [1.0])
    friday = np.array([saturday - 30])
    assert deliver(post, Arrivals(friday, ONE, post.transit)) == (monday, [1.0])
