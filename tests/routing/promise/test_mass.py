"""routing/promise/mass.py: probability mass as exact spikes, on the hour grid, or as
departures x transit read at boundaries; the three shapes agree with each other and with
sums done term by term."""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import pairwise

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from carriers.model import TransitTime
from routing.calendar import WorkCalendar, time_zone, utc_minutes
from routing.network import load_network, routes_from
from routing.promise import default_settings
from routing.promise.clock import hour_clock
from routing.promise.grid import arrive, depart
from routing.promise.legs import TimedLeg, compile_route, hourly_histogram
from routing.promise.mass import (
    Arrivals,
    Dist,
    Handling,
    Spikes,
    as_dist,
    convolve,
    cumulative,
    handled,
    increments,
)

DEFAULT = load_network()
DEFAULT_ROUTES = [r for o in DEFAULT.origins for r in routes_from(DEFAULT, o)][::5]
MADRID_HUB = hour_clock(WorkCalendar("ES", "hub"), time_zone("Europe/Madrid"))


def hour(*args: int) -> int:
    """The UTC hour ending at a UTC date-time (hour h holds (h - 1, h])."""
    return utc_minutes(datetime(*args, tzinfo=UTC)) // 60


def term_by_term(hours: np.ndarray, mass: np.ndarray, t: TransitTime) -> Dist:
    """Departures x transit summed one departure at a time: the transit's histogram
    shifted to each departure, times its mass."""
    h = hourly_histogram(t)
    out = np.zeros(int(hours[-1] - hours[0]) + len(h.p))
    for d, m in zip(hours - hours[0], mass, strict=True):
        out[d : d + len(h.p)] += m * h.p
    return Dist(int(hours[0]) + h.offset, out)


def test_handling_is_read_at_the_boundaries() -> None:
    """The next leg's handling, kept unapplied on the arrivals and applied to the hours
    they are read at, gives the same mass as handling the mass on the hour grid (to 1e-12:
    the grid leaves out the transit's negligible ends)."""
    checked = 0
    for route in DEFAULT_ROUTES:
        legs = compile_route(route, DEFAULT, default_settings())
        for i, leg in enumerate(legs[1:], 1):
            if not leg.handling_min or legs[i - 1].clear_after or leg.clear_before:
                continue
            departed = _departures(legs, i - 1, datetime(2026, 3, 20, 8, 0, tzinfo=UTC))
            arrivals = arrive(legs[i - 1], leg, departed)
            assert arrivals.handling is not None
            hours = np.arange(arrivals.first - 48, arrivals.last + 48, 7)
            on_grid = arrivals.dist().below(hours)
            assert np.max(np.abs(arrivals.below(hours) - on_grid)) < 1e-12
            checked += 1
    assert checked >= 10


def _departures(legs: tuple[TimedLeg, ...], i: int, t: datetime) -> Spikes:
    departed = depart(legs[0], Spikes(np.array([utc_minutes(t)], dtype=np.int64), np.ones(1)))
    for leg, following in pairwise(legs[: i + 1]):
        departed = depart(following, arrive(leg, following, departed))
    return departed


def test_spikes_go_to_the_hour_they_round_up_to() -> None:
    """Mass at 10:00 sharp belongs to hour 10 ((9, 10]), at 10:01 to hour 11, at 12:00 to
    hour 12: as a distribution, 0.2, 0.3, 0.5 from hour 10."""
    spikes = Spikes(np.array([600, 601, 720]), np.array([0.2, 0.3, 0.5]))
    assert list(spikes.ceil_hours()) == [10, 11, 12]
    d = as_dist(spikes)
    assert d.h0 == 10 and list(d.p) == [0.2, 0.3, 0.5]
    assert (d.first, d.last) == (10, 12)


def test_a_distribution_is_read_as_the_mass_up_to_each_boundary() -> None:
    """0.2, 0.3, 0.5 in hours 10..12: nothing by hour 9, 0.2 by 10, 0.5 by 11, all by 12 and
    after (worked on paper)."""
    d = Dist(10, np.array([0.2, 0.3, 0.5]))
    np.testing.assert_allclose(d.below(np.array([8, 9, 10, 11, 12, 40])), [0, 0, 0.2, 0.5, 1, 1])


