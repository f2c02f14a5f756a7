"""routing/quote/charges.py: a quote's charge lines in the answer's currency (freight per
leg, duties and taxes, the DAP clearance fee), the rates it used, and the incoterms an
option is offered under; amounts worked out by hand at the customs world's round rates."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from carriers.model import GoodsCategory
from carriers.money import Money
from routing.customs import Collection, LandedCost, LandedLine, LineKind, route_id
from routing.customs.rules import Confidence, Valuation
from routing.fx import FxRates, read_fx
from routing.network import Network, routes_from
from routing.orders import Address, Incoterm, Item, Order, Parcel
from routing.promise.served import lane_of
from routing.quote.charges import (
    CLEARANCE_FEE,
    Converter,
    collection_messages,
    duty_lines,
    fee_lines,
    incoterms,
    shipping_lines,
)
from routing.quote.order_lanes import order_lanes
from routing.quote.records import Line, Message, RouteFacts, legs_of
from tests.helpers import DATA

DAY = date(2026, 11, 26)


@pytest.fixture(scope="module")
def fx() -> FxRates:
    """Round rates: EUR 1 = USD 1.25 = CNY 8."""
    return read_fx(DATA / "customs_world" / "fx.csv")


def test_the_answers_own_currency_is_not_converted(fx: FxRates) -> None:
    """EUR into EUR: the same amount, and no rate to state."""
    money = Converter(fx, "EUR", DAY)
    assert money(Money(1234, "EUR")) == Money(1234, "EUR")
    assert money.used == {}


def test_conversion_rounds_half_up_and_states_the_rate(fx: FxRates) -> None:
    """At 1.25: EUR 10.00 is USD 12.50, 2 cents are 2.5 -> 3, 1 cent is 1.25 -> 1; the rate
    is stated once, with its date."""
    money = Converter(fx, "USD", DAY)
    converted = [money(Money(c, "EUR")) for c in (1000, 2, 1)]
    assert converted == [Money(1250, "USD"), Money(3, "USD"), Money(1, "USD")]
    (rate,) = money.used.values()
    assert (rate.base, rate.quote, rate.rate, rate.as_of) == (
        "EUR",
        "USD",
        Decimal("1.25"),
        date(2020, 1, 1),
    )
    money.note((fx.rate("CNY", "USD", DAY),))
    assert set(money.used) == {("EUR", "USD"), ("CNY", "USD")}


def order(*parcels: Parcel, incoterm: Incoterm | None = None) -> Order:
    item = Item("speaker", "851822", GoodsCategory.ELECTRONICS, 1, Money(2000, "EUR"))
    when = datetime(2026, 11, 26, 2, tzinfo=UTC)
    return Order(
        "A1", "CN-YIW-WH", Address("ES", "28013"), parcels, (item,), when, incoterm=incoterm
    )


def facts(network: Network, last_mile: str) -> RouteFacts:
    route = next(r for r in routes_from(network, "CN-YIW-WH") if r[-1].id == last_mile)
    ks = tuple(network.compiled.service_index[s.id] for s in route)
    lane = lane_of(route, network.nodes)
    return RouteFacts(ks, route, route_id(route), legs_of(route), (), (), (), lane)


def test_two_parcels_make_one_line_per_leg(tiny: Network, fx: FxRates) -> None:
    """1.2 kg (30x20x10) and 3 kg (10x10x10) to Madrid, in EUR. Feeder CNY 3.20 + 5.00 =
    EUR 0.40 + 0.63; air (1.5 kg billed) 10.00 + 16.00; post 4.60 + 5.50: three lines,
    each the sum of its two parcels, and the six charges in their cards' currencies."""
    o = order(Parcel(1.2, 30, 20, 10), Parcel(3.0, 10, 10, 10))
    lanes = order_lanes(tiny.compiled, o, fx, DAY)
    money = Converter(fx, "EUR", DAY)
    lines, raw = shipping_lines(facts(tiny, "lastmile-es-postal"), lanes, money, {})
    assert lines == [
        Line("freight", "feeder-yiw-pvg: freight", Money(103, "EUR")),
        Line("freight", "skyline-pvg-mad: freight", Money(2600, "EUR")),
        Line("freight", "lastmile-es-postal: freight", Money(1010, "EUR")),
    ]
    assert [(c.amount.amount, c.amount.currency) for c in raw] == [
        (320, "CNY"),
        (500, "CNY"),
        (1000, "EUR"),
        (1600, "EUR"),
        (460, "EUR"),
        (550, "EUR"),
    ]
    assert set(money.used) == {("CNY", "EUR")}


