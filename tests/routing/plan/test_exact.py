"""routing/plan/exact.py: sums of amounts times decimal factors, rounded half up on arrays,
are what the engines' `Decimal` arithmetic gives (`Money.times`, `Money.of`,
`round_value`); a float result near a tie is marked instead of trusted."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carriers.money import Money
from routing.customs.shipment import round_value
from routing.plan.exact import TIE, half_up, times

SHORT = st.decimals(Decimal("0"), Decimal("30"), places=4)  # rates of a table, 1.0850
LONG = st.sampled_from(
    [
        Decimal(1) / Decimal("0.8512"),  # an inverted rate: 28 digits
        Decimal("0.17") / (1 - Decimal("0.17")),  # ICMS por dentro
        Decimal("1.0850") * Decimal("7.7321") / Decimal("0.8512"),
    ]
)
AMOUNTS = st.lists(st.integers(-(10**10), 10**12), min_size=1, max_size=40)


@settings(max_examples=200, derandomize=True)
@given(amounts=AMOUNTS, factor=st.one_of(SHORT, LONG))
def test_times_is_money_times(amounts: list[int], factor: Decimal) -> None:
    """Each element is `Money.times` of it, or marked near a tie (and then not trusted)."""
    near = np.zeros(len(amounts), dtype=bool)
    got = times(np.array(amounts, dtype=np.int64), factor, near)
    want = [Money(a, "EUR").times(factor).amount for a in amounts]
    assert [g for g, n in zip(got.tolist(), near, strict=True) if not n] == [
        w for w, n in zip(want, near, strict=True) if not n
    ]
    for a, n in zip(amounts, near, strict=True):  # marked only a hair from a tie
        exact = abs(Decimal(a) * factor)
        if n:
            assert abs(exact - int(exact) - Decimal("0.5")) <= Decimal(2 * TIE) * (1 + exact)


@settings(max_examples=200, derandomize=True)
@given(
    goods=st.lists(st.integers(1, 10**9), min_size=3, max_size=3),
    freight=st.lists(st.integers(0, 10**6), min_size=3, max_size=3),
    rates=st.tuples(SHORT, st.one_of(SHORT, LONG)),
)
def test_a_sum_rounds_once_as_round_value(
    goods: list[int], freight: list[int], rates: tuple[Decimal, Decimal]
) -> None:
    """Goods in one currency and freight in another, converted unrounded and rounded once
    to cents (a CIF value a threshold sees): `round_value` of the exact sum."""
    near = np.zeros(3, dtype=bool)
    terms = [(np.array(goods), rates[0]), (np.array(freight), rates[1])]
    got = half_up(terms, near)
    for g, f, value, unsure in zip(goods, freight, got.tolist(), near, strict=True):
        exact = Money(g, "EUR").decimal * rates[0] + Money(f, "USD").decimal * rates[1]
        assert unsure or value == int(round_value(exact, "EUR").scaleb(2))


def test_ties_round_away_from_zero_and_near_ties_in_floats_are_marked() -> None:
    """0.5 up, -0.5 down (half up, away from zero) on the exact path; a float within
    1e-12 of a tie is marked; without a mask a long factor is refused."""
    assert times(np.array([1, 3, -1, -3]), Decimal("0.5")).tolist() == [1, 2, -1, -2]
    third = Decimal(1) / Decimal(3)
    near = np.zeros(2, dtype=bool)
    times(np.array([3, 2]), third * Decimal("0.5"), near)  # 0.5 (a hair off), 0.333...
    assert near.tolist() == [True, False]
    with pytest.raises(ValueError, match="near"):
        times(np.array([1]), third)
