"""China CBEC (`routing.customs.schemes.cn`): within CNY 5,000 per transaction and
CNY 26,000 a year, no tariff and 70 % of VAT and consumption tax as one composite rate,
(CT + VAT) / (1 - CT) x 70 %, on goods + delivery; over the limits, general trade (tariff,
then consumption tax por dentro, then VAT). Amounts computed by hand at 1 EUR = 8 CNY,
rounded half up once per line.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from carriers.money import Money
from routing.customs import Collection, landed_cost, parse_route_id
from tests.routing.customs.conftest import HUB, Case, assert_as_computed, run

CBEC = "cbec-mad-sha"  # the Madrid hub to Shanghai, cleared under CBEC 9610
SHANGHAI = ("CN", "200000")
AT = date(2026, 7, 1)

CASES = [
    # --- China CBEC -----------------------------------------------------------------------
    Case("CBEC 9.1 % for 13 % VAT goods", "cn.cbec.tax.vat13", ("CN", "200000"),
         (("190590", "food", 2, "50.00", "EUR"),), "cbec-mad-sha", "2026-07-01",
         {"cn.cbec.tax.vat13": "72.80 CNY"}, "72.80 CNY", None, Collection.CHECKOUT,
         origin=HUB),
    Case("CBEC 6.3 % for olive oil, on goods + delivery", "cn.cbec.tax.vat9",
         ("CN", "200000"), (("150910", "food", 2, "25.00", "EUR"),), "cbec-mad-sha",
         "2026-07-01", {"cn.cbec.tax.vat9": "30.24 CNY"}, "30.24 CNY", None,
         Collection.CHECKOUT, freight="10.00 EUR", origin=HUB),
    Case("CBEC cosmetics with consumption tax (23.1 %)", "cn.cbec.tax.cosmetics",
         ("CN", "200000"), (("330499", "cosmetics", 1, "100.00", "EUR"),), "cbec-mad-sha",
         "2026-07-01", {"cn.cbec.tax.cosmetics": "184.47 CNY"}, "184.47 CNY", None,
         Collection.CHECKOUT, origin=HUB),
    Case("CBEC: one item over CNY 5,000 at general-trade rates", "cn.cbec.limits",
         ("CN", "200000"), (("220421", "food", 1, "700.00", "EUR"),), "cbec-mad-sha",
         "2026-07-01", {"cn.duty.general": "784.00 CNY", "cn.cbec.tax.wine": "1631.46 CNY"},
         "2415.46 CNY", None, Collection.CHECKOUT, origin=HUB),
    Case("CBEC: over the annual CNY 26,000", "cn.cbec.limits", ("CN", "200000"),
         (("190590", "food", 1, "100.00", "EUR"),), "cbec-mad-sha", "2026-07-01",
         {"cn.duty.general": "80.00 CNY", "cn.cbec.tax.vat13": "114.40 CNY"},
         "194.40 CNY", None, Collection.CHECKOUT, origin=HUB, ytd="25500.00 CNY"),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_landed_cost_matches_the_hand_computed_case(
    case: Case, world: Any, fx: Any, rules: Any, make_order: Any
) -> None:
    """Each line's amount, the DDP and DAP totals and the collection are as computed by
    hand from the cited rule."""
    assert_as_computed(run(case, world, fx, rules, make_order), case)


@pytest.mark.parametrize(
    ("hs", "category", "rate"),
    [
        ("190590", "food", "0.091"),  # 13 % x 70 %
        ("150910", "food", "0.063"),  # 9 % x 70 %
        ("330499", "cosmetics", "0.2305882353"),  # (15 + 13) / 85 x 70 %, to 10 places
    ],
)
def test_the_composite_rate_is_seventy_percent_of_ct_and_vat(
    world: Any, fx: Any, rules: Any, make_order: Any, hs: str, category: str, rate: str
) -> None:
    """Each class of goods has one composite rate: (CT + VAT) / (1 - CT) x 0.70."""
    order = make_order(*SHANGHAI, [(hs, category, 1, "10.00", "EUR")], origin=HUB)
    landed = landed_cost(order, parse_route_id(world, CBEC), [], AT, rules, fx)
    [line] = landed.lines
    assert line.rate == Decimal(rate) and line.name == "CBEC composite tax"


def test_cbec_is_collected_at_checkout_and_says_the_annual_limit_was_not_checked(
    world: Any, fx: Any, rules: Any, make_order: Any
) -> None:
    """Even under DAP a CBEC order pays at checkout; without a year-to-date total the
    annual limit is named as unchecked, with cn.cbec.limits among the rules consulted."""
    order = make_order(
        *SHANGHAI, [("190590", "food", 1, "10.00", "EUR")], origin=HUB, incoterm="DAP"
    )
    landed = landed_cost(order, parse_route_id(world, CBEC), [], AT, rules, fx)
    assert landed.regime == "CBEC" and landed.collection is Collection.CHECKOUT
    assert landed.dap_total is None
    assert any("not checked" in note for note in landed.notes)
    assert "cn.cbec.limits" in landed.rule_ids


def test_general_trade_stacks_duty_then_consumption_tax_then_vat(
    world: Any, fx: Any, rules: Any, make_order: Any
) -> None:
    """Wine of EUR 700 = 5,600 CNY is over CNY 5,000: duty 14 % = 784.00; consumption tax
    10 % por dentro on 6,384: 6,384 x 0.1 / 0.9 = 709.33; VAT 13 % on 6,384 + 709.33 =
    922.13 CNY."""
    order = make_order(*SHANGHAI, [("220421", "food", 1, "700.00", "EUR")], origin=HUB)
    landed = landed_cost(
        order,
        parse_route_id(world, CBEC),
        [],
        AT,
        rules,
        fx,
        buyer_year_to_date=Money.of("0", "CNY"),
    )
    assert [(x.name, str(x.amount)) for x in landed.lines] == [
        ("import duty (general trade)", "784.00 CNY"),
        ("consumption tax", "709.33 CNY"),
        ("VAT", "922.13 CNY"),
    ]
    assert landed.regime == "CBEC at general-trade rates"
