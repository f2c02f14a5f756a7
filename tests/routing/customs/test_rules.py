"""Customs rules as data: the shipped rules load, every rule is dated, sourced and rated;
broken files are errors naming path:line; lookups pick the rule in force on the day."""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from carriers.errors import InvalidOrder, InvalidRule, UnknownCountry
from carriers.model import GoodsCategory
from routing.customs import DEFAULT_RULES, CustomsRules, load_rules, read_rules
from routing.customs.rules import Confidence, Goods, Topic


@pytest.fixture
def rules_copy(tmp_path: Path) -> Path:
    """A writable copy of data/customs, for breaking one thing at a time."""
    target = tmp_path / "customs"
    shutil.copytree(DEFAULT_RULES, target)
    return target


def append(path: Path, text: str) -> int:
    """Append a block to a rules file; return the line its first row lands on."""
    before = path.read_text(encoding="utf-8")
    path.write_text(before + text, encoding="utf-8")
    return before.count("\n") + text.split("\n").index("[[rules]]") + 1


def test_the_shipped_rules_load_and_cover_every_market(rules: CustomsRules) -> None:
    """data/customs has every market of the issue, each rule with a source and a level."""
    expected = {"EU", "ES", "PT", "FR", "IT", "DE", "ES-CN", "ES-CE", "ES-ML", "GB", "BR",
                "EAEU", "RU", "ID", "US", "CN", "WORLD"}  # fmt: skip
    assert expected <= set(rules.jurisdictions)
    assert all(rule.source and rule.confidence in Confidence for rule in rules.rules)


def test_illustrative_figures_are_low_confidence(rules: CustomsRules) -> None:
    """A rate no source gives (illustrative) is never presented as medium or high."""
    assert all(r.confidence is Confidence.LOW for r in rules.rules if r.illustrative)


def test_rules_are_read_once_and_never_at_import() -> None:
    """Importing the packages reads no file; load_rules caches per directory."""
    code = (
        "import sys\n"
        "opened = []\n"
        "sys.addaudithook(lambda e, a: opened.append(str(a[0])) if e == 'open' else None)\n"
        "import routing.customs, routing.fx\n"
        "print(sum('/data/' in path for path in opened))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=Path(__file__).resolve().parents[3])  # fmt: skip
    assert out.stdout.split() == ["0"]
    assert load_rules() is load_rules(DEFAULT_RULES)


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


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("rate_pct", "-3", "percentage"),
        ("valid_from", '"2021-13-01"', "date"),
        ("limit", '"150 EUROS"', "AMOUNT CURRENCY"),
        ("hs_prefixes", '["61a"]', "HS prefixes"),
        ("colour", '"red"', "unknown field"),
        ("topic", '"sales_tax"', "must be one of"),
        ("confidence", '"high"', "must be one of"),
    ],
)
def test_a_bad_field_is_named_with_its_line(
    rules_copy: Path, field: str, value: str, message: str
) -> None:
    """Each broken field of a rule is reported as path:line: field: message."""
    base = {"rule_id": '"de.vat.test"', "topic": '"vat"', "name": '"VAT"', "rate_pct": "5",
            "categories": '["toys"]', "valid_from": "2030-01-01", "source": '"test"',
            "confidence": '"L"'}  # fmt: skip
    base[field] = value
    block = "\n[[rules]]\n" + "".join(f"{k} = {v}\n" for k, v in base.items())
    first = append(rules_copy / "de.toml", block)
    with pytest.raises(InvalidRule) as caught:
        read_rules(rules_copy)
    [problem] = caught.value.problems
    path, line = problem.where.rsplit(":", 1)
    assert path == str(rules_copy / "de.toml") and int(line) >= first
    assert message in problem.message


def test_a_missing_source_or_required_parameter_is_an_error(rules_copy: Path) -> None:
    """A rule without its source, or a VAT rule without its rate, is not loaded."""
    append(rules_copy / "fr.toml", """
[[rules]]
rule_id = "fr.vat.test"
topic = "vat"
name = "VAT"
valid_from = 2030-01-01
confidence = "L"
""")  # fmt: skip
    with pytest.raises(InvalidRule) as caught:
        read_rules(rules_copy)
    fields = {p.field for p in caught.value.problems}
    assert fields == {"rules.source", "rules.rate_pct"}


def test_a_rule_ending_before_it_starts_is_an_error(rules_copy: Path) -> None:
    """valid_to before valid_from cannot be a validity."""
    append(rules_copy / "it.toml", """
[[rules]]
rule_id = "it.vat.test"
topic = "vat"
name = "VAT"
rate_pct = 5
categories = ["toys"]
valid_from = 2030-01-01
valid_to = 2029-01-01
source = "test"
confidence = "L"
""")  # fmt: skip
    with pytest.raises(InvalidRule, match="ends"):
        read_rules(rules_copy)


def test_a_broken_states_table_names_its_line(rules_copy: Path) -> None:
    """The CEP table must hold digit ranges and two-letter states."""
    path = rules_copy / "br-states.csv"
    path.write_text(path.read_text(encoding="utf-8") + "9999,1000,XX\n", encoding="utf-8")
    with pytest.raises(InvalidRule) as caught:
        read_rules(rules_copy)
    assert caught.value.problems[0].where.startswith(f"{path}:")


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
