"""What the promise engine and the simulator need per leg of a route, compiled once.

A leg is one service of a route with everything its dates depend on: the calendars of its
from-node (handling, departures), its weekly schedule and local cut-off, its transit time
as an hourly histogram, the import clearance it triggers (where, on which customs calendar,
how long) and, for the last leg, the days it delivers. `compile_route` caches the result
per route (by identity of its services) and the histograms per distribution, so the hot
path never discretises, parses or builds a calendar twice.

Where clearance happens: once per import country, for the first service of the route
that clears import into it. It clears on arrival at its to-node; a last mile that starts
inside the import country (it receives the parcel and clears it before delivering) clears
at its from-node, before its own handling and departure.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np
from scipy.special import ndtr

from carriers.errors import InvalidRule, Problem, UnknownNode
from carriers.model import Node, NodeKind, Service, TransitTime
from carriers.registry import DEFAULT_WORLD
from routing.cache import Lru, cached
from routing.calendar import (
    MINUTES_PER_DAY,
    Closures,
    TimeZone,
    WorkCalendar,
    customs_calendar,
    delivery_calendar,
    departure_calendar,
    handling_calendar,
    load_closures,
    time_zone,
)
from routing.network import Network, Route
from routing.promise.clock import HourClock, MinuteClock, hour_clock, minute_clock
from routing.promise.comb import fold
from routing.promise.departures import Departures, departures_of

CLEARANCE_FILE = DEFAULT_WORLD / "promise" / "clearance.toml"
# Each hourly histogram stops at its (1 - TAIL) quantile and keeps the rest of the mass in
# its last bin: percentiles up to P99.9 of a route are unaffected, arrays stay short.
TAIL = 1e-4


@dataclass(frozen=True, eq=False)
class ClearanceTimes:
    """Import clearance time (working days) by customs regime, with per-country overrides."""

    regimes: Mapping[str, TransitTime]
    countries: Mapping[tuple[str, str], TransitTime]  # (import country, regime)
    source: str = ""

    def time(self, country: str, regime: str) -> TransitTime:
        found = self.countries.get((country, regime)) or self.regimes.get(regime)
        if found is None:
            raise InvalidRule(f"no clearance time for customs regime {regime!r} in {self.source}")
        return found


@cached(8)
def load_clearance(path: Path = CLEARANCE_FILE) -> ClearanceTimes:
    """Read clearance.toml (see data/promise/README.md); all problems at once."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise InvalidRule(f"{path}: {exc}") from None
    problems: list[Problem] = []
    regimes = {
        k: _clearance(path, ("regimes", k), v, problems) for k, v in _tables(data, "regimes")
    }
    countries = {
        (country, regime): _clearance(path, ("countries", country, regime), v, problems)
        for country, table in _tables(data, "countries")
        for regime, v in _tables(table, None)
    }
    if problems:
        raise InvalidRule(f"{path}: " + "; ".join(str(p) for p in problems), tuple(problems))
    return ClearanceTimes(
        {k: v for k, v in regimes.items() if v is not None},
        {k: v for k, v in countries.items() if v is not None},
        str(path),
    )


def _tables(data: Any, key: str | None) -> list[tuple[str, Any]]:
    table = data.get(key, {}) if key is not None else data
    return [(k, v) for k, v in table.items() if isinstance(v, dict)]


def _clearance(
    path: Path, key: tuple[str, ...], t: dict[str, Any], problems: list[Problem]
) -> TransitTime | None:
    try:
        return TransitTime(float(t["min"]), float(t["p50"]), float(t["p90"]))
    except (KeyError, TypeError, ValueError) as exc:
        problems.append(Problem(str(path), ".".join(key), f"needs numbers min < p50 < p90: {exc}"))
        return None


@dataclass(frozen=True, eq=False)
class PromiseSettings:
    """The facts a promise uses beyond the network: closures and clearance times."""

    closures: Closures
    clearance: ClearanceTimes


