"""The parts of a landed cost (`routing.customs.lines`): a line cites its rule and says how
it was computed; the totals add rounded lines by kind and by when they are collected."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from carriers.money import Money
from routing.customs.lines import Collection, LandedCost, LandedLine, LineKind, rule_line
from routing.customs.rules import Confidence, Rule, Topic, Valuation

VAT = Rule(
    rule_id="xa.vat",
    topic=Topic.VAT,
    jurisdiction="XA",
    valid_from=date(2020, 1, 1),
    valid_to=None,
    source="Tax Act s.1",
    confidence=Confidence.HIGH,
    where="xa.toml:9",
    name="VAT",
    rate=Decimal("0.21"),
)


def eur(text: str) -> Money:
    return Money.of(text, "EUR")


def line(kind: LineKind, amount: str, collected: Collection, rule_id: str = "") -> LandedLine:
    """A line of `amount` EUR, collected as given."""
    return LandedLine(
        kind=kind,
        name=kind.value,
        amount=eur(amount),
        base=eur("100"),
        rate=Decimal("0.1"),
        rule_id=rule_id or f"xa.{kind.value}",
        source="test",
        confidence=Confidence.LOW,
        collected=collected,
    )


def test_a_rule_line_cites_its_rule() -> None:
    """Its id, source and confidence are the rule's; its name too unless one is given."""
    found = rule_line(LineKind.TAX, VAT, eur("40.00"), Decimal("0.21"), eur("8.40"))
    assert (found.rule_id, found.source, found.confidence) == (
        "xa.vat",
        "Tax Act s.1",
        Confidence.HIGH,
    )
    assert found.name == "VAT" and found.collected is Collection.CHECKOUT and found.note == ""
    named = rule_line(LineKind.TAX, VAT, eur("40"), Decimal("0.21"), eur("8.40"), name="IVA")
    assert named.name == "IVA"


def test_an_illustrative_rate_says_so_on_its_line() -> None:
    """A line from an illustrative rule carries that note, after its own."""
    guess = replace(VAT, illustrative=True)
    found = rule_line(LineKind.TAX, guess, eur("40"), Decimal("0.21"), eur("8.40"), note="HS 61")
    assert found.note == "HS 61; illustrative rate"


@pytest.mark.parametrize(
    ("rate", "units", "text"),
    [
        (Decimal("0.21"), 1, "21 %"),
        (Decimal("0.075"), 1, "7.5 %"),
        (Decimal("0.2305882353"), 1, "23.05882353 %"),
        (Decimal(0), 1, "0 %"),
        (Money.of("3", "EUR"), 1, "3.00 EUR"),
        (Money.of("3", "EUR"), 2, "2 x 3.00 EUR"),
    ],
)
def test_a_rate_reads_as_a_percentage_or_an_amount_per_unit(
    rate: Decimal | Money, units: int, text: str
) -> None:
    """A fraction reads as a percentage, a fixed amount as units x amount."""
    found = replace(line(LineKind.DUTY, "6.00", Collection.CHECKOUT), rate=rate, units=units)
    assert found.rate_text == text


def test_collected_at_changes_only_when_it_is_collected() -> None:
    """The same line collected on delivery differs in `collected` alone; asked for the
    moment it already has, it is the very same line."""
    at_checkout = line(LineKind.TAX, "8.40", Collection.CHECKOUT)
    assert at_checkout.collected_at(Collection.CHECKOUT) is at_checkout
    moved = at_checkout.collected_at(Collection.DELIVERY)
    assert moved == replace(at_checkout, collected=Collection.DELIVERY)


def landed(lines: tuple[LandedLine, ...], fee: str | None, checkout_only: bool) -> LandedCost:
    return LandedCost(
        jurisdiction="XA",
        currency="EUR",
        regime="DAP",
        collection=Collection.DELIVERY,
        checkout_only=checkout_only,
        valuation=Valuation.CIF,
        goods_value=eur("95"),
        freight=eur("5"),
        customs_value=eur("100"),
        lines=lines,
        clearance_fee=None if fee is None else eur(fee),
        consulted=("xa.exemption", "xa.vat"),
    )


def test_totals_add_lines_by_kind_and_by_when_they_are_paid() -> None:
    """Duty 3.00 + 1.50, tax 21.95, fee 4.50 on delivery: duties 4.50, taxes 21.95, fees
    4.50, total 30.95, DDP 26.45, DAP 26.45 + 4.50 = 30.95; 1.50 of duty paid at checkout,
    29.45 on delivery."""
    lines = (
        line(LineKind.DUTY, "3.00", Collection.DELIVERY),
        line(LineKind.DUTY, "1.50", Collection.CHECKOUT, "xa.duty.flat"),
        line(LineKind.TAX, "21.95", Collection.DELIVERY, "xa.vat"),
        line(LineKind.FEE, "4.50", Collection.DELIVERY),
    )
    cost = landed(lines, "4.50", checkout_only=False)
    assert (cost.duties, cost.taxes, cost.fees) == (eur("4.50"), eur("21.95"), eur("4.50"))
    assert (cost.total, cost.ddp_total, cost.dap_total) == (
        eur("30.95"),
        eur("26.45"),
        eur("30.95"),
    )
    assert cost.due(Collection.CHECKOUT) == eur("1.50")
    assert cost.due(Collection.DELIVERY) == eur("29.45")
    assert cost.rule_ids == ("xa.duty", "xa.duty.flat", "xa.vat", "xa.fee", "xa.exemption")


def test_dap_is_none_when_the_regime_collects_at_checkout() -> None:
    """Under IOSS or Remessa Conforme there is no DAP alternative; without a fee the DAP
    total is the DDP total."""
    lines = (line(LineKind.TAX, "5.00", Collection.CHECKOUT),)
    assert landed(lines, None, checkout_only=True).dap_total is None
    assert landed(lines, None, checkout_only=False).dap_total == eur("5.00")
    empty = landed((), None, checkout_only=False)
    assert (empty.total, empty.dap_total) == (Money.zero("EUR"), Money.zero("EUR"))
