"""Landed cost: a table of hand-computed cases across every market, each citing the rule it
exercises, plus the properties every landed cost keeps (hypothesis).

Fixture rates (tests/data/customs_world/fx.csv): 1 EUR = 1.25 USD = 0.80 GBP = 8 CNY =
6.25 BRL = 100 RUB = 20,000 IDR; 1 USD = 5 BRL = 16,000 IDR. Rates and thresholds come
from the real data/customs. Every amount below was computed by hand, rounded half up to
the minor unit once per line.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from carriers.errors import InvalidOrder, InvalidRule, UnknownCountry
from carriers.money import Money
from carriers.pricing import Charge, ChargeKind
from routing.customs import Collection, LandedCost, LineKind, landed_cost, parse_route_id

ES_POST = "feeder-yiw-pvg+line-pvg-mad-post+correos-es-paq"  # postal import, fee 4.50 EUR
ES_HUB = "feeder-yiw-pvg+line-pvg-mad-hub+correos-es-paq"  # bulk import at the hub: DDP
PT_HUB = "feeder-yiw-pvg+line-pvg-mad-hub+road-mad-pt"
FR_HUB = "feeder-yiw-pvg+line-pvg-mad-hub+road-mad-fr"
IT_HUB = "feeder-yiw-pvg+line-pvg-mad-hub+road-mad-it"
DE_HUB = "feeder-yiw-pvg+line-pvg-mad-hub+road-mad-de"
CANARIES = "feeder-yiw-pvg+line-pvg-mad-hub+correos-ic-paq"  # Correos clears, fee 6.00 EUR
CEUTA = "feeder-yiw-pvg+line-pvg-mad-hub+correos-ceu-paq"
GB_POST = "feeder-yiw-pvg+post-pvg-gb"  # fee 8.00 GBP
GB_EXPRESS = "feeder-yiw-pvg+express-pvg-gb"
BR_POST = "feeder-yiw-pvg+post-pvg-br"  # fee 15.00 BRL
RU_POST = "feeder-yiw-pvg+post-pvg-ru"  # fee 300.00 RUB
ID_POST = "feeder-yiw-pvg+post-pvg-id"  # no fee
US_POST = "feeder-yiw-pvg+post-pvg-us"
HUB = "ES-MAD-HUB"

APPAREL = ("610910", "apparel")
SHIRT = ("620520", "apparel")
SHOES = ("640399", "footwear")
EARBUDS = ("851830", "electronics")
BOOK = ("490199", "books")


@dataclass(frozen=True)
class Case:
    name: str
    rule: str  # the rule the case exercises
    dest: tuple[str, str]
    items: tuple[tuple[str, str, int, str, str], ...]
    route: str
    at: str
    lines: dict[str, str]  # rule_id -> amount of its line(s)
    ddp: str
    dap: str | None  # None: collected at checkout whatever the incoterm
    collected: Collection = Collection.DELIVERY
    freight: str | None = None  # "5.00 EUR"
    origin: str = "CN-YIW-WH"
    kg: float = 1.0
    ytd: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def item(goods: tuple[str, str], quantity: int, value: str, currency: str) -> tuple:
    return (goods[0], goods[1], quantity, value, currency)


IOSS = {"seller": {"ioss_registered": True}}
RC = {"seller": {"remessa_conforme": True}}

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
    # --- Brazil ---------------------------------------------------------------------------
    Case("USD 50 -> 72.29 at 17 % (x 5 BRL)", "br.icms.uniform", ("BR", "01001-000"),
         (item(APPAREL, 1, "50.00", "USD"),), BR_POST, "2025-01-01",
         {"br.ii.remessa-conforme": "50.00 BRL", "br.icms.uniform": "61.45 BRL"},
         "111.45 BRL", None, Collection.CHECKOUT, extra=RC),
    Case("USD 100: 60 % minus USD 20", "br.ii.remessa-conforme", ("BR", "01001-000"),
         (item(APPAREL, 1, "100.00", "USD"),), BR_POST, "2025-01-01",
         {"br.ii.remessa-conforme": "200.00 BRL", "br.icms.uniform": "143.37 BRL"},
         "343.37 BRL", None, Collection.CHECKOUT, extra=RC),
    Case("Bahia at 20 % from 2025-04-01", "br.icms.20pct-states", ("BR", "40000-000"),
         (item(APPAREL, 1, "50.00", "USD"),), BR_POST, "2025-04-01",
         {"br.ii.remessa-conforme": "50.00 BRL", "br.icms.20pct-states": "75.00 BRL"},
         "125.00 BRL", None, Collection.CHECKOUT, extra=RC),
    Case("Sao Paulo stays at 17 %", "br.icms.standard", ("BR", "01001-000"),
         (item(APPAREL, 1, "50.00", "USD"),), BR_POST, "2025-04-01",
         {"br.ii.remessa-conforme": "50.00 BRL", "br.icms.standard": "61.45 BRL"},
         "111.45 BRL", None, Collection.CHECKOUT, extra=RC),
    Case("outside Remessa Conforme: 60 %, on delivery", "br.ii.simplified",
         ("BR", "01001-000"), (item(APPAREL, 1, "50.00", "USD"),), BR_POST, "2025-01-01",
         {"br.ii.simplified": "150.00 BRL", "br.icms.uniform": "81.93 BRL",
          "carrier.post-pvg-br": "15.00 BRL"}, "231.93 BRL", "246.93 BRL"),
    Case("Remessa Conforme phase 1: 0 % up to USD 50", "br.ii.remessa-conforme",
         ("BR", "01001-000"), (item(APPAREL, 1, "50.00", "USD"),), BR_POST, "2024-07-31",
         {"br.ii.remessa-conforme": "0.00 BRL", "br.icms.uniform": "51.20 BRL"},
         "51.20 BRL", None, Collection.CHECKOUT, extra=RC),
    Case("freight counts (CIF): USD 45 + 10 is over 50", "br.ii.remessa-conforme",
         ("BR", "01001-000"), (item(APPAREL, 1, "45.00", "USD"),), BR_POST, "2025-01-01",
         {"br.ii.remessa-conforme": "65.00 BRL", "br.icms.uniform": "69.64 BRL"},
         "134.64 BRL", None, Collection.CHECKOUT, freight="10.00 USD", extra=RC),
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


def run(case: Case, world: Any, fx: Any, rules: Any, make_order: Any) -> LandedCost:
    order = make_order(*case.dest, case.items, origin=case.origin, kg=case.kg, **case.extra)
    charges = []
    if case.freight:
        amount, currency = case.freight.split()
        charges = [Charge(ChargeKind.FREIGHT, "freight", Money.of(amount, currency))]
    ytd = Money.of(*case.ytd.split()) if case.ytd else None
    route = parse_route_id(world, case.route)
    at = date.fromisoformat(case.at)
    return landed_cost(order, route, charges, at, rules, fx, buyer_year_to_date=ytd)


def by_rule(landed: LandedCost) -> dict[str, str]:
    amounts: dict[str, Money] = {}
    for line in landed.lines:
        amounts[line.rule_id] = amounts.get(line.rule_id, Money.zero(line.amount.currency))
        amounts[line.rule_id] += line.amount
    return {rule_id: str(amount) for rule_id, amount in amounts.items()}


def test_the_table_has_at_least_thirty_cases_across_every_market() -> None:
    """The issue asks for >= 30 hand-computed cases covering every market."""
    markets = {c.dest[0] for c in CASES}
    assert len(CASES) >= 30
    assert {"ES", "PT", "FR", "IT", "DE", "GB", "BR", "RU", "ID", "US", "CN", "EA"} <= markets


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_landed_cost_matches_the_hand_computed_case(
    case: Case, world: Any, fx: Any, rules: Any, make_order: Any
) -> None:
    """Each line's amount, the DDP and DAP totals and the collection are as computed by
    hand from the cited rule."""
    landed = run(case, world, fx, rules, make_order)
    assert by_rule(landed) == case.lines
    assert case.rule in landed.rule_ids
    assert str(landed.ddp_total) == case.ddp
    assert (None if landed.dap_total is None else str(landed.dap_total)) == case.dap
    assert landed.collection is case.collected


def test_canary_islands_pay_no_iva(world: Any, fx: Any, rules: Any, make_order: Any) -> None:
    """A Canary Islands postal code is outside the EU VAT area: IGIC, never IVA, and an
    IOSS seller still cannot collect at checkout there."""
    case = next(c for c in CASES if c.name.startswith("Canary Islands"))
    seller = Case(**{**case.__dict__, "extra": IOSS})
    landed = run(seller, world, fx, rules, make_order)
    assert landed.jurisdiction == "ES-CN"
    assert not any(line.rule_id.startswith("es.vat") for line in landed.lines)
    assert landed.regime != "IOSS" and landed.collection is Collection.DELIVERY


def test_brazil_usd_50_lands_at_usd_72_29(world: Any, fx: Any, rules: Any, make_order) -> None:
    """The reference's check: USD 50 -> II 10 -> ICMS 12.29 -> 72.29, here in BRL at 5."""
    case = next(c for c in CASES if c.name.startswith("USD 50"))
    landed = run(case, world, fx, rules, make_order)
    landed_brl = landed.customs_value + landed.ddp_total
    assert landed_brl == Money.of("361.45", "BRL")
    assert landed_brl.decimal / 5 == Decimal("72.29")


