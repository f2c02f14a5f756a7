"""What every reader of a world file shares: problems placed at their line, and the
field readers that check a value and say what is wrong with it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

from carriers.errors import Problem
from carriers.locate import LineIndex
from carriers.money import Money, is_currency, minor_units

E = TypeVar("E", bound=StrEnum)


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
        return kind(str(value).strip())
    except ValueError:
        allowed = ", ".join(m.value for m in kind)
        fail(f"must be one of {allowed}, got {value!r}")
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
        f.fail(key, f"must be a decimal amount, got {value!r}")
        return None
    if not amount.is_finite() or amount < 0:
        f.fail(key, f"must be >= 0, got {value}")
        return None
    scaled = amount.scaleb(minor_units(currency))
    if scaled != scaled.to_integral_value():
        f.fail(key, f"has more decimals than {currency} allows: {value}")
        return None
    return int(scaled)


def money_text(f: CarrierFile, key: tuple, value: Any) -> Money | None:
    """A money value written as "12.50 EUR"."""
    parts = str(value).split()
    if len(parts) != 2 or not is_currency(parts[1]):
        f.fail(key, f'must read "AMOUNT CURRENCY" with an ISO 4217 code, got {value!r}')
        return None
    amount = money_amount(f, key, parts[0], parts[1])
    return None if amount is None else Money(amount, parts[1])


def non_negative(f: CarrierFile, key: tuple, value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        f.fail(key, f"must be a number >= 0, got {value!r}")
        return None
    return float(value)


def prefixes(
    f: CarrierFile, key: tuple, table: dict[str, Any], name: str, default: tuple[str, ...] = ()
) -> tuple[str, ...]:
    """Postal-code prefixes must be strings: 07 written as a number would lose its zero."""
    values = table.get(name, list(default))
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        f.fail(key, f'{name} must be a list of quoted prefixes like ["07", "35"], got {values!r}')
        return ()
    return tuple(values)
