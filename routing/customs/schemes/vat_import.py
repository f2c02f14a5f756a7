"""VAT-area imports: the EU members, Spain's special territories and the United Kingdom.

Duty (when the goods come from outside the destination's customs union): consignments up
to the low-value limit get the relief in force (no duty until 2026-06-30 in the EU, then a
flat amount per HS-6 subheading); above it, the duty table. Import tax (when the goods
come from outside its VAT area): the rate of each item's goods, on customs value + duty.
Collected at checkout under IOSS (an IOSS-registered seller, up to EUR 150) and under the
UK's point-of-sale VAT (up to GBP 135); otherwise as the incoterm or the route says.
"""

from __future__ import annotations

from routing.customs.assess import (
    Assessment,
    Shares,
    ad_valorem,
    by_table,
    by_topic,
    no_import,
    per_subheading,
    relief,
)
from routing.customs.lines import Collection, LandedLine, LineKind
from routing.customs.rules import Topic, Valuation
from routing.customs.shipment import Shipment


def vat_import(s: Shipment) -> Assessment:
    if not (s.duty_due or s.tax_due):
        return no_import(s)
    a = Assessment()
    duty: Shares = {}
    if s.duty_due:
        duty_lines, duty = _duty(s)
        a.lines += duty_lines
    else:
        a.notes.append(f"{s.origin} is in {s.place.customs_union}'s customs union: no duty")
    if s.tax_due:
        a.lines += _tax(s, duty, a)
        _checkout_regime(s, a)
    else:
        a.notes.append(f"{s.origin} is in {s.place.vat_area}'s VAT area: no import tax")
    return a


def _duty(s: Shipment) -> tuple[list[LandedLine], Shares]:
    low = s.view.one(Topic.LOW_VALUE_DUTY)
    if low is not None and low.limit is not None and s.within(low.limit, Valuation.FOB):
        if low.treatment == "relief":
            note = f"intrinsic value <= {low.limit}: no duty"
            return [relief(s, low, "import duty", note)], {}
        line, shares = per_subheading(s, low, "import duty (flat per subheading)")
        return [line], shares
    return ad_valorem(LineKind.DUTY, s.items, by_table(s, Topic.DUTY_TABLE))


def _tax(s: Shipment, duty: Shares, a: Assessment) -> list[LandedLine]:
    exempt = s.view.one(Topic.VAT_EXEMPTION)
    limit = exempt.limit if exempt is not None else None
    if exempt is not None and limit is not None:
        a.consulted.append(exempt.rule_id)
        if s.within(limit, Valuation.FOB):
            note = f"intrinsic value <= {limit}: no import VAT"
            return [relief(s, exempt, "import VAT", note, LineKind.TAX)]
    lines, _ = ad_valorem(LineKind.TAX, s.items, by_topic(s, Topic.VAT), (duty,))
    return lines


def _checkout_regime(s: Shipment, a: Assessment) -> None:
    ioss = s.view.one(Topic.IOSS)
    if (
        ioss is not None
        and ioss.limit is not None
        and ioss.jurisdiction == s.place.vat_area
        and "ioss" in s.sellers
        and s.within(ioss.limit, Valuation.FOB)
    ):
        a.forced, a.regime = Collection.CHECKOUT, "IOSS"
        a.consulted.append(ioss.rule_id)
        a.notes.append(f"{ioss.rule_id}: VAT collected at checkout (intrinsic <= {ioss.limit})")
        return
    sale = s.view.one(Topic.POINT_OF_SALE)
    if sale is not None and sale.limit is not None and s.within(sale.limit, Valuation.FOB):
        a.forced, a.regime = Collection.CHECKOUT, "VAT at the point of sale"
        a.consulted.append(sale.rule_id)
        a.notes.append(f"{sale.rule_id}: VAT charged at the sale (intrinsic <= {sale.limit})")
