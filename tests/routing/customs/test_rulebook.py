"""The rule book (`routing.customs.rulebook`): what a destination sees (its own rules, its
customs union's duties, its VAT area's taxes, the rules of every lane), the version in
force on a day, the most specific rule for some goods, and where an address is: a
special territory by postal code, a Brazilian state by CEP."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from carriers.errors import InvalidOrder, InvalidRule, UnknownCountry
from carriers.model import GoodsCategory
from routing.customs import CustomsRules
from routing.customs.rulebook import Jurisdiction
from routing.customs.rules import Confidence, Goods, Rule, Selectors, Topic, Valuation

DAY = date(2026, 7, 1)


def test_the_rule_in_force_is_the_version_of_the_day(rules: CustomsRules) -> None:
    """eaeu.parcel-excess: EUR 1,000 in 2023, EUR 200 in 2025; the e-commerce duty after."""

    def allowance(day: date) -> str:
        rule = rules.in_force("RU", day).require(Topic.PARCEL_ALLOWANCE)
        return f"{rule.rule_id} {rule.limit}"

    assert allowance(date(2023, 6, 1)) == "eaeu.parcel-excess 1000.00 EUR"
    assert allowance(date(2026, 6, 30)) == "eaeu.parcel-excess 200.00 EUR"
    assert allowance(date(2026, 7, 1)) == "eaeu.ecommerce-duty 200.00 EUR"
    assert len(rules.versions("eaeu.parcel-excess")) == 3


def test_the_most_specific_rule_wins(rules: CustomsRules) -> None:
    """An HS rule beats a category rule, which beats the default rate."""
    view = rules.in_force("ES", date(2026, 7, 1))

    def vat(hs: str, category: GoodsCategory) -> str:
        return view.require(Topic.VAT, Goods(hs=hs, category=category)).rule_id

    assert vat("080810", GoodsCategory.FOOD) == "es.vat.super-reduced-food"
    assert vat("190590", GoodsCategory.FOOD) == "es.vat.reduced"
    assert vat("610910", GoodsCategory.APPAREL) == "es.vat.general"


def test_destinations_resolve_territories_by_postal_code_and_alias(
    rules: CustomsRules,
) -> None:
    """35/38 -> Canaries, 51 -> Ceuta, 52 -> Melilla, IC and EA as aliases; else Spain."""
    assert rules.destination("ES", "35001").id == "ES-CN"
    assert rules.destination("IC", "38001").id == "ES-CN"
    assert rules.destination("ES", "51001").id == "ES-CE"
    assert rules.destination("EA", "52001").id == "ES-ML"
    assert rules.destination("ES", "28001").id == "ES"
    with pytest.raises(InvalidOrder, match=r"destination\.postal_code"):
        rules.destination("EA", "28001")
    with pytest.raises(UnknownCountry, match="not a tax-free country"):
        rules.destination("JP", "100-0001")


def test_brazilian_states_come_from_the_cep(rules: CustomsRules) -> None:
    """The CEP table places Salvador in BA, Sao Paulo in SP and Boa Vista in RR."""
    assert rules.state_of("BR", "40010-000") == "BA"
    assert rules.state_of("BR", "01310-100") == "SP"
    assert rules.state_of("BR", "69301-000") == "RR"


def test_a_cep_places_its_state_with_or_without_its_dash(rules: CustomsRules) -> None:
    """Orders accept a CEP as 01310-100 and as 01310100: both are Sao Paulo; a CEP with a
    space (refused by the order parser before) or a digit short is not placed."""
    assert rules.state_of("BR", "01310-100") == rules.state_of("BR", "01310100") == "SP"
    assert rules.state_of("BR", "69301000") == "RR"
    for cep in ("01310 100", "0131010"):
        with pytest.raises(InvalidOrder, match="8-digit"):
            rules.state_of("BR", cep)


def ids(rules: CustomsRules, jurisdiction: str) -> set[str]:
    return {r.rule_id for r in rules.visible(jurisdiction)}


def test_a_member_sees_its_unions_duties_and_its_vat_areas_taxes(rules: CustomsRules) -> None:
    """Spain sees its own VAT, the EU's duties and IOSS, and the UPU rules of every lane."""
    spain = ids(rules, "ES")
    assert {"es.vat.general", "eu.duty.tariff", "eu.ioss", "upu.cn22"} <= spain
    assert not any(rule_id.startswith(("pt.", "gb.", "es-cn.")) for rule_id in spain)


