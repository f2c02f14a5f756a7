"""The delivery promise of a route: the distribution of the buyer's local delivery date.

From the order time, through each leg: import clearance when the leg starts inside the
import country, handling at the from-node on its working days, the wait for the next
departure after the local cut-off (weekly schedules, closures), the leg's transit time,
import clearance on arrival, and, after the last leg, delivery on the last mile's delivery
days only. The result is `Promise`: a probability per local date in the destination
zone's time zone, with P50 / P90 / P95, earliest, latest and P(delivered by a date).

Method: an exact convolution on an hourly grid, not Monte Carlo. The order time is exact
to the minute; after the first transit the distribution lives on whole UTC hours (bin h
holds the parcels whose event happened in (h - 1, h]; durations round up to the hour).
Deterministic steps move mass: waiting for a departure or a delivery day sums the mass
between consecutive departure instants or local midnights (a cumulative sum read at those
boundaries), handling moves each hour along the node's working hours. Random steps
(transit, clearance) convolve with an hourly histogram of the shifted log-normal;
clearance does it on the axis of customs working hours and maps back. The answer is the
same for the same input, bit for bit, and no sampling noise can hide a one-day shift
(a fixed-seed Monte Carlo would be deterministic too, but needs ~10^5 samples, tens of
ms, before its P95 stops moving by a day). `routing/promise/simulate.py` samples the
same steps parcel by parcel, which checks the engine (tests/routing/promise/).

Cost: a few array operations per leg (bench/promise.py measures it against the 0.5 ms
target). Everything after the first departure depends only on the route and that
departure, and everything up to a leg's departures only on the route up to that leg, so
bounded caches share the work (`after_departure`): the delivery-date distribution per
(route, first departure), which every order placed before the same cut-off reuses; the
departures of each leg per (route prefix, first departure), which the routes of one quote
reuse (they share their feeders, line-haul and hub and differ in the last mile) as do
later orders to other destinations through the same legs; and the parcels ready after a
clearance per (route prefix, first departure, how the next leg clears), which last miles
that clear alike share. A cached value is a pure function of its key, so the caches
change how long a promise takes, never its answer (`clear_caches` forgets them all;
tests/routing/promise/ check the agreement).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from routing.cache import Lru, clear_results
from routing.calendar import day_date, day_number, utc_minutes
from routing.network import Network
from routing.promise.grid import (
    arrival_key,
    arrive,
    clear,
    deliver,
    depart,
    handle,
    next_departure,
    step,
)
from routing.promise.legs import PromiseSettings, Route, TimedLeg, compile_route, default_settings
from routing.promise.mass import ONE, Arrivals, Spikes, State

EARLIEST_MASS = 1e-6  # `earliest` is the first date with at least this cumulative chance
LATEST_QUANTILE = 0.99  # `latest`: a log-normal tail has no last day; P99 is stable to the tail cut


STANDARD = (0.5, 0.9, 0.95)  # the quantiles every quote states
# first local day number, pmf, its cdf, the STANDARD quantile dates
Delivered = tuple[int, np.ndarray, np.ndarray, tuple[date, ...]]


@dataclass(frozen=True, eq=False)
class Promise:
    """Delivery-date distribution in the buyer's local calendar (the zone's time zone)."""

    order_time: datetime
    tz: str  # IANA zone of the destination zone
    first_day: date  # the date of pmf[0]
    pmf: np.ndarray  # probability of delivery on each local date from first_day
    cumulative: np.ndarray | None = field(default=None, repr=False)  # cumsum(pmf), if known
    standard: tuple[date, ...] | None = field(default=None, repr=False)  # STANDARD, if known

    @cached_property
    def cdf(self) -> np.ndarray:
        return np.cumsum(self.pmf) if self.cumulative is None else self.cumulative

    def quantile(self, q: float) -> date:
        """The first local date by which at least a share q of parcels has arrived."""
        return self.quantiles(q)[0]

    def quantiles(self, *qs: float) -> tuple[date, ...]:
        """`quantile` of each share, found in one search."""
        if qs == STANDARD and self.standard is not None:
            return self.standard
        return _quantiles(self.first_day, self.cdf, qs)

    @property
    def p50(self) -> date:
        return self.quantile(0.5)

    @property
    def p90(self) -> date:
        return self.quantile(0.9)

    @property
    def p95(self) -> date:
        return self.quantile(0.95)

    @property
    def earliest(self) -> date:
        return self.quantile(EARLIEST_MASS)

    @property
    def latest(self) -> date:
        return self.quantile(LATEST_QUANTILE)

    def probability_by(self, d: date) -> float:
        """P(delivered on or before local date d)."""
        i = day_number(d) - day_number(self.first_day)
        return 0.0 if i < 0 else float(self.cdf[min(i, len(self.cdf) - 1)])

    @property
    def order_date(self) -> date:
        """The order's date in the buyer's time zone."""
        return self.order_time.astimezone(ZoneInfo(self.tz)).date()

    def days_after_order(self, d: date) -> int:
        return (d - self.order_date).days

    def as_dict(self) -> dict[str, Any]:
        dates = {
            "p50": self.p50,
            "p90": self.p90,
            "p95": self.p95,
            "earliest": self.earliest,
            "latest": self.latest,
        }
        return {
            "order_time": self.order_time.isoformat(),
            "tz": self.tz,
            **{k: v.isoformat() for k, v in dates.items()},
            "days": {k: self.days_after_order(v) for k, v in dates.items()},
        }


def promise(
    route: Route,
    order_time: datetime,
    network: Network,
    settings: PromiseSettings | None = None,
) -> Promise:
    """The delivery-date distribution of `route` (services of `network`) for an order
    placed at `order_time`.

    `order_time` must be time-zone aware; `settings` defaults to the embedded closures and
    clearance times (read once).
    Pure and deterministic; calendars, histograms and the distribution after each first
    departure are cached, so repeated calls do no I/O and little arithmetic.
    """
    legs = compile_route(route, network, settings or default_settings())
    minute = utc_minutes(order_time)
    first = legs[0]
    if first.clear_before is None:  # handled to the minute, then the next departure
        if first.handling_min:
            minute = first.minute_clock.advance(minute, first.handling_min)
        day0, pmf, cdf, standard = after_departure(legs, next_departure(first, minute))
    else:  # cleared first (a last mile alone), on the hour grid
        state: State = clear(first.clear_before, Spikes(np.array([minute], dtype=np.int64), ONE))
        if first.handling_min:
            state = handle(first, state)
        departed = depart(first, state)
        if len(departed.minutes) == 1:  # everything after is shared, and cached
            day0, pmf, cdf, standard = after_departure(legs, int(departed.minutes[0]))
        else:
            day0, pmf, cdf, standard = _delivered(legs, _onwards(legs, 0, departed))
    return Promise(order_time, _zone(legs[-1]), day_date(day0), pmf, cdf, standard)


# (the route up to leg i, first departure) -> the parcels' departures on leg i: ~1-2 kB
_DEPARTED: Lru[Spikes] = Lru(8192, results=True)
# (the route up to leg i, first departure, how leg i + 1 clears and handles) -> the
# parcels ready for leg i + 1 after a clearance: ~20 kB each
_ARRIVED: Lru[Arrivals] = Lru(512, results=True)
# (the whole route, first departure) -> (first day, pmf, cdf): ~2 kB each
_DELIVERED: Lru[Delivered] = Lru(32_768, results=True)


def after_departure(legs: tuple[TimedLeg, ...], minute: int) -> Delivered:
    """The delivery-date distribution of parcels leaving on the first leg's departure at
    `minute`: every order that catches the same departure shares it, and the route's
    first legs are shared with the other routes that begin with them."""
    key = (legs[-1].prefix, minute)
    found = _DELIVERED.get(key)
    if found is None:
        start, departed = 0, Spikes(np.array([minute], dtype=np.int64), ONE)
        for i in range(len(legs) - 1, 0, -1):  # the longest prefix already computed
            hit = _DEPARTED.get((legs[i].prefix, minute))
            if hit is not None:
                start, departed = i, hit
                break
        found = _delivered(legs, _onwards(legs, start, departed, minute))
        _DELIVERED.put(key, found)
    return found


def _onwards(
    legs: tuple[TimedLeg, ...], i: int, departed: Spikes, minute: int | None = None
) -> Arrivals:
    """From the departures on leg i to the arrivals of the last leg; with the first
    departure's `minute`, each leg's departures are cached for the routes sharing it."""
    for j in range(i + 1, len(legs)):
        leg, following = legs[j - 1], legs[j]
        if minute is None or (leg.clear_after is None and following.clear_before is None):
            departed = step(leg, following, departed)
        else:  # clearance: shared by the next legs that clear and handle alike
            key = (leg.prefix, minute, arrival_key(following))
            arrivals = _ARRIVED.get(key)
            if arrivals is None:
                arrivals = arrive(leg, following, departed)
                _ARRIVED.put(key, arrivals)
            departed = depart(following, arrivals)
        if minute is not None and j < len(legs) - 1:  # (the last leg's: the whole route's)
            for a in (departed.minutes, departed.mass, departed.hours):
                if a is not None:
                    a.setflags(write=False)
            _DEPARTED.put((legs[j].prefix, minute), departed)
    return arrive(legs[-1], None, departed)


def _delivered(legs: tuple[TimedLeg, ...], arrivals: Arrivals) -> Delivered:
    day0, pmf = deliver(legs[-1], arrivals)
    cdf = np.cumsum(pmf)
    pmf.setflags(write=False)
    cdf.setflags(write=False)
    return day0, pmf, cdf, _quantiles(day_date(day0), cdf, STANDARD)


def _quantiles(first_day: date, cdf: np.ndarray, qs: tuple[float, ...]) -> tuple[date, ...]:
    """The first local date by which at least each share of parcels has arrived."""
    if not all(0 < q < 1 for q in qs):
        raise ValueError(f"quantiles must be in (0, 1), got {qs}")
    found = np.searchsorted(cdf, np.array(qs) - 1e-9, side="left")
    first, last = day_number(first_day), len(cdf) - 1
    return tuple(day_date(first + min(int(i), last)) for i in found)


def clear_caches() -> None:
    """Forget every cached result: the next promise is computed cold (bench/promise.py)."""
    clear_results()


def _zone(leg: TimedLeg) -> str:
    assert leg.zone_tz is not None
    return leg.zone_tz.name
