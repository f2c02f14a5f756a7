"""The dates glocal can answer for: what its data covers, and a window around now.

`data/coverage.toml` states, for each table of facts (FX rates, calendars, customs rules),
the first and last date it is written for, and why. A quote, promise or plan row dated
outside them is refused with the range, never computed: the calendars would search for
working time that no one wrote, and the rates and rules would be stretched past their
last row. The service also keeps to a window around now (by default two years back, one
year ahead: `GLOCAL_DATES_BACK_DAYS`, `GLOCAL_DATES_AHEAD_DAYS`), the dates a checkout or
a planner can mean.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from carriers.errors import InvalidRule, Problem
from carriers.registry import DEFAULT_WORLD
from routing.cache import cached

COVERAGE_FILE = DEFAULT_WORLD / "coverage.toml"
TABLES = ("fx", "calendar", "customs")


@dataclass(frozen=True)
class DateWindow:
    """The days first .. last (both included); `since` and `until` say what bounds each end."""

    first: date
    last: date
    since: str
    until: str

    def problem(self, when: date) -> str | None:
        """What is wrong with `when`, or None when the window holds it."""
        if self.first <= when <= self.last:
            return None
        return f"must be from {self.first} ({self.since}) to {self.last} ({self.until}), got {when}"

    def narrowed(self, first: date, since: str, last: date, until: str) -> DateWindow:
        """This window within first .. last (each end kept when it is the narrower)."""
        lo = (first, since) if first > self.first else (self.first, self.since)
        hi = (last, until) if last < self.last else (self.last, self.until)
        return DateWindow(lo[0], hi[0], lo[1], hi[1])


@cached(8)
def data_window(path: Path = COVERAGE_FILE) -> DateWindow:
    """The days every table of facts covers (the intersection of coverage.toml's ranges)."""
    ranges = _read(path)
    first = max(ranges, key=lambda t: ranges[t][0])
    last = min(ranges, key=lambda t: ranges[t][1])
    return DateWindow(
        ranges[first][0],
        ranges[last][1],
        f"the first date of the {first} data",
        f"the last date of the {last} data",
    )


def date_window(now: datetime, back_days: int = 730, ahead_days: int = 365) -> DateWindow:
    """The data's window, within back_days before and ahead_days after `now`'s date."""
    today = now.date()
    return data_window().narrowed(
        today - timedelta(days=back_days),
        f"{back_days} days before today",
        today + timedelta(days=ahead_days),
        f"{ahead_days} days after today",
    )


def _read(path: Path) -> dict[str, tuple[date, date]]:
    """coverage.toml's (first, last) per table; every problem named, all at once."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InvalidRule(f"{path.name}: cannot be read: {exc}") from None
    problems, ranges = [], {}
    for table in TABLES:
        entry = data.get(table)
        first, last = (entry.get(k) if isinstance(entry, dict) else None for k in ("first", "last"))
        if not (type(first) is date and type(last) is date and first <= last):
            message = "needs dates first <= last (YYYY-MM-DD, unquoted)"
            problems.append(Problem(path.name, f"[{table}]", message))
        else:
            ranges[table] = (first, last)
    if problems:
        raise InvalidRule("; ".join(str(p) for p in problems), tuple(problems))
    return ranges
