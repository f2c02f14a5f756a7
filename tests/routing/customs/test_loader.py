"""Reading a customs rules directory (`routing.customs.loader`): the shipped rules load and
are read once; a broken file is an error naming path:line and field, every problem of
the directory at once; what a file says becomes the rule book's jurisdictions and rules."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from carriers.errors import InvalidRule
from routing.customs import DEFAULT_RULES, CustomsRules, load_rules, read_rules
from routing.customs.rules import Amount, Confidence, Topic, Valuation
from tests.routing.customs.conftest import append

SPAIN = """[jurisdiction]
id = "ES"
name = "Spain"
kind = "country"
currency = "EUR"
scheme = "vat_import"
source = "test"
"""
VAT = """
[[rules]]
rule_id = "es.vat"
topic = "vat"
name = "VAT"
rate_pct = 21
valid_from = 2020-01-01
source = "test"
confidence = "H"
"""


def problems_of(directory: Path) -> list[tuple[str, str, str]]:
    """The problems read_rules reports, as (file:line, field, message)."""
    with pytest.raises(InvalidRule) as caught:
        read_rules(directory)
    return [
        (p.where.replace(f"{directory}/", ""), p.field, p.message) for p in caught.value.problems
    ]


def write(directory: Path, name: str, text: str) -> Path:
    directory.mkdir(exist_ok=True)
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_rules_load_and_cover_every_market(rules: CustomsRules) -> None:
    """data/customs has every market of the issue, each rule with a source and a level."""
    expected = {"EU", "ES", "PT", "FR", "IT", "DE", "ES-CN", "ES-CE", "ES-ML", "GB", "BR",
                "EAEU", "RU", "ID", "US", "CN", "WORLD"}  # fmt: skip
    assert expected <= set(rules.jurisdictions)
    assert all(rule.source and rule.confidence in Confidence for rule in rules.rules)


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


def test_a_small_file_becomes_a_jurisdiction_and_its_rules(tmp_path: Path) -> None:
    """Percentages become fractions (21 -> 0.21), each rule knows its path:line, and a
    jurisdiction's defaults are CIF and its own customs union and VAT area."""
    path = write(tmp_path, "es.toml", SPAIN + VAT)
    rules = read_rules(tmp_path)
    spain = rules.jurisdictions["ES"]
    assert (spain.valuation, spain.customs_union, spain.vat_area) == (Valuation.CIF, "ES", "ES")
    [rule] = rules.rules
    assert (rule.topic, rule.rate, rule.confidence) == (Topic.VAT, Decimal("0.21"), Confidence.HIGH)
    assert (rule.jurisdiction, rule.valid_from, rule.valid_to) == ("ES", date(2020, 1, 1), None)
    assert rule.where == f"{path}:9"  # the [[rules]] header


def test_amounts_keep_their_currency_sdr_included(tmp_path: Path) -> None:
    """A limit of "300.00 XDR" is 300.00 special drawing rights, converted only when used."""
    write(tmp_path, "es.toml", SPAIN + """
[[rules]]
rule_id = "es.postal-form"
topic = "postal_form"
limit = "300.00 XDR"
weight_limit_kg = 2
valid_from = 2020-01-01
source = "test"
confidence = "H"
""")  # fmt: skip
    [rule] = read_rules(tmp_path).rules
    assert rule.limit == Amount(Decimal("300.00"), "XDR")
    assert rule.weight_limit_kg == Decimal("2")


def test_a_missing_or_empty_directory_is_an_error(tmp_path: Path) -> None:
    """No directory, or one without *.toml files, is InvalidRule, never empty rules."""
    with pytest.raises(InvalidRule, match="missing"):
        load_rules(tmp_path / "nowhere")
    assert problems_of(tmp_path) == [(f"{tmp_path}:1", "customs", "no rules files (*.toml)")]


