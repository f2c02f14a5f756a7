"""carriers/registry/fields.py: problems placed at their file's line, and the field readers
that check a value and say what is wrong with it."""

from __future__ import annotations

import math
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carriers.errors import InvalidNetwork, Problem
from carriers.model import Mode
from carriers.money import Money
from carriers.registry import load_world
from carriers.registry.fields import (
    Collector,
    array,
    enum,
    flag,
    money_amount,
    money_text,
    number,
    number_between,
    prefixes,
    shown,
    table,
    text,
)
from tests.carriers.registry.conftest import break_one, carrier_file, said


def test_numeric_postal_prefix_is_refused(tiny_copy: Path) -> None:
    """A prefix written as a number (07 -> 7) would silently lose its zero: refused."""
    break_one(
        tiny_copy,
        "carriers/lastmile.toml",
        'except_prefixes = ["35", "38", "51", "52"]',
        "except_prefixes = [35, 38]",
    )
    with pytest.raises(InvalidNetwork) as caught:
        load_world(tiny_copy)
    (problem,) = caught.value.problems
    assert (
        str(problem)
        .replace(f"{tiny_copy}/", "")
        .startswith(
            "carriers/lastmile.toml:18: services.coverage: except_prefixes must be a list of quoted"
        )
    )


TEXT = """[carrier]
id = "acme"

[[services]]
id = "a"

[[services]]
id = "b"
mode = "air"
"""


def test_a_collector_places_each_problem_at_path_and_line() -> None:
    """fail(7, ...) adds `path:7` with the field and message, after what was there."""
    problems = [Problem("x:1", "f", "m")]
    Collector(Path("world/nodes.csv"), problems).fail(7, "tz", "unknown")
    assert problems[1] == Problem("world/nodes.csv:7", "tz", "unknown")
    assert str(problems[1]) == "world/nodes.csv:7: tz: unknown"


def test_a_carrier_file_names_a_key_path_by_its_line_and_dotted_field() -> None:
    """services[1].mode is line 9, field `services.mode` (element numbers left out); a
    key the file does not have falls back to its nearest enclosing part, the whole file
    to line 1."""
    f = carrier_file(TEXT)
    f.fail(("services", 1, "mode"), "bad")
    f.fail(("services", 1, "transit_days"), "missing")
    f.fail((), "empty")
    assert said(f.out.problems) == [
        "9: services.mode: bad",
        "7: services.transit_days: missing",
        "1: file: empty",
    ]


def test_unknown_keys_are_each_named_in_order() -> None:
    """Every key outside the allowed set is one problem, sorted by name."""
    f = carrier_file(TEXT)
    f.unknown_keys({"id": 1, "zz": 2, "mode": 3, "aa": 4}, {"id", "mode"}, ("services", 1))
    assert said(f.out.problems) == [
        "7: services.aa: unknown field 'aa'",
        "7: services.zz: unknown field 'zz'",
    ]


def collect() -> tuple[list[str], Callable[[str], None]]:
    messages: list[str] = []
    return messages, messages.append


def test_enum_reads_a_member_or_lists_every_allowed_value() -> None:
    """' air ' is Mode.AIR (spaces trimmed); 'zeppelin' names all six modes."""
    messages, fail = collect()
    assert enum(Mode, " air ", fail) is Mode.AIR
    assert enum(Mode, "zeppelin", fail) is None
    assert messages == ["must be one of air, sea, rail, road, postal, courier, got 'zeppelin'"]


def test_enum_takes_strings_only() -> None:
    """A list, a number or a table is refused with the allowed values, never str()-ed."""
    messages, fail = collect()
    for bad in (["air"], 5, {"mode": "air"}):
        assert enum(Mode, bad, fail) is None
    assert [m.rsplit("got ", 1)[1] for m in messages] == ["['air']", "5", "{'mode': 'air'}"]


def test_number_between_includes_its_bounds() -> None:
    """-90 and 90 pass; 90.5 and 'north' are refused with what was given."""
    messages, fail = collect()
    assert number_between(-90, -90, 90, fail) == -90.0
    assert number_between("90", -90, 90, fail) == 90.0
    assert number_between(90.5, -90, 90, fail) is None
    assert number_between("north", -90, 90, fail) is None
    assert number_between(None, -90, 90, fail) is None
    assert messages == [
        "must be between -90 and 90, got 90.5",
        "must be a number, got 'north'",
        "must be a number, got None",
    ]


@pytest.mark.parametrize(
    ("value", "currency", "minor"),
    [
        (4.5, "EUR", 450),
        ("12.34", "EUR", 1234),
        (0, "USD", 0),
        (1500, "JPY", 1500),
        ("0.10", "GBP", 10),
    ],
)
def test_money_amount_is_exact_minor_units(value: object, currency: str, minor: int) -> None:
    """Major units to minor units of the currency, computed on paper: 4.5 EUR is 450."""
    f = carrier_file(TEXT)
    assert money_amount(f, ("carrier",), value, currency) == minor
    assert f.out.problems == []


