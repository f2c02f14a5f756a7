"""Simulated shipment histories: Monte Carlo of the promise's own rules, parcel by parcel.

`simulate_route` follows each parcel through the same compiled legs as `promise` (the same
calendars, cut-offs, closures and clearance placement), but at minute resolution with
sampled durations instead of hourly histograms, so it also checks the engine.
`simulate_history` draws orders over a network and writes the table `glocal promise
calibrate` reads, with per-leg scan events, so calibration can be checked against the
distributions it was simulated from.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import numpy as np
import pandas as pd

from routing.calendar import MINUTES_PER_DAY, utc_minutes
from routing.network import Network, Route, routes_from
from routing.promise.clock import advance
from routing.promise.families import route_family
from routing.promise.grid import departures_between
from routing.promise.legs import (
    Clearance,
    PromiseSettings,
    TimedLeg,
    compile_route,
    default_settings,
    sample_minutes,
)

DELIVERY_HOUR = 10  # a parcel that waits for a delivery day arrives at 10:00 local


@dataclass(frozen=True, eq=False)
class Simulated:
    """Per parcel: each leg's departure and arrival, and the delivery (UTC minutes)."""

    departed: tuple[np.ndarray, ...]
    arrived: tuple[np.ndarray, ...]
    delivered: np.ndarray


def simulate_route(
    route: Route,
    order_minutes: np.ndarray,
    network: Network,
    rng: np.random.Generator,
    settings: PromiseSettings | None = None,
) -> Simulated:
    """Sample parcels ordered at `order_minutes` (UTC minutes, increasing) along `route`."""
    legs = compile_route(route, network, settings or default_settings())
    t = np.asarray(order_minutes, dtype=np.int64)
    departed, arrived = [], []
    for leg in legs:
        if leg.clear_before is not None:
            t = _clear(leg.clear_before, t, rng)
        if leg.handling_min:
            t = advance(leg.handling, leg.from_tz, t, leg.handling_min)
        out = _next_departure(leg, t)
        t = out + np.ceil(sample_minutes(leg.service.transit, rng, len(t))).astype(np.int64)
        departed.append(out)
        arrived.append(t)
        if leg.clear_after is not None:
            t = _clear(leg.clear_after, t, rng)
    return Simulated(tuple(departed), tuple(arrived), _deliver(legs[-1], t))


def _next_departure(leg: TimedLeg, t: np.ndarray) -> np.ndarray:
    departures = departures_between(leg, int(t.min()), int(t.max()))
    return departures[np.searchsorted(departures, t, side="left")]


def _clear(c: Clearance, t: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    work = np.ceil(sample_minutes(c.time, rng, len(t))).astype(np.int64)
    return advance(c.calendar, c.tz, t, work)


def _deliver(leg: TimedLeg, t: np.ndarray) -> np.ndarray:
    assert leg.delivery is not None and leg.zone_tz is not None
    day = leg.zone_tz.local_day(t)
    delivery_day = leg.delivery.next_working(day)
    waited = leg.zone_tz.to_utc(delivery_day * MINUTES_PER_DAY + DELIVERY_HOUR * 60)
    return np.where(delivery_day == day, t, waited)


def simulate_history(
    network: Network,
    n: int,
    seed: int = 0,
    start: date = date(2026, 1, 1),
    days: int = 365,
    settings: PromiseSettings | None = None,
) -> pd.DataFrame:
    """n shipments: a uniform origin, a uniform route from it, a uniform order time in
    [start, start + days); one row each, with the columns `read_history` knows and per-leg
    scan events (times in UTC, ISO 8601)."""
    rng = np.random.default_rng(seed)
    routes = {o: list(routes_from(network, o)) for o in network.origins}
    origins = [o for o in network.origins if routes[o]]
    first = utc_minutes(datetime(start.year, start.month, start.day, tzinfo=UTC))
    picked_origin = rng.integers(len(origins), size=n)
    pick = np.array([rng.integers(len(routes[origins[o]])) for o in picked_origin])
    ordered = first + rng.integers(days * MINUTES_PER_DAY, size=n)
    rows = []
    for o_index in range(len(origins)):
        origin = origins[o_index]
        for r_index, route in enumerate(routes[origin]):
            which = np.flatnonzero((picked_origin == o_index) & (pick == r_index))
            if len(which):
                which = which[np.argsort(ordered[which], kind="stable")]
                sim = simulate_route(route, ordered[which], network, rng, settings)
                rows.append(_rows(network, origin, route, which, ordered[which], sim))
    frame = pd.concat(rows, ignore_index=True).sort_values("shipment_id", kind="stable")
    return frame.reset_index(drop=True)


def _rows(
    network: Network,
    origin: str,
    route: Route,
    which: np.ndarray,
    ordered: np.ndarray,
    sim: Simulated,
) -> pd.DataFrame:
    zone = route[-1].to_node
    family = route_family(route, network.nodes).value
    data: dict[str, object] = {
        "shipment_id": which + 1,
        "origin": origin,
        "destination": zone,
        "mode": family,
        "service": family,
        "lane": f"{origin}>{zone}",
        "route": ">".join(s.id for s in route),
        "shipped_at": iso_minutes(ordered),
        "delivered_at": iso_minutes(sim.delivered),
    }
    for i, s in enumerate(route, 1):
        data[f"leg{i}_service"] = s.id
        data[f"leg{i}_departed_at"] = iso_minutes(sim.departed[i - 1])
        data[f"leg{i}_arrived_at"] = iso_minutes(sim.arrived[i - 1])
    return pd.DataFrame(data)


def iso_minutes(minutes: np.ndarray) -> np.ndarray:
    """UTC minutes as ISO 8601 strings, 2026-03-05T14:30Z."""
    stamps = np.asarray(minutes, dtype="datetime64[m]")
    return np.char.add(np.datetime_as_string(stamps, unit="m"), "Z")
