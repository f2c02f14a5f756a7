"""Departure tables: the instants a service leaves a node, over whole local years.

A service leaves on the days its node's departure calendar allows and its weekly schedule
names, at its local cut-off. `departures_of` gives one `Departures` per (calendar, weekdays,
cut-off, time zone), shared by every route that uses the service from that node; its table is
extended a year at a time on demand and read with `bisect`, so finding the departures
after an instant costs no array work.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from datetime import date

import numpy as np

from carriers.errors import NoFeasibleRoute
from routing.cache import cached
from routing.calendar import (
    MINUTES_PER_DAY,
    TimeZone,
    WorkCalendar,
    day_date,
    day_number,
    weekday_of,
)

MAX_YEARS = 10  # a service with no departure within ten years is broken


@dataclass(frozen=True, eq=False)
class DepartureTable:
    """Departures on the local days of whole years y0 .. y1, from UTC minute `start` on."""

    years: tuple[int, int]
    start: int  # the first local midnight of y0
    minutes: np.ndarray  # departure instants, increasing
    floor_hours: np.ndarray  # minutes // 60: the last hour a parcel can be ready in
    ceil_hours: np.ndarray  # -(-minutes // 60): the hour the departure belongs to
    as_list: list[int]  # minutes, for bisect


_EMPTY = DepartureTable((0, -1), 2**62, *(np.zeros(0, np.int64),) * 3, [])


class Departures:
    """A service's departure instants (UTC minutes) from one node, tabulated by local year.

    Each extension replaces one immutable `DepartureTable`, so concurrent readers always
    see a consistent one.
    """

    def __init__(
        self, departs: WorkCalendar, weekdays: tuple[bool, ...], cutoff_min: int, tz: TimeZone
    ) -> None:
        self.departs, self.cutoff_min, self.tz = departs, cutoff_min, tz
        self.weekdays = np.array(weekdays, dtype=bool)
        self.table = _EMPTY

    def on_days(self, first_day: int, n_days: int) -> np.ndarray:
        """UTC minutes of the departures (cut-off instants) on local days first .. + n."""
        days = np.arange(first_day, first_day + n_days, dtype=np.int64)
        runs = self.departs.days(first_day, n_days) & self.weekdays[weekday_of(days)]
        if not runs.any():  # a closed year: no instants (and none to convert)
            return np.zeros(0, dtype=np.int64)
        return self.tz.to_utc(days[runs] * MINUTES_PER_DAY + self.cutoff_min)

    def window(self, first_minute: int, last_minute: int) -> tuple[DepartureTable, int, int]:
        """The table and the slice lo:hi of the departures at/after first_minute, up to and
        including the first at/after last_minute."""
        table = self.table
        if table.start <= first_minute:
            hi = bisect_left(table.as_list, last_minute)
            if hi < len(table.as_list):
                return table, bisect_left(table.as_list, first_minute), hi + 1
        table = self._cover(first_minute, last_minute)
        lo, hi = bisect_left(table.as_list, first_minute), bisect_left(table.as_list, last_minute)
        return table, lo, hi + 1

    def between(self, first_minute: int, last_minute: int) -> np.ndarray:
        """The departures at/after first_minute, up to and including the first at/after
        last_minute."""
        table, lo, hi = self.window(first_minute, last_minute)
        return table.minutes[lo:hi]

    def next_departure(self, minute: int) -> int:
        """The first departure at or after `minute`."""
        table = self.table
        i = bisect_left(table.as_list, minute)
        if table.start <= minute and i < len(table.as_list):
            return table.as_list[i]
        table, lo, _ = self.window(minute, minute)
        return table.as_list[lo]

    def _cover(self, first_minute: int, last_minute: int) -> DepartureTable:
        year = day_date(self.tz.day_of(first_minute)).year
        y0, y1 = self.table.years
        # a table far from `year` is not stretched to it: a fresh one starts there, so what
        # was tabulated before never changes an answer
        far = y1 < y0 or max(y1, year) - min(y0, year) > MAX_YEARS
        y0, y1 = (year, year) if far else (min(y0, year), y1)
        while True:
            first = day_number(date(y0, 1, 1))
            minutes = self.on_days(first, day_number(date(y1 + 1, 1, 1)) - first)
            if len(minutes) and minutes[-1] >= last_minute:
                break
            if y1 - year >= MAX_YEARS:
                where = f"{self.departs.country}/{self.departs.scope}"
                raise NoFeasibleRoute(f"no departure from {where} for ten years")
            y1 += 1
        start = int(self.tz.midnights(first, 1)[0])
        hours = (minutes // 60, (minutes + 59) // 60)
        for a in (minutes, *hours):
            a.setflags(write=False)
        self.table = DepartureTable((y0, y1), start, minutes, *hours, minutes.tolist())
        return self.table


@cached(8192)
def departures_of(
    departs: WorkCalendar, weekdays: tuple[bool, ...], cutoff_min: int, tz: TimeZone
) -> Departures:
    """The shared departure table of a service from a node."""
    return Departures(departs, weekdays, cutoff_min, tz)
