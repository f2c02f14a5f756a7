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
ms, before its P95 stops moving by a day). `routing/promise_sim.py` samples the same
steps parcel by parcel, which checks the engine (tests/routing/test_promise.py).

Cost: a few array operations per leg. Everything after the first departure depends only
on the route and that departure, so it is cached per (route, departure): every order
placed before the same cut-off reuses it (`after_departure`), and a checkout mostly asks
warm. bench/promise.py measures both, against the 0.5 ms target.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property, lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from carriers.model import Node
from routing.calendar import day_date, day_number, utc_minutes
from routing.promise_grid import (
    Arrivals,
    Dist,
    Spikes,
    State,
    arrive,
    clear,
    deliver,
    depart,
    handle,
)
from routing.promise_legs import Leg, PromiseSettings, Route, compile_route, default_settings

EARLIEST_MASS = 1e-6  # `earliest` is the first date with at least this cumulative chance
LATEST_QUANTILE = 0.99  # `latest`: a log-normal tail has no last day; P99 is stable to the tail cut


@dataclass(frozen=True, eq=False)
class Promise:
    """Delivery-date distribution in the buyer's local calendar (the zone's time zone)."""

    order_time: datetime
    tz: str  # IANA zone of the destination zone
    first_day: date  # the date of pmf[0]
    pmf: np.ndarray  # probability of delivery on each local date from first_day

    @cached_property
    def cdf(self) -> np.ndarray:
        return np.cumsum(self.pmf)

    def quantile(self, q: float) -> date:
        """The first local date by which at least a share q of parcels has arrived."""
        if not 0 < q < 1:
            raise ValueError(f"quantile must be in (0, 1), got {q}")
        i = int(np.searchsorted(self.cdf, q - 1e-9, side="left"))
        return day_date(day_number(self.first_day) + min(i, len(self.pmf) - 1))

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
    nodes: Mapping[str, Node],
    settings: PromiseSettings | None = None,
) -> Promise:
    """The delivery-date distribution of `route` for an order placed at `order_time`.

    `order_time` must be time-zone aware; `nodes` maps node ids to nodes (a network's
    `nodes`); `settings` defaults to the embedded closures and clearance times (read once).
    Pure and deterministic; calendars, histograms and the distribution after each first
    departure are cached, so repeated calls do no I/O and little arithmetic.
    """
    legs = compile_route(route, nodes, settings or default_settings())
    state: State = Spikes(np.array([utc_minutes(order_time)], dtype=np.int64), _ONE)
    first = legs[0]
    if first.clear_before is not None:
        state = clear(first.clear_before, state)
    if first.handling_min:
        state = handle(first, state)
    departed = depart(first, state)
    if len(departed.minutes) == 1:  # the usual case: everything after is shared, and cached
        day0, pmf = after_departure(legs, int(departed.minutes[0]))
    else:
        day0, pmf = _onwards(legs, departed)
    return Promise(order_time, _zone(legs[-1]), day_date(day0), pmf)


@lru_cache(maxsize=32_768)  # ~1 kB each
def after_departure(legs: tuple[Leg, ...], minute: int) -> tuple[int, np.ndarray]:
    """The delivery-date distribution of parcels leaving on the first leg's departure at
    `minute`: every order that catches the same departure shares it, so it is computed
    once (the cache holds a few hundred bytes per route and departure)."""
    return _onwards(legs, Spikes(np.array([minute], dtype=np.int64), _ONE))


def _onwards(legs: tuple[Leg, ...], departed: Spikes) -> tuple[int, np.ndarray]:
    state: Dist | Arrivals = arrive(legs[0], legs[1] if len(legs) > 1 else None, departed)
    for i, leg in enumerate(legs[1:], 1):
        following = legs[i + 1] if i + 1 < len(legs) else None
        state = arrive(leg, following, depart(leg, state))
    day0, pmf = deliver(legs[-1], state)
    pmf.setflags(write=False)
    return day0, pmf


_ONE = np.ones(1)


def _zone(leg: Leg) -> str:
    assert leg.zone_tz is not None
    return leg.zone_tz.name
