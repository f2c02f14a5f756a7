"""Landed cost: the duties, taxes and fees an order pays on one route, itemised.

`landed_cost(order, route, shipping_charges, at)` finds the destination's jurisdiction
(a special territory by postal code), applies its scheme with the rules in force on `at`,
and says when each line is collected: at checkout (DDP, IOSS, Remessa Conforme, CBEC, UK
point-of-sale VAT) or on delivery (DAP), when the clearing carrier's fee is added (only
when something is due: a parcel with nothing to collect is not charged for collecting).

It is pure: pass `rules` and `fx` loaded once at start-up (the defaults are read from
`data/` on first use and cached). Rounding: every line is rounded half up to the minor
unit of the destination's currency, once; totals add rounded lines.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from carriers.errors import InvalidOrder, InvalidRule, Problem
from carriers.money import Money
from carriers.pricing import Charge
from routing.customs.lines import Collection, LandedCost, LandedLine, LineKind
from routing.customs.loader import load_rules
from routing.customs.rules import Confidence, CustomsRules, Topic
from routing.customs.schemes import SCHEME_FUNCTIONS
from routing.customs.shipment import Shipment, build_shipment
from routing.fx import FxRates, load_fx
from routing.network import Network, Route
from routing.orders import Order


def landed_cost(
    order: Order,
    route: Route,
    shipping_charges: Sequence[Charge],
    at: date,
    rules: CustomsRules | None = None,
    fx: FxRates | None = None,
    *,
    network: Network | None = None,
    buyer_year_to_date: Money | None = None,
) -> LandedCost:
    """Itemised landed cost of `order` on `route` at date `at`.

    `shipping_charges` are the route's carrier charges (any currencies); under CIF they are
    the freight of the customs value. `network` tells the origin's country (otherwise
    read from the node id, `CN-YIW-WH` -> CN). `buyer_year_to_date` is what the buyer
    already imported this year under China's CBEC annual limit.
    """
    s = shipment(order, route, at, rules, fx, shipping_charges, network, buyer_year_to_date)
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
        lines.append(fee)
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
        clearance_fee=None if fee is None else fee.amount,
        fx=tuple(s.used.values()),
        notes=tuple(found.notes),
        consulted=tuple(found.consulted),
    )


def shipment(
    order: Order,
    route: Route,
    at: date,
    rules: CustomsRules | None,
    fx: FxRates | None,
    shipping_charges: Sequence[Charge] = (),
    network: Network | None = None,
    buyer_year_to_date: Money | None = None,
    with_values: bool = True,
) -> Shipment:
    """The facts of one call, after checking what an Order built by hand could get wrong."""
    day = at.date() if isinstance(at, datetime) else at
    _check_items(order)
    return build_shipment(
        order,
        route,
        day,
        rules if rules is not None else load_rules(),
        fx if fx is not None else load_fx(),
        shipping_charges,
        network,
        buyer_year_to_date,
        with_values,
    )


def _check_items(order: Order) -> None:
    problems = []
    for i, item in enumerate(order.items):
        if not (item.hs_code.isdigit() and 6 <= len(item.hs_code) <= 10):
            problems.append(Problem("order", f"items[{i}].hs_code", "must be 6-10 digits"))
        if item.unit_value.amount <= 0:
            problems.append(Problem("order", f"items[{i}].unit_value", "must be > 0"))
    if not order.items:
        problems.append(Problem("order", "items", "must be a non-empty list"))
    if problems:
        raise InvalidOrder(problems)


def _clearance_fee(s: Shipment) -> LandedLine | None:
    service = s.import_service
    if service is None or service.customs.clearance_fee is None:
        return None
    fee = s.convert(service.customs.clearance_fee)
    rule = s.view.one(Topic.CLEARANCE_FEE)
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
