"""Readers of the fields of a rules file (`routing.customs.fields`): each returns the value
read, or records a problem at the value's own line (`path:line`, dotted field, message)
and returns None."""

from __future__ import annotations

import tomllib
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from carriers.errors import Problem
from carriers.model import Mode
from routing.customs import fields as read
from routing.customs.fields import RuleFile
from routing.customs.rules import Amount, Band, TableRow

TEXT = """[jurisdiction]
id = "XA"

[[rules]]
rule_id = "xa.one"
rate_pct = 12.5
limit = "150.00 EUR"

[[rules]]
rule_id = "xa.two"
table = [
  { hs = "61", rate_pct = 12 },
  { hs = "6109.10", rate_pct = 0 },
]
"""
KEY = ("rules", 1)


@pytest.fixture
def f() -> RuleFile:
    return RuleFile(Path("xa.toml"), TEXT, [])


def where(f: RuleFile) -> list[tuple[str, str]]:
    return [(p.where, p.field) for p in f.problems]


def test_a_problem_names_the_line_and_the_dotted_field(f: RuleFile) -> None:
    """rules[0].rate_pct is on line 6 and named rules.rate_pct; an unknown key falls back
    to its nearest known parent (the [[rules]] header of the second rule, line 9)."""
    f.fail(("rules", 0, "rate_pct"), "wrong")
    f.fail((*KEY, "nowhere"), "wrong")
    f.fail((), "wrong")
    assert where(f) == [
        ("xa.toml:6", "rules.rate_pct"),
        ("xa.toml:9", "rules.nowhere"),
        ("xa.toml:1", "file"),
    ]
    assert f.problems[0] == Problem("xa.toml:6", "rules.rate_pct", "wrong")


@pytest.mark.parametrize(
    ("value", "below", "expected"),
    [(12.5, 101, Decimal("0.125")), (0, 101, Decimal(0)), (100, 101, Decimal(1)),
     ("7", 101, Decimal("0.07")), (100, 100, None), (-3, 101, None), (True, 101, None),
     ("lots", 101, None), (float("nan"), 101, None), (None, 101, None)],
)  # fmt: skip
def test_a_percentage_becomes_a_fraction_within_its_range(
    f: RuleFile, value: Any, below: int, expected: Decimal | None
) -> None:
    """12.5 -> 0.125; 0 up to below - 1 is accepted; negatives, booleans, text and NaN are
    problems; a missing value is no value and no problem."""
    assert read.percent(f, ("rules", 0, "rate_pct"), value, below) == expected
    broken = expected is None and value is not None
    assert where(f) == ([("xa.toml:6", "rules.rate_pct")] if broken else [])


@pytest.mark.parametrize(
    ("value", "expected"),
    [("150.00 EUR", Amount(Decimal("150.00"), "EUR")),
     ("300 XDR", Amount(Decimal(300), "XDR")),
     ("0 GBP", Amount(Decimal(0), "GBP")),
     ("150 EUROS", None), ("150", None), ("-1 EUR", None), ("NaN EUR", None),
     ("1.5 EUR extra", None), (150, None)],
)  # fmt: skip
def test_an_amount_reads_amount_then_currency(
    f: RuleFile, value: Any, expected: Amount | None
) -> None:
    """ "AMOUNT CURRENCY" with a currency that has a rate (SDR too), never negative."""
    assert read.amount(f, ("rules", 0, "limit"), value) == expected
    assert where(f) == ([] if expected else [("xa.toml:7", "rules.limit")])


def test_dates_are_iso_and_required_only_when_asked(f: RuleFile) -> None:
    """A TOML date or "YYYY-MM-DD" text reads; a missing required date and a bad one are
    problems; a missing optional date is None and fine."""
    key = ("rules", 0, "valid_from")
    assert read.date_of(f, key, date(2025, 1, 1), required=True) == date(2025, 1, 1)
    assert read.date_of(f, key, "2025-02-28", required=True) == date(2025, 2, 28)
    assert read.date_of(f, key, None, required=False) is None
    assert f.problems == []
    assert read.date_of(f, key, None, required=True) is None
    assert read.date_of(f, key, "2025-02-30", required=True) is None
    assert [p.message for p in f.problems] == [
        "is required (YYYY-MM-DD)",
        "must be a date YYYY-MM-DD, got '2025-02-30'",
    ]


