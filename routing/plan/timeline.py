"""The time-expanded side of a route: which departures a commodity can take, and when
its orders then arrive.

For a route and a ready instant, the promise engine's arithmetic moves the parcels leg by
leg up to the first capacitated leg (the line-haul). Its planned departure is the first
that the parcels reach with probability `plan_quantile`; the plan may also hold them for
the next departures, up to `max_departures` within the horizon. From each departure the
rest of the route is exact again (the departure is a spike of mass), giving the buyer's
P50/P90 dates; a later capacitated leg (a second clearance leg to the Canaries) gets its
planned departure the same way. Results are cached per (route, ready instant): every
commodity ready at the same time on the same route shares them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np

from carriers.model import Service
from routing.calendar import day_date, day_number
from routing.network import Network
from routing.promise import Promise, default_settings
from routing.promise.grid import arrive, clear, deliver, depart, handle
from routing.promise.grid import departures_between as _departures_between
from routing.promise.legs import TimedLeg, compile_route
from routing.promise.mass import Arrivals, Spikes, State

MINUTES_PER_DAY = 1440
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Departure:
    """One way to send a commodity on a route."""

    day: int  # local day number of the first capacitated departure (or of the first leg's)
    rows: tuple[tuple[int, int], ...]  # (leg position, local departure day) per capacitated leg
    p50: int  # buyer-local day numbers
    p90: int


class Timeline:
    """Departures and dates per (route, ready instant), with two caches that make it cheap
    for thousands of commodities: the legs before the line-haul are computed once per
    (those legs, ready instant), and the route from a departure on once per (the legs
    from the line-haul on, weekday and time of the departure): a departure a week later
    arrives a week later (closures that differ from week to week are not seen)."""

    def __init__(self, network: Network, quantile: float, max_departures: int) -> None:
        self.network = network
        self.quantile = quantile
        self.max_departures = max_departures
        self.settings = default_settings()
        self._planned_at: dict[tuple[tuple[str, ...], int], int] = {}
        self._after: dict[tuple[tuple[str, ...], int], tuple[int, Departure]] = {}

    def departures(
        self, route: tuple[Service, ...], capacitated: tuple[int, ...], ready: int, last_day: int
    ) -> tuple[Departure, ...]:
        """The departures of `route` for parcels ready at UTC minute `ready`, whose first
        capacitated departure falls on or before local day `last_day`."""
        i = capacitated[0] if capacitated else 0
        planned = self._planned(route, i, ready)
        if not capacitated:
            return (self._from(route, i, planned, capacitated),)
        legs = compile_route(route[i:], self.network, self.settings)
        options = _departures_between(legs[0], planned, planned + 120 * MINUTES_PER_DAY)
        out = []
        for minute in options[: self.max_departures]:
            option = self._from(route, i, int(minute), capacitated)
            if option.day > last_day:
                break
            out.append(option)
        return tuple(out)

    def _planned(self, route: tuple[Service, ...], i: int, ready: int) -> int:
        """The planned departure (UTC minute) of leg i: it depends on legs 0..i only."""
        key = (tuple(s.id for s in route[: i + 1]), ready)
        found = self._planned_at.get(key)
        if found is None:
            legs = compile_route(route, self.network, self.settings)[: i + 1]
            state: State = Spikes(np.array([ready], dtype=np.int64), np.ones(1))
            if legs[0].clear_before is not None:
                state = clear(legs[0].clear_before, state)
            if legs[0].handling_min:
                state = handle(legs[0], state)
            for j in range(len(legs) - 1):
                state = arrive(legs[j], legs[j + 1], depart(legs[j], state))
            found = self._quantile(depart(legs[-1], state))
            self._planned_at[key] = found
        return found

    def _quantile(self, spikes: Spikes) -> int:
        cum = np.cumsum(spikes.mass)
        return int(spikes.minutes[int(np.searchsorted(cum, self.quantile - 1e-9))])

    def _from(
        self, route: tuple[Service, ...], i: int, minute: int, capacitated: tuple[int, ...]
    ) -> Departure:
        tail = route[i:]
        week = 7 * MINUTES_PER_DAY
        key = (tuple(s.id for s in tail), minute % week)
        found = self._after.get(key)
        if found is None:
            found = (minute, self._tail(tail, minute, tuple(j - i for j in capacitated)))
            self._after[key] = found
        base_minute, base = found
        shift = (minute - base_minute) // MINUTES_PER_DAY
        rows = tuple((j + i, d + shift) for j, d in base.rows)
        return Departure(base.day + shift, rows, base.p50 + shift, base.p90 + shift)

    def _tail(
        self, tail: tuple[Service, ...], minute: int, capacitated: tuple[int, ...]
    ) -> Departure:
        """Dates of parcels leaving the first leg of `tail` at `minute`, and the days of
        its later capacitated legs."""
        legs = compile_route(tail, self.network, self.settings)
        day = legs[0].from_tz.day_of(minute)
        rows = [(0, day)] if 0 in capacitated else []
        sent = Spikes(np.array([minute], dtype=np.int64), np.ones(1))
        state: State = arrive(legs[0], _next(legs, 0), sent)
        for j in range(1, len(legs)):
            spikes = depart(legs[j], state)
            if j in capacitated:
                rows.append((j, legs[j].from_tz.day_of(self._quantile(spikes))))
            state = arrive(legs[j], _next(legs, j), spikes)
        assert isinstance(state, Arrivals)
        day0, pmf = deliver(legs[-1], state)
        assert legs[-1].zone_tz is not None
        when = Promise(_EPOCH, legs[-1].zone_tz.name, day_date(day0), pmf)
        return Departure(day, tuple(rows), day_number(when.p50), day_number(when.p90))


def _next(legs: tuple[TimedLeg, ...], i: int) -> TimedLeg | None:
    return legs[i + 1] if i + 1 < len(legs) else None
