"""The promise engine's steps: departures, transit, clearance, handling and delivery, each
moving probability mass (`routing.promise.mass`) from one leg to the next.

Departures and deliveries read the mass at a few boundaries (the next departures'
cut-offs, the buyer's midnights). Where arrival brings clearance, the mass goes onto the
hour grid and through the customs' working hours; for a few departures the outcome of
each is computed once and cached: every order that catches that departure reuses it.
"""

from __future__ import annotations

import numpy as np

from carriers.errors import NoFeasibleRoute
from routing.cache import Lru
from routing.promise.clock import advance
from routing.promise.departures import DepartureTable
from routing.promise.legs import Clearance, TimedLeg
from routing.promise.mass import (
    NEGLIGIBLE_MASS,
    ONE,
    Arrivals,
    Dist,
    Handling,
    Spikes,
    State,
    as_dist,
    convolve,
    cumulative,
    handled,
    increments,
)

# Up to this many departures, the outcome of each (transit and clearance on the hour grid)
# is computed once per departure instant and cached; beyond, the mixture is summed onto
# the grid first, which costs less than reading many outcomes.
_FEW_DEPARTURES = 3


# --- departures and deliveries: read the state at boundaries --------------------------------


def departures_between(leg: TimedLeg, first_minute: int, last_minute: int) -> np.ndarray:
    """The departures at/after first_minute, up to and including the first at/after the last."""
    try:
        return leg.departures.between(first_minute, last_minute)
    except NoFeasibleRoute:
        raise _no_departure(leg) from None


def _window(leg: TimedLeg, first_minute: int, last_minute: int) -> tuple[DepartureTable, int, int]:
    try:
        return leg.departures.window(first_minute, last_minute)
    except NoFeasibleRoute:
        raise _no_departure(leg) from None


def next_departure(leg: TimedLeg, minute: int) -> int:
    """The first departure at or after `minute` (no array work)."""
    try:
        return leg.departures.next_departure(minute)
    except NoFeasibleRoute:
        raise _no_departure(leg) from None


def _no_departure(leg: TimedLeg) -> NoFeasibleRoute:
    return NoFeasibleRoute(f"service {leg.service.id!r} has no departure for ten years")


def depart(leg: TimedLeg, state: State) -> Spikes:
    """Each parcel leaves with the first departure (cut-off instant) at or after it."""
    if isinstance(state, Spikes):
        table, lo, hi = _window(leg, int(state.minutes[0]), int(state.minutes[-1]))
        which = np.searchsorted(table.minutes[lo:hi], state.minutes, side="left")
        mass = np.bincount(which, weights=state.mass, minlength=hi - lo)
    else:
        table, lo, hi = _window(leg, state.first * 60, state.last * 60)
        mass = increments(state.below(table.floor_hours[lo:hi]))
    return _departing(table, lo, hi, mass)


def _departing(table: DepartureTable, lo: int, hi: int, mass: np.ndarray) -> Spikes:
    """The departures lo:hi of a table that carry more than negligible mass."""
    used = (mass > NEGLIGIBLE_MASS).nonzero()[0]
    if len(used) == len(mass):
        return Spikes(table.minutes[lo:hi], mass, table.ceil_hours[lo:hi])
    return Spikes(table.minutes[lo:hi][used], mass[used], table.ceil_hours[lo:hi][used])


def step(leg: TimedLeg, following: TimedLeg, departed: Spikes) -> Spikes:
    """depart(following, arrive(leg, following, departed)), the same arithmetic, with the
    usual case done in one go: the transit alone (no clearance; the next leg's handling
    applied to the boundaries) read at the next departures by one gather."""
    if leg.clear_after is not None or following.clear_before is not None:
        return depart(following, arrive(leg, following, departed))
    h, hours = leg.transit, departed.ceil_hours()
    first, last = int(hours[0]) + h.offset, int(hours[-1]) + h.offset + len(h.p) - 1
    handling = _handling(following, first, last)
    if handling is not None:
        first = handling.table.done(first, handling.hours)
        last = handling.table.done(last, handling.hours)
    table, lo, hi = _window(following, first * 60, last * 60)
    if len(hours) * (hi - lo) > 16 * (int(hours[-1] - hours[0]) + len(h.p) - 1):
        return depart(following, arrive(leg, following, departed))  # (the grid is cheaper)
    boundaries = table.floor_hours[lo:hi]
    if handling is not None:
        boundaries = handling.table.latest(boundaries, handling.hours)
    ready = h.ready_cdf.take(boundaries[:, None] - hours, mode="clip") @ departed.mass
    return _departing(table, lo, hi, increments(ready))


def deliver(leg: TimedLeg, state: Dist | Arrivals) -> tuple[int, np.ndarray]:
    """Local delivery dates (first day number, probabilities): an arrival on a day the
    last mile does not deliver waits for the next delivery day."""
    assert leg.delivery is not None and leg.zone_tz is not None
    tz = leg.zone_tz
    first = tz.day_of(state.first * 60 - 1)
    n = tz.day_of(state.last * 60 - 1) - first + 1
    mass = increments(state.below(tz.midnight_hours(first + 1, n)))  # by each day's end
    delivered = leg.delivery.next_working_range(first, n)
    pmf = np.bincount(delivered - delivered[0], weights=mass)
    return int(delivered[0]), pmf / pmf.sum()


