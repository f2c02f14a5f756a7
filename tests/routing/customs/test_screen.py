"""Screening: stable finding codes; a finding either excludes the route (with its reason)
or rides along as a message. Rules come from data/customs, routes from the customs world."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from carriers.money import Money
from routing.customs import FindingCode, Screening, parse_route_id, screen

AT = date(2026, 7, 1)
ES_POST = "feeder-yiw-pvg+line-pvg-mad-post+correos-es-paq"
ES_HUB = "feeder-yiw-pvg+line-pvg-mad-hub+correos-es-paq"
CBEC = "cbec-mad-sha"
VALID_CPF = "123.456.789-09"
VALID_CN_ID = "11010519491231002X"


@pytest.fixture
def check(world: Any, fx: Any, rules: Any, make_order: Any) -> Any:
    def run(
        route: str, *args: Any, ytd: str | None = None, at: date = AT, **kwargs: Any
    ) -> Screening:
        order = make_order(*args, **kwargs)
        paid = Money.of(*ytd.split()) if ytd else None
        found = screen(order, parse_route_id(world, route), at, rules, fx, network=world,
                       buyer_year_to_date=paid)  # fmt: skip
        return found

    return run


def only(found: Screening, code: FindingCode) -> list:
    return [f for f in found if f.code is code]


def test_a_cpf_with_a_wrong_check_digit_excludes_brazilian_routes(check: Any) -> None:
    """br.buyer.cpf: a CPF whose check digits are wrong blocks clearance: excluded."""
    found = check("feeder-yiw-pvg+post-pvg-br", "BR", "01001-000",
                  [("610910", "apparel", 1, "20.00", "USD")],
                  buyer={"tax_id": "123.456.789-08"})  # fmt: skip
    [bad] = only(found, FindingCode.BUYER_ID_INVALID)
    assert bad.excludes and bad.field == "buyer.tax_id" and bad.rule_id == "br.buyer.cpf"
    assert "expected 09" in bad.message
    assert not found.allowed


def test_a_missing_cpf_is_a_message_and_a_valid_one_is_silent(check: Any) -> None:
    """br.buyer.cpf: no CPF yet rides along as a message (the checkout can ask for it)."""
    items = [("610910", "apparel", 1, "20.00", "USD")]
    missing = check("feeder-yiw-pvg+post-pvg-br", "BR", "01001-000", items)
    [needed] = only(missing, FindingCode.BUYER_ID_REQUIRED)
    assert not needed.excludes and missing.allowed
    given = check("feeder-yiw-pvg+post-pvg-br", "BR", "01001-000", items,
                  buyer={"tax_id": VALID_CPF})  # fmt: skip
    assert not only(given, FindingCode.BUYER_ID_REQUIRED)
    assert not only(given, FindingCode.BUYER_ID_INVALID)


def test_a_cn_resident_id_with_a_wrong_check_digit_excludes_cbec(check: Any) -> None:
    """cn.buyer.resident-id: the 18th character must match the weighted sum mod 11."""
    items = [("190590", "food", 1, "20.00", "EUR")]
    found = check(CBEC, "CN", "200000", items, origin="ES-MAD-HUB",
                  buyer={"name": "Li Wei", "id_number": "110105194912310021"})  # fmt: skip
    [bad] = only(found, FindingCode.BUYER_ID_INVALID)
    assert bad.rule_id == "cn.buyer.resident-id" and bad.excludes and "X" in bad.message
    good = check(CBEC, "CN", "200000", items, origin="ES-MAD-HUB",
                 buyer={"name": "Li Wei", "id_number": VALID_CN_ID})  # fmt: skip
    assert not only(good, FindingCode.BUYER_ID_INVALID)
    assert not only(good, FindingCode.BUYER_ID_REQUIRED)


def test_cbec_asks_for_the_real_name_and_says_orderer_is_payer(check: Any) -> None:
    """cn.buyer.real-name: a missing name is required, with the orderer = payer rule."""
    found = check(CBEC, "CN", "200000", [("190590", "food", 1, "20.00", "EUR")],
                  origin="ES-MAD-HUB", buyer={"id_number": VALID_CN_ID})  # fmt: skip
    [name] = only(found, FindingCode.BUYER_ID_REQUIRED)
    assert name.field == "buyer.name" and "payer" in name.message


def test_russian_courier_needs_inn_and_passport_but_the_post_does_not(check: Any) -> None:
    """ru.buyer.inn, ru.buyer.passport: courier deliveries only."""
    items = [("610910", "apparel", 1, "20.00", "EUR")]
    courier = check("feeder-yiw-pvg+courier-pvg-ru", "RU", "101000", items)
    assert {f.rule_id for f in only(courier, FindingCode.BUYER_ID_REQUIRED)} == {
        "ru.buyer.inn", "ru.buyer.passport"}  # fmt: skip
    post = check("feeder-yiw-pvg+post-pvg-ru", "RU", "101000", items)
    assert not only(post, FindingCode.BUYER_ID_REQUIRED)
    wrong = check("feeder-yiw-pvg+courier-pvg-ru", "RU", "101000", items,
                  buyer={"tax_id": "500100732258", "id_number": "4509 123456"})  # fmt: skip
    assert [f.rule_id for f in only(wrong, FindingCode.BUYER_ID_INVALID)] == ["ru.buyer.inn"]


def test_loose_lithium_batteries_never_fly_or_go_by_post(check: Any) -> None:
    """upu.lithium.loose: a loose battery on a route with an air leg is excluded, whatever
    the service allows; on a road + courier route the service's own limit speaks."""
    by_air = check(ES_HUB, "ES", "28001", [_battery_item("loose")])
    [ban] = [f for f in only(by_air, FindingCode.PROHIBITED) if f.rule_id == "upu.lithium.loose"]
    assert ban.excludes and "air" in ban.message
    by_road = check("feeder-yiw-pvg+courier-pvg-ru", "RU", "101000", [_battery_item("loose")])
    rules_hit = {f.rule_id for f in only(by_road, FindingCode.PROHIBITED)}
    assert "upu.lithium.loose" not in rules_hit and "courier-pvg-ru" in rules_hit


