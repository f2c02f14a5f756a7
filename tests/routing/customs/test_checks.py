"""Whole-directory checks of a rules directory (`routing.customs.checks`): references
between jurisdictions, the states tables, versions of one rule that overlap in time, and
two rules that would answer the same question for the same goods on the same day."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from carriers.errors import InvalidRule
from carriers.model import GoodsCategory
from routing.customs import CustomsRules, read_rules
from routing.customs.checks import (
    read_states,
    reference_problems,
    topic_conflicts,
    version_overlaps,
)
from routing.customs.rulebook import Jurisdiction, StateRange, StateTable
from routing.customs.rules import Confidence, Rule, Selectors, Topic, Valuation
from tests.routing.customs.conftest import append

TOYS = frozenset({GoodsCategory.TOYS})


def test_overlapping_versions_of_one_rule_name_both_places(rules_copy: Path) -> None:
    """Two versions of es.vat.general in force on the same days: path:line of both."""
    line = append(rules_copy / "es.toml", """
[[rules]]
rule_id = "es.vat.general"
topic = "vat"
name = "VAT (IVA)"
rate_pct = 18
valid_from = 2010-07-01
valid_to = 2012-09-30
source = "test"
confidence = "H"
""")  # fmt: skip
    with pytest.raises(InvalidRule) as caught:
        read_rules(rules_copy)
    [problem] = caught.value.problems
    assert problem.where == f"{rules_copy / 'es.toml'}:{line}"
    assert "es.vat.general" in problem.message and "es.toml:" in problem.message


def test_two_rules_answering_the_same_question_are_an_error(rules_copy: Path) -> None:
    """A second standard VAT rate for Portugal on the same days cannot be chosen between."""
    line = append(rules_copy / "pt.toml", """
