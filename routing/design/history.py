"""A forecast from an order history: the orders of each week, summed per origin,
destination zone and class.

Each order counts as one parcel of its `weight_kg` and its box's m3 (length x width x
height). Its week is the Monday of the day `created_at` is written in (the origin's local
day for orders written in the origin's zone, as sample orders are); its classes come from
`routing.design.classes`: the restriction from its battery and liquid cells, the deadline
from the days between that day and `deliver_by`, the value from its goods value in EUR at
the rates of that day. Its destination zone is the zone a last-mile service covering its
country and postal code delivers to (`destination_zones`).
"""

from __future__ import annotations

import logging
from collections import Counter

import numpy as np
import pandas as pd

from carriers.errors import InvalidPlanInput
from carriers.money import minor_units
from routing.calendar import Closures, day_date, weekday_of
from routing.design.classes import deadline_classes, restriction_classes, value_classes
from routing.design.forecast import KEYS, Forecast, forecast_of
from routing.design.season import seasons
from routing.fx import FxRates, load_fx
from routing.network import Network
from routing.plan.table import NO_DEADLINE, OrdersTable

logger = logging.getLogger(__name__)


def forecast_from_orders(
    orders: OrdersTable,
    network: Network,
    weeks: int | None = None,
    fx: FxRates | None = None,
    closures: Closures | None = None,
    where: str = "orders",
) -> Forecast:
    """The weekly forecast of an order history; `weeks` keeps the last N calendar weeks
    (ending with the latest week of an order). An order no last-mile service covers
    (`destination_zones`) is left out, as the planner leaves it unrouted, and logged."""
    zone = destination_zones(orders, network)
    lost = np.flatnonzero(zone == None)  # noqa: E711 (elementwise)
    if len(lost):
        logger.info(
            "%s: %d order(s) left out: no last-mile service covers them (first: line %d)",
            where,
            len(lost),
            orders.line[lost[0]],
        )
        orders, zone = orders.take(np.flatnonzero(zone != None)), zone[zone != None]  # noqa: E711
    if not len(orders):
        raise InvalidPlanInput(f"{where}: no orders to build a forecast from")
    day = orders.created_day
    week = day - weekday_of(day)
    if weeks is not None:
        if weeks < 1:
            raise InvalidPlanInput(f"weeks must be >= 1, got {weeks}")
        keep = week > week.max() - 7 * weeks
        orders, zone = orders.take(np.flatnonzero(keep)), zone[keep]
        week, day = week[keep], day[keep]
    dated = orders.deliver_by != NO_DEADLINE
    lead = np.where(dated, orders.deliver_by - day, 0).astype(np.float64)
    frame = pd.DataFrame(
        {
            "origin": orders.origin,
            "zone": zone,
            "week": week,
            "restriction": restriction_classes(orders.battery, orders.liquid),
            "deadline_class": deadline_classes(np.where(dated, lead, np.nan)),
            "value_class": value_classes(values_eur(orders, fx or load_fx())),
            "kg": orders.weight_kg,
            "m3": orders.volume_m3,
        }
    )
    summed = frame.groupby(list(KEYS), sort=True).agg(
        kg=("kg", "sum"), m3=("m3", "sum"), parcels=("kg", "size")
    )
    summed = summed.reset_index()
    summed["season"] = seasons(summed["week"].to_numpy(dtype=np.int64), closures)
    return forecast_of(summed)


def values_eur(orders: OrdersTable, fx: FxRates) -> np.ndarray:
    """Each order's goods value in EUR at the rates of its day of creation."""
    pairs = pd.MultiIndex.from_arrays([orders.currency, orders.created_day])
    index, uniques = pairs.factorize()
    factor = np.array(
        [
            float(fx.rate(str(cur), "EUR", day_date(int(d))).rate) / 10.0 ** minor_units(str(cur))
            for cur, d in uniques
        ],
        dtype=np.float64,
    )
    return orders.value_minor * factor[index]


def destination_zones(orders: OrdersTable, network: Network) -> np.ndarray:
    """The destination zone of each order: where the last-mile services covering its
    country and postal code deliver (the zone most of them reach, ties by id); None where
    no last-mile service covers it (a territory no carrier serves, such as Vatican City's
    00120, or a country the network does not reach)."""
    net = network.compiled
    codes = np.array(
        [str(p).replace(" ", "").replace("-", "").upper() for p in orders.dest_postal_code],
        dtype=object,
    )
    zones = np.empty(len(orders), dtype=object)
    for country in np.unique(orders.dest_country):
        rows = np.flatnonzero(orders.dest_country == country)
        services = [net.services[k] for k in net.last_miles.get(str(country), ())]
        width = _prefix_width(services)
        keys = np.array([c[:width] for c in codes[rows]], dtype=object)
        found = {k: _zone(services, str(country), k) for k in set(keys.tolist())}
        zones[rows] = [found[k] for k in keys]
    return zones


def _prefix_width(services: list) -> int:
    """The longest postal prefix the services' coverage names: codes cut to it are covered
    alike."""
    return max(
        (
            len(p)
            for s in services
            for c in s.coverage
            for p in (*c.postal_prefixes, *c.except_prefixes)
        ),
        default=0,
    )


def _zone(services: list, country: str, code: str) -> str | None:
    reached = [s.to_node for s in services if s.covers(country, code)]
    if not reached:
        return None
    counts = Counter(reached)
    most = max(counts.values())
    return min(z for z, n in counts.items() if n == most)
