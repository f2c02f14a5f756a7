"""routing/checkout/costs.py: what an order costs the network, worked out on paper."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from carriers.money import Money
from routing.checkout.costs import CostBook
from routing.fx import load_fx
from routing.network import Network
from routing.orders import Incoterm, parse_order
from routing.quote.capacity import SURCHARGE
from routing.quote.records import Line, Option, PromiseDates
from tests.api.live import tiny_order

CREATED = datetime(2026, 11, 10, 10, tzinfo=UTC)
DUE = date(2026, 11, 30)


def order(deliver_by: date | None = DUE):
    document = {**tiny_order(), "created_at": CREATED.isoformat()}  # goods EUR 39.90
    if deliver_by is not None:
        document["deliver_by"] = deliver_by.isoformat()
    return parse_order(document)


def test_a_late_order_costs_the_planners_late_penalty(default_world: Network) -> None:
    """3 days late, EUR 39.90 of goods: 5.00 + 0.10 x 39.90 + 3 x (0.50 + 0.03 x 39.90)
    = EUR 14.081."""
    book = CostBook(default_world)
    assert book.late(order(), DUE + timedelta(days=3)) == pytest.approx(1408.1)
    assert book.late(order(), DUE) == 0.0
    assert book.late(order(None), DUE + timedelta(days=30)) == 0.0


def test_an_option_costs_its_freight_without_the_surcharge_and_its_duties(
    default_world: Network,
) -> None:
    freight = Line("freight", "line haul", Money(800, "EUR"))
    surcharge = Line("surcharge", SURCHARGE, Money(150, "EUR"))
    p90 = DUE + timedelta(days=1)  # a day late: 5 + 3.99 + 0.5 + 1.197 = EUR 10.687
    o = Option(
        "r#DDP", "r", Incoterm.DDP, (), (freight, surcharge), Money(950, "EUR"),
        Money(300, "EUR"), Money(1250, "EUR"), PromiseDates(p90, p90, p90), 0.0,
    )  # fmt: skip
    assert CostBook(default_world).option(order(), o) == pytest.approx(800 + 300 + 1068.7)


def test_spot_is_the_services_rate_in_euro(default_world: Network) -> None:
    book = CostBook(default_world)
    day = CREATED.date()
    rate = load_fx().rate("CNY", "EUR", day).rate
    cents, kg_per_m3 = book.spot_rate("silkroute-air-economy-can-cgk", day)  # 23.35 CNY/kg
    assert cents == round(Decimal("23.35") * rate * 100) and kg_per_m3 == 167.0
    assert book.spot_cap("silkroute-air-economy-can-cgk") == 1500.0
    last_mile = next(s.id for s in default_world.compiled.services if s.booking is None)
    assert book.spot_rate(last_mile, day) is None and book.spot_cap(last_mile) is None