[[rules]]
rule_id = "pt.vat.other"
topic = "vat"
name = "VAT"
rate_pct = 21
valid_from = 2024-01-01
source = "test"
confidence = "L"
""")  # fmt: skip
    with pytest.raises(InvalidRule) as caught:
        read_rules(rules_copy)
    assert [p.where for p in caught.value.problems] == [f"{rules_copy / 'pt.toml'}:{line}"]
    assert "pt.vat.standard" in caught.value.problems[0].message


def test_a_broken_states_table_names_its_line(rules_copy: Path) -> None:
    """The CEP table must hold digit ranges and two-letter states."""
    path = rules_copy / "br-states.csv"
    path.write_text(path.read_text(encoding="utf-8") + "9999,1000,XX\n", encoding="utf-8")
    with pytest.raises(InvalidRule) as caught:
        read_rules(rules_copy)
    assert caught.value.problems[0].where.startswith(f"{path}:")


def place(
    jid: str, kind: str = "country", union: str = "", area: str = "", states_file: str = ""
) -> Jurisdiction:
    """A jurisdiction of a test directory, its own union and VAT area unless told."""
    return Jurisdiction(
        id=jid,
        name=jid,
        kind=kind,
        currency="EUR",
        scheme="vat_import",
        valuation=Valuation.CIF,
        customs_union=union or jid,
        vat_area=area or jid,
        source="test",
        where=f"{jid.lower()}.toml:1",
        states_file=states_file,
    )


def rule(
    rule_id: str,
    start: date,
    end: date | None = None,
    topic: Topic = Topic.VAT,
    jurisdiction: str = "XA",
    **selectors: object,
) -> Rule:
    """A 10 % rule of XA from `start` (to `end`) for the goods its selectors name."""
    return Rule(
        rule_id,
        topic,
        jurisdiction,
        start,
        end,
        "test",
        Confidence.LOW,
        f"{jurisdiction.lower()}.toml ({rule_id} from {start})",
        rate=Decimal("0.1"),
        selectors=Selectors(**selectors),
    )


def test_a_union_or_vat_area_must_be_a_jurisdiction_of_the_directory() -> None:
    """XA in an unknown union XU is named by its field; a second global file too."""
    found = reference_problems(
        {
            "XA": place("XA", union="XU"),
            "W1": place("W1", kind="global"),
            "W2": place("W2", kind="global"),
        }
    )
    assert [(p.where, p.field) for p in found] == [
        ("xa.toml:1", "customs_union"),
        ("customs", "kind"),
    ]


def test_versions_may_follow_each_other_but_not_share_a_day() -> None:
    """A version ending 2024-12-31 and the next starting 2025-01-01 are fine; one starting
    on 2024-12-31 overlaps by a day; and one id for two topics is two rules in one name."""
    end, next_day = date(2024, 12, 31), date(2025, 1, 1)
    first = rule("xa.vat", date(2020, 1, 1), end)
    assert version_overlaps([first, rule("xa.vat", next_day)]) == []
    [overlap] = version_overlaps([first, rule("xa.vat", end)])
    assert overlap.field == "valid_from" and "2024-12-31 .. open" in overlap.message
    [twice] = version_overlaps([first, rule("xa.vat", next_day, topic=Topic.IOSS)])
    assert twice.field == "rule_id" and "a different rule" in twice.message


def book(*rules: Rule) -> CustomsRules:
    return CustomsRules({"XA": place("XA")}, rules, {})


def test_rules_that_cannot_be_told_apart_conflict() -> None:
    """Two VAT rules for toys in force together conflict; a toy rule and a general rule do
    not (the toy rule is more specific), nor do two that never share a day."""
    start = date(2020, 1, 1)
    same = book(rule("xa.a", start, categories=TOYS), rule("xa.b", start, categories=TOYS))
    assert [p.field for p in topic_conflicts(same)] == ["topic"]
    general = book(rule("xa.a", start, categories=TOYS), rule("xa.b", start))
    assert topic_conflicts(general) == []
    apart = book(
        rule("xa.a", start, date(2020, 12, 31), categories=TOYS),
        rule("xa.b", date(2021, 1, 1), categories=TOYS),
    )
    assert topic_conflicts(apart) == []


def test_rules_of_which_all_apply_never_conflict() -> None:
    """Two prohibitions of toys, or two buyer ids for every parcel, all apply: no conflict."""
    start = date(2020, 1, 1)
    bans = book(
        rule("xa.ban-1", start, topic=Topic.PROHIBITED, categories=TOYS),
        rule("xa.ban-2", start, topic=Topic.PROHIBITED, categories=TOYS),
    )
    assert topic_conflicts(bans) == []
    ids = book(
        rule("xa.tax-id", start, topic=Topic.BUYER_ID),
        rule("xa.passport", start, topic=Topic.BUYER_ID),
    )
    assert topic_conflicts(ids) == []


def states(tmp_path: Path, text: str) -> tuple[StateTable, list[str]]:
    """Read a states file br.csv for BR: its table and the problems' messages."""
    (tmp_path / "br.csv").write_text(text, encoding="utf-8")
    problems: list = []
    tables = read_states(tmp_path, {"BR": place("BR", states_file="br.csv")}, problems)
    return tables["BR"], [p.message for p in problems]


def test_a_states_table_is_read_into_sorted_ranges(tmp_path: Path) -> None:
    """Comment lines are skipped, ranges sorted by their start, the width kept (8)."""
    table, found = states(
        tmp_path, "# CEP\nfrom,to,state\n40000000,48999999,BA\n01000000,19999999,SP\n"
    )
    assert found == [] and table.digits == 8
    assert list(table.ranges) == [
        StateRange(1_000_000, 19_999_999, "SP"),
        StateRange(40_000_000, 48_999_999, "BA"),
    ]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ("10,19,AA\n15,29,BB\n", "ranges of AA, BB overlap"),
        ("10,19,AA\n200,299,BB\n", "same digits"),
        ("10,19,Bahia\n", "bad state code"),
        ("19,10,AA\n", "from <= to"),
    ],
)
def test_a_states_table_refuses_overlaps_mixed_widths_and_bad_rows(
    tmp_path: Path, rows: str, message: str
) -> None:
    """Every CEP must fall in at most one state, every code have one width."""
    _, found = states(tmp_path, "from,to,state\n" + rows)
    assert any(message in m for m in found), found


def test_a_missing_states_file_is_named(tmp_path: Path) -> None:
    """A states_file that is not there is a problem of the jurisdiction's file."""
    problems: list = []
    assert read_states(tmp_path, {"BR": place("BR", states_file="nope.csv")}, problems) == {}
    [problem] = problems
    assert (problem.where, problem.field) == ("br.toml:1", "states_file")
