"""A forecast on a glocal network as a lane booking problem (problem.py).

Week by week, the forecast's representative orders (orders.py) go through the planner's
first stages (`routing.plan.planner.prepare`): priced on every lane, grouped into coarse
commodities, and given the universe of their routes and departures within the horizon
with each order's own cost on each (shipping, duties, late penalty: the quote's figures).
Then:

- **commodities**: one per representative order, its kg and m3, unserved at the plan's
  unplanned penalty per parcel;
- **columns**: one per (order, universe arc), costing the order's own cost times the
  parcels it stands for; of the arcs that load the same capacity rows, only the
  order's cheapest is kept (the others cannot be better in any design);
- **capacity rows**: one per capacitated service departure any column loads, merged over
  the weeks. A service with a booking option (`carriers.model.BookingOption`) is bought
  in its units at their fixed cost, within its min and max, weekly commitments shared by
  the departures of one weekday, with its spot rate past the units; a service with a
  consolidation unit and no booking option keeps today's terms (units bought as used,
  up to its capacity, no spot); a capacity without a unit is given, at no cost.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import numpy as np

from carriers.model import Commitment, Service
from routing.calendar import day_date
from routing.design.forecast import Forecast
from routing.design.orders import Representatives, representatives
from routing.design.problem import CapacityRows, Columns, Commodities, DesignProblem
from routing.fx import FxRates, load_fx
from routing.network import Network
from routing.plan.master import in_minor
from routing.plan.params import PlanParams, Scenario
from routing.plan.planner import prepare
from routing.plan.pricing import order_arc_pairs

Progress = Callable[[str], None]
FIRST_COLUMNS = 3  # per commodity in the first LP: its cheapest, the rest priced in
# (on 4 sample weeks the LP took 14 s so, 26 s with every column at once)
UNLIMITED = 10**6  # units of a service whose capacity the network does not limit


@dataclass(frozen=True)
class WorldDesign:
    problem: DesignProblem
    network: Network
    reps: Representatives
    keys: list[tuple[int, int]]  # per capacity row: (compiled service, local day)
    booked: np.ndarray  # bool per row: a booking decision (the service has an option)
    late: np.ndarray  # bool per column: its P90 arrival is after the order's deliver_by
    currency: str
    at: date  # fx and rules of this day


def build_design(
    forecast: Forecast,
    network: Network,
    params: PlanParams | None = None,
    fx: FxRates | None = None,
    progress: Progress | None = None,
) -> WorldDesign:
    params = params or PlanParams()
    fx = fx or load_fx()
    reps = representatives(forecast, network)
    weeks = np.asarray(forecast.week, dtype=np.int64)[reps.row]
    key_of: dict[tuple[int, int], int] = {}
    parts: list[tuple[np.ndarray, ...]] = []
    for week in np.unique(weeks):
        if progress:
            progress(f"week of {day_date(int(week)).isoformat()}")
        index = np.flatnonzero(weeks == week)
        parts.append(_week_columns(reps, index, network, params, key_of))
    at = day_date(int(np.min(forecast.week)))
    columns, late = _columns(parts)
    keys = list(key_of)
    last_day = int(np.max(forecast.week)) + 6
    rows, booked = capacity_rows(network, keys, fx, at, params.currency, last_day)
    unserved = reps.parcels * in_minor(params.unplanned_penalty, params.currency)
    commodities = Commodities(reps.kg, reps.m3, unserved)
    problem = DesignProblem(rows, commodities, columns, cheapest(columns, FIRST_COLUMNS))
    return WorldDesign(problem, network, reps, keys, booked, late, params.currency, at)


def _week_columns(
    reps: Representatives,
    index: np.ndarray,
    network: Network,
    params: PlanParams,
    key_of: dict[tuple[int, int], int],
) -> tuple[np.ndarray, ...]:
    """One week's columns: (commodity, cost, row 0, row 1, late) arrays, the rows
    numbered in `key_of` (grown as new departures appear)."""
    w = prepare(reps.orders.take(index), network, params, Scenario())
    u = w.universe
    glob = np.array([key_of.setdefault(k, len(key_of)) for k in u.keys] + [-1], dtype=np.int64)
    out: list[list[np.ndarray]] = [[] for _ in range(5)]
    for owner, arc in order_arc_pairs(w.coarse, u):
        cost = w.costs(owner, arc) * reps.parcels[index[owner]]
        r0, r1 = glob[u.arcs.rows[arc, 0]], glob[u.arcs.rows[arc, 1]]
        late = w.costs.late_days(owner, arc) > 0
        for part, values in zip(out, (index[owner], cost, r0, r1, late), strict=True):
            part.append(values)
    return _cheapest_per_rows(*(np.concatenate(p) if p else np.zeros(0) for p in out))


def _cheapest_per_rows(*arrays: np.ndarray) -> tuple[np.ndarray, ...]:
    """Of the columns of one commodity that load the same rows, the cheapest alone; and
    none that costs more than the commodity's cheapest column loading no row at all
    (capacity costs nothing less than nothing, so it could never be better)."""
    commodity, cost, r0, r1 = arrays[:4]
    free = np.full(int(commodity.max()) + 1 if len(commodity) else 0, np.inf)
    np.minimum.at(free, commodity[r0 < 0], cost[r0 < 0])
    keep = cost <= free[commodity]
    arrays = tuple(a[keep] for a in arrays)
    commodity, cost, r0, r1 = arrays[:4]
    order = np.lexsort((cost, r1, r0, commodity))
    first = np.ones(len(order), dtype=bool)
    same = (np.diff(commodity[order]) == 0) & (np.diff(r0[order]) == 0)
    first[1:] = ~(same & (np.diff(r1[order]) == 0))
    keep = order[first]
    return tuple(a[keep] for a in arrays)


def _columns(parts: list[tuple[np.ndarray, ...]]) -> tuple[Columns, np.ndarray]:
    """The weeks' columns as one `Columns`, by commodity, and which are late."""
    commodity, cost, r0, r1, late = (np.concatenate([p[i] for p in parts]) for i in range(5))
    order = np.argsort(commodity, kind="stable")
    commodity, cost, r0, r1 = commodity[order], cost[order], r0[order], r1[order]
    used = np.stack([r0, r1], axis=1).astype(np.int64)
    start = np.concatenate([[0], np.cumsum((used >= 0).sum(axis=1))]).astype(np.int64)
    columns = Columns(commodity.astype(np.int64), cost.astype(np.float64), start, used[used >= 0])
    return columns, late[order].astype(bool)