def test_an_enum_value_outside_its_vocabulary_lists_the_allowed_ones(f: RuleFile) -> None:
    """ "air" is Mode.AIR; "plane" is a problem listing every mode."""
    assert read.enum_of(f, ("rules", 0, "modes"), Mode, "air") is Mode.AIR
    assert read.enum_of(f, ("rules", 0, "modes"), Mode, "plane") is None
    [problem] = f.problems
    assert "air, sea, rail, road, postal, courier, got 'plane'" in problem.message


def test_lists_of_strings_countries_and_hs_prefixes(f: RuleFile) -> None:
    """Strings are stripped; a country must be ISO 3166-1; an HS prefix is 2-10 digits,
    dots allowed."""
    assert read.strings(f, KEY, [" a ", "b"]) == ["a", "b"]
    assert read.countries(f, KEY, {"origins": ["CN", "HK"]}, "origins") == ["CN", "HK"]
    assert read.hs_prefix(f, KEY, "6109.10") == "610910"
    assert f.problems == []
    read.strings(f, KEY, "CN")
    read.countries(f, KEY, {"origins": ["CN", "UK"]}, "origins")
    read.hs_prefix(f, KEY, "6")
    read.hs_prefix(f, KEY, "61a")
    assert [p.message.split(",")[0] for p in f.problems] == [
        "must be a list of strings",
        "unknown ISO 3166-1 code 'UK'",
        "HS prefixes are 2-10 digits",
        "HS prefixes are 2-10 digits",
    ]


def test_a_duty_table_reads_each_row_at_its_own_line(f: RuleFile) -> None:
    """Each { hs, rate_pct } row becomes a TableRow that knows its line (12, 13)."""
    rows = tomllib.loads(TEXT)["rules"][1]["table"]
    assert read.table(f, KEY, rows) == (
        TableRow("61", Decimal("0.12"), "xa.toml:12"),
        TableRow("610910", Decimal(0), "xa.toml:13"),
    )
    assert f.problems == []


def test_a_duty_table_refuses_repeated_codes_and_odd_rows(f: RuleFile) -> None:
    """A code listed twice and a row with other keys are problems at their rows."""
    rows = [{"hs": "61", "rate_pct": 12}, {"hs": "61", "rate_pct": 10}, {"hs": "62"}]
    assert [r.hs_prefix for r in read.table(f, KEY, rows)] == ["61", "61"]
    assert [(p.where, p.message) for p in f.problems] == [
        ("xa.toml:13", "HS 61 is listed twice"),
        ("xa.toml:11", 'each row is { hs = "61", rate_pct = 12 }'),
    ]


def test_bands_must_rise_and_only_the_last_may_be_open(f: RuleFile) -> None:
    """USD 3 then USD 1,500 then open reads; a falling band, a band after an open one and
    a band without its rate are problems."""
    good = [
        {"up_to": "3.00 USD", "rate_pct": 0},
        {"up_to": "1500 USD", "rate_pct": 7.5},
        {"rate_pct": 60, "deduction": "20.00 USD"},
    ]
    assert read.bands(f, KEY, good) == (
        Band(Amount(Decimal("3.00"), "USD"), Decimal(0)),
        Band(Amount(Decimal(1500), "USD"), Decimal("0.075")),
        Band(None, Decimal("0.6"), Amount(Decimal("20.00"), "USD")),
    )
    assert f.problems == []
    read.bands(f, KEY, [{"up_to": "50 USD", "rate_pct": 20}, {"up_to": "40 USD", "rate_pct": 60}])
    read.bands(f, KEY, [{"rate_pct": 20}, {"up_to": "40 USD", "rate_pct": 60}])
    read.bands(f, KEY, [{"up_to": "40 USD"}])
    assert [p.message for p in f.problems] == [
        "bands must rise, and only the last may be open (no up_to)",
        "bands must rise, and only the last may be open (no up_to)",
        "rate_pct is required",
    ]
