"""What a forecast week is: `peak` (the 11.11 surge), `cny` (the Chinese New Year
closure of the origin warehouses) or `normal`, by the same calendar the sample orders'
demand profiles use (`routing.plan.sample`).

- `peak`: a week holding one of the surge days of November (`SURGE_DAYS`: 10-12
  November, the days the peak profile weighs at 3x).
- `cny`: a week of the `cny` profile of some Spring Festival closure of the calendar
  (data/calendar/closures.csv): from the week before the closure (the rush) to the week
  after it, the weeks whose demand the closure shapes.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from routing.calendar import Closures, day_date, day_number, load_closures
from routing.plan.sample import SPRING_FESTIVAL, SURGE_DAYS, Demand, demand

SEASONS = ("normal", "peak", "cny")


def cny_spans(closures: Closures) -> list[Demand]:
    """The `cny` profile of every Spring Festival closure in the calendar, by date."""
    found = sorted(
        (c for c in closures.items if c.id.startswith(SPRING_FESTIVAL)),
        key=lambda c: c.first_day,
    )
    return [demand("cny", c.first_day, closures) for c in found]


def is_peak_week(first: date) -> bool:
    """The week from Monday `first` holds one of 11.11's surge days."""
    days = {first + timedelta(days=i) for i in range(7)}
    years = {first.year, (first + timedelta(days=6)).year}
    return any(date(y, 11, d) in days for y in years for d in SURGE_DAYS)


def holds_surge(first: date) -> bool:
    """The week from Monday `first` holds all of the surge days (the peak profile's week)."""
    days = {first + timedelta(days=i) for i in range(7)}
    return all(date(first.year, 11, d) in days for d in SURGE_DAYS)


def seasons(weeks: np.ndarray, closures: Closures | None = None) -> np.ndarray:
    """The season of each week (day numbers of Mondays); `closures` defaults to the
    default world's calendar."""
    closures = load_closures() if closures is None else closures
    cny = {day_number(d) for span in cny_spans(closures) for d in span.dates()[::7]}
    out = np.full(len(weeks), "normal", dtype=object)
    for week in np.unique(weeks):
        if int(week) in cny:
            out[weeks == week] = "cny"
        elif is_peak_week(day_date(int(week))):
            out[weeks == week] = "peak"
    return out