def _battery_item(battery: str) -> dict:
    return {"description": "power bank", "hs_code": "850760", "category": "electronics",
            "quantity": 1, "unit_value": {"amount": "20.00", "currency": "EUR"},
            "battery": battery}  # fmt: skip


def test_a_service_refuses_its_forbidden_goods_liquids_weight_and_value(check: Any) -> None:
    """The postal line takes no medicines, no liquids, at most 2 kg and EUR 300."""
    medicine = check(ES_POST, "ES", "28001", [("300490", "medicines", 1, "20.00", "EUR")])
    assert only(medicine, FindingCode.PROHIBITED)[0].service_id == "line-pvg-mad-post"
    liquid = check(ES_POST, "ES", "28001", [{
        "description": "perfume", "hs_code": "330300", "category": "cosmetics", "quantity": 1,
        "unit_value": {"amount": "20.00", "currency": "EUR"}, "liquid": True}])  # fmt: skip
    assert "liquids" in only(liquid, FindingCode.PROHIBITED)[0].message
    heavy = check(ES_POST, "ES", "28001", [("610910", "apparel", 1, "20.00", "EUR")], kg=3)
    assert only(heavy, FindingCode.OVER_WEIGHT_LIMIT)[0].field == "parcels[0]"
    dear = check(ES_POST, "ES", "28001", [("610910", "apparel", 1, "350.00", "EUR")])
    assert only(dear, FindingCode.OVER_VALUE_LIMIT)[0].excludes
    assert check(ES_HUB, "ES", "28001", [("610910", "apparel", 1, "350.00", "EUR")]).allowed


