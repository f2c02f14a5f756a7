"""A quote's charge lines: each leg's freight and surcharges, the duties, taxes and fees
of the landed cost, all in the answer's currency, and the incoterms an option is offered
under."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from carriers.model import Service
from carriers.money import Money
from carriers.pricing import Charge
from routing.customs import LandedCost
from routing.fx import FxRate, FxRates
from routing.orders import Incoterm, Order
from routing.quote.order_lanes import OrderLanes
from routing.quote.records import Line, Message, RouteFacts

CLEARANCE_FEE = "clearance fee"


class Converter:
    """Converts into the answer's currency at the quote's date and remembers each rate used,
    so the quote can state them."""

    def __init__(self, fx: FxRates, currency: str, day: date) -> None:
        self.fx, self.currency, self.day = fx, currency, day
        self.used: dict[tuple[str, str], FxRate] = {}

    def __call__(self, money: Money) -> Money:
        if money.currency == self.currency:
            return money
        rate = self.fx.rate(money.currency, self.currency, self.day)
        self.used[(rate.base, rate.quote)] = rate
        return Money.of(money.decimal * rate.rate, self.currency)

    def note(self, rates: tuple[FxRate, ...]) -> None:
        for rate in rates:
            self.used[(rate.base, rate.quote)] = rate


def shipping_lines(
    route: RouteFacts, lanes: OrderLanes, money: Converter, memo: dict
) -> tuple[list[Line], list[Charge]]:
    """Itemised freight and surcharges per leg, in the answer's currency. `memo` keeps each
    leg's charges for the rest of this quote: routes share their first and last miles."""
    lines, raw = [], []
    for k, s in zip(route.indices, route.services, strict=True):
        if k not in memo:
            memo[k] = _leg_charges(s, lanes.charges(k, s.rate_card.currency), money)
        leg_lines, leg_raw = memo[k]
        lines += leg_lines
        raw += leg_raw
    return lines, raw


def _leg_charges(
    s: Service, raw: list[Charge], money: Converter
) -> tuple[list[Line], list[Charge]]:
    """A leg's charges (every parcel's, in the card's currency) as lines of the answer."""
    lines = [Line(str(c.kind), f"{s.id}: {c.name}", money(c.amount)) for c in raw]
    return _merge(lines), raw


def _merge(lines: list[Line]) -> list[Line]:
    """One line per leg and charge name: multi-parcel orders add up per leg."""
    merged: dict[tuple[str, str], Line] = {}
    for line in lines:
        key = (line.kind, line.name)
        if key in merged:
            merged[key] = merged[key]._replace(amount=merged[key].amount + line.amount)
        else:
            merged[key] = line
    return list(merged.values())


def incoterms(order: Order, landed: LandedCost) -> list[Incoterm]:
    """DDP and DAP unless the order fixes one; regimes that collect at checkout (IOSS,
    Remessa Conforme, CBEC, UK sale VAT) are DDP only."""
    if landed.checkout_only:
        return [Incoterm.DDP]
    if order.incoterm is not None:
        return [order.incoterm]
    return [Incoterm.DDP, Incoterm.DAP]


def duty_lines(landed: LandedCost, money: Converter) -> list[Line]:
    """Duties and taxes of the route, under any incoterm. A fixed-amount rate (EUR 3 per
    subheading) is stated as that amount."""
    return [
        Line(
            kind=str(x.kind),
            name=x.name,
            amount=money(x.amount),
            base=money(x.base),
            rate=x.rate if isinstance(x.rate, Decimal) else money(x.rate),
            rule_id=x.rule_id,
            source=x.source,
        )
        for x in landed.lines
        if x.name != CLEARANCE_FEE
    ]


def fee_lines(landed: LandedCost, incoterm: Incoterm, money: Converter) -> list[Line]:
    """Under DAP, the carrier's clearance fee, when there is something to collect."""
    if incoterm is Incoterm.DAP and landed.clearance_fee is not None and landed.total.amount:
        return [
            Line(
                "fee",
                CLEARANCE_FEE,
                money(landed.clearance_fee),
                rule_id="carrier.clearance_fee",
                source="the clearing carrier's fee to the buyer",
            )
        ]
    return []


def collection_messages(landed: LandedCost, incoterm: Incoterm) -> tuple[Message, ...]:
    if incoterm is Incoterm.DAP:
        text = "duties, taxes and the carrier's clearance fee are paid by the buyer on delivery"
        return (Message("paid_on_delivery", text),)
    return (
        Message(
            "collected_at_checkout", f"duties and taxes collected at checkout ({landed.regime})"
        ),
    )
