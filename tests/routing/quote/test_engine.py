"""The quote engine end to end on real data: options, landed cost, promise, tags, ranking."""

from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from carriers.errors import InvalidOrder, UnknownNode
from carriers.money import Money
from routing.network import Network, load_network
from routing.orders import parse_order
from routing.quote import Quote, quote
from tests.helpers import DATA, SPEAKER_ORDER

BASE = SPEAKER_ORDER


def order(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    for key, value in changes.items():
        data[key] = value
    return data


@pytest.fixture(scope="module")
def world() -> Network:
    return load_network()


@pytest.fixture(scope="module")
def three() -> Network:
    return load_network(DATA / "three_routes")


def modes(option: Any) -> set[str]:
    return {leg.mode.value for leg in option.legs}


def test_three_routes_on_paper(three: Network) -> None:
    """Sea 4 + courier 3 = 7.00 shipping, EUR 3 flat duty (one subheading, after 2026-07-01)
    and 21 % IVA on 20 + 7 + 3 = 6.30: total 16.30, the cheapest. Rail 9 + 3 + 6.72 = 18.72,
    air 23 + 3 + 9.66 = 35.66 and the fastest. Best value (total + 1 % of the cheapest per
    P90 day behind the fastest) is rail: sea loses ~5 weeks, air costs twice as much."""
    q = quote(parse_order(order()), three)
    by_route = {o.route_id: o for o in q.options}
    assert set(by_route) == {"sea+courier-es", "rail+courier-es", "air+courier-es"}
    assert [
        str(by_route[r].total) for r in ("sea+courier-es", "rail+courier-es", "air+courier-es")
    ] == ["16.30 EUR", "18.72 EUR", "35.66 EUR"]
    assert by_route["sea+courier-es"].shipping == Money(700, "EUR")
    assert by_route["sea+courier-es"].tags == ("cheapest", "greenest")
    assert by_route["air+courier-es"].tags == ("fastest",)
    assert by_route["rail+courier-es"].tags == ("best_value",)
    assert [o.route_id for o in q.options] == [
        "sea+courier-es",
        "rail+courier-es",
        "air+courier-es",
    ]


def test_every_total_adds_up(three: Network) -> None:
    """total = shipping + duties and taxes = the sum of the charge lines."""
    for o in quote(parse_order(order()), three).options:
        assert o.total == o.shipping + o.duties_and_taxes
        assert sum(line.amount.amount for line in o.charges) == o.total.amount


def test_loose_batteries_get_no_air_or_postal_option(world: Network) -> None:
    """Loose lithium batteries never fly or go by post: every option is surface + courier,
    and the excluded air and postal routes say `battery`."""
    items = copy.deepcopy(BASE["items"])
    items[0]["battery"] = "loose"
    q = quote(parse_order(order(items=items)), world)
    assert q.options
    for o in q.options:
        assert not modes(o) & {"air", "postal"}
    reasons = {r.code for e in q.excluded for r in e.reasons}
    assert "battery" in reasons
    assert any("air" in r.message for e in q.excluded for r in e.reasons)


def test_brazil_without_cpf_is_told_to_give_one(world: Network) -> None:
    """A Brazilian order without CPF still gets options, each saying the CPF is required."""
    data = order(
        destination={"country": "BR", "postal_code": "01310-100"},
        items=[{**BASE["items"][0], "unit_value": {"amount": "40.00", "currency": "USD"}}],
        seller={"remessa_conforme": True},
    )
    q = quote(parse_order(data), world)
    assert q.options and q.currency == "BRL"
    for o in q.options:
        assert "buyer_id_required" in {m.code for m in o.messages}


def test_brazil_with_a_wrong_cpf_check_digit_is_excluded(world: Network) -> None:
    """A CPF whose check digits fail excludes every Brazilian route, saying why."""
    data = order(
        destination={"country": "BR", "postal_code": "01310-100"},
        buyer={"tax_id": "529.982.247-26"},
        seller={"remessa_conforme": True},
    )
    q = quote(parse_order(data), world)
    assert not q.options
    assert {r.code for e in q.excluded for r in e.reasons} >= {"buyer_id_invalid"}


def test_canary_islands_pay_igic_not_iva(world: Network) -> None:
    """Las Palmas (35xxx) is outside the EU VAT area: IGIC lines, no IVA."""
    q = quote(parse_order(order(destination={"country": "ES", "postal_code": "35001"})), world)
    assert q.options
    for o in q.options:
        names = [line.name for line in o.charges if line.kind == "tax"]
        assert any("IGIC" in n for n in names), names
        assert not any("IVA" in n for n in names), names
        assert o.legs[-1].to_node == "ES-CNR-ZONE"


def test_deliver_by_puts_options_that_meet_it_first(world: Network) -> None:
    """With a date the air options meet and rail misses, every option meeting it (P90 on
    or before) comes before every option that misses, and each states its on-time chance."""
    q0 = quote(parse_order(order()), world)
    air_p90 = max(o.promise.p90 for o in q0.options if "air" in modes(o))
    rail_p90 = min(o.promise.p90 for o in q0.options if "rail" in modes(o))
    assert air_p90 < rail_p90
    q = quote(parse_order(order(deliver_by=air_p90.isoformat())), world)
    met = [o.promise.p90 <= air_p90 for o in q.options]
    assert met == sorted(met, reverse=True)
    for o in q.options:
        assert o.promise.on_time_probability is not None
        if "rail" in modes(o):
            assert o.promise.p90 > air_p90 and o.promise.on_time_probability < 0.9
    assert "air" in modes(q.options[0])


def test_spain_to_china_cbec_in_cny_with_the_composite_tax(world: Network) -> None:
    """The reverse flow: Madrid hub to a Shanghai buyer, priced in CNY; a 13 % VAT good pays
    the CBEC composite tax of 70 % x 13 % = 9.1 %."""
    data = order(
        origin="ES-MAD-HUB",
        destination={"country": "CN", "postal_code": "200001"},
        buyer={"name": "Wang Fang", "id_number": "11010519491231002X"},
        items=[
            {
                **BASE["items"][0],
                "description": "leather handbag",
                "hs_code": "420221",
                "category": "bags",
                "unit_value": {"amount": "120.00", "currency": "EUR"},
            }
        ],
        currency="CNY",
        locale="zh-CN",
    )
    q = quote(parse_order(data), world)
    assert q.options and q.currency == "CNY"
    for o in q.options:
        assert o.total.currency == "CNY"
        rates = {line.rate for line in o.charges if line.kind == "tax"}
        assert Decimal("0.091") in rates, rates
        assert "送达" in o.summary


def test_brl_answers_state_the_rates_they_used(world: Network) -> None:
    """currency=BRL: every amount in BRL, and each conversion's rate is stated with its date."""
    q = quote(parse_order(order()), world, currency="BRL")
    assert {o.total.currency for o in q.options} == {"BRL"}
    assert {line.amount.currency for o in q.options for line in o.charges} == {"BRL"}
    stated = {(r.base, r.quote) for r in q.fx}
    assert ("EUR", "BRL") in stated and ("CNY", "BRL") in stated
    assert all(r.as_of <= date(2026, 11, 26) for r in q.fx)


def test_unknown_origin_and_non_origin_are_clear_errors(world: Network) -> None:
    with pytest.raises(UnknownNode):
        quote(parse_order(order(origin="CN-XXX-WH")), world)
    with pytest.raises(InvalidOrder, match="origin"):
        quote(parse_order(order(origin="ES-PEN-ZONE")), world)


def test_uncovered_destination_is_an_empty_answer_with_a_reason(world: Network) -> None:
    """Japan has no last mile in the default world: no options, and `no_coverage` says so."""
    q = quote(parse_order(order(destination={"country": "JP", "postal_code": "100-0001"})), world)
    assert q.options == ()
    assert [r.code for r in q.excluded[0].reasons] == ["no_coverage"]


def quote_of(q: Quote) -> list[tuple[str, str]]:
    return [(o.option_id, str(o.total)) for o in q.options]


def test_same_order_same_answer(world: Network) -> None:
    """Deterministic: the same order quotes the same options, totals and dates."""
    a = quote(parse_order(order()), world)
    b = quote(parse_order(order()), world)
    assert quote_of(a) == quote_of(b)
    assert [o.promise for o in a.options] == [o.promise for o in b.options]


def test_no_option_is_beaten_on_total_and_p90(world: Network) -> None:
    """Among options of one incoterm, none costs more and arrives later than another; the
    beaten ones are listed as excluded, `dominated`."""
    data = order(
        origin="CN-SZX-WH",
        destination={"country": "BR", "postal_code": "01310-100"},
        buyer={"tax_id": "529.982.247-25"},
        seller={"remessa_conforme": True},
    )
    q = quote(parse_order(data), world)
    for a in q.options:
        for b in q.options:
            if a is not b and a.incoterm is b.incoterm:
                assert not (
                    b.total.amount <= a.total.amount
                    and b.promise.p90 <= a.promise.p90
                    and (b.total, b.promise.p90) != (a.total, a.promise.p90)
                )
    assert any(r.code == "dominated" for e in q.excluded for r in e.reasons)