def test_cbec_transaction_limit_excludes_a_basket_but_not_one_indivisible_item(
    check: Any,
) -> None:
    """cn.cbec.limits: over CNY 5,000 (here 700 EUR = 5,600 CNY) a basket is excluded;
    a single indivisible item rides along at general-trade rates."""
    basket = check(CBEC, "CN", "200000", [("220421", "food", 2, "350.00", "EUR")],
                   origin="ES-MAD-HUB", buyer={"name": "Li Wei", "id_number": VALID_CN_ID},
                   ytd="0.00 CNY")  # fmt: skip
    [over] = only(basket, FindingCode.OVER_VALUE_LIMIT)
    assert over.excludes and over.rule_id == "cn.cbec.limits"
    single = check(CBEC, "CN", "200000", [("220421", "food", 1, "700.00", "EUR")],
                   origin="ES-MAD-HUB", buyer={"name": "Li Wei", "id_number": VALID_CN_ID},
                   ytd="0.00 CNY")  # fmt: skip
    assert (
        single.allowed and "general-trade" in only(single, FindingCode.OVER_VALUE_LIMIT)[0].message
    )


def test_cbec_annual_limit_needs_the_year_to_date_total(check: Any) -> None:
    """cn.cbec.limits: without a year-to-date total the annual limit is a message; with
    25,500 CNY already bought, 800 more is over 26,000 and excluded."""
    items = [("190590", "food", 1, "100.00", "EUR")]
    buyer = {"name": "Li Wei", "id_number": VALID_CN_ID}
    unknown = check(CBEC, "CN", "200000", items, origin="ES-MAD-HUB", buyer=buyer)
    assert "not checked" in only(unknown, FindingCode.OVER_VALUE_LIMIT)[0].message
    assert unknown.allowed
    over = check(CBEC, "CN", "200000", items, origin="ES-MAD-HUB", buyer=buyer,
                 ytd="25500.00 CNY")  # fmt: skip
    assert not over.allowed


def test_cbec_goods_must_be_on_the_positive_list(check: Any) -> None:
    """cn.cbec.positive-list: earbuds (8518) are not on the compact list: prohibited."""
    found = check(CBEC, "CN", "200000", [("851830", "electronics", 1, "50.00", "EUR")],
                  origin="ES-MAD-HUB")  # fmt: skip
    [off] = only(found, FindingCode.PROHIBITED)
    assert off.rule_id == "cn.cbec.positive-list" and off.field == "items[0]"


def test_china_by_post_is_not_a_cbec_route(check: Any) -> None:
    """The CN rules cover CBEC clearance only: a postal import is excluded, not guessed."""
    found = check("post-mad-sha", "CN", "200000", [("190590", "food", 1, "20.00", "EUR")],
                  origin="ES-MAD-HUB")  # fmt: skip
    assert only(found, FindingCode.UNSUPPORTED_REGIME)[0].excludes


def test_indonesian_floor_price_excludes_cheap_units(check: Any) -> None:
    """id.floor-price: a cross-border marketplace cannot sell units under USD 100 FOB; the
    floor binds marketplace sales only, so the same basket from a web shop passes."""
    market = {"cross_border_marketplace": True}
    cheap = check("feeder-yiw-pvg+post-pvg-id", "ID", "10110",
                  [("851830", "electronics", 2, "50.00", "USD")], seller=market)  # fmt: skip
    [floor] = only(cheap, FindingCode.OVER_VALUE_LIMIT)
    assert floor.excludes and floor.rule_id == "id.floor-price"
    fine = check("feeder-yiw-pvg+post-pvg-id", "ID", "10110",
                 [("851830", "electronics", 1, "150.00", "USD")], seller=market)  # fmt: skip
    assert fine.allowed
    shop = check("feeder-yiw-pvg+post-pvg-id", "ID", "10110",
                 [("851830", "electronics", 2, "50.00", "USD")])  # fmt: skip
    assert not only(shop, FindingCode.OVER_VALUE_LIMIT)


