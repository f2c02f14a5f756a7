"""Indonesia (`routing.customs.schemes.idn`, PMK 96/2023): on the FOB value in USD, no
duty up to USD 3 and a flat 7.5 % up to USD 1,500; VAT 11 % on customs value + duty;
protected goods (apparel, footwear, bags, ...) pay the tariff and income tax (PPh 10 %)
whatever the value, as does every item of a consignment above USD 1,500. Amounts
computed by hand at 1 USD = 16,000 IDR.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from routing.customs import LandedCost, landed_cost, parse_route_id
from tests.routing.customs.conftest import (
    APPAREL,
    EARBUDS,
    ID_POST,
    Case,
    assert_as_computed,
    item,
    run,
)

JAKARTA = ("ID", "10110")
AT = date(2026, 7, 1)

CASES = [
    # --- Indonesia ------------------------------------------------------------------------
    Case("FOB up to USD 3: VAT only", "id.duty.consignment", ("ID", "10110"),
         (("392690", "home", 1, "2.50", "USD"),), ID_POST, "2026-07-01",
         {"id.duty.consignment": "0.00 IDR", "id.vat": "4400.00 IDR"},
         "4400.00 IDR", "4400.00 IDR", freight="5.00 USD"),
    Case("USD 3 to 1,500: 7.5 % + 11 %", "id.duty.consignment", ("ID", "10110"),
         (item(EARBUDS, 1, "50.00", "USD"),), ID_POST, "2026-07-01",
         {"id.duty.consignment": "60000.00 IDR", "id.vat": "94600.00 IDR"},
         "154600.00 IDR", "154600.00 IDR", freight="5.00 USD"),
    Case("protected apparel at full rates", "id.full-rate-goods", ("ID", "10110"),
         (item(APPAREL, 1, "10.00", "USD"),), ID_POST, "2026-07-01",
         {"id.duty.mfn": "40000.00 IDR", "id.pph": "20000.00 IDR", "id.vat": "22000.00 IDR"},
         "82000.00 IDR", "82000.00 IDR"),
    Case("protected goods below USD 3 still pay", "id.full-rate-goods", ("ID", "10110"),
         (item(APPAREL, 1, "2.00", "USD"),), ID_POST, "2026-07-01",
         {"id.duty.mfn": "8000.00 IDR", "id.pph": "4000.00 IDR", "id.vat": "4400.00 IDR"},
         "16400.00 IDR", "16400.00 IDR"),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_landed_cost_matches_the_hand_computed_case(
    case: Case, world: Any, fx: Any, rules: Any, make_order: Any
) -> None:
    """Each line's amount, the DDP and DAP totals and the collection are as computed by
    hand from the cited rule."""
    assert_as_computed(run(case, world, fx, rules, make_order), case)


def landed_of(world: Any, fx: Any, rules: Any, make_order: Any, items: list) -> LandedCost:
    order = make_order(*JAKARTA, items)
    return landed_cost(order, parse_route_id(world, ID_POST), [], AT, rules, fx)


def test_a_mixed_basket_splits_protected_goods_from_the_flat_rate(
    world: Any, fx: Any, rules: Any, make_order: Any
) -> None:
    """USD 10 of apparel + USD 50 of earbuds (FOB USD 60, the 7.5 % band): apparel 160,000
    IDR pays 25 % = 40,000 and PPh 10 % of 200,000 = 20,000; earbuds 800,000 pay 7.5 % =
    60,000; one VAT line, 11 % of 200,000 + 860,000 = 116,600 IDR."""
    basket = [item(APPAREL, 1, "10.00", "USD"), item(EARBUDS, 1, "50.00", "USD")]
    landed = landed_of(world, fx, rules, make_order, basket)
    assert sorted((x.rule_id, str(x.amount)) for x in landed.lines) == [
        ("id.duty.consignment", "60000.00 IDR"),
        ("id.duty.mfn", "40000.00 IDR"),
        ("id.pph", "20000.00 IDR"),
        ("id.vat", "116600.00 IDR"),
    ]
    assert "id.full-rate-goods" in landed.rule_ids


def test_above_usd_1500_every_item_pays_full_rates(
    world: Any, fx: Any, rules: Any, make_order: Any
) -> None:
    """Earbuds of USD 1,600 (25,600,000 IDR) are above the bands: the MFN default 10 % =
    2,560,000, PPh 10 % of 28,160,000 = 2,816,000, VAT 11 % of 28,160,000 = 3,097,600 IDR,
    and a note that the full import procedure applies."""
    landed = landed_of(world, fx, rules, make_order, [item(EARBUDS, 1, "1600.00", "USD")])
    assert [(x.rule_id, str(x.amount)) for x in landed.lines] == [
        ("id.duty.mfn", "2560000.00 IDR"),
        ("id.pph", "2816000.00 IDR"),
        ("id.vat", "3097600.00 IDR"),
    ]
    assert any("PIBK" in note for note in landed.notes)


@pytest.mark.parametrize(("value", "duty"), [("3.00", "0.00 IDR"), ("3.01", "3612.00 IDR")])
def test_usd_3_is_the_last_value_without_duty(
    world: Any, fx: Any, rules: Any, make_order: Any, value: str, duty: str
) -> None:
    """Non-protected goods of USD 3.00 pay no duty; USD 3.01 (48,160 IDR) pays 7.5 % =
    3,612.00 IDR."""
    landed = landed_of(world, fx, rules, make_order, [item(EARBUDS, 1, value, "USD")])
    [line] = [x for x in landed.lines if x.rule_id == "id.duty.consignment"]
    assert str(line.amount) == duty
