"""The learned promise as a quote uses it: a route's lane, the model's dates for it, and
whether the model knows it at all.

    lane = lane_of(route, network.nodes)          # once per route (the quote engine keeps it)
    served = ServedModel(model_id_of(document), model)
    served.warm(lanes)                            # days of every known lane, band, month
    dates = served.dates(lane, order_time, kg)    # LearnedDates, or None: the model does
                                                  # not know the lane (schedule engine stands)

A lane is what both a quote and a shipment history know of a route: its family ("air
postal", "sea": what `simulate_history` and most users' tables call the mode), else its
line-haul mode ("air"); its origin; its destination zone, else the zone's country. The model
knows a lane when its fitting history had that mode and that destination
(`PromiseModel.knows`); elsewhere the data is thin and the schedule-based engine promises.

A lane's dates start at the order time (a quote has no shipper's schedule): the model's
days per level for (mode, origin, destination, weight band, month) are kept in a bounded
cache of the served model, a pure function of that key, filled for a network's lanes in
one batch (`warm`) before the model serves, so a quote on a known lane reads a few numbers
and converts three instants to local dates; a key `warm` did not cover runs the boosters
once.
A `ServedModel` is never changed once built: a server swaps in a new one whole.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

import numpy as np

from carriers.model import Node
from routing.cache import Lru
from routing.network import Network, Route, routes_from
from routing.promise import features as ft
from routing.promise.engine import STANDARD
from routing.promise.families import line_haul, route_family
from routing.promise.learned import PromiseModel

LANES_KEPT = 262_144  # (mode, origin, destination, weight band, month) keys per served model
BANDS = range(len(ft.WEIGHT_BANDS_KG) + 1)


@dataclass(frozen=True)
class Lane:
    """What a quote and a history both know of a route (module docstring)."""

    family: str
    line_mode: str
    origin: str
    zone: str
    country: str
    tz: str  # the destination zone's IANA time zone


def lane_of(route: Route, nodes: dict[str, Node] | Any) -> Lane:
    zone = nodes[route[-1].to_node]
    return Lane(
        route_family(route, nodes).value,
        str(line_haul(route, nodes).mode),
        route[0].from_node,
        zone.id,
        zone.country,
        zone.tz,
    )


class LearnedDates(NamedTuple):
    """The learned P50 / P90 / P95 local dates, and every level's, for P(on time)."""

    standard: tuple[date, date, date]
    levels: tuple[float, ...]
    dates: tuple[date, ...]

    def probability_by(self, d: date) -> float:
        """The highest level whose date is on or before `d` (0 when none): the learned
        promise knows its distribution at its levels only, so this is a lower bound."""
        met = [q for q, when in zip(self.levels, self.dates, strict=True) if when <= d]
        return max(met, default=0.0)


def model_id_of(document: Any) -> str:
    """A model's id: a digest of its canonical JSON, so every worker (and a re-upload of the
    same model) names it alike."""
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), allow_nan=True)
    return "pm_" + hashlib.sha256(text.encode()).hexdigest()[:20]


@dataclass(frozen=True, eq=False)
class ServedModel:
    model_id: str
    model: PromiseModel
    _known: Lru[tuple[str, ...]] = field(default_factory=lambda: Lru(LANES_KEPT))
    _days: Lru[np.ndarray] = field(default_factory=lambda: Lru(LANES_KEPT))

    def known(self, lane: Lane) -> tuple[str, str] | None:
        """The (mode, destination) under which the model knows the lane, or None."""
        found = self._known.get(lane)
        if found is None:
            found = next(
                (
                    (mode, destination)
                    for mode in (lane.family, lane.line_mode)
                    for destination in (lane.zone, lane.country)
                    if self.model.knows(mode, destination)
                ),
                (),  # unknown, kept as such
            )
            self._known.put(lane, found)
        return (found[0], found[1]) if found else None

    def days(self, mode: str, origin: str, destination: str, kg: float, month: int) -> np.ndarray:
        """Days from the order to the promise, per level of the model (cached per key)."""
        band = float(ft.weight_band(np.array([kg]))[0])
        key = (mode, origin, destination, band, month)
        found = self._days.get(key)
        if found is None:
            raw = {
                "mode": np.array([mode], dtype=object),
                "service": np.array([mode], dtype=object),
                "origin": np.array([origin], dtype=object),
                "destination": np.array([destination], dtype=object),
                "weight_band": np.array([band]),
                "lead_days": np.array([np.nan]),
                "month": np.array([float(month)]),
            }
            found = self.model.days_of(raw, np.zeros(1, dtype=bool))[0]
            found.setflags(write=False)
            self._days.put(key, found)
        return found

    def warm(self, lanes: Iterable[Lane]) -> int:
        """Compute, in one batch per booster, the days of every known lane of `lanes` for
        every weight band and month, so quotes on them never run a booster; returns the
        keys computed. A server calls it once per model, before serving it."""
        wanted = sorted({(k[0], lane.origin, k[1]) for lane in lanes if (k := self.known(lane))})
        keys = [(*w, float(b), m) for w in wanted for b in BANDS for m in range(1, 13)]
        if not keys:
            return 0
        raw = {
            name: np.array([k[i] for k in keys], dtype=object)
            for i, name in ((0, "mode"), (0, "service"), (1, "origin"), (2, "destination"))
        }
        raw["weight_band"] = np.array([k[3] for k in keys], dtype=np.float64)
        raw["lead_days"] = np.full(len(keys), np.nan)
        raw["month"] = np.array([k[4] for k in keys], dtype=np.float64)
        days = self.model.days_of(raw, np.zeros(len(keys), dtype=bool))
        days.setflags(write=False)
        for key, row in zip(keys, days, strict=True):
            self._days.put(key, row)
        return len(keys)

    def dates(self, lane: Lane, order_time: datetime, kg: float) -> LearnedDates | None:
        """The lane's promised local dates for an order placed at `order_time` (aware), or
        None where the model does not know the lane."""
        known = self.known(lane)
        if known is None:
            return None
        month = order_time.astimezone(ZoneInfo("UTC")).month
        days = self.days(known[0], lane.origin, known[1], kg, month)
        zone = ZoneInfo(lane.tz)
        dates = tuple((order_time + timedelta(days=float(d))).astimezone(zone).date() for d in days)
        levels = self.model.levels
        p50, p90, p95 = (dates[levels.index(q)] for q in STANDARD)
        return LearnedDates((p50, p90, p95), levels, dates)


def network_lanes(network: Network) -> set[Lane]:
    """The lane of every route from every origin of the network (what `warm` is given)."""
    return {lane_of(r, network.nodes) for o in network.origins for r in routes_from(network, o)}
