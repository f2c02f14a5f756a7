"""routing/checkout/outcome.py: a run's totals add up from its orders."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from carriers.money import Money
from routing.checkout.costs import CostBook
from routing.checkout.outcome import Tally
from routing.network import Network
from routing.orders import Incoterm, parse_order
from routing.quote.records import Option, PromiseDates
from tests.api.live import tiny_order

CREATED = datetime(2026, 11, 10, 10, tzinfo=UTC)


def option(days: int) -> Option:
    p90 = CREATED.date() + timedelta(days=days)
    return Option(
        "r#DDP", "r", Incoterm.DDP, (), (), Money(900, "EUR"), Money(100, "EUR"),
        Money(1000, "EUR"), PromiseDates(p90, p90, p90), 0.0,
    )  # fmt: skip


def test_parts_shares_and_json_add_up(default_world: Network) -> None:
    order = parse_order(
        {**tiny_order(), "created_at": CREATED.isoformat(), "deliver_by": "2026-11-20"}
    )
    costs, tally = CostBook(default_world), Tally()
    tally.add(costs, order, option(8))  # on time: EUR 10 of carriage
    tally.add(costs, order, option(12), 250.0)  # 2 days late, EUR 2.50 of spot
    tally.add(costs, order, None)  # unplanned: EUR 500
    tally.offered = 5
    result = tally.result("fcfs", 3, 3, 1.5, 0)
    late = costs.late(order, date(2026, 11, 22)) / 100
    assert result.parts == pytest.approx(
        {"carriage": 20.0, "late": late, "spot": 2.5, "unplanned": 500.0}
    )
    assert result.cost == pytest.approx(522.5 + late)
    assert (result.on_time_share, result.spot_share) == pytest.approx((1 / 3, 1 / 3))
    assert result.unplanned == 1 and result.options_per_quote == pytest.approx(5 / 3)
    figures = result.as_json()
    assert figures["cost"] == round(result.cost, 2) and figures["max_fill"] is None
