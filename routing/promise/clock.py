"""Working-time clocks: durations counted in a calendar's working time, in a time zone.

`Clock` and `advance` work to the minute (order times, the simulator), and `MinuteClock`
does the same for one instant over cached yearly tables (the handling of an order before
its first departure); `HourClock` works on whole UTC hours over cached yearly tables (the
promise engine's clearance and handling after a transit).
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from datetime import date

import numpy as np

from carriers.errors import InvalidRule
from routing.cache import cached
from routing.calendar import (
    MAX_WINDOW_DAYS,
    MINUTES_PER_DAY,
    TimeZone,
    WorkCalendar,
    day_date,
    day_number,
)


class Clock:
    """Working time of a calendar in a time zone over a window of local days.

    `at(t)` is the working minutes between the window's start and instant t; `when(w)` is
    the first instant by which w working minutes have passed. Both are monotone, so a
    duration in working time is `when(at(t) + d)`.
    """

    def __init__(self, calendar: WorkCalendar, tz: TimeZone, first_day: int, n_days: int):
        self.tz, self.first, self.n = tz, first_day, n_days
        self.flags = calendar.days(first_day, n_days).astype(np.int64)
        self.ends = np.cumsum(self.flags) * MINUTES_PER_DAY  # working minutes by each day's end

    @property
    def capacity(self) -> int:
        return int(self.ends[-1])

    def at(self, t: np.ndarray) -> np.ndarray:
        local = self.tz.to_local(t)
        d = local // MINUTES_PER_DAY - self.first
        return self.ends[d] - self.flags[d] * (MINUTES_PER_DAY - local % MINUTES_PER_DAY)

    def when(self, w: np.ndarray) -> np.ndarray:
        d = np.searchsorted(self.ends, w, side="left")
        day_start = self.ends[d] - self.flags[d] * MINUTES_PER_DAY
        return self.tz.to_utc((self.first + d) * MINUTES_PER_DAY + (w - day_start))


def clock_for(
    calendar: WorkCalendar, tz: TimeZone, t_min: int, t_max: int, work_min: float
) -> Clock:
    """A clock from the local day of t_min that holds `work_min` working minutes after t_max."""
    first = tz.day_of(t_min)
    n = tz.day_of(t_max) - first + 2 + int(2 * work_min / MINUTES_PER_DAY) + 30
    while True:
        clock = Clock(calendar, tz, first, n)
        if clock.capacity - int(clock.at(np.array([t_max]))[0]) > work_min:
            return clock
        if n > MAX_WINDOW_DAYS:
            raise InvalidRule(f"calendar {calendar.country}/{calendar.scope} has no working days")
        n *= 2


def advance(
    calendar: WorkCalendar, tz: TimeZone, t: np.ndarray, work_min: np.ndarray | int | np.integer
) -> np.ndarray:
    """The instants at which `work_min` working minutes have passed since instants `t`."""
    clock = clock_for(calendar, tz, int(t.min()), int(t.max()), float(np.max(work_min)))
    return clock.when(clock.at(t) + work_min)


class MinuteClock:
    """`advance` for one instant at a time, on a calendar's working days tabulated over
    whole years (extended on demand): the same instants as `advance`, without its arrays.
    Each extension replaces one immutable tuple, so concurrent readers see a consistent one.
    """

    def __init__(self, calendar: WorkCalendar, tz: TimeZone) -> None:
        self.calendar, self.tz = calendar, tz
        self._table: tuple[int, list[int], list[int]] = (0, [], [])  # first day, flags, ends

    def advance(self, t: int, work_min: int) -> int:
        """The instant at which `work_min` (> 0) working minutes have passed since t."""
        while True:
            first, flags, ends = self._table
            local = self.tz.local_minute(t)
            d = local // MINUTES_PER_DAY - first
            if 0 <= d < len(flags):
                w = ends[d] - flags[d] * (MINUTES_PER_DAY - local % MINUTES_PER_DAY) + work_min
                if w <= ends[-1]:
                    k = bisect_left(ends, w)
                    day_start = ends[k] - flags[k] * MINUTES_PER_DAY
                    return self.tz.utc_minute((first + k) * MINUTES_PER_DAY + (w - day_start))
            self._extend(t, work_min)

    def _extend(self, t: int, work_min: int) -> None:
        first, flags, _ = self._table
        y0 = y1 = day_date(self.tz.day_of(t)).year
        if flags:
            y0, y1 = _joined(
                (y0, y1), (day_date(first).year, day_date(first + len(flags) - 1).year)
            )
        y1 += 1 + int(work_min // (200 * MINUTES_PER_DAY))  # a year beyond, or more for long waits
        if y1 - y0 > MAX_WINDOW_DAYS // 365:
            where = f"{self.calendar.country}/{self.calendar.scope}"
            raise InvalidRule(f"calendar {where} has no working days")
        start = day_number(date(y0, 1, 1))
        days = self.calendar.days(start, day_number(date(y1 + 1, 1, 1)) - start).astype(np.int64)
        self._table = (start, days.tolist(), (np.cumsum(days) * MINUTES_PER_DAY).tolist())


def _joined(wanted: tuple[int, int], held: tuple[int, int]) -> tuple[int, int]:
    """The years of a table extended from `held` to hold `wanted`; when that would span
    more than the longest a search may take, `wanted` alone, so that what was tabulated
    before never changes an answer (or makes it an error)."""
    joined = (min(wanted[0], held[0]), max(wanted[1], held[1]))
    return joined if joined[1] - joined[0] <= MAX_WINDOW_DAYS // 365 else wanted


@cached(4096)
def minute_clock(calendar: WorkCalendar, tz: TimeZone) -> MinuteClock:
    """The minute clock of a calendar in a time zone, shared by every leg leaving there."""
    return MinuteClock(calendar, tz)


def hour_flags(
    calendar: WorkCalendar, tz: TimeZone, first_day: int, n_days: int
) -> tuple[int, np.ndarray]:
    """Working flags of whole UTC hours over local days first_day .. + n_days.

    Hour h stands for the hour (h - 1, h]; it belongs to the local day holding that hour.
    Returns the first hour and the flags (a DST day has 23 or 25 of them).
    """
    ends = tz.midnights(first_day, n_days + 1) // 60
    return int(ends[0]) + 1, np.repeat(calendar.days(first_day, n_days), np.diff(ends))


@dataclass(frozen=True)
class HourTable:
    """Working hours tabulated from UTC hour `start` (hour h stands for (h - 1, h])."""

    start: int
    cum: np.ndarray  # working hours completed by the end of each hour
    work: np.ndarray  # offsets of the working hours from start
    years: tuple[int, int]

    def worked(self, hours: np.ndarray) -> np.ndarray:
        """Working hours completed by the end of each hour (counted from the table start)."""
        return self.cum[hours - self.start]

    def reached(self, w: np.ndarray) -> np.ndarray:
        """The hour at whose end the w-th working hour is completed."""
        return self.work[w - 1] + self.start

    def done(self, hour: int, work_hours: int) -> int:
        """The hour by whose end `work_hours` working hours after hour `hour` are done."""
        return int(self.work[int(self.cum[hour - self.start]) + work_hours - 1]) + self.start

    def latest(self, hours: np.ndarray, work_hours: int) -> np.ndarray:
        """For each hour b, the last hour from which `work_hours` working hours are done by
        the end of b (the table start - 1 when none is): what is ready by that hour is
        done by b. Hours past the table read as its end."""
        worked = self.cum.take(hours - self.start, mode="clip")
        return self.cum.searchsorted(worked - work_hours, side="right") + (self.start - 1)


class HourClock:
    """Working hours of a calendar in a time zone, tabulated over whole years of UTC hours
    and extended on demand: the promise engine's clearance and handling are gathers in
    these tables. Each extension replaces an immutable `HourTable`, so concurrent readers
    always see a consistent one."""

    def __init__(self, calendar: WorkCalendar, tz: TimeZone) -> None:
        self.calendar, self.tz = calendar, tz
        empty = np.zeros(0, dtype=np.int64)
        self.table = HourTable(0, empty, empty, (0, -1))

    def cover(self, first_hour: int, last_hour: int, extra: int = 0) -> HourTable:
        """A table holding hours first .. last and `extra` working hours after last."""
        while True:
            t = self.table
            inside = t.start <= first_hour and last_hour < t.start + len(t.cum)
            if inside and t.cum[-1] - t.cum[last_hour - t.start] >= extra:
                return t
            y0 = day_date(self.tz.day_of(first_hour * 60 - 1)).year
            y1 = day_date(self.tz.day_of(last_hour * 60)).year
            if t.years[1] >= t.years[0]:
                y1 = t.years[1] + 1 if inside else y1  # more working hours: a year more
                y0, y1 = _joined((y0, y1), t.years)
            if y1 - y0 > MAX_WINDOW_DAYS // 365:
                where = f"{self.calendar.country}/{self.calendar.scope}"
                raise InvalidRule(f"calendar {where} has no working hours for ten years")
            first = day_number(date(y0, 1, 1))
            n = day_number(date(y1 + 1, 1, 1)) - first
            start, flags = hour_flags(self.calendar, self.tz, first, n)
            self.table = HourTable(start, np.cumsum(flags), np.flatnonzero(flags), (y0, y1))


@cached(4096)
def hour_clock(calendar: WorkCalendar, tz: TimeZone) -> HourClock:
    """The hour clock of a calendar in a time zone, shared by every leg using it."""
    return HourClock(calendar, tz)