def test_the_same_basket_costs_differently_on_each_route(
    world: Any, fx: Any, rules: Any, make_order: Any
) -> None:
    """Valuation and collection follow the route: CIF freight and the postal fee differ."""
    order = make_order("ES", "28001", [item(SHOES, 1, "200.00", "EUR")])
    post = parse_route_id(world, ES_POST)
    hub = parse_route_id(world, ES_HUB)
    cheap = [Charge(ChargeKind.FREIGHT, "freight", Money.of("5", "EUR"))]
    dear = [Charge(ChargeKind.FREIGHT, "freight", Money.of("25", "EUR"))]
    on_post = landed_cost(order, post, cheap, date(2026, 7, 1), rules, fx)
    on_hub = landed_cost(order, hub, dear, date(2026, 7, 1), rules, fx)
    assert on_post.collection is Collection.DELIVERY and on_hub.collection is Collection.CHECKOUT
    assert on_post.customs_value == Money.of("205", "EUR")
    assert on_hub.customs_value == Money.of("225", "EUR")
    assert on_post.ddp_total != on_hub.ddp_total


def test_landed_cost_states_the_exchange_rates_it_used(
    world: Any, fx: Any, rules: Any, make_order: Any
) -> None:
    """A USD basket into Brazil converts with USD->BRL of the quote date and says so."""
    case = next(c for c in CASES if c.name.startswith("USD 100"))
    landed = run(case, world, fx, rules, make_order)
    used = {(r.base, r.quote): r.rate for r in landed.fx}
    assert used[("USD", "BRL")] == Decimal("5.00")