@cached(1)
def default_settings() -> PromiseSettings:
    """The embedded data/calendar/ and data/promise/ facts, read once."""
    return PromiseSettings(load_closures(), load_clearance())


@dataclass(frozen=True, eq=False)
class Histogram:
    """An hourly duration histogram: p[i] = P(duration in (offset + i - 1, offset + i] hours).

    Durations round up to the hour. The leading hours no parcel is that fast (below the
    minimum) are left out, so convolutions stay short; `cdf` is the running sum of p.
    """

    offset: int
    p: np.ndarray
    cdf: np.ndarray
    cdf0: np.ndarray  # cdf with a leading 0: cdf0[i] = P(duration <= offset + i - 1 hours)
    ready_cdf: np.ndarray  # ready_cdf[j] = P(duration <= j hours), clipped to the last
    rows: np.ndarray  # p folded into days, last day first (comb.spread)


@cached(4096)
def hourly_histogram(t: TransitTime) -> Histogram:
    """The histogram of a shifted log-normal up to its 1 - TAIL quantile, whose hour keeps
    the rest of the mass."""
    first = math.floor(24 * t.min_days)
    last = max(math.ceil(24 * t.quantile(1 - TAIL)), first + 1)
    excess = np.arange(first, last + 1) / 24 - t.min_days
    logs = np.log(np.where(excess > 0, excess, 1.0))
    cdf = np.where(excess > 0, ndtr((logs - t.mu) / t.sigma), 0.0)
    cdf[-1] = 1.0
    p = np.diff(cdf, prepend=0.0)
    cdf0 = np.concatenate(([0.0], cdf))
    # cdf0 shifted to start at 0 hours (cdf0[1] == 0 when there is no whole hour to shift)
    ready = np.concatenate((np.zeros(first - 1), cdf0)) if first else cdf0[1:]
    for a in (p, cdf, cdf0, ready):
        a.setflags(write=False)
    return Histogram(first, p, cdf, cdf0, ready, fold(p))


def sample_minutes(t: TransitTime, rng: np.random.Generator, n: int) -> np.ndarray:
    """n durations of a shifted log-normal, in minutes."""
    return MINUTES_PER_DAY * (t.min_days + np.exp(t.mu + t.sigma * rng.standard_normal(n)))


@dataclass(frozen=True, eq=False)
class Clearance:
    calendar: WorkCalendar  # the import country's customs
    tz: TimeZone  # where it clears
    time: TransitTime  # working days
    histogram: Histogram  # in working hours

    @cached_property
    def clock(self) -> HourClock:
        return hour_clock(self.calendar, self.tz)


class Prefix:
    """The identity of a route's first legs (their services, the nodes and the settings):
    everything up to a leg's departure depends on nothing else, so legs of different
    routes with the same prefix share that work (routing/promise/engine.py)."""

    __slots__ = ("__weakref__",)


@dataclass(frozen=True, eq=False)
class TimedLeg:
    service: Service
    from_tz: TimeZone
    handling: WorkCalendar
    handling_min: int  # working minutes at the from-node before the departure
    departs: WorkCalendar  # days the service can leave (its weekdays narrow them)
    weekdays: np.ndarray  # bool[7], 0 = Monday
    cutoff_min: int  # local minute of the day
    transit: Histogram
    departures: Departures  # its departure instants, shared by the routes using the service here
    prefix: Prefix  # this leg and the ones before it
    clear_before: Clearance | None = None
    clear_after: Clearance | None = None
    delivery: WorkCalendar | None = None  # last leg: the days it delivers
    zone_tz: TimeZone | None = None

    @cached_property
    def handling_clock(self) -> HourClock:
        return hour_clock(self.handling, self.from_tz)

    @cached_property
    def minute_clock(self) -> MinuteClock:
        return minute_clock(self.handling, self.from_tz)


# (network, settings, *services) -> the route's legs; the key holds the entities it names
_ROUTES: Lru[tuple[TimedLeg, ...]] = Lru(20_000)
# (network, settings, *the services of a prefix) -> its identity, shared by the routes
_PREFIXES: Lru[Prefix] = Lru(50_000)


