"""Money as integer minor units with an ISO 4217 currency; never floats."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import SupportsIndex

from carriers.errors import UnknownCurrency
from carriers.pickling import pickled_by_fields

# ISO 4217 minor-unit exponents of the currencies glocal trades in (ISO 4217 list one).
# Digits before the decimal point of any amount glocal reads (an order's value, a rate):
# beyond them a figure is a typo or an attack, and arithmetic on it would overflow.
MAX_AMOUNT_DIGITS = 12

MINOR_UNITS: dict[str, int] = {
    "EUR": 2,
    "USD": 2,
    "GBP": 2,
    "CNY": 2,
    "BRL": 2,
    "RUB": 2,
    "IDR": 2,
    "JPY": 0,
}


def minor_units(currency: str) -> int:
    try:
        return MINOR_UNITS[currency]
    except KeyError:
        raise UnknownCurrency(f"unknown currency {currency!r}") from None


def is_currency(code: str) -> bool:
    return code in MINOR_UNITS


_set = object.__setattr__  # how a frozen dataclass sets its own fields


@dataclass(frozen=True, order=True, slots=True, init=False)
class Money:
    """An amount in minor units (cents) of one currency."""

    amount: int
    currency: str

    def __init__(self, amount: SupportsIndex, currency: str) -> None:
        # A quote makes about a hundred: written out, with slots, this takes half the time
        # of the generated __init__ and __post_init__. `type() is int` also refuses bool;
        # `amount` is not typed int so that, compiled, it arrives as given (an int
        # parameter would already have made a bool 0 or 1). Floats, str and Decimal
        # still fail the type check.
        if type(amount) is not int:
            raise TypeError(f"Money.amount must be int minor units, got {amount!r}")
        if currency not in MINOR_UNITS:
            minor_units(currency)  # raises UnknownCurrency
        _set(self, "amount", amount)
        _set(self, "currency", currency)

    @classmethod
    def of(cls, value: str | Decimal | int, currency: str) -> Money:
        """Money from a decimal amount in major units ("12.34" EUR -> 1234)."""
        scaled = Decimal(value) * (10 ** minor_units(currency))
        return cls(int(scaled.to_integral_value(ROUND_HALF_UP)), currency)

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(0, currency)

    @property
    def decimal(self) -> Decimal:
        return Decimal(self.amount).scaleb(-minor_units(self.currency))

    @property
    def text(self) -> str:
        """The amount in major units as JSON and the quote contract write it ("12.34",
        "-0.05", "1234" yen): `str(self.decimal)`, without making a Decimal."""
        amount, digits = self.amount, MINOR_UNITS[self.currency]
        if not digits:
            return str(amount)
        sign, figures = ("-", str(-amount)) if amount < 0 else ("", str(amount))
        if len(figures) <= digits:  # under one major unit: "0.05"
            figures = "0" * (digits + 1 - len(figures)) + figures
        # the digits' string, cut: a quote writes some seventy amounts, and a format
        # specification costs ten times as much as slicing (measured, compiled)
        return sign + figures[:-digits] + "." + figures[-digits:]

    def __add__(self, other: Money) -> Money:
        if other.currency != self.currency:
            self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def times(self, factor: Decimal | int) -> Money:
        """This amount times a factor, rounded half up to a whole minor unit."""
        product = Decimal(self.amount) * Decimal(factor)
        return Money(int(product.to_integral_value(ROUND_HALF_UP)), self.currency)

    def _same(self, other: Money) -> None:
        if other.currency != self.currency:
            raise ValueError(f"cannot mix {self.currency} and {other.currency}")

    def __str__(self) -> str:
        return f"{self.decimal:.{minor_units(self.currency)}f} {self.currency}"


pickled_by_fields(Money)  # to Dask workers, compiled too (carriers.pickling)


def total(amounts: list[Money] | tuple[Money, ...], currency: str) -> Money:
    for amount in amounts:
        if amount.currency != currency:
            raise ValueError(f"cannot mix {currency} and {amount.currency}")
    return Money(sum(amount.amount for amount in amounts), currency)
