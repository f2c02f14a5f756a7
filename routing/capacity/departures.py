"""The departures an order takes on a route: for each capacitated leg, the local date of
its planned departure, found as the planner finds it (`routing.plan.timeline`): the
promise engine's arithmetic moves the parcels leg by leg from the order's time, and a
leg's planned departure is the first its parcels reach with probability PLAN_QUANTILE;
from there the parcels leave as one (a spike), as the planner sends them.

Everything after the first leg's departure depends only on the route and that departure,
so the answer is kept per (route, first departure): every order placed before the same
cut-off shares it, and a quote computes it once per route at most.
"""

from __future__ import annotations

from datetime import date, datetime

import numpy as np

from carriers.model import Service
from routing.cache import Lru
from routing.calendar import day_date, utc_minutes
from routing.network import Network
from routing.promise import default_settings
from routing.promise.grid import arrive, clear, depart, handle, next_departure
from routing.promise.legs import TimedLeg, compile_route
from routing.promise.mass import ONE, Spikes, State

PLAN_QUANTILE = 0.9  # as the planner's default `plan_quantile` (routing/plan/params.py)

Dated = tuple[tuple[int, date], ...]  # (leg position, local departure date)

_AFTER_FIRST: Lru[Dated] = Lru(32_768, results=True)


def planned_departures(
    route: tuple[Service, ...],
    at: datetime,
    network: Network,
    legs: tuple[int, ...],
    timed: tuple[TimedLeg, ...] | None = None,
) -> Dated:
    """The local date of the planned departure of each leg position in `legs` (in route
    order), for an order placed at `at` (aware); `timed`: the route compiled already."""
    if not legs:
        return ()
    timed = timed or compile_route(route, network, default_settings())
    first, minute = timed[0], utc_minutes(at)
    if first.clear_before is not None:  # a route that clears first: not shared
        state: State = clear(first.clear_before, Spikes(np.array([minute], np.int64), ONE))
        if first.handling_min:
            state = handle(first, state)
        return _walk(timed, legs, state)
    if first.handling_min:
        minute = first.minute_clock.advance(minute, first.handling_min)
    leaves = next_departure(first, minute)
    key = (timed[-1].prefix, legs, leaves)
    found = _AFTER_FIRST.get(key)
    if found is None:
        found = _walk(timed, legs, Spikes(np.array([leaves], np.int64), ONE))
        _AFTER_FIRST.put(key, found)
    return found


def _walk(timed: tuple[TimedLeg, ...], legs: tuple[int, ...], state: State) -> Dated:
    out = []
    for j in range(max(legs) + 1):
        spikes = depart(timed[j], state)
        if j in legs:
            minute = _quantile(spikes)
            out.append((j, day_date(timed[j].from_tz.day_of(minute))))
            spikes = Spikes(np.array([minute], np.int64), ONE)
        if j < max(legs):
            state = arrive(timed[j], timed[j + 1], spikes)
    return tuple(out)


def _quantile(spikes: Spikes) -> int:
    cum = np.cumsum(spikes.mass)
    i = int(np.searchsorted(cum, PLAN_QUANTILE - 1e-9))
    return int(spikes.minutes[min(i, len(spikes.minutes) - 1)])
