"""Calendars: working days per country and node kind, local time zones, working-time clocks.

A day is a working day for an actor when its country works (Monday to Friday by the
`holidays` package's `weekend`, minus public holidays, plus make-up working days such as
China's Saturday 2026-02-14) and no logistics closure of `data/calendar/closures.csv`
covers the actor's kind. Actors that work at weekends (a service with `weekends = true`)
work every day that is not closed. The rules, with their sources, are in
`data/calendar/README.md`.

Time is kept as integer **minutes since 1970-01-01 00:00 UTC** and local days as **day
numbers** (days since 1970-01-01 in the local calendar), so everything vectorises over
numpy arrays. Holiday sets and time-zone transitions are computed once per country, year
and zone and cached; nothing here reads a file except `load_closures`, which is cached too.
"""

from __future__ import annotations

import csv
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cached_property
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays
import numpy as np

from carriers.errors import InvalidRule, Problem, UnknownCountry
from carriers.model import Node, NodeKind
from carriers.registry import DEFAULT_WORLD
from routing.cache import Lru, cached

CLOSURES_FILE = DEFAULT_WORLD / "calendar" / "closures.csv"
MINUTES_PER_DAY = 1440
EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
CUSTOMS = "customs"  # the scope of import clearance in closures.csv
SCOPES = frozenset({k.value for k in NodeKind} | {CUSTOMS})
# Time-zone transitions are tabulated over these years; instants outside use the edge offset.
TZ_YEARS = (2000, 2061)
_TABLE_FIRST_DAY = (date(TZ_YEARS[0], 1, 1) - date(1970, 1, 1)).days
_TABLE_LAST_DAY = (date(TZ_YEARS[1], 1, 1) - date(1970, 1, 1)).days
MAX_WINDOW_DAYS = 3660  # a calendar with no working time within ten years is broken


def day_number(d: date) -> int:
    return d.toordinal() - EPOCH_ORDINAL


def day_date(n: int) -> date:
    return date.fromordinal(int(n) + EPOCH_ORDINAL)


def weekday_of(days: np.ndarray) -> np.ndarray:
    """0 = Monday, for day numbers (1970-01-01 was a Thursday)."""
    return (days + 3) % 7


