"""Russia and the EAEU (`routing.customs.schemes.eaeu`): a duty-free allowance per parcel
(EUR 200 and 31 kg until 2026-06-30) whose excess pays 15 % of the value over, at least
EUR 2 per kg over; from 2026-07-01, 5 % of the whole value (at least EUR 1 per kg) plus
Russian VAT. The valuation is FOB. Amounts computed by hand at 1 EUR = 100 RUB.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from carriers.money import Money
from carriers.pricing import Charge, ChargeKind
from routing.customs import LineKind, landed_cost, parse_route_id
from tests.routing.customs.conftest import (
    APPAREL,
    RU_POST,
    Case,
    assert_as_computed,
    item,
    run,
)

MOSCOW = ("RU", "101000")
EXCESS_DAY = date(2026, 6, 30)  # the last day of the excess allowance
ECOMMERCE_DAY = date(2026, 7, 1)  # the first of the e-commerce duty

CASES = [
    # --- Russia / EAEU --------------------------------------------------------------------
    Case("EAEU until 2026-06-30: 15 % of the excess", "eaeu.parcel-excess",
         ("RU", "101000"), (item(APPAREL, 1, "250.00", "EUR"),), RU_POST, "2026-06-30",
         {"eaeu.parcel-excess": "750.00 RUB", "carrier.post-pvg-ru": "300.00 RUB"},
         "750.00 RUB", "1050.00 RUB", freight="10.00 EUR", kg=2),
    Case("EAEU from 2026-07-01: 5 % of all + VAT", "eaeu.ecommerce-duty",
         ("RU", "101000"), (item(APPAREL, 1, "250.00", "EUR"),), RU_POST, "2026-07-01",
         {"eaeu.ecommerce-duty": "1250.00 RUB", "ru.vat.standard": "5775.00 RUB",
          "carrier.post-pvg-ru": "300.00 RUB"}, "7025.00 RUB", "7325.00 RUB",
         freight="10.00 EUR", kg=2),
    Case("EAEU: EUR 2 per kg over 31 kg", "eaeu.parcel-excess", ("RU", "101000"),
         (item(APPAREL, 1, "100.00", "EUR"),), RU_POST, "2026-06-30",
         {"eaeu.parcel-excess": "800.00 RUB", "carrier.post-pvg-ru": "300.00 RUB"},
         "800.00 RUB", "1100.00 RUB", kg=35),
    Case("EAEU: within the allowance, no fee", "eaeu.parcel-excess", ("RU", "101000"),
         (item(APPAREL, 1, "150.00", "EUR"),), RU_POST, "2026-06-30",
         {"eaeu.parcel-excess": "0.00 RUB"}, "0.00 RUB", "0.00 RUB"),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_landed_cost_matches_the_hand_computed_case(
    case: Case, world: Any, fx: Any, rules: Any, make_order: Any
) -> None:
    """Each line's amount, the DDP and DAP totals and the collection are as computed by
    hand from the cited rule."""
    assert_as_computed(run(case, world, fx, rules, make_order), case)


def lines_of(
    world: Any,
    fx: Any,
    rules: Any,
    make_order: Any,
    value: str,
    kg: float,
    day: date,
    freight: str = "0",
) -> list[tuple[str, str]]:
    """The duty and tax lines (rule, amount) of one parcel of apparel on the postal route."""
    order = make_order(*MOSCOW, [item(APPAREL, 1, value, "EUR")], kg=kg)
    charges = [Charge(ChargeKind.FREIGHT, "freight", Money.of(freight, "EUR"))]
    landed = landed_cost(order, parse_route_id(world, RU_POST), charges, day, rules, fx)
    return [(x.rule_id, str(x.amount)) for x in landed.lines if x.kind is not LineKind.FEE]


@pytest.mark.parametrize(
    ("value", "duty"),
    [
        ("250.00", "800.00 RUB"),  # 15 % of EUR 50 = 7.50 < EUR 2 x 4 kg = 8.00
        ("300.00", "1500.00 RUB"),  # 15 % of EUR 100 = 15.00 > 8.00
    ],
)
def test_the_excess_pays_the_larger_of_value_duty_and_weight_duty(
    world: Any, fx: Any, rules: Any, make_order: Any, value: str, duty: str
) -> None:
    """A 35 kg parcel over EUR 200 pays the larger of 15 % of the value over EUR 200 and
    EUR 2 per kg over 31 kg."""
    found = lines_of(world, fx, rules, make_order, value, 35, EXCESS_DAY)
    assert found == [("eaeu.parcel-excess", duty)]


def test_the_allowance_compares_the_fob_value_without_freight(
    world: Any, fx: Any, rules: Any, make_order: Any
) -> None:
    """EUR 195 of goods and EUR 10 of freight is within EUR 200 FOB: a zero duty line."""
    found = lines_of(world, fx, rules, make_order, "195.00", 1, EXCESS_DAY, freight="10")
    assert found == [("eaeu.parcel-excess", "0.00 RUB")]


def test_the_ecommerce_duty_has_a_minimum_per_kg_and_vat_on_top(
    world: Any, fx: Any, rules: Any, make_order: Any
) -> None:
    """EUR 210 and 30 kg on 2026-07-01: 5 % of 21,000 RUB = 1,050 < EUR 1 x 30 kg = 3,000
    RUB, so 3,000.00; VAT 22 % on 21,000 + 3,000 = 5,280.00 RUB."""
    found = lines_of(world, fx, rules, make_order, "210.00", 30, ECOMMERCE_DAY)
    assert found == [("eaeu.ecommerce-duty", "3000.00 RUB"), ("ru.vat.standard", "5280.00 RUB")]


def test_within_the_ecommerce_allowance_nothing_is_due(
    world: Any, fx: Any, rules: Any, make_order: Any
) -> None:
    """EUR 150 on 2026-07-01 is within EUR 200: one zero duty line, no VAT line."""
    found = lines_of(world, fx, rules, make_order, "150.00", 1, ECOMMERCE_DAY)
    assert found == [("eaeu.ecommerce-duty", "0.00 RUB")]
