"""routing/localize.py: the one-line summary's money is written exactly as Babel writes
it, in every language the quote answers in and every currency glocal trades in."""

from __future__ import annotations

from babel.numbers import format_currency
from hypothesis import given, settings
from hypothesis import strategies as st

from carriers.money import MINOR_UNITS, Money
from routing.quote.localize import babel_locale, format_money, parse_locale

TAGS = [str(parse_locale(t)) for t in ("en", "es-ES", "pt-BR", "ru-RU", "id-ID", "zh-CN")]
EDGES = [0, 1, 9, 10, 99, 100, 999, 1000, 9999, 10_000, 123_456, 100_000_000, 765_432_198]


def babel(money: Money, tag: str) -> str:
    return str(format_currency(money.decimal, money.currency, locale=babel_locale(tag)))


def test_edge_amounts_match_babel_everywhere() -> None:
    for tag in TAGS:
        for currency in MINOR_UNITS:
            for minor in EDGES + [-minor for minor in EDGES]:
                money = Money(minor, currency)
                assert format_money(money, tag) == babel(money, tag), (tag, currency, minor)


@settings(max_examples=300, deadline=None)
@given(
    st.integers(min_value=0, max_value=10**12),
    st.sampled_from(sorted(MINOR_UNITS)),
    st.sampled_from(TAGS),
)
def test_any_amount_matches_babel(minor: int, currency: str, tag: str) -> None:
    money = Money(minor, currency)
    assert format_money(money, tag) == babel(money, tag)


def test_spanish_euros_are_written_the_spanish_way() -> None:
    """A hand-written case, so a Babel change that broke both sides would still show."""
    assert format_money(Money(123456, "EUR"), "es_ES") == "1.234,56\xa0€"
    assert format_money(Money(5, "BRL"), "pt_BR") == "R$\xa00,05"