def utc_minutes(t: datetime) -> int:
    """An aware datetime as minutes since the epoch (seconds are dropped)."""
    if t.tzinfo is None or t.utcoffset() is None:
        raise ValueError(f"datetime {t.isoformat()} has no time zone; give an aware datetime")
    return int(t.timestamp() // 60)


def utc_datetime(minutes: int) -> datetime:
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(minutes=int(minutes))


# --- time zones ---------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class TimeZone:
    """UTC offsets of one IANA zone as a step function: `offsets[i]` holds from `starts[i]`."""

    name: str
    starts: np.ndarray  # int64 UTC minutes; starts[0] is a sentinel far in the past
    offsets: np.ndarray  # int64 minutes east of UTC

    @cached_property
    def _steps(self) -> tuple[list[int], list[int]]:
        return self.starts.tolist(), self.offsets.tolist()

    def offset(self, utc_min: np.ndarray) -> np.ndarray | int:
        """Minutes east of UTC at each instant (one number when they all share it)."""
        starts, offsets = self._steps
        lo = bisect_right(starts, int(np.min(utc_min)))
        if lo == bisect_right(starts, int(np.max(utc_min))):
            return offsets[lo - 1]
        return self.offsets[np.searchsorted(self.starts, utc_min, side="right") - 1]

    def to_local(self, utc_min: np.ndarray) -> np.ndarray:
        return utc_min + self.offset(utc_min)

    def to_utc(self, local_min: np.ndarray) -> np.ndarray:
        """The instant a local wall-clock minute names (the later one in a DST fold)."""
        guess = local_min - self.offset(local_min)
        return local_min - self.offset(guess)

    def local_day(self, utc_min: np.ndarray) -> np.ndarray:
        return self.to_local(utc_min) // MINUTES_PER_DAY

    def local_minute(self, utc_min: int) -> int:
        """`to_local` of one instant."""
        starts, offsets = self._steps
        return utc_min + offsets[bisect_right(starts, utc_min) - 1]

    def utc_minute(self, local_min: int) -> int:
        """`to_utc` of one local minute."""
        starts, offsets = self._steps
        guess = local_min - offsets[bisect_right(starts, local_min) - 1]
        return local_min - offsets[bisect_right(starts, guess) - 1]

    def day_of(self, utc_min: int) -> int:
        """The local day number of one instant."""
        starts, offsets = self._steps
        return (utc_min + offsets[bisect_right(starts, utc_min) - 1]) // MINUTES_PER_DAY

    @cached_property
    def _midnights(self) -> np.ndarray:
        days = np.arange(_TABLE_FIRST_DAY, _TABLE_LAST_DAY + 1, dtype=np.int64)
        table = self.to_utc(days * MINUTES_PER_DAY)
        table.setflags(write=False)
        return table

    @cached_property
    def _midnight_hours(self) -> np.ndarray:
        table = self._midnights // 60
        table.setflags(write=False)
        return table

    def midnight_hours(self, first_day: int, n: int) -> np.ndarray:
        """The UTC hours holding the local midnights starting days first_day .. + n - 1
        (hour h stands for (h - 1, h], so this is the last hour of the day before)."""
        i = first_day - _TABLE_FIRST_DAY
        if i >= 0 and i + n <= len(self._midnight_hours):
            return self._midnight_hours[i : i + n]
        return self.midnights(first_day, n) // 60

    def midnights(self, first_day: int, n: int) -> np.ndarray:
        """UTC minutes of the local midnights starting days first_day .. first_day + n - 1."""
        i = first_day - _TABLE_FIRST_DAY
        if i >= 0 and i + n <= len(self._midnights):
            return self._midnights[i : i + n]
        return self.to_utc(np.arange(first_day, first_day + n, dtype=np.int64) * MINUTES_PER_DAY)


@cached(1024)
def time_zone(name: str) -> TimeZone:
    """The offsets of an IANA zone, found by weekly sampling and bisection to the minute."""
    try:
        zone = ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidRule(f"unknown IANA time zone {name!r}") from None

    def offset(minute: int) -> int:
        local = utc_datetime(minute).astimezone(zone)
        return int(local.utcoffset().total_seconds() // 60)  # type: ignore[union-attr]

    lo = utc_minutes(datetime(TZ_YEARS[0], 1, 1, tzinfo=UTC))
    hi = utc_minutes(datetime(TZ_YEARS[1], 1, 1, tzinfo=UTC))
    starts, offsets = [np.iinfo(np.int64).min // 4], [offset(lo)]
    minute, step = lo, 7 * MINUTES_PER_DAY
    while minute < hi:
        if offset(minute + step) == offsets[-1]:
            minute += step
            continue
        a, b = minute, minute + step  # offset(a) is the current one, offset(b) is not
        while b - a > 1:
            mid = (a + b) // 2
            a, b = (mid, b) if offset(mid) == offsets[-1] else (a, mid)
        starts.append(b)
        offsets.append(offset(b))
        minute = b
    return TimeZone(name, np.array(starts, dtype=np.int64), np.array(offsets, dtype=np.int64))


# --- closures -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Closure:
    """Days (both ends included) on which some kinds of node of a country do not work."""

    id: str
    country: str
    applies_to: frozenset[str]  # node kinds, or CUSTOMS
    first_day: date
    last_day: date
    reason: str = ""
    source: str = ""


class Closures:
    """A table of closures, looked up by (country, scope). Hashed by identity, so that the
    calendars holding it stay cheap dictionary keys."""

    def __init__(self, closures: Iterable[Closure] = ()) -> None:
        self.items = tuple(closures)

    def day_ranges(self, country: str, scope: str) -> tuple[tuple[int, int], ...]:
        """(first, last) day numbers of the closures of one country's scope."""
        return tuple(
            (day_number(c.first_day), day_number(c.last_day))
            for c in self.items
            if c.country == country and scope in c.applies_to
        )


NO_CLOSURES = Closures()
_CLOSURE_COLUMNS = ("id", "country", "applies_to", "first_day", "last_day", "reason", "source")


@cached(8)
def load_closures(path: Path = CLOSURES_FILE) -> Closures:
    """Read a closures CSV (see data/calendar/README.md); all problems at once, by line."""
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    numbered = [(i, text) for i, text in enumerate(lines, 1) if not text.startswith("#")]
    if not numbered:
        raise InvalidRule(f"{path}: no header line", (Problem(f"{path}:1", "header", "missing"),))
    rows = list(csv.reader(text for _, text in numbered))
    header, problems, closures = rows[0], [], []
    missing = [c for c in _CLOSURE_COLUMNS if c not in header]
    if missing:
        where = f"{path}:{numbered[0][0]}"
        problems.append(Problem(where, "header", f"missing column(s) {', '.join(missing)}"))
    else:
        for (line, _), row in zip(numbered[1:], rows[1:], strict=True):
            if row:
                closures.append(_closure(dict(zip(header, row, strict=False)), f"{path}:{line}"))
        problems = [p for c in closures if isinstance(c, list) for p in c]
    if problems:
        detail = "; ".join(str(p) for p in problems)
        raise InvalidRule(
            f"closures file has {len(problems)} problem(s): {detail}", tuple(problems)
        )
    return Closures(c for c in closures if isinstance(c, Closure))


def _closure(row: dict[str, str], where: str) -> Closure | list[Problem]:
    problems: list[Problem] = []
    scopes = frozenset(s.strip() for s in row.get("applies_to", "").split(";") if s.strip())
    if not scopes or not scopes <= SCOPES:
        bad = sorted(scopes - SCOPES) or ["(empty)"]
        problems.append(Problem(where, "applies_to", f"unknown scope(s) {', '.join(bad)}"))
    days = []
    for name in ("first_day", "last_day"):
        try:
            days.append(date.fromisoformat(row.get(name, "").strip()))
        except ValueError:
            problems.append(
                Problem(where, name, f"must be a date YYYY-MM-DD, got {row.get(name)!r}")
            )
    if len(days) == 2 and days[1] < days[0]:
        problems.append(Problem(where, "last_day", "is before first_day"))
    country = row.get("country", "").strip()
    if len(country) != 2 or not country.isupper():
        problems.append(Problem(where, "country", f"must be ISO 3166-1 alpha-2, got {country!r}"))
    if problems:
        return problems
    reason, source = row.get("reason", ""), row.get("source", "")
    return Closure(row["id"].strip(), country, scopes, days[0], days[1], reason, source)


# --- working days -------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkCalendar:
    """The days one actor works: its country's working days (or every day, `weekends`),
    minus the closures of its scope (a node kind, or CUSTOMS)."""

    country: str
    scope: str
    weekends: bool = False  # works Saturdays, Sundays and public holidays
    closures: Closures = NO_CLOSURES

    def days(self, first: int, n: int) -> np.ndarray:
        """Working flags (bool) of day numbers first .. first + n - 1."""
        table = self._table(first, n)
        return table.flags[first - table.start : first - table.start + n]

    def works(self, d: date) -> bool:
        return bool(self.days(day_number(d), 1)[0])

    def next_working(self, days: np.ndarray) -> np.ndarray:
        """For each day number, the first working day on or after it."""
        first, last = int(np.min(days)), int(np.max(days))
        n = last - first + 1
        while True:
            table = self._table(first, n)
            found = table.next[first - table.start : last - table.start + 1]
            if found[-1] < len(table.flags):
                return table.start + table.next[days - table.start]
            if n > MAX_WINDOW_DAYS:
                raise InvalidRule(f"calendar {self.country}/{self.scope} has no working days")
            n += 366

    def next_working_range(self, first: int, n: int) -> np.ndarray:
        """`next_working` of the consecutive days first .. first + n - 1."""
        table = self._table(first, n)
        found = table.next[first - table.start : first - table.start + n]
        if found[-1] < len(table.flags):
            return table.start + found
        return self.next_working(np.arange(first, first + n, dtype=np.int64))

    def _table(self, first: int, n: int) -> _Table:
        table = _STORE.get(self)
        if table is None or first < table.start or first + n > table.start + len(table.flags):
            table = self._tabulate(first, n, table)
        return table

    def _tabulate(self, first: int, n: int, old: _Table | None) -> _Table:
        years = [day_date(first).year, day_date(first + n - 1).year]
        if old is not None:
            years += [day_date(old.start).year, day_date(old.start + len(old.flags) - 1).year]
        y0, y1 = min(years), max(years)
        flags = np.concatenate([self._year(y) for y in range(y0, y1 + 1)])
        working = np.flatnonzero(flags)
        later = np.searchsorted(working, np.arange(len(flags)))  # len(flags): none in table
        table = _Table(day_number(date(y0, 1, 1)), flags, np.append(working, len(flags))[later])
        for a in (table.flags, table.next):
            a.setflags(write=False)
        _STORE.put(self, table)
        return table

    def _year(self, year: int) -> np.ndarray:
        first = day_number(date(year, 1, 1))
        days = np.arange(first, day_number(date(year + 1, 1, 1)), dtype=np.int64)
        if self.weekends:
            works = np.ones(len(days), dtype=bool)
        else:
            weekend, public, makeup = _country_year(self.country, year)
            works = ~np.isin(weekday_of(days), weekend) | np.isin(days, makeup)
            works &= ~np.isin(days, public)
        for lo, hi in self.closures.day_ranges(self.country, self.scope):
            works[max(lo - first, 0) : max(hi + 1 - first, 0)] = False
        return works


@dataclass(frozen=True)
class _Table:
    """A calendar's working flags over whole years from day `start`, and for each day the
    index of the first working day on or after it (len(flags) when none is tabulated)."""

    start: int
    flags: np.ndarray
    next: np.ndarray


_STORE: Lru[_Table] = Lru(4096)  # by calendar: a few per node kind and country


@cached(4096)
def _country_year(country: str, year: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Weekend weekdays, public holidays and make-up working days (day numbers) of a year."""
    try:
        table = holidays.country_holidays(country, years=year)
    except NotImplementedError:
        raise UnknownCountry(f"no public-holiday calendar for country {country!r}") from None
    public = np.array(sorted(day_number(d) for d in table), dtype=np.int64)
    makeup = sorted(day_number(d) for d in getattr(table, "weekend_workdays", ()) if d.year == year)
    return np.array(sorted(table.weekend)), public, np.array(makeup, dtype=np.int64)


def handling_calendar(node: Node, closures: Closures) -> WorkCalendar:
    """The days a node handles parcels."""
    return WorkCalendar(node.country, node.kind.value, False, closures)


def departure_calendar(node: Node, moves_weekends: bool, closures: Closures) -> WorkCalendar:
    """The days a service can leave a node (its weekly schedule narrows them further)."""
    return WorkCalendar(node.country, node.kind.value, moves_weekends, closures)


def customs_calendar(country: str, closures: Closures) -> WorkCalendar:
    """The days import customs clear: working days, never public holidays."""
    return WorkCalendar(country, CUSTOMS, False, closures)


def delivery_calendar(zone: Node, weekends: bool, closures: Closures) -> WorkCalendar:
    """The days a last mile delivers in a destination zone."""
    return WorkCalendar(zone.country, zone.kind.value, weekends, closures)
