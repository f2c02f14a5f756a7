"""The promise engine's arithmetic: probability mass over time, moved leg by leg.

Instants are UTC minutes. The order time is exact; a departure is a spike of mass at its
cut-off instant. After a transit the mass lives on whole UTC hours: hour h holds what
happened in (h - 1, h] (durations round up to the hour, a conservative error under an
hour per leg). Three shapes of state:

- `Spikes`: mass at exact instants (the order, the departures a leg's parcels take);
- `Dist`: mass on consecutive hours (after a clearance or handling on the hour grid);
- `Arrivals`: departure spikes plus the leg's transit (and what follows on arrival:
  clearance, the next leg's handling), kept unsummed. The next step reads it only at a
  few boundaries (the next departures' cut-offs, the buyer's midnights), so a transit
  costs one gather of its cumulative histogram per spike and boundary. The next leg's
  handling is not applied to the mass but to the boundaries: what is handled by hour b
  is what had arrived by the last hour from which the handling ends by b. Where arrival
  brings clearance, the mass goes onto the hour grid (`promise_comb.spread`: daily
  departures make the sum of shifted transits a small matrix product) and through the
  customs' working hours; for a few departures the outcome of each is computed once and
  cached: every order that catches that departure reuses it.

Every step is exact on the grid: the same input gives the same dates, bit for bit. (A
different order of the same sums, such as a convolution by FFT instead of directly,
moves probabilities by ~1e-16 and never a date; tests/routing/test_promise.py holds the
engine to the direct sums.)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.fft import next_fast_len

from carriers.errors import NoFeasibleRoute
from routing.cache import Lru, cached
from routing.promise import comb as promise_comb
from routing.promise.clock import HourTable, advance
from routing.promise.departures import DepartureTable
from routing.promise.legs import Clearance, Histogram, TimedLeg

_ONE = np.ones(1)
_ONE.setflags(write=False)
# Probability mass below this is dropped between steps (it cannot move a percentile).
NEGLIGIBLE = 1e-13
_NEGLIGIBLE = np.array(NEGLIGIBLE)  # (numpy compares with a 0-d array faster than a float)
# Up to this many departures, the outcome of each (transit and clearance on the hour grid)
# is computed once per departure instant and cached; beyond, the mixture is summed onto
# the grid first, which costs less than reading many outcomes.
_FEW_DEPARTURES = 3


@dataclass(frozen=True)
class Spikes:
    """Probability mass at exact instants (UTC minutes, increasing)."""

    minutes: np.ndarray
    mass: np.ndarray
    hours: np.ndarray | None = None  # the instants rounded up to whole hours, when known

    def ceil_hours(self) -> np.ndarray:
        return (self.minutes + 59) // 60 if self.hours is None else self.hours


@dataclass(frozen=True)
class Dist:
    """Probability mass on whole UTC hours: p[i] for the hour (h0 + i - 1, h0 + i]."""

    h0: int
    p: np.ndarray

    @property
    def first(self) -> int:
        return self.h0

    @property
    def last(self) -> int:
        return self.h0 + len(self.p) - 1

    def below(self, boundaries: np.ndarray) -> np.ndarray:
        """Mass of the hours up to each boundary hour."""
        return cumulative(self.p).take(boundaries - (self.h0 - 1), mode="clip")


@dataclass(frozen=True)
class Handling:
    """The next leg's handling (`hours` working hours on `table`), kept unapplied: what is
    ready by hour b after it is what had arrived by `table.latest(b, hours)`."""

    table: HourTable
    hours: int


@dataclass(frozen=True, eq=False)
class Arrivals:
    """Where the parcels of one leg are ready for the next step, as departures x outcome."""

    hours: np.ndarray  # departure instants rounded up to the hour, increasing
    mass: np.ndarray
    transit: Histogram | None  # the outcome when it is the transit alone (a shift)
    # else per departure (h0, cum): cum[i] the mass ready by hour h0 + i - 1, cum[0] == 0
    outcomes: tuple[tuple[int, np.ndarray], ...] = ()
    handling: Handling | None = None  # then the next leg's handling

    @property
    def first(self) -> int:
        h = self.handling
        return self._first() if h is None else h.table.done(self._first(), h.hours)

    @property
    def last(self) -> int:
        h = self.handling
        return self._last() if h is None else h.table.done(self._last(), h.hours)

    def _first(self) -> int:
        if self.transit is not None:
            return int(self.hours[0]) + self.transit.offset
        return min(h0 for h0, _ in self.outcomes)

    def _last(self) -> int:
        if self.transit is not None:
            return int(self.hours[-1]) + self.transit.offset + len(self.transit.p) - 1
        return max(h0 + len(cum) - 2 for h0, cum in self.outcomes)

    def below(self, boundaries: np.ndarray) -> np.ndarray:
        """Mass ready by each boundary hour."""
        if self.handling is not None:
            boundaries = self.handling.table.latest(boundaries, self.handling.hours)
        if self.transit is None:
            if len(self.outcomes) == 1 and self.mass[0] == 1.0:
                h0, cum = self.outcomes[0]
                return cum.take(boundaries - (h0 - 1), mode="clip")
            total = np.zeros(len(boundaries))
            for m, (h0, cum) in zip(self.mass, self.outcomes, strict=True):
                total += m * cum.take(boundaries - (h0 - 1), mode="clip")
            return total
        h = self.transit
        hours = self.hours
        if len(hours) * len(boundaries) > 16 * (int(hours[-1] - hours[0]) + len(h.p) - 1):
            return self._dist().below(boundaries)
        # a departure in hour d is ready by hour b with probability ready_cdf[b - d]
        return h.ready_cdf.take(boundaries[:, None] - hours, mode="clip") @ self.mass

    def dist(self) -> Dist:
        d = self._dist()
        return d if self.handling is None else _handled(d, self.handling)

    def _dist(self) -> Dist:
        if self.transit is None:
            start, end = self._first(), self._last()
            cum = np.zeros(end - start + 1)
            for m, (h0, c) in zip(self.mass, self.outcomes, strict=True):
                cum[h0 - start : h0 - start + len(c) - 1] += m * c[1:]
                cum[h0 - start + len(c) - 1 :] += m * c[-1]
            return _trimmed(start, increments(cum))
        offsets = self.hours - self.hours[0]
        h = self.transit
        if len(offsets) <= 8:
            index = (offsets[:, None] + np.arange(len(h.p))).ravel()
            out = np.bincount(index, weights=(self.mass[:, None] * h.p).ravel())
        else:
            n = int(offsets[-1]) + len(h.p)
            spread = promise_comb.spread(self.hours, self.mass, h.rows, n)
            out = convolve(np.bincount(offsets, weights=self.mass), h) if spread is None else spread
        return _trimmed(self._first(), out)


State = Spikes | Dist | Arrivals


def _trimmed(h0: int, p: np.ndarray) -> Dist:
    keep = (p > _NEGLIGIBLE).nonzero()[0]
    return Dist(h0 + int(keep[0]), p[keep[0] : keep[-1] + 1])


def as_dist(state: State) -> Dist:
    if isinstance(state, Spikes):
        hours = -(-state.minutes // 60)
        return Dist(int(hours[0]), np.bincount(hours - hours[0], weights=state.mass))
    return state if isinstance(state, Dist) else state.dist()


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
    used = (mass > _NEGLIGIBLE).nonzero()[0]
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


def increments(cum: np.ndarray) -> np.ndarray:
    out = np.empty(len(cum))
    out[0] = cum[0]
    np.subtract(cum[1:], cum[:-1], out=out[1:])
    return out


def cumulative(p: np.ndarray) -> np.ndarray:
    """The running sum of p with a leading 0."""
    cum = np.empty(len(p) + 1)
    cum[0] = 0.0
    p.cumsum(out=cum[1:])
    return cum


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
            arrivals = Arrivals(hours[:1], _ONE, None, ((d.h0, cumulative(d.p)),))
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
    return _handled(d, Handling(leg.handling_clock.cover(d.first, d.last, hours), hours))


def _handled(d: Dist, handling: Handling) -> Dist:
    clock, hours = handling.table, handling.hours
    worked = clock.cum[d.first - clock.start : d.last + 1 - clock.start]  # by each hour's end
    done = clock.work.take(worked + (hours - 1))  # the hours completing them, from start
    return Dist(int(done[0]) + clock.start, np.bincount(done - done[0], weights=d.p))


def clear(c: Clearance, state: State) -> Dist:
    """Import clearance: a random duration in the customs' working hours, mapped back."""
    d = as_dist(state)
    h = c.histogram
    clock = c.clock.cover(d.first, d.last, h.offset + len(h.p))
    worked = clock.cum[d.first - clock.start : d.last + 1 - clock.start]  # by each hour's end
    w0 = int(worked[0])
    out = convolve(np.bincount(worked - w0, weights=d.p), h, clip=False)  # out[0] == 0
    keep = (out > _NEGLIGIBLE).nonzero()[0]  # (FFT noise below 0 is left out here)
    ends = clock.work.take(keep + (w0 + h.offset - 1))  # the hours completing them
    e0 = int(ends[0])
    p = np.zeros(int(ends[-1]) - e0 + 1)
    p[ends - e0] = out[keep]
    return Dist(e0 + clock.start, p)


def convolve(a: np.ndarray, h: Histogram, clip: bool = True) -> np.ndarray:
    """Exact discrete convolution with a histogram; by FFT when direct summation would be
    slower (the histogram's spectrum is cached per transform size). The FFT's rounding
    noise below 0 is clipped, unless the caller drops small values anyway (`clip`)."""
    b = h.p
    if min(len(a), len(b)) <= 48 or len(a) * len(b) <= 60_000:
        return np.convolve(a, b)
    n = len(a) + len(b) - 1
    size = next_fast_len(n, real=True)
    out = np.fft.irfft(np.fft.rfft(a, size) * _spectrum(h, size), size)[:n]
    return np.maximum(out, 0.0) if clip else out


@cached(4096)
def _spectrum(h: Histogram, size: int) -> np.ndarray:
    return np.fft.rfft(h.p, size)
