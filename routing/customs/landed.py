"""Landed cost: the duties, taxes and fees an order pays on one route, itemised.

`landed_cost(order, route, shipping_charges, at)` (in `routing.customs.case`) finds the
destination's jurisdiction (a special territory by postal code), applies its scheme with
the rules in force on `at`, and says when each line is collected: at checkout (DDP, IOSS,
Remessa Conforme, CBEC, UK point-of-sale VAT) or on delivery (DAP), when the clearing
carrier's fee is added (only when something is due: a parcel with nothing to collect is
not charged for collecting).

It is pure: pass `rules` and `fx` loaded once at start-up (the defaults are read from
`data/` on first use and cached). Rounding: every line is rounded half up to the minor
unit of the destination's currency, once; totals add rounded lines.
"""

from __future__ import annotations

from carriers.errors import InvalidRule
from carriers.money import Money
from routing.customs.lines import Collection, LandedCost, LandedLine, LineKind
from routing.customs.rules import Confidence, Rule, Topic
from routing.customs.schemes import SCHEME_FUNCTIONS
from routing.customs.shipment import Shipment


def landed_shipment(s: Shipment) -> LandedCost:
    """Itemised landed cost of an order on one route (`s`, with its values and freight)."""
    scheme = SCHEME_FUNCTIONS.get(s.place.scheme)
    if scheme is None:
        raise InvalidRule(f"{s.place.where}: no calculation for scheme {s.place.scheme!r}")
    found = scheme(s)
    # nothing imported, nothing collected at the door
    default = s.default_collection() if found.imports else Collection.CHECKOUT
    collection = found.forced or default
    lines = [line.collected_at(collection) for line in found.lines]
    due = any(line.amount.amount for line in lines)
    fee = _clearance_fee(s) if found.imports and due else None
    if fee is not None and collection is Collection.DELIVERY:
        lines.append(_fee_line(s, *fee))
    regime = found.regime or ("DDP" if collection is Collection.CHECKOUT else "DAP")
    return LandedCost(
        jurisdiction=s.place.id,
        currency=s.currency,
        regime=regime,
        collection=collection,
        checkout_only=found.forced is Collection.CHECKOUT,
        valuation=s.place.valuation,
        goods_value=s.goods_value,
        freight=s.freight,
        customs_value=s.customs_value,
        lines=tuple(lines),
        clearance_fee=None if fee is None else fee[0],
        fx=tuple(s.used.values()),
        notes=tuple(found.notes),
        consulted=tuple(found.consulted),
    )


def _clearance_fee(s: Shipment) -> tuple[Money, Rule | None] | None:
    """The clearing carrier's fee in the destination currency, and the rule on it."""
    service = s.import_service
    if service is None or service.customs.clearance_fee is None:
        return None
    return s.convert(service.customs.clearance_fee), s.view.one(Topic.CLEARANCE_FEE)


def _fee_line(s: Shipment, fee: Money, rule: Rule | None) -> LandedLine:
    """The clearance fee as a line collected on delivery."""
    service = s.import_service
    assert service is not None
    return LandedLine(
        kind=LineKind.FEE,
        name="clearance fee",
        amount=fee,
        base=s.customs_value,
        rate=fee,
        rule_id=rule.rule_id if rule else f"carrier.{service.id}",
        source=f"{service.id}: carrier's fee" + (f"; {rule.source}" if rule else ""),
        confidence=rule.confidence if rule else Confidence.MEDIUM,
        collected=Collection.DELIVERY,
        note="charged by the carrier to the buyer who pays duties on delivery",
    )