def test_a_toml_syntax_error_names_its_line(tmp_path: Path) -> None:
    """An unclosed string on line 3 is reported at es.toml:3."""
    write(tmp_path, "es.toml", '[jurisdiction]\nid = "ES"\nname = "Spain\n')
    [(where, field, _)] = problems_of(tmp_path)
    assert (where, field) == ("es.toml:3", "toml")


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (('id = "ES"', 'id = "UK"'), "jurisdiction.id", "ISO 3166-1"),
        (('id = "ES"', 'id = "es"'), "jurisdiction.id", "upper-case code"),
        (('kind = "country"', 'kind = "state"'), "jurisdiction.kind", "must be one of"),
        (('currency = "EUR"', 'currency = "EURO"'), "jurisdiction.currency", "ISO 4217"),
        (('scheme = "vat_import"', 'scheme = "none"'), "jurisdiction.scheme", "global"),
        (('source = "test"', 'source = " "'), "jurisdiction.source", "is required"),
        (('kind = "country"', 'kind = "territory"'), "jurisdiction", "postal_prefixes"),
        (("[jurisdiction]", "[place]"), "jurisdiction", "is required"),
    ],
)
def test_a_bad_jurisdiction_is_named_by_field(
    tmp_path: Path, change: tuple[str, str], field: str, message: str
) -> None:
    """Each broken part of the [jurisdiction] table is reported by its field."""
    write(tmp_path, "es.toml", SPAIN.replace(*change) + VAT)
    found = problems_of(tmp_path)
    assert any(f == field and message in m for _, f, m in found), found


@pytest.mark.parametrize(
    ("block", "field", "message"),
    [
        ('topic = "duty_table"\nname = "duty"', "rules.table", "`table` rows, `default_pct`"),
        ('topic = "prohibited"', "rules", "`categories` or `hs_prefixes`"),
        ('topic = "low_value_duty"\nlimit = "150 EUR"\ntreatment = "waived"',
         "rules.treatment", "must be one of per_subheading, relief"),
        ('topic = "low_value_duty"\nlimit = "150 EUR"\ntreatment = "per_subheading"',
         "rules.amount", "needs its `amount`"),
        ('topic = "battery_ban"\nbattery = "loose"', "rules.modes", "is required"),
        ('topic = "buyer_id"\nid_type = "ssn"', "rules.id_type", "must be one of"),
        ('topic = "vat"\nname = "VAT"\nrate_pct = 5\nsellers = ["amazon"]',
         "rules.sellers", "must be one of"),
        ('topic = "vat"\nname = "VAT"\nrate_pct = 5\ncategories = []',
         "rules.categories", "must not be empty"),
        ('topic = "vat"\nname = "VAT"\nrate_pct = 5\nrule_id = "ES.Vat"', "rules.rule_id",
         "lower-case"),
    ],
)  # fmt: skip
def test_each_topic_asks_for_its_own_parameters(
    tmp_path: Path, block: str, field: str, message: str
) -> None:
    """A rule missing what its topic needs, or with a value outside its vocabulary, is an
    error naming the field."""
    common = 'valid_from = 2030-01-01\nsource = "test"\nconfidence = "L"\n'
    rule_id = "" if "rule_id" in block else 'rule_id = "es.test"\n'
    write(tmp_path, "es.toml", SPAIN + VAT + f"\n[[rules]]\n{rule_id}{block}\n{common}")
    found = problems_of(tmp_path)
    assert any(f == field and message in m for _, f, m in found), found


def test_every_problem_of_every_file_is_reported_at_once(tmp_path: Path) -> None:
    """A second file for Spain and a French file with two broken fields: all three
    problems come in one error."""
    write(tmp_path, "es.toml", SPAIN + VAT)
    write(tmp_path, "es2.toml", SPAIN + VAT)
    france = SPAIN.replace('"ES"', '"FR"').replace('"EUR"', '"EURO"')
    write(tmp_path, "fr.toml", france + VAT.replace("rate_pct = 21", "rate_pct = 121"))
    found = problems_of(tmp_path)
    assert sorted((where, field) for where, field, _ in found) == [
        ("es2.toml:1", "id"),
        ("fr.toml:13", "rules.rate_pct"),
        ("fr.toml:5", "jurisdiction.currency"),
    ]


def test_the_rules_of_a_directory_are_kept_by_path(tmp_path: Path) -> None:
    """load_rules reads a directory once: the same CustomsRules for the same path, however
    it is written."""
    write(tmp_path, "es.toml", SPAIN + VAT)
    first = load_rules(tmp_path)
    assert isinstance(first, CustomsRules)
    assert load_rules(str(tmp_path)) is first
    assert load_rules(tmp_path / ".") is first
