"""Vocabularies of places: ISO 3166-1 countries and IANA time zones."""

from __future__ import annotations

import zoneinfo
from functools import cache

from babel import Locale


@cache
def iso_countries() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes, from CLDR's territory list (shipped with Babel)."""
    codes = (str(c) for c in Locale("en").territories)
    return frozenset(c for c in codes if len(c) == 2 and c.isalpha())


def is_country(code: str) -> bool:
    return code in iso_countries()


@cache
def time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())
