"""Probability mass over time, in the three shapes the promise engine moves leg by leg.

Instants are UTC minutes. The order time is exact; a departure is a spike of mass at its
cut-off instant. After a transit the mass lives on whole UTC hours: hour h holds what
happened in (h - 1, h] (durations round up to the hour, a conservative error under an
hour per leg).

- `Spikes`: mass at exact instants (the order, the departures a leg's parcels take);
- `Dist`: mass on consecutive hours (after a clearance or handling on the hour grid);
- `Arrivals`: departure spikes plus the leg's transit (and what follows on arrival:
  clearance, the next leg's handling), kept unsummed. The next step reads it only at a
  few boundaries (the next departures' cut-offs, the buyer's midnights), so a transit
  costs one gather of its cumulative histogram per spike and boundary. The next leg's
  handling is not applied to the mass but to the boundaries: what is handled by hour b
  is what had arrived by the last hour from which the handling ends by b. Summed onto
  the hour grid, daily departures make the sum of shifted transits a small matrix
  product (`comb.spread`).

Every sum is exact on the grid: the same input gives the same dates, bit for bit. (A
different order of the same sums, such as a convolution by FFT instead of directly,
moves probabilities by ~1e-16 and never a date; tests/routing/promise/test_engine.py
holds the engine to the direct sums.)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.fft import next_fast_len

from routing.cache import cached
from routing.promise.clock import HourTable
from routing.promise.comb import spread
from routing.promise.legs import Histogram

ONE = np.ones(1)
ONE.setflags(write=False)
# Probability mass below this is dropped between steps (it cannot move a percentile).
NEGLIGIBLE = 1e-13
NEGLIGIBLE_MASS = np.array(NEGLIGIBLE)  # (numpy compares with a 0-d array faster than a float)
# Up to this many departures, the outcome of each (transit and clearance on the hour grid)
# is computed once per departure instant and cached; beyond, the mixture is summed onto
# the grid first, which costs less than reading many outcomes.


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
        return d if self.handling is None else handled(d, self.handling)

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
            comb = spread(self.hours, self.mass, h.rows, n)
            out = convolve(np.bincount(offsets, weights=self.mass), h) if comb is None else comb
        return _trimmed(self._first(), out)


State = Spikes | Dist | Arrivals


def _trimmed(h0: int, p: np.ndarray) -> Dist:
    keep = (p > NEGLIGIBLE_MASS).nonzero()[0]
    return Dist(h0 + int(keep[0]), p[keep[0] : keep[-1] + 1])


def as_dist(state: State) -> Dist:
    if isinstance(state, Spikes):
        hours = -(-state.minutes // 60)
        return Dist(int(hours[0]), np.bincount(hours - hours[0], weights=state.mass))
    return state if isinstance(state, Dist) else state.dist()


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


def handled(d: Dist, handling: Handling) -> Dist:
    clock, hours = handling.table, handling.hours
    worked = clock.cum[d.first - clock.start : d.last + 1 - clock.start]  # by each hour's end
    done = clock.work.take(worked + (hours - 1))  # the hours completing them, from start
    return Dist(int(done[0]) + clock.start, np.bincount(done - done[0], weights=d.p))


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