@pytest.mark.parametrize(
    ("value", "currency", "message"),
    [
        ("4.505", "EUR", "has more decimals than EUR allows: 4.505"),
        (0.5, "JPY", "has more decimals than JPY allows: 0.5"),
        (-1, "EUR", "must be >= 0, got -1"),
        ("NaN", "EUR", "must be a finite amount, got NaN"),
        ("Infinity", "EUR", "must be a finite amount, got Infinity"),
        ("1e12", "EUR", "must be less than 1,000,000,000,000, got 1e12"),
        ("1e-999999999", "EUR", "has more decimals than EUR allows: 1e-999999999"),
        ("four", "EUR", "must be a decimal amount, got 'four'"),
    ],
)
def test_money_amount_refuses_what_is_not_a_price(
    value: object, currency: str, message: str
) -> None:
    """Sub-cent amounts, negatives, NaN, infinity and words are each refused, saying so."""
    f = carrier_file(TEXT)
    assert money_amount(f, ("carrier",), value, currency) is None
    assert said(f.out.problems) == [f"1: carrier: {message}"]


@given(st.decimals(min_value=0, max_value=10**9, places=2))
def test_money_amount_agrees_with_money_of(amount: Decimal) -> None:
    """Any amount with at most two decimals is what Money.of makes of it, to the cent."""
    f = carrier_file(TEXT)
    assert money_amount(f, ("carrier",), str(amount), "EUR") == Money.of(amount, "EUR").amount


def test_money_text_reads_amount_and_currency() -> None:
    """'12.50 EUR' is EUR 12.50; a missing or unknown currency is refused."""
    f = carrier_file(TEXT)
    assert money_text(f, ("carrier",), "12.50 EUR") == Money(1250, "EUR")
    assert money_text(f, ("carrier",), "12.50") is None
    assert money_text(f, ("carrier",), "12.50 EUD") is None
    expected = 'must read "AMOUNT CURRENCY" with an ISO 4217 code, got'
    assert said(f.out.problems) == [
        f"1: carrier: {expected} '12.50'",
        f"1: carrier: {expected} '12.50 EUD'",
    ]


def test_number_takes_finite_numbers_in_range_only() -> None:
    """None means not given (no problem); 0, 2.5 and the bound 365 pass; -1, 366, true,
    '3', NaN and infinity are refused, each naming the range."""
    f = carrier_file(TEXT)
    assert number(f, ("carrier",), None, 365) is None
    assert number(f, ("carrier",), 0, 365) == 0.0
    assert number(f, ("carrier",), 2.5, 365) == 2.5
    assert number(f, ("carrier",), 365, 365) == 365.0
    for bad in (-1, 366, True, "3", math.nan, math.inf):
        assert number(f, ("carrier",), bad, 365) is None
    assert said(f.out.problems) == [
        f"1: carrier: must be a number from 0 to 365, got {bad}"
        for bad in ("-1", "366", "True", "'3'", "nan", "inf")
    ]


def test_prefixes_must_be_quoted_strings() -> None:
    """Strings are kept as written (leading zeros too); absent gives the default; numbers
    or a bare string are refused."""
    f = carrier_file(TEXT)
    assert prefixes(f, ("carrier",), {"p": ["07", "35"]}, "p") == ("07", "35")
    assert prefixes(f, ("carrier",), {}, "p", default=("",)) == ("",)
    assert prefixes(f, ("carrier",), {"p": [7]}, "p") == ()
    assert prefixes(f, ("carrier",), {"p": "07"}, "p") == ()
    assert len(f.out.problems) == 2
    assert all("p must be a list of quoted prefixes" in p.message for p in f.out.problems)


def test_text_flag_table_and_array_take_their_own_type_only() -> None:
    """Each reader passes its TOML type through, gives its default when the value is not
    given, and refuses any other type naming what was written."""
    f = carrier_file(TEXT)
    key = ("carrier",)
    assert (text(f, key, "a"), text(f, key, None, "d"), text(f, key, 5)) == ("a", "d", None)
    assert (flag(f, key, False, True), flag(f, key, None, True), flag(f, key, "no", False)) == (
        False,
        True,
        False,
    )
    assert (table(f, key, {"kg": 1}), table(f, key, None), table(f, key, 5)) == ({"kg": 1}, {}, {})
    assert (array(f, key, ["a"]), array(f, key, None), array(f, key, "ab")) == (["a"], [], [])
    assert said(f.out.problems) == [
        "1: carrier: must be a string, got 5",
        "1: carrier: must be true or false, got 'no'",
        "1: carrier: must be a table, got 5",
        "1: carrier: must be a list, got 'ab'",
    ]


def test_a_table_names_each_key_it_does_not_know() -> None:
    """With `allowed`, a key outside it is an unknown field at the table's line."""
    f = carrier_file(TEXT)
    assert table(f, ("services", 0, "capacity"), {"kg": 1, "kilos": 2}, {"kg", "m3"})
    assert said(f.out.problems) == ["4: services.capacity.kilos: unknown field 'kilos'"]


def test_shown_cuts_a_long_value() -> None:
    """A value is quoted as its repr, at most 60 characters: a problem stays one line."""
    assert shown("abc") == "'abc'"
    assert shown("x" * 100) == "'" + "x" * 56 + "..."
    assert len(shown(list(range(1000)))) == 60