# --- arrival: transit, then clearance and handling on the hour grid ------------------------


def arrive(leg: TimedLeg, following: TimedLeg | None, departed: Spikes) -> Arrivals:
    """The leg's transit from each departure, then what happens on arrival: the leg's
    import clearance, the next leg's clearance (on the hour grid) and its handling (kept
    unapplied until the next step reads the arrivals)."""
    hours, mass = departed.ceil_hours(), departed.mass
    arrivals = Arrivals(hours, mass, leg.transit)
    if leg.clear_after is not None or (following and following.clear_before is not None):
        if len(hours) <= _FEW_DEPARTURES:
            outcomes = tuple(outcome(leg, following, int(h)) for h in hours)
            arrivals = Arrivals(hours, mass, None, outcomes)
        else:
            d = _clearances(leg, following, arrivals.dist())  # summed on the grid: one outcome
            arrivals = Arrivals(hours[:1], ONE, None, ((d.h0, cumulative(d.p)),))
    handling = _handling(following, arrivals.first, arrivals.last)
    if handling is None:
        return arrivals
    return Arrivals(arrivals.hours, arrivals.mass, arrivals.transit, arrivals.outcomes, handling)


def _handling(following: TimedLeg | None, first: int, last: int) -> Handling | None:
    """The next leg's handling of what arrives in hours first .. last, if it has any."""
    if following is None or not following.handling_min:
        return None
    work_hours = -(-following.handling_min // 60)
    return Handling(following.handling_clock.cover(first, last, work_hours), work_hours)


_OUTCOMES: Lru[tuple[int, np.ndarray]] = Lru(2048, results=True)  # ~16 kB each


def outcome(leg: TimedLeg, following: TimedLeg | None, hour: int) -> tuple[int, np.ndarray]:
    """Ready time at the next node, after clearance, of a parcel departing at `hour`:
    (first hour, cumulative mass). Cached per (route prefix, departure): every order and
    route catching it shares the work."""
    key = (leg.prefix, clearance_key(following), hour)
    found = _OUTCOMES.get(key)
    if found is None:
        d = _clearances(leg, following, Dist(hour + leg.transit.offset, leg.transit.p))
        cum = cumulative(d.p)  # cum[i]: mass up to hour h0 + i - 1
        cum.setflags(write=False)
        found = (d.h0, cum)
        _OUTCOMES.put(key, found)
    return found


def clearance_key(following: TimedLeg | None) -> tuple[object, ...] | None:
    """What of the next leg an arrival's clearance depends on: its clearance before it
    departs (calendar, place, duration), which last miles of one country often share."""
    c = None if following is None else following.clear_before
    return None if c is None else (c.calendar, c.tz, c.histogram)


def arrival_key(following: TimedLeg | None) -> tuple[object, ...]:
    """What of the next leg `arrive` depends on: its clearance and its handling."""
    if following is None or not following.handling_min:
        return (clearance_key(following),)
    return (clearance_key(following), following.handling, following.from_tz, following.handling_min)


def _clearances(leg: TimedLeg, following: TimedLeg | None, d: Dist) -> Dist:
    if leg.clear_after is not None:
        d = clear(leg.clear_after, d)
    if following is not None and following.clear_before is not None:
        d = clear(following.clear_before, d)
    return d


def handle(leg: TimedLeg, state: State) -> Spikes | Dist:
    """Handling: a fixed number of the from-node's working hours."""
    if isinstance(state, Spikes):
        if len(state.minutes) == 1:
            done = leg.minute_clock.advance(int(state.minutes[0]), leg.handling_min)
            return Spikes(np.array([done], dtype=np.int64), state.mass)
        minutes = advance(leg.handling, leg.from_tz, state.minutes, leg.handling_min)
        return Spikes(minutes, state.mass)
    d = as_dist(state)
    hours = -(-leg.handling_min // 60)
    return handled(d, Handling(leg.handling_clock.cover(d.first, d.last, hours), hours))


def clear(c: Clearance, state: State) -> Dist:
    """Import clearance: a random duration in the customs' working hours, mapped back."""
    d = as_dist(state)
    h = c.histogram
    clock = c.clock.cover(d.first, d.last, h.offset + len(h.p))
    worked = clock.cum[d.first - clock.start : d.last + 1 - clock.start]  # by each hour's end
    w0 = int(worked[0])
    out = convolve(np.bincount(worked - w0, weights=d.p), h, clip=False)  # out[0] == 0
    keep = (out > NEGLIGIBLE_MASS).nonzero()[0]  # (FFT noise below 0 is left out here)
    ends = clock.work.take(keep + (w0 + h.offset - 1))  # the hours completing them
    e0 = int(ends[0])
    p = np.zeros(int(ends[-1]) - e0 + 1)
    p[ends - e0] = out[keep]
    return Dist(e0 + clock.start, p)
