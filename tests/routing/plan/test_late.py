"""routing/plan/late.py: a late order's penalty, per order: once a fee and a share of its
goods' value (converted to the plan's currency), then per day an amount and a share of
its value; nothing while it is on time."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import numpy as np
import pytest

from routing.fx import FxRate, FxRates, load_fx
from routing.network import Network
from routing.plan import PlanParams, validate_orders
from routing.plan.late import LateCost, goods_value, late_costs
from tests.routing.plan.conftest import one_kilo_orders

MONDAY = date(2026, 11, 9)


def test_an_order_of_forty_euros_three_days_late_by_hand() -> None:
    """The module's example at the defaults: 5.00 + 4.00 once, 3 x (0.50 + 1.20) a day:
    EUR 14.10; on time (0 days, or early): nothing."""
    params = PlanParams()
    once = float(params.late_fee) * 100 + params.late_share * 4000
    per_day = float(params.late_penalty_per_day) * 100 + params.late_share_per_day * 4000
    late = LateCost(np.array([once]), np.array([per_day]))
    got = late.of(np.zeros(3, np.int64), np.array([3, 0, -2]))
    assert got.tolist() == pytest.approx([1410.0, 0.0, 0.0])


def test_each_order_pays_on_its_own_value_in_the_plans_currency(two_lanes: Network) -> None:
    """EUR 10.00 and USD 120.00 (EUR 1 = USD 1.1650 on 9 November 2026: EUR 103.00...),
    a fee of EUR 2, 10 % once, EUR 0.50 and 1 % a day, in cents."""
    frame = one_kilo_orders(2)
    frame.loc[1, ["value", "currency"]] = ["120.00", "USD"]
    table, _ = validate_orders(frame, two_lanes)
    params = PlanParams(
        late_fee=Decimal(2),
        late_share=0.1,
        late_penalty_per_day=Decimal("0.5"),
        late_share_per_day=0.01,
    )
    fx = load_fx()
    usd = 12_000 / float(fx.rate("EUR", "USD", MONDAY).rate)
    assert goods_value(table, fx, MONDAY, "EUR").tolist() == pytest.approx([1000.0, usd])
    late = late_costs(table, params, fx, MONDAY)
    assert late.once.tolist() == pytest.approx([200 + 100.0, 200 + 0.1 * usd])
    assert late.per_day.tolist() == pytest.approx([50 + 10.0, 50 + 0.01 * usd])
    assert len(late) == 2


def test_in_a_currency_of_other_minor_units_the_amounts_scale(two_lanes: Network) -> None:
    """A plan in JPY (no minor units), EUR 1 = JPY 160: a fee of JPY 500 is 500 (not
    50,000), and a tenth of EUR 10.00 is JPY 160."""
    table, _ = validate_orders(one_kilo_orders(1), two_lanes)
    fx = FxRates([FxRate("EUR", "JPY", Decimal(160), MONDAY, "test")])
    params = PlanParams(currency="JPY", late_fee=Decimal(500), late_share=0.1)
    late = late_costs(table, params, fx, MONDAY)
    assert late.once.tolist() == pytest.approx([660.0])


def test_a_flat_rate_is_the_same_for_every_order() -> None:
    """`LateCost.flat(3, 150)`: 150 a day and nothing once, for each of 3 orders."""
    late = LateCost.flat(3, 150.0)
    assert late.of(np.arange(3), np.array([2, 1, 0])).tolist() == [300.0, 150.0, 0.0]
