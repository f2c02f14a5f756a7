"""A realistic season of demand for the default world: sample orders week by week
(`routing.plan.sample`), aggregated by the same code an order history goes through
(`forecast_from_orders`).

Each week is sampled with the demand profile of its season: the 11.11 week with `peak`
(10-12 November at 3x an ordinary day, electronics-heavy), the weeks around a Spring
Festival closure with `cny` (sampled once for all its weeks: the rush before, the closure,
the week after), every other week with `normal`. The default season starts on Monday
2026-09-28: 13 weeks run to 27 December and hold Golden Week, 11.11 and the weeks before
Christmas; 26 weeks run to 28 March 2027 and hold the Spring Festival closure of 2027.

The volume is the default world's: an ordinary week of `volume` orders (100,000, what its
booked capacity is sized for: docs/world.md). With `orders_per_week` below it, fewer
orders are sampled and each row's kg, m3 and parcels are scaled up by volume /
orders_per_week (parcels rounded, at least 1): the mix is the same, the rare classes
noisier. Sampling the full volume takes about 2.5 s per ordinary week: 13 weeks
in 36 s (`glocal sample-forecast --weeks 13 --seed 1`, measured).

Same network, weeks, seed, start and sizes: the same forecast.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

import numpy as np

from carriers.errors import InvalidPlanInput
from routing.calendar import Closures, day_number, load_closures
from routing.design.forecast import Forecast, concat
from routing.design.history import forecast_from_orders
from routing.design.season import cny_spans, holds_surge
from routing.network import Network
from routing.plan.sample import sample_orders
from routing.plan.table import validate_orders

SEASON_START = date(2026, 9, 28)  # a Monday; 13 weeks hold 11.11, 26 the CNY of 2027
BASE_WEEK_ORDERS = 100_000  # the ordinary week the default world's capacity is sized for


@dataclass(frozen=True)
class Segment:
    """Days sampled as one table: a week, or the weeks of a cny profile."""

    profile: str
    start: date  # the profile's start (cny: the closure's first day)


def segments(first: date, weeks: int, closures: Closures) -> list[Segment]:
    """The sampled tables that cover the weeks from Monday `first`."""
    spans = cny_spans(closures)
    out: list[Segment] = []
    for i in range(weeks):
        monday = first + timedelta(weeks=i)
        span = next((s for s in spans if monday in s.dates()), None)
        if span is None:
            out.append(Segment("peak" if holds_surge(monday) else "normal", monday))
        elif Segment("cny", span.first) not in out:  # its first Monday: the same closure
            out.append(Segment("cny", span.first))
    return out


def sample_forecast(
    network: Network,
    weeks: int = 13,
    seed: int = 1,
    start: date | None = None,
    orders_per_week: int = BASE_WEEK_ORDERS,
    volume: int = BASE_WEEK_ORDERS,
    closures: Closures | None = None,
) -> Forecast:
    """`weeks` weeks of forecast from Monday `start` (default 2026-09-28) for a business
    whose ordinary week holds `volume` orders, sampled at `orders_per_week`."""
    first = start or SEASON_START
    if first.weekday() != 0:
        raise InvalidPlanInput(f"the season must start on a Monday, got {first} ({first:%A})")
    if weeks < 1 or orders_per_week < 1 or volume < 1:
        raise InvalidPlanInput(
            f"weeks, orders per week and volume must be >= 1, got {weeks}, "
            f"{orders_per_week} and {volume}"
        )
    closures = load_closures() if closures is None else closures
    last = day_number(first + timedelta(weeks=weeks - 1))
    parts = []
    for i, segment in enumerate(segments(first, weeks, closures)):
        part = _sampled(network, segment, [seed, i], orders_per_week, closures)
        inside = (part.week >= day_number(first)) & (part.week <= last)
        parts.append(part.take(np.flatnonzero(inside)))
    return _scaled(concat(parts), volume / orders_per_week)


def _sampled(
    network: Network, segment: Segment, seeds: list[int], n: int, closures: Closures
) -> Forecast:
    seed = int(np.random.SeedSequence(seeds).generate_state(1)[0])
    frame = sample_orders(n, seed, segment.start, segment.profile, closures)
    orders, invalid = validate_orders(frame, network, f"sample {segment.profile} {segment.start}")
    if invalid:  # valid by construction on the default world; another network may refuse
        raise InvalidPlanInput(
            f"{len(invalid)} sample orders are invalid on this network; the first: "
            f"line {invalid[0].line}: {invalid[0].field}: {invalid[0].message}"
        )
    return forecast_from_orders(orders, network, closures=closures)


def _scaled(forecast: Forecast, factor: float) -> Forecast:
    if factor == 1:
        return forecast
    return replace(
        forecast,
        kg=forecast.kg * factor,
        m3=forecast.m3 * factor,
        parcels=np.maximum(np.round(forecast.parcels * factor), 1).astype(np.int64),
    )
