"""United States: duty on the FOB value by the tariff table, plus the surcharges that
apply to the goods' origin (Section 301 for China); de minimis only while in force."""

from __future__ import annotations

from routing.customs.assess import Assessment, ad_valorem, by_table, no_import, relief
from routing.customs.lines import LineKind
from routing.customs.rules import Topic, Valuation
from routing.customs.shipment import Shipment


def us(s: Shipment) -> Assessment:
    if not s.duty_due:
        return no_import(s)
    minimis = s.view.one(Topic.DE_MINIMIS)
    if (
        minimis is not None
        and minimis.limit is not None
        and s.origin not in minimis.except_origins
        and s.within(minimis.limit, Valuation.FOB)
    ):
        note = f"value <= {minimis.limit}: de minimis entry, no duty"
        return Assessment([relief(s, minimis, "import duty", note)], regime="de minimis")
    a = Assessment()
    if minimis is None:
        a.notes.append("de minimis suspended on this date: all duties apply")
    else:
        a.notes.append(f"de minimis {minimis.rule_id} does not apply to this consignment")
        a.consulted.append(minimis.rule_id)
    lines, _ = ad_valorem(LineKind.DUTY, s.items, by_table(s, Topic.DUTY_TABLE))
    extra, _ = ad_valorem(LineKind.DUTY, s.items, by_table(s, Topic.DUTY_SURCHARGE, required=False))
    a.lines += lines + extra
    return a
