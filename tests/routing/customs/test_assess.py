"""Calculations the destination schemes share (`routing.customs.assess`): ad valorem lines
grouped by rule and rate and rounded once per group, their amounts shared back over the
items so the next tax can stack on them, "por dentro" taxes, the flat duty per HS-6
subheading, reliefs, and "nothing to import". Spain's real rules; amounts by hand.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from carriers.money import Money
from carriers.pricing import Charge, ChargeKind
from routing.customs import LineKind, customs_case, parse_route_id
from routing.customs.assess import (
    ad_valorem,
    base_of,
    by_table,
    by_topic,
    no_import,
    per_subheading,
    relief,
)
from routing.customs.rules import Topic
from routing.customs.shipment import Shipment
from tests.routing.customs.conftest import APPAREL, BOOK, ES_HUB, HUB, SHIRT, item

AT = date(2026, 7, 1)


@pytest.fixture
def spain(world: Any, fx: Any, rules: Any, make_order: Any) -> Any:
    """The Shipment of a basket into Madrid through the hub, with EUR `freight`."""

    def build(items: list, freight: str = "0", route: str = ES_HUB, **extra: Any) -> Shipment:
        order = make_order("ES", "28001", items, **extra)
        charges = [Charge(ChargeKind.FREIGHT, "freight", Money.of(freight, "EUR"))]
        return customs_case(order, AT, rules, fx).shipment(parse_route_id(world, route), charges)

    return build


def amounts(lines: list) -> list[tuple[str, str, str]]:
    return [(x.rule_id, str(x.base), str(x.amount)) for x in lines]


def test_items_of_one_rule_and_rate_share_a_line_rounded_once(spain: Any) -> None:
    """Two shirts of EUR 0.03 at 21 %: one line, 0.06 x 0.21 = 0.0126 -> 0.01 (per item it
    would be 0.01 + 0.01); its cent is attributed to the first item."""
    s = spain([item(APPAREL, 1, "0.03", "EUR"), item(SHIRT, 1, "0.03", "EUR")])
    lines, shares = ad_valorem(LineKind.TAX, s.items, by_topic(s, Topic.VAT))
    assert amounts(lines) == [("es.vat.general", "0.06 EUR", "0.01 EUR")]
    assert shares == {0: 1, 1: 0}


def test_items_of_different_rates_get_a_line_each(spain: Any) -> None:
    """EUR 30 of apparel and EUR 10 of books with EUR 4 of freight (33.00 and 11.00 CIF):
    21 % of 33.00 = 6.93, 4 % of 11.00 = 0.44."""
    s = spain([item(APPAREL, 1, "30.00", "EUR"), item(BOOK, 1, "10.00", "EUR")], "4")
    lines, shares = ad_valorem(LineKind.TAX, s.items, by_topic(s, Topic.VAT))
    assert amounts(lines) == [
        ("es.vat.general", "33.00 EUR", "6.93 EUR"),
        ("es.vat.super-reduced", "11.00 EUR", "0.44 EUR"),
    ]
    assert shares == {0: 693, 1: 44}


def test_a_later_line_stacks_on_what_earlier_lines_attributed(spain: Any) -> None:
    """A T-shirt of EUR 100 and a jumper of EUR 50 (both HS 61, 12 %): one duty line of
    18.00, attributed 12.00 and 6.00; VAT 21 % of 168.00 = 35.28, its base the items'
    customs values plus their duty."""
    s = spain([item(APPAREL, 1, "100.00", "EUR"), ("611020", "apparel", 1, "50.00", "EUR")])
    duty_lines, duty = ad_valorem(LineKind.DUTY, s.items, by_table(s, Topic.DUTY_TABLE))
    assert [str(x.amount) for x in duty_lines] == ["18.00 EUR"] and duty == {0: 1200, 1: 600}
    assert [base_of(i, duty) for i in s.items] == [11200, 5600]
    vat, _ = ad_valorem(LineKind.TAX, s.items, by_topic(s, Topic.VAT), (duty,))
    assert amounts(vat) == [("es.vat.general", "168.00 EUR", "35.28 EUR")]


def test_a_duty_table_line_says_which_row_gave_its_rate(spain: Any) -> None:
    """Shoes pay the footwear row (HS 64, 17 % of 200 = 34.00), books the HS 49 row (0 %):
    a line per row, each naming it."""
    s = spain([("640399", "footwear", 1, "200.00", "EUR"), item(BOOK, 1, "200.00", "EUR")])
    lines, _ = ad_valorem(LineKind.DUTY, s.items, by_table(s, Topic.DUTY_TABLE))
    assert [(str(x.amount), x.note) for x in lines] == [
        ("34.00 EUR", "HS 64; illustrative rate"),
        ("0.00 EUR", "HS 49; illustrative rate"),
    ]


def test_a_tax_por_dentro_is_grossed_up(spain: Any) -> None:
    """Computed "por dentro" at 17 %, EUR 100.00 pays 100 x 0.17 / 0.83 = 20.48."""
    s = spain([item(APPAREL, 1, "100.00", "EUR")])
    rule = s.view.require(Topic.VAT, s.goods_of(s.items[0]))
    lines, shares = ad_valorem(
        LineKind.TAX, s.items, lambda _: (rule, Decimal("0.17"), ""), gross_up=True
    )
    assert [str(x.amount) for x in lines] == ["20.48 EUR"] and shares == {0: 2048}


def test_an_item_without_a_pick_has_no_line(spain: Any) -> None:
    """A pick that returns None (no surcharge for these goods) makes no line and no share."""
    s = spain([item(APPAREL, 1, "10.00", "EUR")])
    assert ad_valorem(LineKind.DUTY, s.items, lambda _: None) == ([], {})


def test_the_flat_duty_is_per_distinct_subheading(spain: Any) -> None:
    """610910, 6109100010 (the same HS-6) and 620520: 2 x EUR 3 = 6.00, each subheading's
    EUR 3 attributed to its first item."""
    s = spain(
        [
            item(APPAREL, 1, "10.00", "EUR"),
            ("6109100010", "apparel", 1, "10.00", "EUR"),
            item(SHIRT, 1, "10.00", "EUR"),
        ]
    )
    rule = s.view.require(Topic.LOW_VALUE_DUTY)
    line, shares = per_subheading(s, rule, "flat duty")
    assert (str(line.amount), line.units, line.rate_text) == ("6.00 EUR", 2, "2 x 3.00 EUR")
    assert line.note == "2 subheading(s): 610910, 620520"
    assert shares == {0: 300, 2: 300}


def test_a_relief_is_a_zero_line_on_the_customs_value(spain: Any) -> None:
    """A relief shows the rule applied: nothing due on the consignment's customs value."""
    s = spain([item(APPAREL, 1, "10.00", "EUR")], "5")
    rule = s.view.require(Topic.LOW_VALUE_DUTY)
    line = relief(s, rule, "import duty", "within the limit")
    assert (line.kind, str(line.base), str(line.amount), line.rate_text) == (
        LineKind.DUTY,
        "15.00 EUR",
        "0.00 EUR",
        "0 %",
    )
    assert line.rule_id == "eu.duty.flat-per-subheading"


def test_nothing_is_imported_within_one_union_and_vat_area(spain: Any) -> None:
    """From the Madrid hub to Madrid: no lines, not an import, and a note saying why."""
    found = no_import(spain([item(APPAREL, 1, "10.00", "EUR")], origin=HUB, route="correos-es-paq"))
    assert (found.lines, found.imports, found.regime) == ([], False, "no import")
    assert found.notes == ["ES -> ES: same customs union and VAT area, nothing to clear"]
