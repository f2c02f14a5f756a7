"""China inbound cross-border e-commerce (CBEC): within the per-transaction and annual
limits, no tariff and 70 % of the statutory VAT and consumption tax, one composite rate
per class of goods: (CT + VAT) / (1 - CT) x 70 % (9.1 % for 13 % VAT goods, 6.3 % for
9 % VAT goods). The transaction value is goods + delivery. Over the limits, general trade:
tariff, then consumption tax on (value + duty) / (1 - CT), then VAT on all of it."""

from __future__ import annotations

from decimal import Decimal

from routing.customs.assess import Assessment, Pick, ad_valorem, by_table, no_import
from routing.customs.lines import Collection, LineKind
from routing.customs.rules import Rule, Topic, Valuation
from routing.customs.shipment import ItemValue, Shipment

RATE_PLACES = Decimal("1E-10")


def cn_cbec(s: Shipment) -> Assessment:
    if not (s.duty_due or s.tax_due):
        return no_import(s)
    limits = s.view.require(Topic.CBEC_LIMITS)
    assert limits.limit is not None and limits.annual_limit is not None
    value = s.value_in(limits.limit.currency, Valuation.CIF)
    a = Assessment(forced=Collection.CHECKOUT, regime="CBEC", consulted=[limits.rule_id])
    within = value <= limits.limit.value
    if s.year_to_date is None:
        a.notes.append(f"annual limit {limits.annual_limit} not checked: no year-to-date total")
    else:
        before = s.convert(s.year_to_date, limits.annual_limit.currency).decimal
        within = within and before + value <= limits.annual_limit.value
    if within:
        discount = s.view.require(Topic.CBEC_DISCOUNT)
        note = f"(CT + VAT) / (1 - CT) x {discount.rate} ({discount.rule_id})"
        lines, _ = ad_valorem(
            LineKind.TAX, s.items, _composite(s, discount), name="CBEC composite tax", note=note
        )
        a.lines += lines
        return a
    a.regime = "CBEC at general-trade rates"
    a.notes.append(f"transaction {value} {limits.limit.currency} is over the CBEC limits")
    duty_lines, duty = ad_valorem(LineKind.DUTY, s.items, by_table(s, Topic.DUTY_TABLE))
    ct_lines, ct = ad_valorem(
        LineKind.TAX, s.items, _part(s, "ct"), (duty,), name="consumption tax", gross_up=True
    )
    vat_lines, _ = ad_valorem(LineKind.TAX, s.items, _part(s, "vat"), (duty, ct), name="VAT")
    a.lines += duty_lines + ct_lines + vat_lines
    return a


def _composite(s: Shipment, discount: Rule) -> Pick:
    assert discount.rate is not None
    share = discount.rate

    def pick(item: ItemValue) -> tuple[Rule, Decimal, str]:
        rule = s.view.require(Topic.CBEC_TAX, s.goods_of(item))
        assert rule.rate is not None
        ct = rule.consumption or Decimal(0)
        rate = ((ct + rule.rate) / (1 - ct) * share).quantize(RATE_PLACES).normalize()
        return rule, rate, rule.name

    return pick


def _part(s: Shipment, which: str) -> Pick:
    def pick(item: ItemValue) -> tuple[Rule, Decimal, str] | None:
        rule = s.view.require(Topic.CBEC_TAX, s.goods_of(item))
        assert rule.rate is not None
        rate = rule.rate if which == "vat" else rule.consumption
        return None if not rate else (rule, rate, rule.name)

    return pick
