"""routing/checkout/choice.py: the buyers' logit, on a case worked out on paper, its
draws against its probabilities, and its monotonicity in price."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carriers.money import Money
from routing.checkout.choice import Logit
from routing.orders import Incoterm, parse_order
from routing.quote.records import Option, PromiseDates
from tests.api.live import tiny_order

CREATED = datetime(2026, 11, 10, 10, tzinfo=UTC)


def order(deliver_by: date | None):
    document = {**tiny_order(), "created_at": CREATED.isoformat()}
    if deliver_by is not None:
        document["deliver_by"] = deliver_by.isoformat()
    return parse_order(document)


def option(name: str, cents: int, days: int) -> Option:
    p90 = CREATED.date() + timedelta(days=days)
    total = Money(cents, "EUR")
    return Option(
        name, name, Incoterm.DDP, (), (), total, Money(0, "EUR"), total,
        PromiseDates(p90, p90, p90), 0.0,
    )  # fmt: skip


def test_a_day_saved_against_a_tenth_dearer_on_paper() -> None:
    """A buyer with 30 days (standard: 0.15 a day). A: EUR 10.00 in 20 days, listed first;
    B: EUR 11.00 in 10 days. V_A = -0.15 x 10 + 0.5 = -1.0; V_B = -(1.1 - 1) / 0.1 = -1.0:
    even odds."""
    buyer = order(CREATED.date() + timedelta(days=30))
    a, b = option("A", 1000, 20), option("B", 1100, 10)
    assert Logit().utilities([a, b], buyer) == pytest.approx([-1.0, -1.0])
    assert Logit().probabilities([a, b], buyer) == pytest.approx([0.5, 0.5])
    # the same B after the buyer's deliver_by loses LATE = 2 more
    late = order(CREATED.date() + timedelta(days=9))  # express: 0.5 a day, both late
    assert Logit().utilities([a, b], late) == pytest.approx([-5.0 + 0.5 - 2.0, -1.0 - 2.0])


def test_draws_follow_the_probabilities() -> None:
    buyer = order(None)  # 0.05 a day
    options = [option("A", 1000, 30), option("B", 1200, 8), option("C", 1050, 20)]
    p = Logit().probabilities(options, buyer)
    rng = np.random.default_rng(5)
    n = 6000
    counts = np.bincount([Logit().choose(options, buyer, rng) for _ in range(n)], minlength=3)
    assert np.abs(counts / n - p).max() < 4 * np.sqrt(p * (1 - p) / n).max()


@settings(max_examples=60, deadline=None)
@given(
    prices=st.lists(st.integers(100, 10_000), min_size=2, max_size=5),
    days=st.lists(st.integers(3, 60), min_size=5, max_size=5),
    which=st.integers(0, 4),
    more=st.integers(1, 5_000),
)
def test_a_dearer_option_is_never_more_likely(prices, days, which, more) -> None:
    buyer = order(None)
    which %= len(prices)
    options = [option(str(i), c, d) for i, (c, d) in enumerate(zip(prices, days, strict=False))]
    before = Logit().probabilities(options, buyer)
    options[which] = option(str(which), prices[which] + more, days[which])
    after = Logit().probabilities(options, buyer)
    assert after.sum() == pytest.approx(1.0)
    assert after[which] <= before[which] + 1e-12
