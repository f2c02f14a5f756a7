"""The cells of an orders table, parsed column by column: each parser turns a column of
text into an array and reports every bad cell to `Checks`, as a boolean mask with a
message per cell (`routing.plan.table` puts them together and names file and line).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from carriers.money import MAX_AMOUNT_DIGITS, MINOR_UNITS
from carriers.places import iso_countries
from routing.calendar import day_date, day_number
from routing.coverage import DateWindow
from routing.orders.postal import postal_problem

NO_DEADLINE = np.iinfo(np.int64).max // 4  # day number of an order without deliver_by
_EPOCH = np.datetime64("1970-01-01", "D")
TRUE, FALSE = {"true", "1", "yes", "y", "t"}, {"false", "0", "no", "n", "f", ""}


class Checks:
    """Collects failing cells per column as boolean masks, with a message per cell;
    `columns` orders the problems of one row."""

    def __init__(self, n: int, columns: Sequence[str]) -> None:
        self.n = n
        self.columns = list(columns)
        self.failed = np.zeros(n, dtype=bool)
        self._found: list[tuple[np.ndarray, str, list[str]]] = []

    def fail(self, mask: np.ndarray, field: str, messages: Iterable[str] | str) -> None:
        rows = np.flatnonzero(mask)
        if not len(rows):
            return
        texts = [messages] * len(rows) if isinstance(messages, str) else list(messages)
        self.failed[rows] = True
        self._found.append((rows, field, texts))

    def _sorted(self) -> list[tuple[int, str, str]]:
        out = [(int(r), f, m) for rows, f, ms in self._found for r, m in zip(rows, ms, strict=True)]
        rank = {c: i for i, c in enumerate(self.columns)}
        return sorted(out, key=lambda t: (t[0], rank.get(t[1], len(rank))))

    def problems(self) -> list[tuple[int, str, str]]:
        """(row, field, message) of every bad cell, by row and then column."""
        return self._sorted()

    def bad_rows(self) -> np.ndarray:
        return np.flatnonzero(self.failed)


def stripped(column: pd.Series) -> np.ndarray:
    return np.array([str(x).strip() for x in column.tolist()], dtype=object)


def isin(values: np.ndarray, allowed: Iterable[str]) -> np.ndarray:
    return pd.Series(values, dtype=object).isin(list(allowed)).to_numpy()


def order_ids(ids: np.ndarray, c: Checks) -> None:
    c.fail(ids == "", "order_id", "is required")
    series = pd.Series(ids)
    dup = series.duplicated(keep="first").to_numpy() & (ids != "")
    if dup.any():
        first = {v: i for i, v in reversed(list(enumerate(ids)))}
        c.fail(
            dup,
            "order_id",
            (
                f"duplicate order_id {ids[i]!r} (first at line {first[ids[i]] + 2})"
                for i in np.flatnonzero(dup)
            ),
        )


def countries(text: np.ndarray, c: Checks) -> np.ndarray:
    country = np.array([x.upper() for x in text], dtype=object)
    bad = ~isin(country, list(iso_countries()))
    c.fail(bad, "dest_country", (f"unknown ISO 3166-1 alpha-2 country {x!r}" for x in country[bad]))
    return country


def postal_codes(country: np.ndarray, postal: np.ndarray, c: Checks) -> None:
    """Each row's postal code in its country's format, as an order's (routing.orders)."""
    c.fail(postal == "", "dest_postal_code", "is required")
    known = iso_countries()
    wrong = [
        postal_problem(k, p.strip()) if p and k in known else None
        for k, p in zip(country, postal, strict=True)
    ]
    bad = np.array([w is not None for w in wrong], dtype=bool)
    c.fail(bad, "dest_postal_code", (w for w in wrong if w is not None))


def positive(text: np.ndarray, name: str, c: Checks, most: float) -> np.ndarray:
    """Numbers > 0 and at most `most` (the order's ranges: routing.orders.model)."""
    values = pd.to_numeric(pd.Series(text), errors="coerce").to_numpy(dtype=np.float64)
    bad = ~(np.isfinite(values) & (values > 0))
    c.fail(bad, name, (f"must be a number > 0, got {t!r}" for t in text[bad]))
    over = ~bad & (values > most)
    c.fail(over, name, (f"must be at most {most:g}, got {t!r}" for t in text[over]))
    return np.where(bad | over, 1.0, values)