def compile_route(
    route: Route, network: Network, settings: PromiseSettings
) -> tuple[TimedLeg, ...]:
    """The legs of a route of `network`, kept by its services, the network and settings."""
    key = (network, settings, *route)
    legs = _ROUTES.get(key)
    if legs is None:
        legs = _compile(route, network.nodes, _prefixes(route, network, settings), settings)
        _ROUTES.put(key, legs)
    return legs


def _compile(
    route: Route, nodes: Mapping[str, Node], prefixes: list[Prefix], settings: PromiseSettings
) -> tuple[TimedLeg, ...]:
    if not route:
        raise ValueError("a route needs at least one service")
    for a, b in pairwise(route):
        if a.to_node != b.from_node:
            raise ValueError(f"route breaks between {a.id} (to {a.to_node}) and {b.id}")
    where = _clearance_places(route, nodes)
    legs = []
    for i, s in enumerate(route):
        origin, to = _node(nodes, s.from_node), _node(nodes, s.to_node)
        last = i == len(route) - 1
        if last and to.kind is not NodeKind.DESTINATION_ZONE:
            raise ValueError(f"a route ends at a destination zone, not at {to.id} ({to.kind})")
        clearance = _leg_clearance(s, origin if where.get(i) == "before" else to, settings)
        sched, closures = s.schedule, settings.closures
        from_tz = time_zone(origin.tz)
        departs = departure_calendar(origin, sched.moves_weekends, closures)
        weekdays = tuple(d in sched.weekdays for d in range(7))
        cutoff = sched.cutoff.hour * 60 + sched.cutoff.minute
        legs.append(
            TimedLeg(
                service=s,
                from_tz=from_tz,
                handling=handling_calendar(origin, closures),
                handling_min=round(s.handling_days * MINUTES_PER_DAY),
                departs=departs,
                weekdays=np.array(weekdays),
                cutoff_min=cutoff,
                transit=hourly_histogram(s.transit),
                departures=departures_of(departs, weekdays, cutoff, from_tz),
                prefix=prefixes[i],
                clear_before=clearance if where.get(i) == "before" else None,
                clear_after=clearance if where.get(i) == "after" else None,
                delivery=delivery_calendar(to, sched.moves_weekends, closures) if last else None,
                zone_tz=time_zone(to.tz) if last else None,
            )
        )
    return tuple(legs)


def _prefixes(route: Route, network: Network, settings: PromiseSettings) -> list[Prefix]:
    out = []
    for i in range(1, len(route) + 1):
        key = (network, settings, *route[:i])
        found = _PREFIXES.get(key)
        if found is None:
            found = Prefix()
            _PREFIXES.put(key, found)
        out.append(found)
    return out


def _node(nodes: Mapping[str, Node], node_id: str) -> Node:
    try:
        return nodes[node_id]
    except KeyError:
        raise UnknownNode(node_id) from None


def _clearance_places(route: Route, nodes: Mapping[str, Node]) -> dict[int, str]:
    """Leg index -> "before" or "after": where each import country's clearance happens."""
    places: dict[int, str] = {}
    cleared: set[str] = set()
    for i, s in enumerate(route):
        to = _node(nodes, s.to_node)
        if not s.customs.clears_import or to.country in cleared:
            continue
        cleared.add(to.country)
        inside = _node(nodes, s.from_node).country == to.country
        places[i] = "before" if inside and to.kind is NodeKind.DESTINATION_ZONE else "after"
    return places


def _leg_clearance(s: Service, at: Node, settings: PromiseSettings) -> Clearance | None:
    if not s.customs.clears_import:
        return None
    if s.customs.regime is None:
        raise InvalidRule(f"service {s.id!r} clears import but names no customs regime")
    time = settings.clearance.time(at.country, s.customs.regime.value)
    calendar = customs_calendar(at.country, settings.closures)
    return Clearance(calendar, time_zone(at.tz), time, hourly_histogram(time))
