"""VAT-area imports (`routing.customs.schemes.vat_import`): the EU members, Spain's special
territories and the United Kingdom. Duty from outside the customs union (the EUR 150
relief, then EUR 3 per HS-6 subheading from 2026-07-01; the tariff above); import VAT
from outside the VAT area on customs value + duty; collected at checkout under IOSS and
the UK's point-of-sale VAT. Amounts computed by hand (1 EUR = 0.80 GBP), rounded half up
once per line.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from carriers.money import Money
from carriers.pricing import Charge, ChargeKind
from routing.customs import Collection, LineKind, landed_cost, parse_route_id
from tests.routing.customs.conftest import (
    APPAREL,
    BOOK,
    CANARIES,
    CEUTA,
    DE_HUB,
    EARBUDS,
    ES_HUB,
    ES_POST,
    FR_HUB,
    GB_POST,
    HUB,
    IOSS,
    IT_HUB,
    PT_HUB,
    SHIRT,
    SHOES,
    Case,
    assert_as_computed,
    item,
    run,
)

CASES = [
    # --- EU: the EUR 150 relief, replaced by EUR 3 per subheading on 2026-07-01 --------------
    Case("es relief on 2026-06-30", "eu.duty.low-value-relief", ("ES", "28001"),
         (item(APPAREL, 2, "10.00", "EUR"),), ES_POST, "2026-06-30",
         {"eu.duty.low-value-relief": "0.00 EUR", "es.vat.general": "5.25 EUR",
          "eu.clearance-fee": "4.50 EUR"}, "5.25 EUR", "9.75 EUR", freight="5.00 EUR"),
    Case("es flat duty on 2026-07-01", "eu.duty.flat-per-subheading", ("ES", "28001"),
         (item(APPAREL, 2, "10.00", "EUR"),), ES_POST, "2026-07-01",
         {"eu.duty.flat-per-subheading": "3.00 EUR", "es.vat.general": "5.88 EUR",
          "eu.clearance-fee": "4.50 EUR"}, "8.88 EUR", "13.38 EUR", freight="5.00 EUR"),
    Case("two items of one subheading pay EUR 3", "eu.duty.flat-per-subheading",
         ("ES", "28001"), (item(APPAREL, 1, "10.00", "EUR"), ("6109100010", "apparel", 1,
         "10.00", "EUR")), ES_HUB, "2026-07-01",
         {"eu.duty.flat-per-subheading": "3.00 EUR", "es.vat.general": "5.88 EUR"},
         "8.88 EUR", "8.88 EUR", Collection.CHECKOUT, freight="5.00 EUR"),
    Case("two subheadings pay EUR 6", "eu.duty.flat-per-subheading", ("ES", "28001"),
         (item(APPAREL, 1, "10.00", "EUR"), item(SHIRT, 1, "10.00", "EUR")), ES_HUB,
         "2026-07-01", {"eu.duty.flat-per-subheading": "6.00 EUR", "es.vat.general": "6.51 EUR"},
         "12.51 EUR", "12.51 EUR", Collection.CHECKOUT, freight="5.00 EUR"),
    Case("IOSS collects at checkout, no clearance fee", "eu.ioss", ("ES", "28001"),
         (item(APPAREL, 1, "10.00", "EUR"), item(SHIRT, 1, "10.00", "EUR")), ES_POST,
         "2026-07-01", {"eu.duty.flat-per-subheading": "6.00 EUR", "es.vat.general": "6.51 EUR"},
         "12.51 EUR", None, Collection.CHECKOUT, freight="5.00 EUR", extra=IOSS),
    Case("EUR 150.00 is still low value", "eu.ioss", ("ES", "28001"),
         (item(APPAREL, 1, "150.00", "EUR"),), ES_POST, "2026-07-01",
         {"eu.duty.flat-per-subheading": "3.00 EUR", "es.vat.general": "34.23 EUR"},
         "37.23 EUR", None, Collection.CHECKOUT, freight="10.00 EUR", extra=IOSS),
    Case("EUR 150.01 pays the tariff, no IOSS", "eu.duty.tariff", ("ES", "28001"),
         (item(APPAREL, 1, "150.01", "EUR"),), ES_POST, "2026-07-01",
         {"eu.duty.tariff": "19.20 EUR", "es.vat.general": "37.63 EUR",
          "eu.clearance-fee": "4.50 EUR"}, "56.83 EUR", "61.33 EUR", freight="10.00 EUR",
         extra=IOSS),
    Case("es reduced rate for food", "es.vat.reduced", ("ES", "28001"),
         (("190590", "food", 1, "20.00", "EUR"),), ES_HUB, "2026-06-30",
         {"eu.duty.low-value-relief": "0.00 EUR", "es.vat.reduced": "2.00 EUR"},
         "2.00 EUR", "2.00 EUR", Collection.CHECKOUT),
    Case("es super-reduced rate for books", "es.vat.super-reduced", ("ES", "28001"),
         (item(BOOK, 1, "30.00", "EUR"),), ES_HUB, "2026-06-30",
         {"eu.duty.low-value-relief": "0.00 EUR", "es.vat.super-reduced": "1.20 EUR"},
         "1.20 EUR", "1.20 EUR", Collection.CHECKOUT),
    Case("an HS rule beats a category rule (fruit)", "es.vat.super-reduced-food",
         ("ES", "28001"), (("080810", "food", 1, "10.00", "EUR"),), ES_HUB, "2026-06-30",
         {"eu.duty.low-value-relief": "0.00 EUR", "es.vat.super-reduced-food": "0.40 EUR"},
         "0.40 EUR", "0.40 EUR", Collection.CHECKOUT),
    Case("freight shared by value across VAT rates", "es.vat.general", ("ES", "28001"),
         (item(APPAREL, 1, "30.00", "EUR"), item(BOOK, 1, "10.00", "EUR")), ES_HUB,
         "2026-06-30", {"eu.duty.low-value-relief": "0.00 EUR", "es.vat.general": "6.93 EUR",
                        "es.vat.super-reduced": "0.44 EUR"},
         "7.37 EUR", "7.37 EUR", Collection.CHECKOUT, freight="4.00 EUR"),
    Case("EUR 22 VAT exemption until 2021-06-30", "eu.vat.low-value-exemption",
         ("ES", "28001"), (item(APPAREL, 1, "20.00", "EUR"),), ES_POST, "2021-06-30",
         {"eu.duty.low-value-relief": "0.00 EUR", "eu.vat.low-value-exemption": "0.00 EUR"},
         "0.00 EUR", "0.00 EUR"),
    Case("VAT from EUR 0 on 2021-07-01", "eu.vat.low-value-exemption", ("ES", "28001"),
         (item(APPAREL, 1, "20.00", "EUR"),), ES_POST, "2021-07-01",
         {"eu.duty.low-value-relief": "0.00 EUR", "es.vat.general": "4.20 EUR",
          "eu.clearance-fee": "4.50 EUR"}, "4.20 EUR", "8.70 EUR"),
    # --- other EU members at their own rates ----------------------------------------------
    Case("Portugal 23 %", "pt.vat.standard", ("PT", "1000-001"),
         (item(EARBUDS, 1, "100.00", "EUR"),), PT_HUB, "2026-06-30",
         {"eu.duty.low-value-relief": "0.00 EUR", "pt.vat.standard": "25.30 EUR"},
         "25.30 EUR", "25.30 EUR", Collection.CHECKOUT, freight="10.00 EUR"),
    Case("France 20 % on value + flat duty", "fr.vat.standard", ("FR", "75001"),
         (item(EARBUDS, 1, "50.00", "EUR"),), FR_HUB, "2026-07-01",
         {"eu.duty.flat-per-subheading": "3.00 EUR", "fr.vat.standard": "12.60 EUR"},
         "15.60 EUR", "15.60 EUR", Collection.CHECKOUT, freight="10.00 EUR"),
    Case("Italy 22 % above EUR 150, footwear 17 %", "it.vat.standard", ("IT", "00100"),
         (item(SHOES, 1, "200.00", "EUR"),), IT_HUB, "2026-07-01",
         {"eu.duty.tariff": "37.40 EUR", "it.vat.standard": "56.63 EUR"},
         "94.03 EUR", "94.03 EUR", Collection.CHECKOUT, freight="20.00 EUR"),
    Case("Germany 7 % for books", "de.vat.reduced", ("DE", "10115"),
         (item(BOOK, 1, "25.00", "EUR"),), DE_HUB, "2026-07-01",
         {"eu.duty.flat-per-subheading": "3.00 EUR", "de.vat.reduced": "2.31 EUR"},
         "5.31 EUR", "5.31 EUR", Collection.CHECKOUT, freight="5.00 EUR"),
    Case("Spain to Portugal is no import", "PT", ("PT", "1000-001"),
         (item(APPAREL, 1, "50.00", "EUR"),), "road-mad-pt", "2026-07-01", {}, "0.00 EUR",
         "0.00 EUR", Collection.CHECKOUT, origin=HUB),
    # --- Spanish special territories ------------------------------------------------------
    Case("Canary Islands: EU duty, IGIC, no IVA", "es-cn.igic.general", ("ES", "35001"),
         (item(APPAREL, 1, "100.00", "EUR"),), CANARIES, "2026-07-01",
         {"eu.duty.flat-per-subheading": "3.00 EUR", "es-cn.igic.general": "7.91 EUR",
          "carrier.correos-ic-paq": "6.00 EUR"}, "10.91 EUR", "16.91 EUR",
         freight="10.00 EUR"),
    Case("peninsula to the Canaries: IGIC only", "es-cn.igic.general", ("ES", "38001"),
         (item(APPAREL, 1, "100.00", "EUR"),), "correos-ic-paq", "2026-07-01",
         {"es-cn.igic.general": "7.35 EUR", "carrier.correos-ic-paq": "6.00 EUR"},
         "7.35 EUR", "13.35 EUR", freight="5.00 EUR", origin=HUB),
    Case("Ceuta: no tariff, IPSI", "es-ce.ipsi.import", ("ES", "51001"),
         (item(APPAREL, 1, "100.00", "EUR"),), CEUTA, "2026-07-01",
         {"es-ce.duty.none": "0.00 EUR", "es-ce.ipsi.import": "4.40 EUR",
          "carrier.correos-ceu-paq": "6.00 EUR"}, "4.40 EUR", "10.40 EUR",
         freight="10.00 EUR"),
    Case("Melilla by its ISO alias EA", "es-ml.ipsi.import", ("EA", "52001"),
         (item(APPAREL, 1, "100.00", "EUR"),), CEUTA, "2026-07-01",
         {"es-ml.duty.none": "0.00 EUR", "es-ml.ipsi.import": "4.40 EUR",
          "carrier.correos-ceu-paq": "6.00 EUR"}, "4.40 EUR", "10.40 EUR",
         freight="10.00 EUR"),
    # --- United Kingdom -------------------------------------------------------------------
    Case("UK up to GBP 135: VAT at the sale", "gb.vat.point-of-sale", ("GB", "SW1A 1AA"),
         (item(SHOES, 1, "100.00", "GBP"),), GB_POST, "2026-07-01",
         {"gb.duty.low-value-relief": "0.00 GBP", "gb.vat.standard": "22.00 GBP"},
         "22.00 GBP", None, Collection.CHECKOUT, freight="10.00 GBP"),
    Case("UK above GBP 135: duty + import VAT", "gb.duty.tariff", ("GB", "SW1A 1AA"),
         (item(SHOES, 1, "150.00", "GBP"),), GB_POST, "2026-07-01",
         {"gb.duty.tariff": "25.60 GBP", "gb.vat.standard": "37.12 GBP",
          "carrier.post-pvg-gb": "8.00 GBP"}, "62.72 GBP", "70.72 GBP",
         freight="10.00 GBP"),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_landed_cost_matches_the_hand_computed_case(
    case: Case, world: Any, fx: Any, rules: Any, make_order: Any
) -> None:
    """Each line's amount, the DDP and DAP totals and the collection are as computed by
    hand from the cited rule."""
    assert_as_computed(run(case, world, fx, rules, make_order), case)


def test_canary_islands_pay_no_iva(world: Any, fx: Any, rules: Any, make_order: Any) -> None:
    """A Canary Islands postal code is outside the EU VAT area: IGIC, never IVA, and an
    IOSS seller still cannot collect at checkout there."""
    case = next(c for c in CASES if c.name.startswith("Canary Islands"))
    seller = Case(**{**case.__dict__, "extra": IOSS})
    landed = run(seller, world, fx, rules, make_order)
    assert landed.jurisdiction == "ES-CN"
    assert not any(line.rule_id.startswith("es.vat") for line in landed.lines)
    assert landed.regime != "IOSS" and landed.collection is Collection.DELIVERY


@pytest.mark.parametrize(
    ("value", "lines", "regime"),
    [
        # 135.00 + 20 freight: relief, VAT 20 % of 155.00 = 31.00, at the sale
        ("135.00", [("gb.duty.low-value-relief", "0.00 GBP"), ("gb.vat.standard", "31.00 GBP")],
         "VAT at the point of sale"),
        # 135.01 + 20: duty 16 % of 155.01 = 24.80, VAT 20 % of 179.81 = 35.96, fee 8.00
        ("135.01", [("gb.duty.tariff", "24.80 GBP"), ("gb.vat.standard", "35.96 GBP"),
                    ("carrier.post-pvg-gb", "8.00 GBP")], "DAP"),
    ],
)  # fmt: skip
def test_uk_point_of_sale_vat_reaches_gbp_135_of_goods_freight_aside(
    world: Any, fx: Any, rules: Any, make_order: Any, value: str, lines: list, regime: str
) -> None:
    """The GBP 135 limit compares the goods' intrinsic value, not goods + freight; VAT and
    duty are then computed on the CIF value."""
    order = make_order("GB", "SW1A 1AA", [item(SHOES, 1, value, "GBP")])
    freight = [Charge(ChargeKind.FREIGHT, "freight", Money.of("20", "GBP"))]
    route = parse_route_id(world, GB_POST)
    landed = landed_cost(order, route, freight, date(2026, 7, 1), rules, fx)
    assert [(x.rule_id, str(x.amount)) for x in landed.lines] == lines
    assert landed.regime == regime


def test_within_the_eu_nothing_is_cleared(world: Any, fx: Any, rules: Any, make_order: Any) -> None:
    """Madrid to Lisbon is inside the EU customs union and VAT area: no line, no fee, and
    the note says so."""
    order = make_order("PT", "1000-001", [item(APPAREL, 1, "50.00", "EUR")], origin=HUB)
    landed = landed_cost(
        order, parse_route_id(world, "road-mad-pt"), [], date(2026, 7, 1), rules, fx
    )
    assert landed.lines == () and landed.regime == "no import"
    assert landed.clearance_fee is None
    assert any("nothing to clear" in note for note in landed.notes)


def test_peninsula_to_canaries_pays_no_duty_inside_the_customs_union(
    world: Any, fx: Any, rules: Any, make_order: Any
) -> None:
    """From the Madrid hub the Canaries are in the EU customs union but not its VAT area:
    no duty line at all, a note saying why, and IGIC 7 % of 100.00 = 7.00 EUR."""
    order = make_order("ES", "35001", [item(APPAREL, 1, "100.00", "EUR")], origin=HUB)
    route = parse_route_id(world, "correos-ic-paq")
    landed = landed_cost(order, route, [], date(2026, 7, 1), rules, fx)
    assert [(x.rule_id, str(x.amount)) for x in landed.lines if x.kind is not LineKind.FEE] == [
        ("es-cn.igic.general", "7.00 EUR")
    ]
    assert any("customs union: no duty" in note for note in landed.notes)
