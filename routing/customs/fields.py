"""Readers of the fields of a rules file: each checks one value and, when it is wrong,
records a problem at the value's line (`path:line: field: message`) and returns None."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from carriers.errors import Problem
from carriers.locate import LineIndex
from carriers.places import is_country
from routing.customs.rules import Amount, Band, TableRow
from routing.fx import is_rate_currency


class RuleFile:
    """One rules file being read: its parsed data, line index and problems."""

    def __init__(self, path: Path, text: str, problems: list[Problem]) -> None:
        self.path = path
        self.index = LineIndex(text)
        self.problems = problems

    def where(self, *key: str | int) -> str:
        return f"{self.path}:{self.index.line(*key)}"

    def fail(self, key: tuple[str | int, ...], message: str) -> None:
        field = ".".join(str(k) for k in key if not isinstance(k, int)) or "file"
        self.problems.append(Problem(self.where(*key), field, message))


def enum_of(f: RuleFile, key: tuple, kind: Any, value: Any) -> Any:
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(m.value for m in kind)
        f.fail(key, f"must be one of {allowed}, got {value!r}")
        return None


def date_of(f: RuleFile, key: tuple, value: Any, required: bool) -> date | None:
    if value is None:
        if required:
            f.fail(key, "is required (YYYY-MM-DD)")
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        f.fail(key, f"must be a date YYYY-MM-DD, got {value!r}")
        return None


def percent(f: RuleFile, key: tuple, value: Any, below: int) -> Decimal | None:
    if value is None:
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        number = Decimal("NaN")
    if isinstance(value, bool) or not number.is_finite() or not 0 <= number < below:
        f.fail(key, f"must be a percentage from 0 to {below - 1}, got {value!r}")
        return None
    return number / 100


def amount(f: RuleFile, key: tuple, value: Any) -> Amount | None:
    """A money figure written "150.00 EUR" (any currency with a rate, SDR included)."""
    if value is None:
        return None
    parts = str(value).split()
    try:
        number = Decimal(parts[0]) if len(parts) == 2 else Decimal("NaN")
    except InvalidOperation:
        number = Decimal("NaN")
    if len(parts) != 2 or not is_rate_currency(parts[1]) or not number.is_finite() or number < 0:
        f.fail(key, f'must read "AMOUNT CURRENCY" with a known currency, got {value!r}')
        return None
    return Amount(number, parts[1])


def strings(f: RuleFile, key: tuple, value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        f.fail(key, f"must be a list of strings, got {value!r}")
        return []
    return [v.strip() for v in value]


def countries(f: RuleFile, key: tuple, t: dict, name: str) -> list[str]:
    values = strings(f, key, t.get(name, []))
    for code in values:
        if not is_country(code):
            f.fail(key, f"unknown ISO 3166-1 code {code!r}")
    return values


def hs_prefix(f: RuleFile, key: tuple, value: str) -> str:
    code = value.replace(".", "")
    if not (code.isdigit() and 2 <= len(code) <= 10):
        f.fail(key, f"HS prefixes are 2-10 digits, got {value!r}")
    return code


def table(f: RuleFile, key: tuple[str | int, ...], rows: Any) -> tuple[TableRow, ...]:
    if not isinstance(rows, list):
        f.fail((*key, "table"), "must be a list of { hs = ..., rate_pct = ... }")
        return ()
    found = []
    seen: set[str] = set()
    for j, row in enumerate(rows):
        where = (*key, "table", j)
        if not isinstance(row, dict) or set(row) != {"hs", "rate_pct"}:
            f.fail(where, 'each row is { hs = "61", rate_pct = 12 }')
            continue
        hs = hs_prefix(f, where, str(row["hs"]))
        rate = percent(f, where, row["rate_pct"], 101)
        if hs in seen:
            f.fail(where, f"HS {hs} is listed twice")
        seen.add(hs)
        if rate is not None:
            found.append(TableRow(hs, rate, f.where(*where)))
    return tuple(found)


def bands(f: RuleFile, key: tuple[str | int, ...], rows: Any) -> tuple[Band, ...]:
    if not isinstance(rows, list):
        f.fail((*key, "bands"), "must be a list of { up_to, rate_pct, deduction }")
        return ()
    found: list[Band] = []
    for j, row in enumerate(rows):
        where = (*key, "bands", j)
        if not isinstance(row, dict) or not set(row) <= {"up_to", "rate_pct", "deduction"}:
            f.fail(where, 'each band is { up_to = "50.00 USD", rate_pct = 20, deduction = ... }')
            continue
        up_to = amount(f, where, row.get("up_to"))
        rate = percent(f, where, row.get("rate_pct"), 101)
        deduction = amount(f, where, row.get("deduction"))
        last = found[-1].up_to if found else None
        if found and (last is None or (up_to is not None and up_to.value <= last.value)):
            f.fail(where, "bands must rise, and only the last may be open (no up_to)")
        if rate is None:
            f.fail(where, "rate_pct is required")
            continue
        found.append(Band(up_to, rate, deduction))
    return tuple(found)