def test_routes_of_one_quote_share_their_legs_charges(tiny: Network, fx: FxRates) -> None:
    """The courier route after the postal one prices only its last mile: the feeder's and
    the air leg's lines are the ones already made."""
    o = order(Parcel(1.2, 30, 20, 10))
    lanes = order_lanes(tiny.compiled, o, fx, DAY)
    money, memo = Converter(fx, "EUR", DAY), dict[int, Any]()
    postal, _ = shipping_lines(facts(tiny, "lastmile-es-postal"), lanes, money, memo)
    kept = dict(memo)
    courier, _ = shipping_lines(facts(tiny, "lastmile-es-courier"), lanes, money, memo)
    assert len(kept) == 3 and len(memo) == 4
    assert all(memo[k] is kept[k] for k in kept)
    assert courier[:2] == postal[:2]
    assert courier[2] == Line("freight", "lastmile-es-courier: freight", Money(460, "EUR"))


def line(kind: LineKind, name: str, amount: int, base: int, rate: Decimal | Money) -> LandedLine:
    return LandedLine(
        kind,
        name,
        Money(amount, "EUR"),
        Money(base, "EUR"),
        rate,
        f"es.{name}",
        "BOE",
        Confidence.HIGH,
    )


FEE = Money(500, "EUR")  # the clearing carrier's fee to the buyer


def landed(checkout_only: bool = False, fee: Money | None = FEE, lines: tuple = ()) -> LandedCost:
    """EUR 20 of goods and 7 of freight to Spain: EUR 3 flat duty, 21 % IVA on 30, and
    the carrier's EUR 5 clearance fee."""
    if not lines:
        lines = (
            line(LineKind.DUTY, "duty", 300, 2700, Money(300, "EUR")),
            line(LineKind.TAX, "IVA", 630, 3000, Decimal("0.21")),
            line(LineKind.FEE, CLEARANCE_FEE, 500, 3000, Money(500, "EUR")),
        )
    return LandedCost(
        "ES",
        "EUR",
        "IOSS" if checkout_only else "DAP",
        Collection.CHECKOUT,
        checkout_only,
        Valuation.CIF,
        Money(2000, "EUR"),
        Money(700, "EUR"),
        Money(2700, "EUR"),
        lines,
        fee,
    )


def test_duty_and_tax_lines_convert_amount_base_and_fixed_rates(fx: FxRates) -> None:
    """In USD at 1.25: duty 3.00 -> 3.75 on 27.00 -> 33.75, its fixed rate EUR 3 -> USD
    3.75; IVA 6.30 -> 7.875 -> 7.88 on 37.50, its 21 % kept as a fraction; the clearance
    fee is no duty line."""
    assert duty_lines(landed(), Converter(fx, "USD", DAY)) == [
        Line(
            "duty",
            "duty",
            Money(375, "USD"),
            Money(3375, "USD"),
            Money(375, "USD"),
            "es.duty",
            "BOE",
        ),
        Line("tax", "IVA", Money(788, "USD"), Money(3750, "USD"), Decimal("0.21"), "es.IVA", "BOE"),
    ]


def test_the_clearance_fee_is_charged_under_dap_only(fx: FxRates) -> None:
    """DAP: one fee line, EUR 5 -> USD 6.25. DDP, or no fee, or nothing to collect: none."""
    money = Converter(fx, "USD", DAY)
    (fee,) = fee_lines(landed(), Incoterm.DAP, money)
    assert (fee.kind, fee.name, fee.amount, fee.rule_id) == (
        "fee",
        CLEARANCE_FEE,
        Money(625, "USD"),
        "carrier.clearance_fee",
    )
    assert fee_lines(landed(), Incoterm.DDP, money) == []
    assert fee_lines(landed(fee=None), Incoterm.DAP, money) == []
    nothing_due = (line(LineKind.TAX, "IVA", 0, 3000, Decimal(0)),)
    assert fee_lines(landed(lines=nothing_due), Incoterm.DAP, money) == []


def test_incoterms_offered() -> None:
    """Both unless the order fixes one; a regime that collects at checkout is DDP only,
    whatever the order asked for."""
    assert incoterms(order(Parcel(1, 1, 1, 1)), landed()) == [Incoterm.DDP, Incoterm.DAP]
    assert incoterms(order(Parcel(1, 1, 1, 1), incoterm=Incoterm.DAP), landed()) == [Incoterm.DAP]
    checkout = landed(checkout_only=True)
    assert incoterms(order(Parcel(1, 1, 1, 1), incoterm=Incoterm.DAP), checkout) == [Incoterm.DDP]


def test_each_incoterm_says_when_the_buyer_pays() -> None:
    """DAP: paid on delivery; DDP: collected at checkout, under the regime named."""
    assert [m.code for m in collection_messages(landed(), Incoterm.DAP)] == ["paid_on_delivery"]
    assert collection_messages(landed(checkout_only=True), Incoterm.DDP) == (
        Message("collected_at_checkout", "duties and taxes collected at checkout (IOSS)"),
    )
