"""The buyer's language: a one-line summary per option, with Babel's money and dates."""

from __future__ import annotations

import tomllib
from datetime import date
from functools import cache
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
        total=format_currency(total.decimal, total.currency, locale=locale),
        p50=format_skeleton("MMMd", p50, locale=locale),
        p90=format_skeleton("MMMd", p90, locale=locale),
    )