def test_a_destination_without_customs_data_is_an_error(
    world: Any, fx: Any, rules: Any, make_order: Any
) -> None:
    """Japan has no rules file: an UnknownCountry error, not a tax-free landed cost."""
    order = make_order("JP", "100-0001", [item(APPAREL, 1, "10.00", "EUR")])
    with pytest.raises(UnknownCountry, match="JP"):
        landed_cost(order, parse_route_id(world, ES_HUB), [], date(2026, 7, 1), rules, fx)


def test_no_rule_in_force_is_an_error_not_a_zero_rate(
    world: Any, fx: Any, rules: Any, make_order: Any
) -> None:
    """Before Brazil's ICMS rules start (2023-08-01) there is nothing to apply: an error."""
    order = make_order("BR", "01001-000", [item(APPAREL, 1, "10.00", "USD")], **RC)
    with pytest.raises(InvalidRule, match="no 'state_tax' rule"):
        landed_cost(order, parse_route_id(world, BR_POST), [], date(2023, 1, 1), rules, fx)


def test_a_hand_built_order_with_a_bad_hs_code_names_the_field(
    world: Any, fx: Any, rules: Any, make_order: Any
) -> None:
    """An Order built in code skips parse_order: a bad HS code or a zero value is still
    an InvalidOrder naming items[0]."""
    order = make_order("ES", "28001", [item(APPAREL, 1, "10.00", "EUR")])
    broken = replace(order, items=(replace(order.items[0], hs_code="6109"),))
    with pytest.raises(InvalidOrder, match=r"items\[0\]\.hs_code"):
        landed_cost(broken, parse_route_id(world, ES_HUB), [], date(2026, 7, 1), rules, fx)
    free = replace(order, items=(replace(order.items[0], unit_value=Money(0, "EUR")),))
    with pytest.raises(InvalidOrder, match=r"items\[0\]\.unit_value"):
        landed_cost(free, parse_route_id(world, ES_HUB), [], date(2026, 7, 1), rules, fx)