def test_outcomes_per_departure_are_mixed_by_the_departures_mass() -> None:
    """Departure A (0.4) is ready half in hour 100 and half in 101, departure B (0.6) all in
    hour 102: 0.2 by hour 100, 0.4 by 101, all by 102, as read at boundaries and as a
    distribution 0.2, 0.2, 0.6 from hour 100 (worked on paper)."""
    a, b = (100, cumulative(np.array([0.5, 0.5]))), (102, cumulative(np.array([1.0])))
    arrivals = Arrivals(np.array([90, 95]), np.array([0.4, 0.6]), None, (a, b))
    boundaries = np.array([99, 100, 101, 102, 110])
    np.testing.assert_allclose(arrivals.below(boundaries), [0, 0.2, 0.4, 1, 1], atol=1e-15)
    d = arrivals.dist()
    assert d.h0 == 100
    np.testing.assert_allclose(d.p, [0.2, 0.2, 0.6], atol=1e-15)
    assert (arrivals.first, arrivals.last) == (100, 102)


@settings(max_examples=60, deadline=None)
@given(
    hours=st.lists(st.integers(0, 3000), min_size=1, max_size=24, unique=True),
    weights=st.lists(st.floats(0.05, 1.0), min_size=24, max_size=24),
    min_days=st.floats(0.0, 3.0),
    spread_days=st.floats(0.1, 4.0),
    ratio=st.floats(1.2, 4.0),
    daily=st.booleans(),
)
def test_departures_times_transit_agree_in_every_shape(
    hours: list[int],
    weights: list[float],
    min_days: float,
    spread_days: float,
    ratio: float,
    daily: bool,
) -> None:
    """Departures (at any hours, or daily at 07:00) x transit read at a few boundaries (a
    gather), at every hour (through the grid), and as a distribution, all equal the transit
    from each departure summed term by term (to 1e-12: the grid drops masses under 1e-13)."""
    t = TransitTime(min_days, min_days + spread_days, min_days + spread_days * ratio)
    dep = np.unique(np.array(hours, dtype=np.int64) // 24 * 24 + 7 if daily else hours)
    mass = np.array(weights[: len(dep)])
    mass /= mass.sum()
    arrivals = Arrivals(dep, mass, hourly_histogram(t))
    truth = term_by_term(dep, mass, t)
    few = np.array([truth.first - 1, (truth.first + truth.last) // 2, truth.last + 5])
    every = np.arange(truth.first - 3, truth.last + 3)
    assert (arrivals.first, arrivals.last) == (truth.first, truth.last)
    assert np.max(np.abs(arrivals.below(few) - truth.below(few))) < 1e-12
    assert np.max(np.abs(arrivals.below(every) - truth.below(every))) < 1e-12
    assert np.max(np.abs(arrivals.dist().below(every) - truth.below(every))) < 1e-12


def test_handling_moves_mass_along_working_hours() -> None:
    """Eight working hours at a Madrid hub: what is ready by Friday 2026-03-06 20:00 (19:00
    UTC) is done by Monday 04:00 (03:00 UTC), what is ready on Saturday by Monday 08:00;
    the mass moves whole."""
    friday, saturday = hour(2026, 3, 6, 19), hour(2026, 3, 7, 9)
    p = np.zeros(saturday - friday + 1)
    p[[0, -1]] = [0.25, 0.75]
    table = MADRID_HUB.cover(friday, saturday, 8)
    done = handled(Dist(friday, p), Handling(table, 8))
    monday = hour(2026, 3, 9, 3)
    assert done.h0 == monday and list(done.p) == [0.25, 0, 0, 0, 0.75]


def test_long_convolutions_by_fft_equal_the_direct_sums() -> None:
    """Past the direct method's size the FFT gives the same sums to 1e-15 and, clipped,
    never a negative mass."""
    rng = np.random.default_rng(4)
    a = rng.random(600)
    h = hourly_histogram(TransitTime(2.0, 5.0, 9.0))
    assert len(a) * len(h.p) > 60_000  # (the FFT path)
    out = convolve(a, h)
    assert np.max(np.abs(out - np.convolve(a, h.p))) < 1e-15 * a.sum()
    assert out.min() >= 0


def test_cumulative_and_increments_undo_each_other() -> None:
    """The running sum starts at 0; its increments are the masses again."""
    p = np.array([0.1, 0.0, 0.6, 0.3])
    cum = cumulative(p)
    np.testing.assert_allclose(cum, [0, 0.1, 0.1, 0.7, 1.0])
    np.testing.assert_allclose(increments(cum[1:]), p, atol=1e-16)
