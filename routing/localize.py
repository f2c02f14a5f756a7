"""The buyer's language: a one-line summary per option, with Babel's money and dates."""

from __future__ import annotations

import tomllib
from datetime import date
from decimal import Decimal
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.dates import format_skeleton
from babel.numbers import format_currency

from carriers.errors import InvalidOrder, Problem
from carriers.model import Mode
from carriers.money import Money
from routing.network import DEFAULT_NETWORK

LOCALES_FILE = DEFAULT_NETWORK / "locales.toml"
LINE_HAUL = (Mode.AIR, Mode.SEA, Mode.RAIL)


@cache
def phrases(path: Path = LOCALES_FILE) -> dict[str, Any]:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def parse_locale(tag: str | None) -> Locale:
    """A Babel locale from a BCP 47 tag (`es-ES`, `pt-BR`, `zh-CN`); English by default."""
    try:
        return Locale.parse((tag or "en").replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        raise InvalidOrder([Problem("order", "locale", f"unknown locale {tag!r}")]) from None


def summary_line(
    locale: Locale, carriers: list[str], modes: list[Mode], total: Money, p50: date, p90: date
) -> str:
    """ "<line-haul carrier> + <last-mile carrier> (<mode>): <total>, <P50> to <P90>"."""
    words = phrases().get(locale.language) or phrases()["en"]
    main = next((i for i, m in enumerate(modes) if m in LINE_HAUL), len(modes) - 1)
    names = " + ".join(dict.fromkeys((carriers[main], carriers[-1])))
    route = f"{names} ({words['modes'][modes[main].value]})"
    return str(words["summary"]).format(
        route=route,
        total=_money(total.decimal, total.currency, locale),
        p50=_day(p50, locale),
        p90=_day(p90, locale),
    )


@lru_cache(maxsize=4096)
def _day(day: date, locale: Locale) -> str:
    return str(format_skeleton("MMMd", day, locale=locale))


@lru_cache(maxsize=65536)
def _money(amount: Decimal, currency: str, locale: Locale) -> str:
    return str(format_currency(amount, currency, locale=locale))