def test_a_cep_outside_every_state_range_is_an_error(
    world: Any, fx: Any, rules: Any, make_order: Any
) -> None:
    """A CEP in no state's range (or not 8 digits) names destination.postal_code."""
    for cep in ("78950-000", "1234"):
        order = make_order("BR", cep, [item(APPAREL, 1, "10.00", "USD")], **RC)
        with pytest.raises(InvalidOrder, match=r"destination\.postal_code"):
            landed_cost(order, parse_route_id(world, BR_POST), [], date(2026, 7, 1), rules, fx)


# --- properties ------------------------------------------------------------------------------

MARKETS = [
    ("ES", "28001", ES_POST, "EUR"),
    ("ES", "35001", CANARIES, "EUR"),
    ("PT", "1000-001", PT_HUB, "EUR"),
    ("GB", "SW1A 1AA", GB_POST, "GBP"),
    ("BR", "40000-000", BR_POST, "USD"),
    ("RU", "101000", RU_POST, "EUR"),
    ("ID", "10110", ID_POST, "USD"),
    ("US", "10001", US_POST, "USD"),
]
GOODS = [APPAREL, SHIRT, SHOES, EARBUDS, BOOK, ("190590", "food"), ("950300", "toys")]

baskets = st.lists(
    st.tuples(
        st.sampled_from(GOODS), st.integers(1, 3), st.integers(1, 40_000)
    ),  # goods, quantity, unit value in minor units
    min_size=1,
    max_size=4,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    market=st.sampled_from(MARKETS),
    basket=baskets,
    freight=st.integers(0, 5_000),
    day=st.dates(date(2025, 9, 1), date(2027, 12, 31)),
    seller=st.sampled_from([{}, IOSS, RC]),
)
def test_landed_cost_invariants(
    world: Any, fx: Any, rules: Any, make_order: Any, market, basket, freight, day, seller
) -> None:
    """Whatever the basket: no line is negative, every line is in the destination's
    currency, DDP adds the duty and tax lines, DAP is DDP plus at most the clearance fee,
    and in the EU the VAT lines are never below VAT on the goods value alone."""
    country, postal, route_text, currency = market
    items = [(g[0], g[1], q, str(Decimal(v) / 100), currency) for g, q, v in basket]
    buyer = {"buyer": {"tax_id": "123.456.789-09"}}
    order = make_order(country, postal, items, **seller, **buyer)
    charges = [Charge(ChargeKind.FREIGHT, "freight", Money(freight, currency))]
    landed = landed_cost(order, parse_route_id(world, route_text), charges, day, rules, fx)
    assert all(line.amount.amount >= 0 for line in landed.lines)
    assert {line.amount.currency for line in landed.lines} <= {landed.currency}
    duty_tax = [x.amount.amount for x in landed.lines if x.kind is not LineKind.FEE]
    assert landed.ddp_total.amount == sum(duty_tax)
    if landed.dap_total is not None:
        fee = landed.clearance_fee.amount if landed.clearance_fee else 0
        assert landed.dap_total.amount == landed.ddp_total.amount + fee
    if landed.jurisdiction in ("ES", "PT"):
        vat = sum(x.amount.amount for x in landed.lines if x.kind is LineKind.TAX)
        floor = sum(i.value.times(_vat_rate(rules, landed, i, day)).amount for i in order.items)
        assert vat >= floor - len(order.items)  # per-line rounding, at most 1 cent per item


def _vat_rate(rules: Any, landed: LandedCost, item: Any, day: date) -> Decimal:
    from routing.customs.rules import Goods, Topic

    view = rules.in_force(landed.jurisdiction, day)
    rule = view.require(Topic.VAT, Goods(hs=item.hs_code, category=item.category))
    return rule.rate
