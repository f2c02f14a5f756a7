"""United States (`routing.customs.schemes.us`): duty on the FOB value by the MFN table,
plus Section 301 on Chinese goods; the USD 800 de minimis only while in force (not for
China and Hong Kong from 2025-05-02, for no one after 2025-08-28). Amounts computed by
hand in USD.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from routing.customs import Collection, LandedCost, landed_cost, parse_route_id
from tests.routing.customs.conftest import (
    APPAREL,
    HUB,
    US_POST,
    Case,
    assert_as_computed,
    item,
    run,
)

NEW_YORK = ("US", "10001")
FROM_SPAIN = "express-mad-us"  # the Madrid hub by courier, cleared DDP

CASES = [
    # --- United States --------------------------------------------------------------------
    Case("US after 2025-08-29: MFN + Section 301 on FOB", "us.section-301", ("US", "10001"),
         (item(APPAREL, 1, "100.00", "USD"),), US_POST, "2026-07-01",
         {"us.duty.mfn": "16.50 USD", "us.section-301": "7.50 USD"},
         "24.00 USD", "24.00 USD", freight="10.00 USD"),
    Case("US de minimis for Spanish goods in 2025-06", "us.de-minimis", ("US", "10001"),
         (item(APPAREL, 1, "100.00", "USD"),), "express-mad-us", "2025-06-01",
         {"us.de-minimis": "0.00 USD"}, "0.00 USD", "0.00 USD", Collection.CHECKOUT,
         origin=HUB),
    Case("US de minimis gone for China in 2025-06", "us.de-minimis", ("US", "10001"),
         (item(APPAREL, 1, "100.00", "USD"),), US_POST, "2025-06-01",
         {"us.duty.mfn": "16.50 USD", "us.section-301": "7.50 USD"},
         "24.00 USD", "24.00 USD"),
    Case("US: suspended for every origin after 2025-08-29", "us.duty.mfn", ("US", "10001"),
         (item(APPAREL, 1, "100.00", "USD"),), "express-mad-us", "2025-09-01",
         {"us.duty.mfn": "16.50 USD"}, "16.50 USD", "16.50 USD", Collection.CHECKOUT,
         origin=HUB),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_landed_cost_matches_the_hand_computed_case(
    case: Case, world: Any, fx: Any, rules: Any, make_order: Any
) -> None:
    """Each line's amount, the DDP and DAP totals and the collection are as computed by
    hand from the cited rule."""
    assert_as_computed(run(case, world, fx, rules, make_order), case)


def landed_of(
    world: Any,
    fx: Any,
    rules: Any,
    make_order: Any,
    route: str,
    goods: tuple,
    value: str,
    day: date,
    origin: str = "CN-YIW-WH",
) -> LandedCost:
    order = make_order(*NEW_YORK, [item(goods, 1, value, "USD")], origin=origin)
    return landed_cost(order, parse_route_id(world, route), [], day, rules, fx)


@pytest.mark.parametrize(
    ("hs", "lines"),
    [
        ("851712", [("us.duty.mfn", "0.00 USD"), ("us.section-301", "0.00 USD")]),  # phones
        ("851830", [("us.duty.mfn", "2.00 USD"), ("us.section-301", "25.00 USD")]),  # 85
        ("950300", [("us.duty.mfn", "0.00 USD"), ("us.section-301", "0.00 USD")]),  # toys
    ],
)
def test_the_longest_hs_prefix_gives_both_rates(
    world: Any, fx: Any, rules: Any, make_order: Any, hs: str, lines: list
) -> None:
    """USD 100 from China in 2026: phones (8517) and toys (9503) are 0 % in both tables,
    other electrical goods (85) 2 % MFN and 25 % Section 301."""
    landed = landed_of(
        world, fx, rules, make_order, US_POST, (hs, "electronics"), "100.00", date(2026, 7, 1)
    )
    assert [(x.rule_id, str(x.amount)) for x in landed.lines] == lines


@pytest.mark.parametrize(
    ("value", "lines", "regime"),
    [
        ("800.00", [("us.de-minimis", "0.00 USD")], "de minimis"),
        ("800.01", [("us.duty.mfn", "132.00 USD")], "DDP"),  # 16.5 % of 800.01
    ],
)
def test_de_minimis_covers_up_to_usd_800_inclusive(
    world: Any, fx: Any, rules: Any, make_order: Any, value: str, lines: list, regime: str
) -> None:
    """Spanish apparel on 2025-06-01: USD 800.00 enters free under de minimis; USD 800.01
    pays the full 16.5 % (no Section 301: not Chinese)."""
    landed = landed_of(
        world, fx, rules, make_order, FROM_SPAIN, APPAREL, value, date(2025, 6, 1), origin=HUB
    )
    assert [(x.rule_id, str(x.amount)) for x in landed.lines] == lines
    assert landed.regime == regime and landed.collection is Collection.CHECKOUT
