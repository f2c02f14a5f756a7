"""carriers/money.py: integer minor units, and the decimal text the contract writes."""

from __future__ import annotations

import dataclasses
import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carriers.errors import UnknownCurrency
from carriers.money import MINOR_UNITS, Money, total


@given(st.integers(min_value=-(10**15), max_value=10**15), st.sampled_from(sorted(MINOR_UNITS)))
def test_text_is_the_decimal_written_out(amount: int, currency: str) -> None:
    money = Money(amount, currency)
    assert money.text == str(money.decimal)


def test_text_by_hand() -> None:
    assert Money(1234, "EUR").text == "12.34"
    assert Money(-5, "EUR").text == "-0.05"
    assert Money(0, "BRL").text == "0.00"
    assert Money(1234, "JPY").text == "1234"


def test_amounts_are_whole_minor_units_of_a_known_currency() -> None:
    with pytest.raises(TypeError):
        Money(True, "EUR")
    with pytest.raises(TypeError):
        Money(1.5, "EUR")  # type: ignore[arg-type]
    with pytest.raises(UnknownCurrency):
        Money(1, "XXX")


def test_money_is_a_frozen_value_that_travels_by_pickle() -> None:
    """Its hand-written __init__ and slots keep what the dataclass promised: no changes
    after the fact, equality and order by value, and a round trip to a Dask worker."""
    money = Money(1234, "EUR")
    with pytest.raises(dataclasses.FrozenInstanceError):
        money.amount = 1  # type: ignore[misc]
    assert pickle.loads(pickle.dumps(money)) == money
    assert hash(Money(1234, "EUR")) == hash(money) and Money(1233, "EUR") < money
    assert dataclasses.replace(money, amount=5) == Money(5, "EUR")
    with pytest.raises(TypeError):
        dataclasses.replace(money, amount=True)


def test_total_refuses_to_mix_currencies() -> None:
    assert total([Money(1, "EUR"), Money(2, "EUR")], "EUR") == Money(3, "EUR")
    assert total([], "USD") == Money(0, "USD")
    with pytest.raises(ValueError, match="cannot mix EUR and USD"):
        total([Money(1, "EUR"), Money(2, "USD")], "EUR")
