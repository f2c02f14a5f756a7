"""The parts of a landed cost: itemised lines, when they are collected, and the totals."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from carriers.money import Money
from routing.customs.rules import Confidence, Rule, Valuation
from routing.fx import FxRate


class LineKind(StrEnum):
    DUTY = "duty"
    TAX = "tax"
    FEE = "fee"


class Collection(StrEnum):
    """When the buyer pays the duties and taxes."""

    CHECKOUT = "checkout"  # with the price (DDP, IOSS, Remessa Conforme, CBEC, UK sale VAT)
    DELIVERY = "delivery"  # to the carrier at the door (DAP), with its clearance fee


@dataclass(frozen=True)
class LandedLine:
    """One duty, tax or fee: `amount` = `base` x `rate` (a fraction), or `units` x `rate`
    when `rate` is a fixed amount; each rounded half up to the minor unit, per line."""

    kind: LineKind
    name: str
    amount: Money
    base: Money  # what it was computed on (the consignment's value for fixed amounts)
    rate: Decimal | Money
    rule_id: str
    source: str
    confidence: Confidence
    collected: Collection = Collection.CHECKOUT
    units: int = 1  # how many times a fixed `rate` is due (distinct subheadings)
    note: str = ""

    def collected_at(self, collection: Collection) -> LandedLine:
        """This line, collected as given (cheaper than dataclasses.replace)."""
        if collection is self.collected:
            return self
        return LandedLine(
            self.kind,
            self.name,
            self.amount,
            self.base,
            self.rate,
            self.rule_id,
            self.source,
            self.confidence,
            collection,
            self.units,
            self.note,
        )

    @property
    def rate_text(self) -> str:
        if isinstance(self.rate, Money):
            return f"{self.units} x {self.rate}" if self.units != 1 else str(self.rate)
        return f"{(self.rate * 100).normalize():f} %"


def rule_line(
    kind: LineKind,
    rule: Rule,
    base: Money,
    rate: Decimal | Money,
    amount: Money,
    name: str = "",
    units: int = 1,
    note: str = "",
) -> LandedLine:
    """A line citing the rule it applies (its id, source and confidence)."""
    notes = [n for n in (note, "illustrative rate" if rule.illustrative else "") if n]
    return LandedLine(
        kind=kind,
        name=name or rule.name,
        amount=amount,
        base=base,
        rate=rate,
        rule_id=rule.rule_id,
        source=rule.source,
        confidence=rule.confidence,
        units=units,
        note="; ".join(notes),
    )


@dataclass(frozen=True)
class LandedCost:
    """Duties, taxes and fees of one order on one route, in the destination's currency."""

    jurisdiction: str  # ES, ES-CN, BR, ...
    currency: str
    regime: str  # how it clears: "IOSS", "Remessa Conforme", "DAP", ...
    collection: Collection
    checkout_only: bool  # the regime collects at checkout whatever the incoterm
    valuation: Valuation
    goods_value: Money
    freight: Money
    customs_value: Money
    lines: tuple[LandedLine, ...]
    clearance_fee: Money | None  # what the clearing carrier charges the buyer under DAP
    fx: tuple[FxRate, ...] = ()
    notes: tuple[str, ...] = ()
    consulted: tuple[str, ...] = ()  # rules that decided without a line of their own

    def _sum(self, *kinds: LineKind) -> Money:
        return Money(sum(x.amount.amount for x in self.lines if x.kind in kinds), self.currency)

    @property
    def duties(self) -> Money:
        return self._sum(LineKind.DUTY)

    @property
    def taxes(self) -> Money:
        return self._sum(LineKind.TAX)

    @property
    def fees(self) -> Money:
        return self._sum(LineKind.FEE)

    @property
    def total(self) -> Money:
        """Everything the buyer pays on top of the goods and the shipping, on this route."""
        return self._sum(LineKind.DUTY, LineKind.TAX, LineKind.FEE)

    @property
    def ddp_total(self) -> Money:
        """Duties and taxes collected at checkout: no clearance fee for the buyer."""
        return self._sum(LineKind.DUTY, LineKind.TAX)

    @property
    def dap_total(self) -> Money | None:
        """Duties, taxes and the carrier's clearance fee paid on delivery; None when the
        regime collects at checkout (IOSS, Remessa Conforme, CBEC, UK sale VAT)."""
        if self.checkout_only:
            return None
        fee = self.clearance_fee or Money.zero(self.currency)
        return self.ddp_total + fee

    def due(self, collection: Collection) -> Money:
        """What the buyer pays at checkout, or at the door."""
        amounts = (x.amount.amount for x in self.lines if x.collected is collection)
        return Money(sum(amounts), self.currency)

    @property
    def rule_ids(self) -> tuple[str, ...]:
        """Every rule applied: those of the lines, then those that decided the regime."""
        return tuple(dict.fromkeys([*(line.rule_id for line in self.lines), *self.consulted]))
