"""carriers/registry/rate_cards.py: a carrier file's rate cards, amounts read as exact minor
units of the card's currency, weight breaks rising per zone, every problem at its line."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carriers.errors import InvalidNetwork
from carriers.model import RateCard, WeightBreak, Zone
from carriers.registry.rate_cards import rate_card
from routing.network import load_network
from tests.carriers.registry.conftest import break_one, carrier_file, said

# (file, text to replace, replacement, "file:line: field" the problem must name)
BROKEN = {
    "bad currency": (
        "carriers/skyline.toml",
        'currency = "EUR"',
        'currency = "EUD"',
        "carriers/skyline.toml:6: rate_cards.air.currency",
    ),
    "unsorted weight breaks": (
        "carriers/skyline.toml",
        "{ up_to_kg = 30,",
        "{ up_to_kg = 1.5,",
        "carriers/skyline.toml:11: rate_cards.air.breaks",
    ),
    "overlapping weight breaks": (
        "carriers/skyline.toml",
        "{ up_to_kg = 30,",
        "{ up_to_kg = 2,",
        "carriers/skyline.toml:11: rate_cards.air.breaks",
    ),
    "negative rate": (
        "carriers/lastmile.toml",
        "per_kg = 0.5",
        "per_kg = -0.5",
        "carriers/lastmile.toml:8: rate_cards.parcel.breaks.per_kg",
    ),
}


@pytest.mark.parametrize("rule", sorted(BROKEN))
def test_each_rule_names_the_exact_place(rule: str, tiny_copy: Path) -> None:
    """A network broken in one place reports that place as path:line: field."""
    file, old, new, expected = BROKEN[rule]
    break_one(tiny_copy, file, old, new)
    with pytest.raises(InvalidNetwork) as caught:
        load_network(tiny_copy)
    reported = [str(p).replace(f"{tiny_copy}/", "") for p in caught.value.problems]
    assert any(line.startswith(expected + ":") for line in reported), reported


def read(body: str) -> tuple[RateCard | None, list[str]]:
    """Card `x` of a file whose line 1 is `[rate_cards.x]` and whose body starts at line 2."""
    f = carrier_file("[rate_cards.x]\n" + body)
    card = rate_card(f, "x", f.data["rate_cards"]["x"])
    return card, said(f.out.problems)


ONE_BREAK = "breaks = [\n  { up_to_kg = 30, per_kg = 1, per_piece = 2 },\n]\n"


def test_a_full_card_reads_as_exact_minor_units() -> None:
    """Every amount in major units becomes exact cents (5.05 -> 505, not 504), the fuel
    percentage stays an exact decimal, limits stay kg and cm."""
    card, problems = read(
        'currency = "EUR"\n'
        "minimum_charge = 2.5\n"
        "fuel_surcharge_pct = 12.5\n"
        "remote_area_surcharge = 3\n"
        'remote_area_prefixes = ["07", "35"]\n'
        "oversize_surcharge = 15.75\n"
        "oversize_side_cm = 120\n"
        "oversize_weight_kg = 31.5\n"
        "rounding_kg = 0.5\n"
        "volumetric_divisor = 5000\n"
        "illustrative = false\n"
        'source = "tariff 2026"\n'
        "breaks = [\n"
        "  { up_to_kg = 2, per_kg = 6.0, per_piece = 1.0 },\n"
        "  { up_to_kg = 30, per_kg = 5.05, per_piece = 0 },\n"
        "]\n"
    )
    assert problems == []
    assert card == RateCard(
        id="x",
        currency="EUR",
        breaks=(WeightBreak(2.0, 600, 100), WeightBreak(30.0, 505, 0)),
        minimum_charge=250,
        rounding_kg=0.5,
        volumetric_divisor=5000,
        fuel_surcharge_pct=Decimal("12.5"),
        remote_area_surcharge=300,
        remote_area_prefixes=("07", "35"),
        oversize_surcharge=1575,
        oversize_side_cm=120.0,
        oversize_weight_kg=31.5,
        illustrative=False,
        source="tariff 2026",
    )


@settings(max_examples=200, deadline=None)
@given(cents=st.integers(0, 10**9), per_kg_cents=st.integers(0, 10**6))
def test_any_price_written_with_cents_reads_as_those_cents(cents: int, per_kg_cents: int) -> None:
    """A TOML number with two decimals (a float to tomllib) is read through its text, so
    it is exactly its cents: no binary-float drift of a cent either way."""
    per_piece, per_kg = Decimal(cents).scaleb(-2), Decimal(per_kg_cents).scaleb(-2)
    card, problems = read(
        f'currency = "EUR"\nbreaks = [{{ up_to_kg = 1, per_kg = {per_kg}, '
        f"per_piece = {per_piece} }}]\n"
    )
    assert problems == []
    assert card is not None and card.breaks == (WeightBreak(1.0, per_kg_cents, cents),)


def test_a_card_in_yen_has_no_minor_unit() -> None:
    """JPY has no decimals: 500 yen is 500 minor units, and 500.5 yen is refused."""
    card, problems = read(
        'currency = "JPY"\n' + ONE_BREAK.replace("per_piece = 2", "per_piece = 500")
    )
    assert problems == [] and card is not None and card.breaks[0].per_piece == 500
    card, problems = read(
        'currency = "JPY"\n' + ONE_BREAK.replace("per_piece = 2", "per_piece = 500.5")
    )
    assert card is None
    assert problems == [
        "4: rate_cards.x.breaks.per_piece: has more decimals than JPY allows: 500.5"
    ]


def test_zoned_breaks_rise_within_each_zone() -> None:
    """Two zones, each with breaks at 2 and 30 kg: each zone's breaks rise on their own."""
    card, problems = read(
        'currency = "EUR"\n'
        "zones = [\n"
        '  { name = "peninsula", country = "ES", postal_prefixes = [""] },\n'
        '  { name = "islands", country = "ES", postal_prefixes = ["07", "35", "38"] },\n'
        "]\n"
        "breaks = [\n"
        '  { zone = "peninsula", up_to_kg = 2, per_kg = 1, per_piece = 3 },\n'
        '  { zone = "peninsula", up_to_kg = 30, per_kg = 1, per_piece = 4 },\n'
        '  { zone = "islands", up_to_kg = 2, per_kg = 2, per_piece = 6 },\n'
        '  { zone = "islands", up_to_kg = 30, per_kg = 2, per_piece = 8 },\n'
        "]\n"
    )
    assert problems == [] and card is not None
    assert card.zones == (
        Zone("peninsula", "ES", ("",)),
        Zone("islands", "ES", ("07", "35", "38")),
    )
    assert [(b.zone, b.up_to_kg, b.per_piece) for b in card.breaks] == [
        ("peninsula", 2.0, 300),
        ("peninsula", 30.0, 400),
        ("islands", 2.0, 600),
        ("islands", 30.0, 800),
    ]