def test_the_canaries_take_the_eu_duties_but_not_its_vat(rules: CustomsRules) -> None:
    """ES-CN is in the EU customs union but its own VAT area: eu.duty.* yes, eu.ioss and
    eu.vat.* no, and IGIC instead of IVA."""
    canaries = ids(rules, "ES-CN")
    assert {"eu.duty.tariff", "eu.duty.low-value-relief", "es-cn.igic.general"} <= canaries
    assert not {"eu.ioss", "eu.vat.low-value-exemption", "es.vat.general"} & canaries


def test_the_global_rules_see_only_themselves(rules: CustomsRules) -> None:
    """WORLD's rules are every destination's, and WORLD sees each of them once."""
    world = [r.rule_id for r in rules.visible("WORLD")]
    assert sorted(world) == sorted(set(world)) and "upu.lithium.loose" in world
    assert all(r.jurisdiction == "WORLD" for r in rules.visible("WORLD"))


def test_a_view_holds_only_the_rules_in_force_on_its_day(rules: CustomsRules) -> None:
    """Every rule of a day's view is in force that day, and a topic with none is empty."""
    view = rules.in_force("ES", DAY)
    assert all(r.in_force(DAY) for topic in Topic for r in view.all(topic))
    assert view.all(Topic.DE_MINIMIS) == () and view.one(Topic.DE_MINIMIS) is None
    assert rules.in_force("ES", DAY) is view  # built once per (place, day)


def test_requiring_a_rule_that_is_not_in_force_says_what_and_when(rules: CustomsRules) -> None:
    """Spain has no de minimis: require() raises InvalidRule naming the topic, the place
    and the day, instead of answering zero."""
    view = rules.in_force("ES", DAY)
    with pytest.raises(InvalidRule, match=r"no 'de_minimis' rule for ES is in force on 2026-07-01"):
        view.require(Topic.DE_MINIMIS)


def rule(rule_id: str, **selectors: object) -> Rule:
    """A 10 % VAT rule of XA since 2020 for the goods its selectors name."""
    return Rule(
        rule_id=rule_id,
        topic=Topic.VAT,
        jurisdiction="XA",
        valid_from=date(2020, 1, 1),
        valid_to=None,
        source="test",
        confidence=Confidence.LOW,
        where=f"xa.toml ({rule_id})",
        rate=Decimal("0.1"),
        selectors=Selectors(**selectors),
    )


def book(*rules: Rule) -> CustomsRules:
    """A one-country rule book built in code (XA: a test country)."""
    place = Jurisdiction(
        id="XA",
        name="Testland",
        kind="country",
        currency="EUR",
        scheme="vat_import",
        valuation=Valuation.CIF,
        customs_union="XA",
        vat_area="XA",
        source="test",
        where="xa.toml:1",
    )
    return CustomsRules({"XA": place}, rules, {})


def test_two_equally_specific_rules_are_an_ambiguity_not_a_choice() -> None:
    """Two VAT rules for toys on the same day (the loader would refuse them): selecting
    either is an InvalidRule naming both, never the first one found."""
    toys = frozenset({GoodsCategory.TOYS})
    view = book(rule("xa.a", categories=toys), rule("xa.b", categories=toys)).in_force("XA", DAY)
    with pytest.raises(InvalidRule, match=r"ambiguous 'vat' rules.*xa\.a.*xa\.b"):
        view.select(Topic.VAT, Goods(hs="950300", category=GoodsCategory.TOYS))


def test_unions_and_vat_areas_of_countries(rules: CustomsRules) -> None:
    """Spain is in the EU for both; a country without data is its own union and area."""
    assert (rules.customs_union_of("ES"), rules.vat_area_of("ES")) == ("EU", "EU")
    assert (rules.customs_union_of("RU"), rules.vat_area_of("RU")) == ("EAEU", "RU")
    assert (rules.customs_union_of("JP"), rules.vat_area_of("JP")) == ("JP", "JP")


def test_a_place_without_a_states_file_cannot_place_a_postal_code(rules: CustomsRules) -> None:
    """Only Brazil has a states file: asking Spain for a state is an InvalidRule; a CEP of
    the wrong length is the order's error."""
    with pytest.raises(InvalidRule, match="no states_file"):
        rules.state_of("ES", "28001")
    with pytest.raises(InvalidOrder, match="8-digit"):
        rules.state_of("BR", "0131-010")