def test_indonesia_above_usd_1500_is_a_formal_entry_message(check: Any) -> None:
    """id.consignment-ceiling: above USD 1,500 FOB a formal entry is needed (a message)."""
    found = check("feeder-yiw-pvg+post-pvg-id", "ID", "10110",
                  [("851830", "electronics", 1, "1600.00", "USD")])  # fmt: skip
    [ceiling] = only(found, FindingCode.OVER_VALUE_LIMIT)
    assert ceiling.rule_id == "id.consignment-ceiling" and not ceiling.excludes


def test_brazil_above_usd_3000_is_excluded(check: Any) -> None:
    """br.simplified-ceiling: above USD 3,000 CIF the simplified regime is closed."""
    found = check("feeder-yiw-pvg+post-pvg-br", "BR", "01001-000",
                  [("851830", "electronics", 1, "3100.00", "USD")],
                  buyer={"tax_id": VALID_CPF})  # fmt: skip
    assert only(found, FindingCode.OVER_VALUE_LIMIT)[0].excludes


def test_eaeu_weight_over_31_kg_is_a_message(check: Any) -> None:
    """eaeu.parcel-excess: until 2026-06-30, 35 kg rides along (the duty per kg over 31 kg
    is in the landed cost)."""
    found = check("feeder-yiw-pvg+post-pvg-ru", "RU", "101000",
                  [("610910", "apparel", 1, "20.00", "EUR")], kg=35,
                  at=date(2026, 6, 30))  # fmt: skip
    [heavy] = only(found, FindingCode.OVER_WEIGHT_LIMIT)
    assert heavy.rule_id == "eaeu.parcel-excess" and not heavy.excludes


@pytest.mark.parametrize(
    ("value", "kg", "form"),
    [("360.00", 1.0, "CN22"), ("360.01", 1.0, "CN23"), ("100.00", 2.5, "CN23")],
)
def test_postal_routes_need_cn22_up_to_300_sdr_and_cn23_above(
    check: Any, value: str, kg: float, form: str
) -> None:
    """upu.cn22: 300 SDR = 360 EUR at 1.20; over it, or over 2 kg, a CN23."""
    found = check("feeder-yiw-pvg+post-pvg-gb", "GB", "SW1A 1AA",
                  [("610910", "apparel", 1, value, "EUR")], kg=kg)  # fmt: skip
    [document] = only(found, FindingCode.DOCUMENT_REQUIRED)
    assert document.message.startswith(form) and not document.excludes


def test_courier_routes_need_no_postal_form(check: Any) -> None:
    """upu.cn22 is for mail: the express route has no CN22/CN23 finding."""
    found = check("feeder-yiw-pvg+express-pvg-gb", "GB", "SW1A 1AA",
                  [("610910", "apparel", 1, "20.00", "GBP")])  # fmt: skip
    assert not only(found, FindingCode.DOCUMENT_REQUIRED)


def test_canary_islands_via_madrid_are_an_export_and_an_import(check: Any) -> None:
    """ES-CN: through the Madrid hub the parcel leaves Spain's VAT area and enters the
    islands: an export and an import declaration; a peninsula order needs neither."""
    items = [("610910", "apparel", 1, "20.00", "EUR")]
    islands = check("feeder-yiw-pvg+line-pvg-mad-hub+correos-ic-paq", "ES", "35001", items)
    assert any("export" in f.message for f in only(islands, FindingCode.DOCUMENT_REQUIRED))
    peninsula = check(ES_HUB, "ES", "28001", items)
    assert not only(peninsula, FindingCode.DOCUMENT_REQUIRED)


def test_screening_is_iterable_and_separates_reasons_from_messages(check: Any) -> None:
    """A quote reads findings by iterating; `reasons` exclude, `messages` ride along."""
    found = check("feeder-yiw-pvg+post-pvg-br", "BR", "01001-000",
                  [("610910", "apparel", 1, "20.00", "USD")],
                  buyer={"tax_id": "123.456.789-08"})  # fmt: skip
    assert len(list(found)) == len(found) == len(found.reasons) + len(found.messages)
    assert FindingCode.BUYER_ID_INVALID in found.codes()