def test_zone_problems_are_named_at_their_element() -> None:
    """A zone in no ISO country, and a break naming a zone the card does not have, are
    each refused at their own line, and the card is not made."""
    card, problems = read(
        'currency = "EUR"\n'
        "zones = [\n"
        '  { name = "peninsula", country = "ES", postal_prefixes = [""] },\n'
        '  { name = "moon", country = "XX", postal_prefixes = [""] },\n'
        "]\n"
        "breaks = [\n"
        '  { zone = "peninsula", up_to_kg = 30, per_kg = 1, per_piece = 3 },\n'
        '  { zone = "canaries", up_to_kg = 30, per_kg = 1, per_piece = 3 },\n'
        "]\n"
    )
    assert card is None
    assert problems == [
        "5: rate_cards.x.zones: unknown ISO 3166-1 alpha-2 country 'XX'",
        "9: rate_cards.x.breaks: zone 'canaries' is not one of the card's zones ['peninsula']",
    ]


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (
            'currency = "EUR"\nbreaks = []\n',
            "3: rate_cards.x.breaks: a rate card needs at least one weight break",
        ),
        (
            'currency = "EUR"\n' + ONE_BREAK.replace("up_to_kg = 30", "up_to_kg = 0"),
            "4: rate_cards.x.breaks.up_to_kg: must be > 0, got 0",
        ),
        (
            'currency = "EUR"\nvolumetric_divisor = 1.5\n' + ONE_BREAK,
            "3: rate_cards.x.volumetric_divisor: must be a whole number > 0, got 1.5",
        ),
        (
            'currency = "EUR"\nvolumetric_divisor = 0\n' + ONE_BREAK,
            "3: rate_cards.x.volumetric_divisor: must be a whole number > 0, got 0",
        ),
        (
            'currency = "EUR"\nminimum_charge = -1\n' + ONE_BREAK,
            "3: rate_cards.x.minimum_charge: must be >= 0, got -1",
        ),
        (
            'currency = "EUR"\nrounding_kg = -0.5\n' + ONE_BREAK,
            "3: rate_cards.x.rounding_kg: must be a number from 0 to 100,000, got -0.5",
        ),
        (
            'currency = "EUR"\nfuel_pct = 12\n' + ONE_BREAK,
            "3: rate_cards.x.fuel_pct: unknown field 'fuel_pct'",
        ),
        (ONE_BREAK, "1: rate_cards.x.currency: unknown ISO 4217 currency ''"),
    ],
    ids=[
        "no breaks",
        "zero weight",
        "fractional divisor",
        "zero divisor",
        "negative minimum",
        "negative rounding",
        "unknown field",
        "no currency",
    ],
)
def test_each_broken_field_is_named_and_no_card_is_made(body: str, problem: str) -> None:
    """One broken field: one problem at its line and field, and no card."""
    card, problems = read(body)
    assert problems == [problem] and card is None


