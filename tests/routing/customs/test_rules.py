"""Customs rules as data (`routing.customs.rules`): a rule is in force from `valid_from` to
`valid_to`, both inclusive; a duty table gives the rate of the longest matching HS
prefix; selectors say which goods a rule is for and how specifically."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carriers.errors import InvalidRule
from carriers.model import GoodsCategory, Mode
from routing.customs import CustomsRules
from routing.customs.rules import (
    Amount,
    Confidence,
    Goods,
    Rule,
    Selectors,
    TableRow,
    Topic,
)

TOYS = frozenset({GoodsCategory.TOYS})


def rule(start: date, end: date | None = None, **fields: object) -> Rule:
    """A duty-table rule of XA, at xa.toml:7, from `start` to `end`."""
    return Rule(
        rule_id="xa.test",
        topic=Topic.DUTY_TABLE,
        jurisdiction="XA",
        valid_from=start,
        valid_to=end,
        source="test",
        confidence=Confidence.LOW,
        where="xa.toml:7",
        **fields,
    )


def test_illustrative_figures_are_low_confidence(rules: CustomsRules) -> None:
    """A rate no source gives (illustrative) is never presented as medium or high."""
    assert all(r.confidence is Confidence.LOW for r in rules.rules if r.illustrative)


def test_a_rule_is_in_force_on_both_of_its_end_days() -> None:
    """2025-01-01 .. 2025-12-31 covers both days and neither neighbour; no end is open."""
    year = rule(date(2025, 1, 1), date(2025, 12, 31))
    assert [
        year.in_force(date(2024, 12, 31)),
        year.in_force(date(2025, 1, 1)),
        year.in_force(date(2025, 12, 31)),
        year.in_force(date(2026, 1, 1)),
    ] == [False, True, True, False]
    assert rule(date(2025, 1, 1)).in_force(date(9999, 12, 31))
    assert year.validity == "2025-01-01 .. 2025-12-31"
    assert rule(date(2025, 1, 1)).validity == "2025-01-01 .. open"


days = st.dates(date(2020, 1, 1), date(2030, 12, 31))
spans = st.tuples(days, st.one_of(st.none(), st.integers(0, 800)))


@given(spans, spans)
def test_two_versions_overlap_exactly_when_some_day_is_in_both(
    a: tuple[date, int | None], b: tuple[date, int | None]
) -> None:
    """overlaps_in_time is symmetric, and true exactly when the later start is in force
    in both versions (the first day they could share)."""
    first = rule(a[0], None if a[1] is None else a[0] + timedelta(days=a[1]))
    second = rule(b[0], None if b[1] is None else b[0] + timedelta(days=b[1]))
    later = max(first.valid_from, second.valid_from)
    expected = first.in_force(later) and second.in_force(later)
    assert first.overlaps_in_time(second) is second.overlaps_in_time(first) is expected


TARIFF = rule(
    date(2020, 1, 1),
    default_rate=Decimal("0.04"),
    table=(
        TableRow("85", Decimal("0.027"), "xa.toml:9"),
        TableRow("8517", Decimal("0"), "xa.toml:10"),
    ),
)


@pytest.mark.parametrize(
    ("hs", "rate", "row"),
    [
        ("851712", "0", "HS 8517"),  # phones: the 4-digit row beats the chapter
        ("851830", "0.027", "HS 85"),  # other electrical goods: the chapter
        ("610910", "0.04", "HS 61 not listed: default rate"),
    ],
)
def test_a_table_gives_the_longest_matching_prefix_else_its_default(
    hs: str, rate: str, row: str
) -> None:
    """The rate of the longest listed HS prefix, or default_pct, and which one it was."""
    assert TARIFF.table_rate(hs) == (Decimal(rate), row)


def test_a_table_without_a_default_refuses_an_unlisted_code() -> None:
    """No row and no default_pct is an InvalidRule naming the rule's place, not 0 %."""
    bare = rule(date(2020, 1, 1), table=(TableRow("85", Decimal("0.027"), "xa.toml:9"),))
    with pytest.raises(InvalidRule, match=r"xa\.toml:7: xa\.test has no rate for HS 610910"):
        bare.table_rate("610910")


def test_an_empty_selector_matches_any_goods_and_a_list_only_its_own() -> None:
    """No list means any; a list must hold the goods' category, HS prefix, origin; sellers
    and modes need one in common."""
    toy = Goods(
        hs="950300",
        category=GoodsCategory.TOYS,
        origin="CN",
        sellers=frozenset({"ioss"}),
        modes=frozenset({Mode.AIR, Mode.ROAD}),
    )
    assert Selectors().matches(toy)
    assert Selectors(categories=TOYS, hs_prefixes=("95",), origins=frozenset({"CN"})).matches(toy)
    assert Selectors(sellers=frozenset({"ioss", "remessa_conforme"})).matches(toy)
    assert Selectors(modes=frozenset({Mode.AIR})).matches(toy)
    assert not Selectors(hs_prefixes=("9504", "61")).matches(toy)
    assert not Selectors(origins=frozenset({"HK"})).matches(toy)
    assert not Selectors(sellers=frozenset({"remessa_conforme"})).matches(toy)
    assert not Selectors(modes=frozenset({Mode.POSTAL})).matches(toy)


def test_a_longer_hs_prefix_beats_any_list_and_a_list_beats_any() -> None:
    """Specificity: HS prefix length first, then each explicit list over "any"."""
    toy = Goods(hs="950300", category=GoodsCategory.TOYS)
    by_hs = Selectors(hs_prefixes=("9503",)).specificity(toy)
    by_chapter = Selectors(hs_prefixes=("95",), categories=TOYS).specificity(toy)
    by_category = Selectors(categories=TOYS).specificity(toy)
    assert by_hs > by_chapter > by_category > Selectors().specificity(toy)


@pytest.mark.parametrize(
    ("a", "b", "overlap"),
    [
        (Selectors(), Selectors(), True),
        (Selectors(categories=TOYS), Selectors(), False),  # toys: the list is more specific
        (Selectors(hs_prefixes=("61", "6209")), Selectors(hs_prefixes=("6209",)), True),
        (Selectors(hs_prefixes=("61",)), Selectors(hs_prefixes=("6109",)), False),
        (Selectors(categories=TOYS), Selectors(categories=TOYS | {GoodsCategory.BOOKS}), True),
        (Selectors(states=frozenset({"BA"})), Selectors(states=frozenset({"SP"})), False),
    ],
)
def test_selectors_overlap_when_one_good_could_match_both_equally(
    a: Selectors, b: Selectors, overlap: bool
) -> None:
    """The loader's conflict test: same kinds of list, sharing a value in each."""
    assert a.overlaps(b) is b.overlaps(a) is overlap


def test_an_amount_reads_as_written() -> None:
    """Amounts of rules print as value and currency, SDR included."""
    assert str(Amount(Decimal("300.00"), "XDR")) == "300.00 XDR"
