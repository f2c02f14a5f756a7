"""The buyer's language: a one-line summary per option, with Babel's money and dates."""

from __future__ import annotations

import tomllib
from datetime import date
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
    tag: str,
    carriers: tuple[str, ...],
    modes: tuple[Mode, ...],
    total: Money,
    p50: date,
    p90: date,
) -> str:
    """ "<line-haul carrier> + <last-mile carrier> (<mode>): <total>, <P50> to <P90>" in
    the language of a locale's tag (`str` of a `parse_locale` result: Babel's Locale
    hashes slowly, so the caches below key on its tag)."""
    return str(_template(tag, tuple(carriers), tuple(modes))).format(
        total=_money(total.amount, total.currency, tag), p50=_day(p50, tag), p90=_day(p90, tag)
    )


@lru_cache(maxsize=4096)
def _template(tag: str, carriers: tuple[str, ...], modes: tuple[Mode, ...]) -> str:
    """The summary of a route in one language, with its total and dates left to fill."""
    words = phrases().get(_locale(tag).language) or phrases()["en"]
    main = next((i for i, m in enumerate(modes) if m in LINE_HAUL), len(modes) - 1)
    names = " + ".join(dict.fromkeys((carriers[main], carriers[-1])))
    route = f"{names} ({words['modes'][modes[main].value]})"
    escaped = route.replace("{", "{{").replace("}", "}}")
    return str(words["summary"]).replace("{route}", escaped)


@cache
def _locale(tag: str) -> Locale:
    return Locale.parse(tag)


@lru_cache(maxsize=4096)
def _day(day: date, tag: str) -> str:
    return str(format_skeleton("MMMd", day, locale=_locale(tag)))


@lru_cache(maxsize=65536)
def _money(minor: int, currency: str, tag: str) -> str:
    amount = Money(minor, currency).decimal
    return str(format_currency(amount, currency, locale=_locale(tag)))
