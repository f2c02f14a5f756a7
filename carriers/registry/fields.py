"""What every reader of a world file shares: problems placed at their line, and the
field readers that check a value and say what is wrong with it."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

from carriers.errors import Problem, shown
from carriers.locate import LineIndex
from carriers.money import MAX_AMOUNT_DIGITS, Money, is_currency, minor_units

E = TypeVar("E", bound=StrEnum)

# The largest figures a carrier file may state: beyond any real carrier, and small enough
# that the compiled lane table (grams and minor units as int64) cannot overflow.
MAX_DAYS = 365  # a transit time or a handling time
MAX_KG = 100_000  # a parcel limit, a weight break, a rounding step: 100 t
MAX_CM = 10_000  # a side: 100 m
MAX_LOAD_KG = 10**9  # what one departure or one unit carries
MAX_LOAD_M3 = 10**7
MAX_AMOUNT = 10**MAX_AMOUNT_DIGITS  # major units, as an order's amounts


class Collector:
    """Problems of one file, each placed at its line."""

    def __init__(self, path: Path, problems: list[Problem]) -> None:
        self.path = path
        self.problems = problems

    def fail(self, line: int, field: str, message: str) -> None:
        self.problems.append(Problem(f"{self.path}:{line}", field, message))


class CarrierFile:
    """One carrier file being read: its parsed data, its line index and its problems."""

    def __init__(self, path: Path, text: str, data: dict[str, Any], out: Collector) -> None:
        self.path = path
        self.data = data
        self.index = LineIndex(text)
        self.out = out
        self.broken_nodes: set[str] = set()  # declared in nodes.csv but invalid: reported there

    def fail(self, key: tuple[str | int, ...], message: str) -> None:
        field = ".".join(str(k) for k in key if not isinstance(k, int)) or "file"
        self.out.fail(self.index.line(*key), field, message)

    def unknown_keys(self, table: Mapping[str, Any], allowed: set[str], key: tuple) -> None:
        for name in sorted(set(table) - allowed):
            self.fail((*key, name), f"unknown field {name!r}")


def enum(kind: type[E], value: Any, fail: Callable[[str], None]) -> E | None:
    try:
        if isinstance(value, str):
            return kind(value.strip())
    except ValueError:
        pass
    allowed = ", ".join(m.value for m in kind)
    fail(f"must be one of {allowed}, got {shown(value)}")
    return None


def number_between(
    value: Any, low: float, high: float, fail: Callable[[str], None]
) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        fail(f"must be a number, got {value!r}")
        return None
    if not low <= number <= high:
        fail(f"must be between {low} and {high}, got {number}")
        return None
    return number


def money_amount(f: CarrierFile, key: tuple, value: Any, currency: str) -> int | None:
    """A decimal amount in major units (4.5 EUR) as exact minor units (450)."""
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        f.fail(key, f"must be a decimal amount, got {shown(value)}")
        return None
    if not amount.is_finite():
        f.fail(key, f"must be a finite amount, got {value}")
        return None
    if amount < 0:
        f.fail(key, f"must be >= 0, got {value}")
        return None
    if amount >= MAX_AMOUNT:
        f.fail(key, f"must be less than {MAX_AMOUNT:,}, got {value}")
        return None
    minor = _in_units(amount, minor_units(currency))
    if minor is None:
        f.fail(key, f"has more decimals than {currency} allows: {value}")
    return minor


def _in_units(amount: Decimal, places: int) -> int | None:
    """`amount` in units of 10**-places, exactly; None when it has finer digits. (Decimal's
    own scaling rounds past its precision: 1e-999999999 would be 0.)"""
    _, digits, exponent = amount.as_tuple()
    finer = -(int(exponent) + places)  # how many of its digits lie below one unit
    if finer > 0 and any(digits[-finer:]):
        return None
    return int(amount.scaleb(places))


def money_text(f: CarrierFile, key: tuple, value: Any) -> Money | None:
    """A money value written as "12.50 EUR"."""
    parts = value.split() if isinstance(value, str) else []
    if len(parts) != 2 or not is_currency(parts[1]):
        f.fail(key, f'must read "AMOUNT CURRENCY" with an ISO 4217 code, got {shown(value)}')
        return None
    amount = money_amount(f, key, parts[0], parts[1])
    return None if amount is None else Money(amount, parts[1])


def number(f: CarrierFile, key: tuple, value: Any, most: float, least: float = 0) -> float | None:
    """A TOML integer or float from `least` to `most`: not a boolean, a string, NaN or an
    infinity. None (not given) is None, without a problem: the caller knows if it is due."""
    if value is None:
        return None
    real = isinstance(value, int | float) and not isinstance(value, bool)
    if not real or not math.isfinite(value) or not least <= value <= most:
        f.fail(key, f"must be a number from {least} to {most:,}, got {shown(value)}")
        return None
    return float(value)


def text(f: CarrierFile, key: tuple, value: Any, default: str = "") -> str | None:
    """A string (an id, a name, a source); not given is `default`."""
    if value is None:
        return default
    if not isinstance(value, str):
        f.fail(key, f"must be a string, got {shown(value)}")
        return None
    return value


def flag(f: CarrierFile, key: tuple, value: Any, default: bool) -> bool:
    """true or false; not given is `default` (a "no" would otherwise read as true)."""
    if value is None:
        return default
    if not isinstance(value, bool):
        f.fail(key, f"must be true or false, got {shown(value)}")
        return default
    return value


def table(
    f: CarrierFile, key: tuple, value: Any, allowed: set[str] | None = None
) -> dict[str, Any]:
    """A table (inline or not), each key among `allowed` if given; not given is empty."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        f.fail(key, f"must be a table, got {shown(value)}")
        return {}
    if allowed is not None:
        f.unknown_keys(value, allowed, key)
    return value


def array(f: CarrierFile, key: tuple, value: Any) -> list[Any]:
    """A list; not given is empty."""
    if value is None:
        return []
    if not isinstance(value, list):
        f.fail(key, f"must be a list, got {shown(value)}")
        return []
    return value


def prefixes(
    f: CarrierFile, key: tuple, row: dict[str, Any], name: str, default: tuple[str, ...] = ()
) -> tuple[str, ...]:
    """Postal-code prefixes must be strings: 07 written as a number would lose its zero."""
    values = row.get(name, list(default))
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        example = '["07", "35"]'
        f.fail(key, f"{name} must be a list of quoted prefixes like {example}, got {shown(values)}")
        return ()
    return tuple(values)
