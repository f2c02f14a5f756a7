"""Vocabularies of places: ISO 3166-1 countries and IANA time zones."""

from __future__ import annotations

import zoneinfo
from functools import cache

from babel import Locale

# CLDR's two-letter region codes that are not places a parcel can go to: groupings (the
# European Union, the euro area, the United Nations, Outlying Oceania), the unknown
# region, and the pseudo-locales' regions. The exceptionally reserved codes of real
# territories stay: EA (Ceuta and Melilla) and IC (the Canary Islands), which the customs
# data uses, and AC, CP, DG, TA, CQ; so does XK (Kosovo), a code in common use.
_NOT_PLACES = frozenset({"EU", "EZ", "UN", "QO", "ZZ", "XA", "XB"})


@cache
def iso_countries() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes, from CLDR's territory list (shipped with Babel), less the
    codes that name no place (`_NOT_PLACES`)."""
    codes = (str(c) for c in Locale("en").territories)
    return frozenset(c for c in codes if len(c) == 2 and c.isalpha() and c not in _NOT_PLACES)


def is_country(code: str) -> bool:
    return code in iso_countries()


@cache
def time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())
