"""Russia and the EAEU: a duty-free allowance per parcel (value and weight); the excess
pays a flat duty (15 % of the value over EUR 200, at least EUR 2 per kg over 31 kg), or,
under the e-commerce regime from 2026-07-01, 5 % of the whole value (at least EUR 1 per
kg) plus national VAT. The order is treated as one parcel."""

from __future__ import annotations

from decimal import Decimal

from routing.customs.assess import Assessment, ad_valorem, by_topic, no_import, relief
from routing.customs.lines import LineKind, rule_line
from routing.customs.rules import Amount, Rule, Topic
from routing.customs.shipment import Shipment, apportion


def eaeu(s: Shipment) -> Assessment:
    if not (s.duty_due or s.tax_due):
        return no_import(s)
    rule = s.view.require(Topic.PARCEL_ALLOWANCE)
    assert rule.limit is not None and rule.per_kg is not None and rule.rate is not None
    value = s.value_in(rule.limit.currency, s.place.valuation)
    kg = Decimal(str(round(s.order.weight_kg, 3)))
    if rule.treatment == "excess":
        return _excess(s, rule, value, kg)
    return _whole(s, rule, value, kg)


def _excess(s: Shipment, rule: Rule, value: Decimal, kg: Decimal) -> Assessment:
    assert rule.limit is not None and rule.per_kg is not None and rule.rate is not None
    over_value = max(value - rule.limit.value, Decimal(0))
    over_kg = max(kg - rule.weight_limit_kg, Decimal(0)) if rule.weight_limit_kg else Decimal(0)
    if not over_value and not over_kg:
        note = f"within {rule.limit} and {rule.weight_limit_kg} kg per parcel"
        return Assessment([relief(s, rule, "customs duty", note)])
    by_value = s.money(Amount(over_value, rule.limit.currency))
    by_weight = s.money(Amount(rule.per_kg.value * over_kg, rule.per_kg.currency))
    if by_value.times(rule.rate) >= by_weight:
        note = f"{(rule.rate * 100).normalize():f} % of the value over {rule.limit}"
        line = rule_line(
            LineKind.DUTY, rule, by_value, rule.rate, by_value.times(rule.rate), note=note
        )
    else:
        note = f"{rule.per_kg} x {over_kg} kg over {rule.weight_limit_kg} kg (the minimum)"
        line = rule_line(
            LineKind.DUTY, rule, s.customs_value, s.money(rule.per_kg), by_weight, note=note
        )
    return Assessment([line])


def _whole(s: Shipment, rule: Rule, value: Decimal, kg: Decimal) -> Assessment:
    assert rule.limit is not None and rule.per_kg is not None and rule.rate is not None
    if value <= rule.limit.value:
        return Assessment([relief(s, rule, "customs duty", f"within {rule.limit}")])
    base = s.customs_value
    by_value = base.times(rule.rate)
    by_weight = s.money(Amount(rule.per_kg.value * kg, rule.per_kg.currency))
    if by_value >= by_weight:
        line = rule_line(LineKind.DUTY, rule, base, rule.rate, by_value, note="whole value")
    else:
        note = f"minimum {rule.per_kg} x {kg} kg"
        line = rule_line(LineKind.DUTY, rule, base, s.money(rule.per_kg), by_weight, note=note)
    parts = apportion(line.amount.amount, [i.customs_value.amount for i in s.items])
    duty = {i.index: p for i, p in zip(s.items, parts, strict=True)}
    taxes, _ = ad_valorem(LineKind.TAX, s.items, by_topic(s, Topic.VAT), (duty,))
    return Assessment([line, *taxes])
