"""A forecast as orders the planner can price: one representative order per forecast row
and ready day, standing for that row's parcels on that day.

The planner prices an order on every route and departure with the quote's own figures
(shipping, duties, late penalty: `routing.plan`), so a forecast row is turned into the
order its average parcel would be, and its cost multiplied by the parcels it stands for:

- weight: the row's kg per parcel; the sides: a cube of its m3 per parcel;
- value: the value class's representative value, in EUR;
- goods: the restriction class's representative category (general goods as apparel,
  batteries as phones with the battery in the equipment, liquids as cosmetics);
- destination: the zone's country and a postal code a last-mile service into the zone
  covers (the most common one of the sample orders' codes);
- ready: a week's parcels become ready in equal shares on READY_DAYS at READY_HOUR local
  time, so that they reach the departures of the whole week, not only Monday's (a row of
  fewer than SPREAD_FROM parcels all on Wednesday);
- deliver_by: the deadline class's days after that.

Rate breaks by weight apply to the average parcel rather than to each parcel, the one
approximation in the cost of a row (docs/design.md).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from carriers.errors import InvalidPlanInput
from routing.calendar import day_date
from routing.design.classes import DEADLINE_DAYS, VALUE_EUR
from routing.design.forecast import Forecast
from routing.network import Network
from routing.orders.model import MAX_PARCEL_KG, MAX_SIDE_CM
from routing.plan.sample import POSTAL, postal_format
from routing.plan.table import COLUMNS, OrdersTable, validate_orders

READY_DAYS = (0, 2, 4)  # Monday, Wednesday, Friday of the forecast week
MIDWEEK = 1  # the one ready day of a row too small to spread: Wednesday
SPREAD_FROM = 30  # parcels a week from which a row is spread over READY_DAYS (7 % of the
# sample season's parcels are in smaller rows, half of its rows)
READY_HOUR = 14  # local time at the origin: the afternoon peak of the sample orders
# restriction class -> category, HS code, battery, liquid (the sample orders' own codes)
GOODS = {
    "general": ("apparel", "610910", "none", "false"),
    "battery": ("electronics", "851762", "in_equipment", "false"),
    "liquid": ("cosmetics", "330499", "none", "true"),
}


@dataclass(frozen=True)
class Representatives:
    orders: OrdersTable
    row: np.ndarray  # int64 per order: its forecast row
    parcels: np.ndarray  # float64 per order: the parcels it stands for
    kg: np.ndarray  # float64 per order: their kg
    m3: np.ndarray  # float64 per order: their m3

    def __len__(self) -> int:
        return len(self.row)


def representatives(forecast: Forecast, network: Network) -> Representatives:
    """The representative orders of every forecast row with parcels."""
    given = np.asarray(forecast.parcels)
    rows = np.flatnonzero(given > 0)
    spread = given[rows] >= SPREAD_FROM
    slots = np.where(spread, len(READY_DAYS), 1)
    row = np.repeat(rows, slots)
    first = np.repeat(np.cumsum(slots) - slots, slots)
    slot = np.arange(len(row)) - first
    slot = np.where(np.repeat(spread, slots), slot, MIDWEEK)
    postal = {z: zone_postal_code(network, z) for z in sorted(set(forecast.zone))}
    each = np.repeat(slots, slots).astype(np.float64)
    parcels = np.asarray(forecast.parcels, dtype=np.float64)[row] / each
    kg = np.asarray(forecast.kg, dtype=np.float64)[row] / each
    m3 = np.asarray(forecast.m3, dtype=np.float64)[row] / each
    frame = pd.DataFrame(
        [_order(forecast, network, int(r), int(s), postal) for r, s in zip(row, slot, strict=True)],
        columns=list(COLUMNS),
    )
    table, invalid = validate_orders(
        frame, network, f"{forecast.source or 'forecast'} (representative orders)"
    )
    if invalid:  # validate_orders raised already; kept for the type checker
        raise InvalidPlanInput(
            f"{forecast.source or 'forecast'}: a forecast row makes an invalid order"
        )
    return Representatives(table, row.astype(np.int64), parcels, kg, m3)


def _order(forecast: Forecast, network: Network, r: int, slot: int, postal: dict) -> list:
    zone = network.nodes[forecast.zone[r]]
    origin = network.nodes[forecast.origin[r]]
    per_parcel_kg = float(forecast.kg[r]) / float(forecast.parcels[r])
    side = math.cbrt(float(forecast.m3[r]) / float(forecast.parcels[r]) * 1e6)
    side = min(max(round(side, 1), 1.0), MAX_SIDE_CM)
    day = day_date(int(forecast.week[r])) + timedelta(days=READY_DAYS[slot])
    created = datetime.combine(day, time(READY_HOUR), ZoneInfo(origin.tz))
    days = DEADLINE_DAYS.get(forecast.deadline_class[r])  # `none`: no date
    deliver_by = "" if days is None else (day + timedelta(days=days)).isoformat()
    category, hs, battery, liquid = GOODS[forecast.restriction[r]]
    return [
        f"F{r}-{slot}",
        forecast.origin[r],
        zone.country,
        postal[zone.id],
        round(min(max(per_parcel_kg, 0.001), MAX_PARCEL_KG), 3),
        side,
        side,
        side,
        f"{VALUE_EUR[forecast.value_class[r]]:.2f}",
        "EUR",
        category,
        hs,
        battery,
        liquid,
        created.isoformat(),
        deliver_by,
    ]


def zone_postal_code(network: Network, zone: str) -> str:
    """A postal code of `zone`'s country that a last-mile service into the zone covers:
    the sample orders' most common prefix that one does, padded with zeros."""
    country = network.nodes[zone].country
    into = [s for s in network.services if s.to_node == zone]
    prefixes, length = POSTAL.get(country, ([("", 1.0)], 5))
    for prefix, _ in sorted(prefixes, key=lambda p: -p[1]):
        code = _formatted(country, prefix.ljust(length, "0"))
        if any(s.covers(country, code) for s in into):
            return code
    for s in into:  # a zone the sample orders do not reach: a code its coverage names
        for c in s.coverage:
            if c.country == country and c.postal_prefixes:
                return _formatted(country, c.postal_prefixes[0].ljust(length, "0"))
    raise InvalidPlanInput(f"zone {zone}: no last-mile service covers a postal code of it")


def _formatted(country: str, code: str) -> str:
    return postal_format(country, code, np.zeros(8, dtype=np.int64))