# A line added to a valid card (line 2) and the one problem it must give.
WRONG = {
    "fuel a word": (
        'fuel_surcharge_pct = "abc"',
        "2: rate_cards.x.fuel_surcharge_pct: must be a number from 0 to 100, got 'abc'",
    ),
    "fuel over 100 %": (
        "fuel_surcharge_pct = 250",
        "2: rate_cards.x.fuel_surcharge_pct: must be a number from 0 to 100, got 250",
    ),
    "zones a number": ("zones = 5", "2: rate_cards.x.zones: must be a list, got 5"),
    "zone a string": (
        'zones = ["ES"]',
        "2: rate_cards.x.zones: must be a table { name, country, postal_prefixes }, got 'ES'",
    ),
    "rounding NaN": (
        "rounding_kg = nan",
        "2: rate_cards.x.rounding_kg: must be a number from 0 to 100,000, got nan",
    ),
    "rounding infinite": (
        "rounding_kg = inf",
        "2: rate_cards.x.rounding_kg: must be a number from 0 to 100,000, got inf",
    ),
    "rounding past int64 grams": (
        "rounding_kg = 3.4e16",
        "2: rate_cards.x.rounding_kg: must be a number from 0 to 100,000, got 3.4e+16",
    ),
    "divisor true": (
        "volumetric_divisor = true",
        "2: rate_cards.x.volumetric_divisor: must be a whole number > 0, got True",
    ),
    "minimum a string": (
        'minimum_charge = "2.5"',
        "2: rate_cards.x.minimum_charge: must be an amount in EUR, a number, got '2.5'",
    ),
    "minimum infinite": (
        "minimum_charge = inf",
        "2: rate_cards.x.minimum_charge: must be a finite amount, got inf",
    ),
    "illustrative a string": (
        'illustrative = "no"',
        "2: rate_cards.x.illustrative: must be true or false, got 'no'",
    ),
    "source a number": ("source = 2026", "2: rate_cards.x.source: must be a string, got 2026"),
    "breaks a table": (
        "breaks = { up_to_kg = 30 }",
        "2: rate_cards.x.breaks: must be a list of weight breaks, got {'up_to_kg': 30}",
    ),
}


@pytest.mark.parametrize("case", sorted(WRONG))
def test_each_wrong_value_is_one_problem_and_no_card(case: str) -> None:
    """A field of the wrong TOML type, NaN, infinity or out of its range: one problem at
    its line naming what was written, no card, never an exception."""
    line, problem = WRONG[case]
    body = 'currency = "EUR"\n' + ("" if line.startswith("breaks") else ONE_BREAK)
    card, problems = read(line + "\n" + body)
    assert card is None and problems == [problem]


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ('"6.0"', "per_kg: must be an amount in EUR, a number, got '6.0'"),
        ("nan", "per_kg: must be a finite amount, got nan"),
        ("1e300", "per_kg: must be less than 1,000,000,000,000, got 1e+300"),
        ("true", "per_kg: must be an amount in EUR, a number, got True"),
    ],
)
def test_a_rate_must_be_a_finite_number(value: str, problem: str) -> None:
    """A weight break's rate written as a string, NaN, beyond twelve digits or a flag is
    refused at the break's line."""
    card, problems = read(
        'currency = "EUR"\n' + ONE_BREAK.replace("per_kg = 1", f"per_kg = {value}")
    )
    assert card is None and problems == [f"4: rate_cards.x.breaks.{problem}"]


def test_a_card_that_is_not_a_table_is_reported_once(tiny_copy: Path) -> None:
    """`[rate_cards]` holding `air = 5`: the card is refused where it is written, and the
    service on it is not told again that the card is unknown."""
    break_one(tiny_copy, "carriers/skyline.toml", "[rate_cards.air]", "[rate_cards]\nair = 5\n[x]")
    with pytest.raises(InvalidNetwork) as caught:
        load_network(tiny_copy)
    reported = [str(p).replace(f"{tiny_copy}/", "") for p in caught.value.problems]
    assert "carriers/skyline.toml:6: rate_cards.air: must be a table, got 5" in reported
    assert not any("unknown rate card" in line for line in reported), reported