def cheapest(columns: Columns, k: int) -> np.ndarray:
    """Per column, whether it is among its commodity's `k` cheapest."""
    order = np.lexsort((columns.cost, columns.commodity))
    first = np.searchsorted(columns.commodity[order], columns.commodity[order], side="left")
    rank = np.empty(len(columns), dtype=np.int64)
    rank[order] = np.arange(len(columns)) - first
    return rank < k


def capacity_rows(
    network: Network,
    keys: list[tuple[int, int]],
    fx: FxRates,
    at: date,
    currency: str,
    last_day: int,
) -> tuple[CapacityRows, np.ndarray]:
    """The capacity rows of the (service, local day) departures in `keys`, and which of
    them are booking decisions (see the module docstring). A weekly commitment holds
    for the season's departures, up to `last_day`; the later ones that the season's
    last parcels reach are booked departure by departure (the next season's
    commitment is not this design's to make)."""
    net = network.compiled
    terms: dict[str, list[float]] = {}
    names, group, booked = [], [], []
    for n, (k, day) in enumerate(keys):
        s = net.services[k]
        names.append(f"{s.id}@{day_date(day).isoformat()}")
        for name, value in _terms(s, fx, at, currency).items():
            terms.setdefault(name, []).append(value)
        weekly = s.booking is not None and s.booking.commitment is Commitment.WEEKLY
        weekly = weekly and day <= last_day  # past the season: booked by the departure
        group.append(-(k * 7 + day % 7) - 1 if weekly else n)  # a weekday's, or its own
        booked.append(s.booking is not None)
    whole = {k: np.array(terms.get(k, []), dtype=np.int64) for k in ("min_units", "max_units")}
    real = {k: np.array(v, dtype=np.float64) for k, v in terms.items() if k not in whole}
    _, commitment = np.unique(np.array(group, dtype=np.int64), return_inverse=True)
    rows = CapacityRows(name=names, commitment=commitment.astype(np.int64), **whole, **real)
    return rows, np.array(booked, dtype=bool)


def _terms(s: Service, fx: FxRates, at: date, currency: str) -> dict[str, float]:
    """A departure's row terms but its name and commitment."""

    def minor(money: object) -> float:
        return float(fx.convert(money, currency, at).amount)  # type: ignore[arg-type]

    none = {"spot_rate": math.inf, "spot_cap_kg": math.inf, "spot_kg_per_m3": 0.0}
    cap_kg = s.capacity.kg if s.capacity.kg is not None else math.inf
    cap_m3 = s.capacity.m3 if s.capacity.m3 is not None else math.inf
    if s.unit is None:  # a given capacity: one free unit of it
        return {
            "unit_kg": _finite(cap_kg),
            "unit_m3": _finite(cap_m3),
            "fixed": 0.0,
            "min_units": 1,
            "max_units": 1,
            **none,
        }
    unit = {
        "unit_kg": s.unit.capacity_kg,
        "unit_m3": s.unit.capacity_m3,
        "fixed": minor(s.unit.cost),
    }
    b = s.booking
    if b is None:  # today's terms: units as used, up to the capacity
        most = max(_units(cap_kg, s.unit.capacity_kg), _units(cap_m3, s.unit.capacity_m3))
        most = most if most or math.isfinite(min(cap_kg, cap_m3)) else UNLIMITED
        return {**unit, "min_units": 0, "max_units": most, **none}
    spot = (
        none
        if b.spot_rate is None
        else {
            "spot_rate": minor(b.spot_rate),
            "spot_cap_kg": math.inf if b.spot_cap_kg is None else b.spot_cap_kg,
            "spot_kg_per_m3": b.spot_kg_per_m3,
        }
    )
    return {**unit, "min_units": b.min_units, "max_units": b.max_units, **spot}


def _finite(value: float) -> float:
    return 0.0 if math.isinf(value) else value


def _units(cap: float, unit: float) -> int:
    if unit <= 0 or math.isinf(cap):
        return 0
    return math.ceil(cap / unit - 1e-9)
