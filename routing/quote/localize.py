"""The buyer's language: a one-line summary per option, with Babel's money and dates."""

from __future__ import annotations

import re
import tomllib
from datetime import date
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.dates import format_skeleton
from babel.numbers import format_currency

from carriers.errors import InvalidOrder, Problem
from carriers.model import Mode
from carriers.money import Money, minor_units
from carriers.registry import DEFAULT_WORLD
from routing.cache import cached

LOCALES_FILE = DEFAULT_WORLD / "locales.toml"
LINE_HAUL = (Mode.AIR, Mode.SEA, Mode.RAIL)


@cached(8)
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
        total=format_money(total, tag), p50=_day(p50, tag), p90=_day(p90, tag)
    )


@cached(4096)
def _template(tag: str, carriers: tuple[str, ...], modes: tuple[Mode, ...]) -> str:
    """The summary of a route in one language, with its total and dates left to fill."""
    words = phrases().get(babel_locale(tag).language) or phrases()["en"]
    main = next((i for i, m in enumerate(modes) if m in LINE_HAUL), len(modes) - 1)
    names = " + ".join(dict.fromkeys((carriers[main], carriers[-1])))
    route = f"{names} ({words['modes'][modes[main].value]})"
    escaped = route.replace("{", "{{").replace("}", "}}")
    return str(words["summary"]).replace("{route}", escaped)


@cached(1024)
def babel_locale(tag: str) -> Locale:
    return Locale.parse(tag)


@cached(4096)
def _day(day: date, tag: str) -> str:
    return str(format_skeleton("MMMd", day, locale=babel_locale(tag)))


def format_money(money: Money, tag: str) -> str:
    """Babel's `format_currency` of an amount, in the language of a locale's tag. Most
    currencies and languages write amounts as prefix, digits grouped by three, decimals,
    suffix: that shape is learned once from Babel and filled in directly (a tenth of
    Babel's time); any other shape, or a negative amount, is left to Babel."""
    shape = _money_shape(money.currency, tag)
    if shape is None or money.amount < 0:
        return str(format_currency(money.decimal, money.currency, locale=babel_locale(tag)))
    prefix, group, point, suffix, digits = shape
    if not digits:
        return prefix + f"{money.amount:,}".replace(",", group) + suffix
    whole, cents = divmod(money.amount, 100)
    return prefix + f"{whole:,}".replace(",", group) + f"{point}{cents:02d}{suffix}"


# 7654321 and its decimals in Babel's currency format: (prefix)7(group)654(group)321
# ((point)98)(suffix), nothing in the prefix and suffix a digit
_PROBE = re.compile(r"(\D*)7(?P<group>\D+)654(?P=group)321(?:(\D+)98)?(\D*)")


@cached(1024)
def _money_shape(currency: str, tag: str) -> tuple[str, str, str, str, int] | None:
    """(prefix, group separator, decimal point, suffix, minor units: 0 or 2) of Babel's
    format of `currency` in `tag`'s language, or None when it does not have that shape
    (Babel writes another number of decimals than the currency's minor units, groups
    otherwise, ...)."""
    digits = minor_units(currency)
    if digits not in (0, 2):
        return None
    probe = Money(765432198 if digits else 7654321, currency)
    found = _PROBE.fullmatch(format_currency(probe.decimal, currency, locale=babel_locale(tag)))
    if found is None or (found[3] is None) != (digits == 0):
        return None
    return found[1], found[2], found[3] or "", found[4], digits
