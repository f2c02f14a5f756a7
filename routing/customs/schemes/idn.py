"""Indonesia (consignment goods, PMK 96/2023): on the FOB value in USD, up to USD 3 no
duty, up to USD 1,500 a flat 7.5 % duty; VAT on customs value + duty. Protected goods
(textiles, footwear, bags, cosmetics, ...) pay the full tariff and income tax (PPh)
whatever the value, and so does everything in a consignment above the last band."""

from __future__ import annotations

from decimal import Decimal

from routing.customs.assess import Assessment, Pick, ad_valorem, by_table, by_topic, no_import
from routing.customs.lines import LineKind
from routing.customs.rules import Band, Rule, Topic, Valuation
from routing.customs.shipment import ItemValue, Shipment


def idn(s: Shipment) -> Assessment:
    if not (s.duty_due or s.tax_due):
        return no_import(s)
    bands = s.view.require(Topic.IMPORT_TAX_BANDS)
    band = _band(s, bands)
    full_rate = tuple(
        p for r in s.view.all(Topic.FULL_RATE_GOODS) for p in r.selectors.hs_prefixes or ()
    )

    def protected(item: ItemValue) -> bool:
        return band is None or item.item.hs_code.startswith(full_rate)

    full = [i for i in s.items if protected(i)]
    simple = [i for i in s.items if not protected(i)]
    lists = [r.rule_id for r in s.view.all(Topic.FULL_RATE_GOODS)]
    a = Assessment(consulted=lists if full else [])
    if band is None:
        a.notes.append("FOB above the consignment bands: full import procedure (PIBK)")
    lines, simple_duty = ad_valorem(LineKind.DUTY, simple, _flat(bands, band))
    full_lines, full_duty = ad_valorem(LineKind.DUTY, full, by_table(s, Topic.DUTY_TABLE))
    income, _ = ad_valorem(LineKind.TAX, full, by_topic(s, Topic.INCOME_TAX), (full_duty,))
    vat, _ = ad_valorem(LineKind.TAX, s.items, by_topic(s, Topic.VAT), (simple_duty, full_duty))
    a.lines += lines + full_lines + income + vat
    return a


def _flat(rule: Rule, band: Band | None) -> Pick:
    def pick(item: ItemValue) -> tuple[Rule, Decimal, str] | None:
        if band is None:
            return None
        return rule, band.rate, f"FOB up to {band.up_to}" if band.up_to else ""

    return pick


def _band(s: Shipment, rule: Rule) -> Band | None:
    currency = next((b.up_to.currency for b in rule.bands if b.up_to), s.currency)
    value = s.value_in(currency, Valuation.FOB)
    for band in rule.bands:
        if band.up_to is None or value <= band.up_to.value:
            return band
    return None
