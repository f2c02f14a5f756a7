"""Exchange rates: the latest row on or before the date, direct, inverted or crossed
through EUR; conversions round half up; bad rows are named by path:line."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from carriers.errors import InvalidRule, UnknownCurrency
from carriers.money import Money
from routing.fx import DEFAULT_FX, FxRates, load_fx, read_fx

HEADER = "date,base,quote,rate,source,confidence\n"


def write(tmp_path: Path, rows: str) -> Path:
    path = tmp_path / "fx.csv"
    path.write_text("# test rates\n" + HEADER + rows, encoding="utf-8")
    return path


@pytest.fixture
def table(tmp_path: Path) -> FxRates:
    return read_fx(write(tmp_path, (
        "2026-01-01,EUR,USD,1.10,ecb,H\n"
        "2026-07-01,EUR,USD,1.20,ecb,H\n"
        "2026-01-01,EUR,CNY,8.00,ecb,H\n"
        "2026-01-01,XDR,EUR,1.25,imf,M\n"
    )))  # fmt: skip


def test_the_rate_in_force_is_the_latest_on_or_before_the_date(table: FxRates) -> None:
    """2026-06-30 still uses the January row; 2026-07-01 the July one."""
    assert table.rate("EUR", "USD", date(2026, 6, 30)).rate == Decimal("1.10")
    july = table.rate("EUR", "USD", date(2026, 7, 1))
    assert (july.rate, july.as_of, july.source) == (Decimal("1.20"), date(2026, 7, 1), "ecb")


def test_inverse_and_cross_rates(table: FxRates) -> None:
    """USD->EUR inverts; USD->CNY crosses through EUR and keeps the older date."""
    assert table.rate("USD", "EUR", date(2026, 1, 2)).rate == Decimal(1) / Decimal("1.10")
    cross = table.rate("USD", "CNY", date(2026, 8, 1))
    exact = Decimal(8) / Decimal("1.20")
    assert abs(cross.rate - exact) < Decimal("1e-20")
    assert cross.as_of == date(2026, 1, 1) and "crossed through EUR" in cross.source
    assert table.rate("CNY", "XDR", date(2026, 2, 1)).confidence == "M"


def test_conversion_rounds_half_up_to_the_minor_unit(table: FxRates) -> None:
    """10.05 EUR x 1.10 = 11.055 USD -> 11.06 USD."""
    converted = table.convert(Money.of("10.05", "EUR"), "USD", date(2026, 1, 1))
    assert converted == Money.of("11.06", "USD")


def test_no_rate_before_the_first_row_is_an_error(table: FxRates) -> None:
    """A date before every row of a pair, or an unknown pair, raises UnknownCurrency."""
    with pytest.raises(UnknownCurrency, match="EUR->USD"):
        table.rate("EUR", "USD", date(2025, 12, 31))
    with pytest.raises(UnknownCurrency, match="GBP"):
        table.rate("GBP", "BRL", date(2026, 3, 1))


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ("2026-02-30,EUR,USD,1.1,ecb,H", "date"),
        ("2026-02-01,EUR,ZZZ,1.1,ecb,H", "quote"),
        ("2026-02-01,EUR,USD,-1,ecb,H", "rate"),
        ("2026-02-01,EUR,USD,1.1,,H", "source"),
        ("2026-02-01,EUR,USD,1.1,ecb,X", "confidence"),
        ("2026-02-01,USD,EUR,0.9,ecb,H", "base"),
    ],
)
def test_a_bad_row_is_named_by_path_and_line(tmp_path: Path, row: str, field: str) -> None:
    """Line 4 of the file (after a comment, the header and a good row) is the bad one."""
    path = write(tmp_path, f"2026-01-01,EUR,USD,1.10,ecb,H\n{row}\n")
    with pytest.raises(InvalidRule) as caught:
        read_fx(path)
    [problem] = caught.value.problems
    assert (problem.where, problem.field) == (f"{path}:4", field)


def test_the_default_rates_cover_every_customs_currency_today() -> None:
    """data/fx.csv converts every tax currency and the SDR on the reference date."""
    rates = load_fx()
    assert load_fx(DEFAULT_FX) is rates
    for currency in ("USD", "GBP", "CNY", "BRL", "RUB", "IDR", "XDR"):
        assert rates.rate("EUR", currency, date(2026, 11, 26)).rate > 0
