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
  costs one gather of its cumulative histogram per spike and boundary. Where arrival
  brings working-time steps (clearance), the outcome of each departure instant is
  computed once on the hour grid and cached: every order that catches that departure
  reuses it.

Every step is exact on the grid: the same input gives the same dates, bit for bit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import numpy as np
from scipy import fft

from carriers.errors import NoFeasibleRoute
from routing.calendar import day_date, day_number
from routing.promise_clock import advance, hour_clock
from routing.promise_legs import Clearance, Histogram, Leg

_ONE = np.ones(1)
# Probability mass below this is dropped between steps (it cannot move a percentile).
NEGLIGIBLE = 1e-13
_MAX_SEARCH_DAYS = 3660
# Up to this many departures, the outcome of each (transit, clearance, handling on the hour
# grid) is computed once per departure instant and cached; beyond, the mixture is summed
# onto the grid first, which costs less than reading many outcomes.
_FEW_DEPARTURES = 3


@dataclass(frozen=True)
class Spikes:
    """Probability mass at exact instants (UTC minutes, increasing)."""

    minutes: np.ndarray
    mass: np.ndarray


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
        cum = np.concatenate(([0.0], np.cumsum(self.p)))
        return cum[np.minimum(np.maximum(boundaries - self.h0 + 1, 0), len(self.p))]


@dataclass(frozen=True, eq=False)
class Arrivals:
    """Where the parcels of one leg are ready for the next step, as departures x outcome."""

    hours: np.ndarray  # departure instants rounded up to the hour, increasing
    mass: np.ndarray
    transit: Histogram | None  # the outcome when it is the transit alone (a shift)
    # else per departure (h0, cum): cum[i] the mass ready by hour h0 + i - 1, cum[0] == 0
    outcomes: tuple[tuple[int, np.ndarray], ...] = ()

    @property
    def first(self) -> int:
        if self.transit is not None:
            return int(self.hours[0]) + self.transit.offset
        return min(h0 for h0, _ in self.outcomes)

    @property
    def last(self) -> int:
        if self.transit is not None:
            return int(self.hours[-1]) + self.transit.offset + len(self.transit.p) - 1
        return max(h0 + len(cum) - 2 for h0, cum in self.outcomes)

    def below(self, boundaries: np.ndarray) -> np.ndarray:
        """Mass ready by each boundary hour."""
        if self.transit is None:
            total = np.zeros(len(boundaries))
            for m, (h0, cum) in zip(self.mass, self.outcomes, strict=True):
                at = boundaries - (h0 - 1)
                np.maximum(at, 0, out=at)
                np.minimum(at, len(cum) - 1, out=at)
                total += m * cum.take(at)
            return total
        h = self.transit
        if len(self.hours) * len(boundaries) > 16 * (self.last - self.first):
            return self.dist().below(boundaries)
        at = boundaries[None, :] - (self.hours[:, None] + (h.offset - 1))
        np.maximum(at, 0, out=at)
        np.minimum(at, len(h.p), out=at)
        return self.mass @ h.cdf0.take(at)

    def dist(self) -> Dist:
        if self.transit is None:
            start, end = self.first, self.last
            cum = np.zeros(end - start + 1)
            for m, (h0, c) in zip(self.mass, self.outcomes, strict=True):
                cum[h0 - start : h0 - start + len(c) - 1] += m * c[1:]
                cum[h0 - start + len(c) - 1 :] += m * c[-1]
            return _trimmed(start, _increments(cum))
        offsets = self.hours - self.hours[0]
        p = self.transit.p
        if len(offsets) <= 8:
            index = (offsets[:, None] + np.arange(len(p))).ravel()
            out = np.bincount(index, weights=np.outer(self.mass, p).ravel())
        else:
            out = convolve(np.bincount(offsets, weights=self.mass), self.transit)
        return _trimmed(self.first, out)


State = Spikes | Dist | Arrivals


def _trimmed(h0: int, p: np.ndarray) -> Dist:
    keep = np.flatnonzero(p > NEGLIGIBLE)
    return Dist(h0 + int(keep[0]), p[keep[0] : keep[-1] + 1])


