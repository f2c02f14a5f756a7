"""Reading a customs rules directory (`routing.customs.loader`): the shipped rules load and
are read once; a broken file is an error naming path:line and field, every problem of
the directory at once; what a file says becomes the rule book's jurisdictions and rules."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carriers.errors import InvalidRule
from routing.customs import DEFAULT_RULES, CustomsRules, load_rules, read_rules
from routing.customs.loader import RULE_KEYS
from routing.customs.rulebook import JURISDICTION_KEYS
from routing.customs.rules import Amount, Confidence, Topic, Valuation
from tests.carriers.registry.conftest import TOML_VALUES, put, toml_text
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
    write(tmp_path, "es.toml", SPAIN + POSTAL_FORM)
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


POSTAL_FORM = """
[[rules]]
rule_id = "es.postal-form"
topic = "postal_form"
limit = "300.00 XDR"
weight_limit_kg = 2
valid_from = 2020-01-01
source = "test"
confidence = "H"
"""


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        *(("weight_limit_kg = 2", f"weight_limit_kg = {value}",
           f"weight_limit_kg: must be a number > 0, got {shown}")
          for value, shown in [("true", "True"), ("nan", "nan"), ("inf", "inf"), ("-2", "-2"),
                               ('"2"', "'2'"), ("[2]", "[2]")]),
        ('limit = "300.00 XDR"', 'limit = "1e999999 XDR"',
         "limit: must be less than 1,000,000,000,000, got '1e999999 XDR'"),
        ('limit = "300.00 XDR"', 'limit = "NaN XDR"',
         "limit: must read \"AMOUNT CURRENCY\" with a known currency, got 'NaN XDR'"),
        ('source = "test"', "source = 5", "source: must be a string, got 5"),
        ('rule_id = "es.postal-form"', "rule_id = 5", "rule_id: must be a string, got 5"),
        ("valid_from = 2020-01-01", "valid_from = 2020-01-01T00:00:00",
         "valid_from: must be a date YYYY-MM-DD, got datetime.datetime(2020, 1, 1, 0, 0)"),
        ("valid_from = 2020-01-01", "valid_from = 20200101",
         "valid_from: must be a date YYYY-MM-DD, got 20200101"),
        ("valid_from = 2020-01-01", 'valid_from = "20200101"',
         "valid_from: must be a date YYYY-MM-DD, got '20200101'"),
        ('confidence = "H"', 'confidence = "H"\nillustrative = "no"',
         "illustrative: must be true or false, got 'no'"),
        ('confidence = "H"', 'confidence = "H"\nrate_pct = "12"',
         "rate_pct: must be a percentage from 0 to 100, got '12'"),
        ('confidence = "H"', 'confidence = "H"\nname = 5', "name: must be a string, got 5"),
        ('confidence = "H"', 'confidence = "H"\nnote = ["a"]', "note: must be a string, got ['a']"),
    ],
)  # fmt: skip
def test_a_value_of_the_wrong_type_is_one_problem_at_its_line(
    tmp_path: Path, old: str, new: str, problem: str
) -> None:
    """A rule's number as a flag, NaN, infinity, negative, a string or a list; a string
    field as a number; a date as a date-time or digits; an amount past twelve digits: one
    problem at the field's line (line 9 is the rule's header), never an exception."""
    text = SPAIN + POSTAL_FORM.replace(old, new)
    write(tmp_path, "es.toml", text)
    [(where, field, message)] = problems_of(tmp_path)
    assert f"{field}: {message}" == f"rules.{problem}"
    line = text.split("\n").index(new.split("\n")[-1]) + 1
    assert where == f"es.toml:{line}"


def test_a_treatment_that_is_a_table_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    """treatment = { a = 1 } was looked up in a set of names (TypeError): now it is a
    string field refused at its line."""
    block = 'topic = "low_value_duty"\nlimit = "150 EUR"\ntreatment = { a = 1 }\n'
    common = 'rule_id = "es.lvd"\nvalid_from = 2030-01-01\nsource = "test"\nconfidence = "L"\n'
    write(tmp_path, "es.toml", SPAIN + f"\n[[rules]]\n{block}{common}")
    assert problems_of(tmp_path) == [
        ("es.toml:12", "rules.treatment", "must be a string, got {'a': 1}")
    ]


@pytest.mark.parametrize("name", ["name", "source", "country", "states_file", "customs_union"])
def test_a_jurisdictions_strings_must_be_strings(tmp_path: Path, name: str) -> None:
    """Every text field of [jurisdiction] given as a number is refused by name."""
    lines = [line for line in SPAIN.splitlines() if not line.startswith(f"{name} =")]
    write(tmp_path, "es.toml", "\n".join([*lines, f"{name} = 7", VAT]))
    found = problems_of(tmp_path)
    line = len(lines) + 1
    assert found == [(f"es.toml:{line}", f"jurisdiction.{name}", "must be a string, got 7")]


# --- any value in any field of a rules file -------------------------------------------------


@pytest.fixture(scope="module")
def customs_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("fuzz") / "customs"
    shutil.copytree(DEFAULT_RULES, target)
    return target


def fields_of(doc: dict[str, Any], i: int) -> list[tuple[str | int, ...]]:
    """Every field a rules file may hold: the jurisdiction's, and rule i's (its table and
    band rows too), with the sections and tables that hold them."""
    rule: tuple[str | int, ...] = ("rules", i)
    keys: list[tuple[str | int, ...]] = [("jurisdiction",), ("rules",), rule]
    keys += [("jurisdiction", k) for k in sorted(JURISDICTION_KEYS)]
    keys += [(*rule, k) for k in sorted(RULE_KEYS)]
    keys += [(*rule, "table", 0, k) for k in ("hs", "rate_pct")]
    return keys + [(*rule, "bands", 0, k) for k in ("up_to", "rate_pct", "deduction")]


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_any_value_in_any_field_loads_or_is_named_at_its_line(
    customs_copy: Path, data: st.DataObject
) -> None:
    """One field of a rules file set to any TOML value (strings, integers, floats with NaN
    and infinities, booleans, dates, lists, tables): the rules load, or InvalidRule names
    file:line for each problem; never another exception."""
    path = data.draw(st.sampled_from(sorted(customs_copy.glob("*.toml"))))
    original = path.read_text(encoding="utf-8")
    doc = tomllib.loads(original)
    i = data.draw(st.integers(0, max(len(doc.get("rules", [])) - 1, 0)))
    key = data.draw(st.sampled_from(fields_of(doc, i)))
    if not put(doc, key, data.draw(TOML_VALUES, label="value")):
        return
    path.write_text(text := toml_text(doc), encoding="utf-8")
    try:
        read_rules(customs_copy)
    except InvalidRule as caught:
        assert caught.problems
        for problem in caught.problems:
            file, line = problem.where.rsplit(":", 1)
            assert Path(file).is_relative_to(customs_copy) and line.isdigit(), problem
            assert file != str(path) or 1 <= int(line) <= text.count("\n"), problem
    finally:
        path.write_text(original, encoding="utf-8")
