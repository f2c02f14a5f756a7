"""A carrier file's `[rate_cards]`: weight breaks per zone, surcharges, minimums."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from carriers.model import RateCard, WeightBreak, Zone
from carriers.money import is_currency
from carriers.places import iso_countries
from carriers.registry.fields import (
    MAX_CM,
    MAX_KG,
    CarrierFile,
    array,
    flag,
    money_amount,
    number,
    prefixes,
    shown,
    text,
)

CARD_KEYS = {
    "currency",
    "breaks",
    "zones",
    "minimum_charge",
    "rounding_kg",
    "volumetric_divisor",
    "fuel_surcharge_pct",
    "remote_area_surcharge",
    "remote_area_prefixes",
    "oversize_surcharge",
    "oversize_side_cm",
    "oversize_weight_kg",
    "illustrative",
    "source",
}
ZONE_KEYS = {"name", "country", "postal_prefixes"}
BREAK_KEYS = {"up_to_kg", "per_kg", "per_piece", "zone"}
NUMBERS = {  # the card's plain figures and their largest values
    "rounding_kg": MAX_KG,
    "fuel_surcharge_pct": 100,
    "oversize_side_cm": MAX_CM,
    "oversize_weight_kg": MAX_KG,
}


def rate_card(f: CarrierFile, card_id: str, t: dict[str, Any]) -> RateCard | None:
    key = ("rate_cards", card_id)
    before = len(f.out.problems)
    f.unknown_keys(t, CARD_KEYS, key)
    currency = t.get("currency", "")
    if not isinstance(currency, str) or not is_currency(currency):
        f.fail((*key, "currency"), f"unknown ISO 4217 currency {shown(currency)}")
        return None
    zones = _zones(f, key, array(f, (*key, "zones"), t.get("zones")))
    breaks = _breaks(f, key, t.get("breaks"), currency, {z.name for z in zones})

    def amount(name: str) -> int:
        return _price(f, (*key, name), t.get(name, 0), currency) or 0

    divisor = t.get("volumetric_divisor")
    if divisor is not None and (
        isinstance(divisor, bool) or not isinstance(divisor, int) or divisor <= 0
    ):
        f.fail((*key, "volumetric_divisor"), f"must be a whole number > 0, got {shown(divisor)}")
    numbers = {name: number(f, (*key, name), t.get(name), most) for name, most in NUMBERS.items()}
    fuel = (
        Decimal(0)
        if numbers["fuel_surcharge_pct"] is None
        else Decimal(str(t["fuel_surcharge_pct"]))
    )
    card = RateCard(
        id=card_id,
        currency=currency,
        breaks=tuple(breaks),
        minimum_charge=amount("minimum_charge"),
        rounding_kg=numbers["rounding_kg"] or 0.0,
        volumetric_divisor=divisor,
        fuel_surcharge_pct=fuel,  # as written: 12.5 is 12.5, not the nearest double
        remote_area_surcharge=amount("remote_area_surcharge"),
        remote_area_prefixes=prefixes(f, (*key, "remote_area_prefixes"), t, "remote_area_prefixes"),
        oversize_surcharge=amount("oversize_surcharge"),
        oversize_side_cm=numbers["oversize_side_cm"],
        oversize_weight_kg=numbers["oversize_weight_kg"],
        zones=tuple(zones),
        illustrative=flag(f, (*key, "illustrative"), t.get("illustrative"), True),
        source=text(f, (*key, "source"), t.get("source")) or "",
    )
    return card if len(f.out.problems) == before else None


def _zones(f: CarrierFile, key: tuple, rows: list[Any]) -> list[Zone]:
    zones = []
    for i, row in enumerate(rows):
        where = (*key, "zones", i)
        if not isinstance(row, dict):
            f.fail(where, f"must be a table {{ name, country, postal_prefixes }}, got {shown(row)}")
            continue
        f.unknown_keys(row, ZONE_KEYS, where)
        country = row.get("country")
        if not isinstance(country, str) or country not in iso_countries():
            f.fail(where, f"unknown ISO 3166-1 alpha-2 country {shown(country)}")
            continue
        name = text(f, (*where, "name"), row.get("name"))
        if name is None:
            continue
        zones.append(
            Zone(
                name,
                country,
                prefixes(f, (*where, "postal_prefixes"), row, "postal_prefixes"),
            )
        )
    return zones


def _breaks(
    f: CarrierFile, key: tuple, rows: Any, currency: str, zones: set[str]
) -> list[WeightBreak]:
    if rows is None or rows == []:
        f.fail((*key, "breaks"), "a rate card needs at least one weight break")
        return []
    if not isinstance(rows, list):
        f.fail((*key, "breaks"), f"must be a list of weight breaks, got {shown(rows)}")
        return []
    breaks: list[WeightBreak] = []
    last: dict[str, float] = {}
    for i, row in enumerate(rows):
        where = (*key, "breaks", i)
        if not isinstance(row, dict):
            f.fail(where, "must be an inline table {up_to_kg, per_kg, per_piece}")
            continue
        f.unknown_keys(row, BREAK_KEYS, where)
        zone = text(f, (*where, "zone"), row.get("zone"))
        if zone is None:
            continue
        if zones and zone not in zones:
            f.fail(where, f"zone {zone!r} is not one of the card's zones {sorted(zones)}")
        up_to = number(f, (*where, "up_to_kg"), row.get("up_to_kg"), MAX_KG)
        per_kg = _rate(f, where, row, "per_kg", currency)
        per_piece = _rate(f, where, row, "per_piece", currency)
        if not up_to:
            if up_to == 0 or "up_to_kg" not in row:
                f.fail((*where, "up_to_kg"), f"must be > 0, got {shown(row.get('up_to_kg'))}")
            continue
        if zone in last and up_to <= last[zone]:
            f.fail(
                where,
                f"weight breaks must rise: {up_to} kg after {last[zone]} kg "
                f"(overlapping or unsorted)",
            )
        last[zone] = up_to
        if per_kg is not None and per_piece is not None:
            breaks.append(WeightBreak(up_to, per_kg, per_piece, zone))
    return breaks


def _rate(
    f: CarrierFile, where: tuple, row: dict[str, Any], name: str, currency: str
) -> int | None:
    value = row.get(name, 0)
    if isinstance(value, int | float) and not isinstance(value, bool) and value < 0:
        f.fail((*where, name), f"must not be negative, got {value}")
        return None
    return _price(f, (*where, name), value, currency)


def _price(f: CarrierFile, key: tuple, value: Any, currency: str) -> int | None:
    """An amount of the card's currency, written as a TOML number (4.5, not "4.5")."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        f.fail(key, f"must be an amount in {currency}, a number, got {shown(value)}")
        return None
    return money_amount(f, key, value, currency)