def as_dist(state: State) -> Dist:
    if isinstance(state, Spikes):
        hours = -(-state.minutes // 60)
        return Dist(int(hours[0]), np.bincount(hours - hours[0], weights=state.mass))
    return state if isinstance(state, Dist) else state.dist()


# --- departures and deliveries: read the state at boundaries --------------------------------


@lru_cache(maxsize=16384)
def _departures_in(leg: Leg, year: int) -> np.ndarray:
    """A leg's departure instants (UTC minutes) on the local days of one year."""
    first = day_number(date(year, 1, 1))
    table = leg.departures(first, day_number(date(year + 1, 1, 1)) - first)
    table.setflags(write=False)
    return table


def departures_between(leg: Leg, first_minute: int, last_minute: int) -> np.ndarray:
    """The departures at/after first_minute, up to and including the first at/after the last."""
    year = day_date(leg.from_tz.day_of(first_minute)).year
    tables = [_departures_in(leg, year)]
    while not len(tables[-1]) or tables[-1][-1] < last_minute:
        year += 1
        if len(tables) > 10:
            raise NoFeasibleRoute(f"service {leg.service.id!r} has no departure for ten years")
        tables.append(_departures_in(leg, year))
    departures = tables[0] if len(tables) == 1 else np.concatenate(tables)
    lo = int(np.searchsorted(departures, first_minute, side="left"))
    hi = int(np.searchsorted(departures, last_minute, side="left"))
    return departures[lo : hi + 1]


def depart(leg: Leg, state: State) -> Spikes:
    """Each parcel leaves with the first departure (cut-off instant) at or after it."""
    if isinstance(state, Spikes):
        departures = departures_between(leg, int(state.minutes[0]), int(state.minutes[-1]))
        which = np.searchsorted(departures, state.minutes, side="left")
        mass = np.bincount(which, weights=state.mass, minlength=len(departures))
    else:
        departures = departures_between(leg, state.first * 60, state.last * 60)
        mass = _increments(state.below(departures // 60))
    used = np.flatnonzero(mass > NEGLIGIBLE)
    return Spikes(departures[used], mass[used])


def deliver(leg: Leg, state: Dist | Arrivals) -> tuple[int, np.ndarray]:
    """Local delivery dates (first day number, probabilities): an arrival on a day the
    last mile does not deliver waits for the next delivery day."""
    assert leg.delivery is not None and leg.zone_tz is not None
    tz = leg.zone_tz
    first = tz.day_of(state.first * 60 - 1)
    n = tz.day_of(state.last * 60 - 1) - first + 1
    ends = tz.midnights(first + 1, n) // 60  # the last hour of each local day
    mass = _increments(state.below(ends))
    delivered = leg.delivery.next_working(np.arange(first, first + n, dtype=np.int64))
    pmf = np.bincount(delivered - delivered[0], weights=mass)
    return int(delivered[0]), pmf / pmf.sum()


def _increments(cumulative: np.ndarray) -> np.ndarray:
    out = cumulative.copy()
    out[1:] -= cumulative[:-1]
    return out


# --- arrival: transit, then clearance and handling on the hour grid ------------------------


def arrive(leg: Leg, following: Leg | None, departed: Spikes) -> Arrivals:
    """The leg's transit from each departure, then what happens on arrival: the leg's
    import clearance, the next leg's clearance and its handling at the node."""
    hours = -(-departed.minutes // 60)
    shifted = Arrivals(hours, departed.mass, leg.transit)
    if leg.clear_after is None and not _warps(following):
        return shifted
    if len(hours) <= _FEW_DEPARTURES:
        outcomes = tuple(_outcome(leg, following, int(h)) for h in hours)
        return Arrivals(hours, departed.mass, None, outcomes)
    d = _on_arrival(leg, following, shifted.dist())  # summed on the grid: one outcome
    cum = np.concatenate(([0.0], np.cumsum(d.p)))
    return Arrivals(hours[:1], _ONE, None, ((d.h0, cum),))


def _warps(following: Leg | None) -> bool:
    return following is not None and (
        following.clear_before is not None or following.handling_min > 0
    )


@lru_cache(maxsize=2048)  # ~16 kB each
def _outcome(leg: Leg, following: Leg | None, hour: int) -> tuple[int, np.ndarray]:
    """Ready time at the next node of a parcel departing at `hour`: (first hour, cumulative
    mass). Cached per departure: every order catching it shares the work."""
    d = _on_arrival(leg, following, Dist(hour + leg.transit.offset, np.asarray(leg.transit.p)))
    cum = np.concatenate(([0.0], np.cumsum(d.p)))  # cum[i]: mass up to hour h0 + i - 1
    cum.setflags(write=False)
    return d.h0, cum


def _on_arrival(leg: Leg, following: Leg | None, d: Dist) -> Dist:
    if leg.clear_after is not None:
        d = clear(leg.clear_after, d)
    if following is not None and following.clear_before is not None:
        d = clear(following.clear_before, d)
    if following is not None and following.handling_min:
        d = as_dist(handle(following, d))
    return d


def handle(leg: Leg, state: State) -> Spikes | Dist:
    """Handling: a fixed number of the from-node's working hours."""
    if isinstance(state, Spikes):
        minutes = advance(leg.handling, leg.from_tz, state.minutes, leg.handling_min)
        return Spikes(minutes, state.mass)
    d = as_dist(state)
    hours = -(-leg.handling_min // 60)
    clock = hour_clock(leg.handling, leg.from_tz).cover(d.first, d.last, hours)
    done = clock.reached(clock.worked(np.arange(d.first, d.last + 1)) + hours)
    return Dist(int(done[0]), np.bincount(done - done[0], weights=d.p))


def clear(c: Clearance, state: State) -> Dist:
    """Import clearance: a random duration in the customs' working hours, mapped back."""
    d = as_dist(state)
    h = c.histogram
    clock = hour_clock(c.calendar, c.tz).cover(d.first, d.last, h.offset + len(h.p))
    worked = clock.worked(np.arange(d.first, d.last + 1))  # done by the end of each hour
    out = convolve(np.bincount(worked - worked[0], weights=d.p), h)  # out[0] == 0: pmf[0] == 0
    keep = np.flatnonzero(out > NEGLIGIBLE)
    ends = clock.reached(worked[0] + h.offset + keep)  # the hours completing them
    p = np.zeros(int(ends[-1] - ends[0]) + 1)
    p[ends - ends[0]] = out[keep]
    return Dist(int(ends[0]), p)


def convolve(a: np.ndarray, h: Histogram) -> np.ndarray:
    """Exact discrete convolution with a histogram; by FFT when direct summation would be
    slower (the histogram's spectrum is cached per transform size)."""
    b = h.p
    if min(len(a), len(b)) <= 48 or len(a) * len(b) <= 60_000:
        return np.convolve(a, b)
    n = len(a) + len(b) - 1
    size = fft.next_fast_len(n, real=True)
    out = fft.irfft(fft.rfft(a, size) * _spectrum(h, size), size)[:n]
    return np.maximum(out, 0.0)


@lru_cache(maxsize=4096)
def _spectrum(h: Histogram, size: int) -> np.ndarray:
    return fft.rfft(h.p, size)
