"""Brazil: import tax (II) in bands of the CIF value in USD, then the state's ICMS
computed "por dentro" on (customs value + II): ICMS = base x r / (1 - r).

Sellers certified under Remessa Conforme collect both at checkout; other sellers' parcels
pay on delivery (the simplified regime's flat 60 %). The state comes from the CEP.
"""

from __future__ import annotations

from routing.customs.assess import Assessment, Shares, ad_valorem, no_import
from routing.customs.lines import Collection, LandedLine, LineKind, rule_line
from routing.customs.rules import Band, Rule, Topic, Valuation
from routing.customs.shipment import Shipment, apportion


def br(s: Shipment) -> Assessment:
    if not (s.duty_due or s.tax_due):
        return no_import(s)
    state = s.facts.state()
    bands = s.view.require(Topic.IMPORT_TAX_BANDS, s.goods())
    a = Assessment()
    line, ii = _import_tax(s, bands, a)
    a.lines.append(line)
    icms = s.view.require(Topic.STATE_TAX, s.goods(state=state))
    assert icms.rate is not None
    rate = icms.rate
    inside = icms.treatment == "por_dentro"
    note = f"state {state}" + ("; por dentro: base x r / (1 - r)" if inside else "")
    lines, _ = ad_valorem(
        LineKind.TAX, s.items, lambda _: (icms, rate, ""), (ii,), gross_up=inside, note=note
    )
    a.lines += lines
    if bands.selectors.sellers and "remessa_conforme" in bands.selectors.sellers:
        a.forced, a.regime = Collection.CHECKOUT, "Remessa Conforme"
    return a


def _import_tax(s: Shipment, rule: Rule, a: Assessment) -> tuple[LandedLine, Shares]:
    band = _band(s, rule, a)
    base = s.customs_value
    deduction = s.money(band.deduction) if band.deduction else None
    amount = base.times(band.rate)
    note = ""
    if deduction is not None and deduction.amount:
        amount = max(amount - deduction, amount.zero(amount.currency))
        note = f"minus {band.deduction} ({deduction})"
    line = rule_line(LineKind.DUTY, rule, base, band.rate, amount, note=note)
    parts = apportion(amount.amount, [i.customs_value.amount for i in s.items])
    return line, {i.index: part for i, part in zip(s.items, parts, strict=True)}


def _band(s: Shipment, rule: Rule, a: Assessment) -> Band:
    currency = next((b.up_to.currency for b in rule.bands if b.up_to), s.currency)
    value = s.value_in(currency, Valuation.CIF)
    for band in rule.bands:
        if band.up_to is None or value <= band.up_to.value:
            return band
    top = rule.bands[-1]
    assert top.up_to is not None
    a.notes.append(
        f"CIF {value} {currency} is above {top.up_to}: formal import, figures indicative"
    )
    return top