def amounts(text: np.ndarray, currency: np.ndarray, c: Checks) -> np.ndarray:
    """Decimal amounts in minor units of each row's currency (half up)."""
    bad = ~isin(currency, list(MINOR_UNITS))
    c.fail(bad, "currency", (f"unknown currency {x!r}" for x in currency[bad]))
    values = pd.to_numeric(pd.Series(text), errors="coerce").to_numpy(dtype=np.float64)
    bad = ~(np.isfinite(values) & (values > 0))
    c.fail(bad, "value", (f"must be a decimal amount > 0, got {t!r}" for t in text[bad]))
    over = ~bad & (values >= 10.0**MAX_AMOUNT_DIGITS)
    digits = f"must have at most {MAX_AMOUNT_DIGITS} digits before the point"
    c.fail(over, "value", (f"{digits}, got {t!r}" for t in text[over]))
    bad |= over
    scale = np.array([10 ** MINOR_UNITS.get(x, 2) for x in currency], dtype=np.float64)
    return np.where(bad, 1, np.floor(values * scale + 0.5)).astype(np.int64)


def enum(values: np.ndarray, name: str, allowed: list[str], c: Checks) -> np.ndarray:
    bad = ~isin(values, allowed)
    c.fail(bad, name, (f"must be one of {', '.join(allowed)}, got {v!r}" for v in values[bad]))
    return values


def flags(text: np.ndarray, name: str, c: Checks) -> np.ndarray:
    """true/false cells (1/0, yes/no, y/n, t/f, any case; empty is false) as booleans."""
    lowered = np.array([x.lower() for x in text], dtype=object)
    bad = ~isin(lowered, list(TRUE | FALSE))
    c.fail(bad, name, (f"must be true or false, got {x!r}" for x in text[bad]))
    return isin(lowered, list(TRUE))


def created(text: np.ndarray, c: Checks, window: DateWindow | None) -> tuple[np.ndarray, ...]:
    """UTC minutes since the epoch and the UTC offset written, in minutes, of each
    date-time; with a `window`, a day as written outside it is a bad cell."""
    series = pd.Series(text, dtype=object)
    parsed = pd.to_datetime(series, errors="coerce", utc=True, format="ISO8601")
    naive = ~series.str.contains(r"(?:[+-]\d\d:?\d\d|Z)$", regex=True).to_numpy(dtype=bool)
    bad = parsed.isna().to_numpy()
    c.fail(bad, "created_at", (f"must be an ISO 8601 date-time, got {t!r}" for t in text[bad]))
    c.fail(naive & ~bad, "created_at", "must carry a UTC offset (e.g. 2026-11-09T10:00:00+08:00)")
    minutes = parsed.to_numpy(dtype="datetime64[m]", na_value=np.datetime64(0, "m"))
    minutes = minutes.astype(np.int64)
    offset = np.where(bad | naive, 0, offset_minutes(series))
    if window is not None:
        day = (minutes + offset) // 1440  # the day as written, at its offset
        first, last = day_number(window.first), day_number(window.last)
        outside = ~bad & ~naive & ((day < first) | (day > last))
        c.fail(outside, "created_at", (str(window.problem(day_date(int(d)))) for d in day[outside]))
    return minutes, offset.astype(np.int16)


def offset_minutes(series: pd.Series) -> np.ndarray:
    """The UTC offset each date-time is written at, in minutes (0 for Z or none)."""
    parts = series.str.extract(r"([+-])(\d\d):?(\d\d)$")
    hours, mins = (pd.to_numeric(parts[k], errors="coerce").fillna(0).to_numpy() for k in (1, 2))
    sign = np.where(parts[0].to_numpy(dtype=object) == "-", -1, 1)
    return (sign * (hours * 60 + mins)).astype(np.int64)


def deadlines(text: np.ndarray, c: Checks) -> np.ndarray:
    given = text != ""
    parsed = pd.to_datetime(pd.Series(text), errors="coerce", format="%Y-%m-%d")
    bad = given & parsed.isna().to_numpy()
    c.fail(bad, "deliver_by", (f"must be a date YYYY-MM-DD, got {t!r}" for t in text[bad]))
    days = parsed.to_numpy(dtype="datetime64[D]", na_value=_EPOCH) - _EPOCH
    return np.where(given & ~bad, days.astype(np.int64), NO_DEADLINE)
