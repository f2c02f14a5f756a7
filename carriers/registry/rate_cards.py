"""A carrier file's `[rate_cards]`: weight breaks per zone, surcharges, minimums."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from carriers.model import RateCard, WeightBreak, Zone
from carriers.money import is_currency
from carriers.places import iso_countries
from carriers.registry.fields import CarrierFile, money_amount, non_negative, prefixes

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


def rate_card(f: CarrierFile, card_id: str, t: dict[str, Any]) -> RateCard | None:
    key = ("rate_cards", card_id)
    before = len(f.out.problems)
    f.unknown_keys(t, CARD_KEYS, key)
    currency = str(t.get("currency", ""))
    if not is_currency(currency):
        f.fail((*key, "currency"), f"unknown ISO 4217 currency {currency!r}")
        return None
    zones = _zones(f, key, t.get("zones") or [])
    breaks = _breaks(f, key, t.get("breaks") or [], currency, {z.name for z in zones})

    def amount(name: str) -> int:
        return money_amount(f, (*key, name), t.get(name, 0), currency) or 0

    divisor = t.get("volumetric_divisor")
    if divisor is not None and (not isinstance(divisor, int) or divisor <= 0):
        f.fail((*key, "volumetric_divisor"), f"must be a whole number > 0, got {divisor!r}")
    numbers = {
        name: non_negative(f, (*key, name), t.get(name))
        for name in ("rounding_kg", "fuel_surcharge_pct", "oversize_side_cm", "oversize_weight_kg")
    }
    card = RateCard(
        id=card_id,
        currency=currency,
        breaks=tuple(breaks),
        minimum_charge=amount("minimum_charge"),
        rounding_kg=numbers["rounding_kg"] or 0.0,
        volumetric_divisor=divisor,
        fuel_surcharge_pct=Decimal(str(t.get("fuel_surcharge_pct", 0))),
        remote_area_surcharge=amount("remote_area_surcharge"),
        remote_area_prefixes=prefixes(f, (*key, "remote_area_prefixes"), t, "remote_area_prefixes"),
        oversize_surcharge=amount("oversize_surcharge"),
        oversize_side_cm=numbers["oversize_side_cm"],
        oversize_weight_kg=numbers["oversize_weight_kg"],
        zones=tuple(zones),
        illustrative=bool(t.get("illustrative", True)),
        source=str(t.get("source", "")),
    )
    return card if len(f.out.problems) == before else None


def _zones(f: CarrierFile, key: tuple, rows: list[Any]) -> list[Zone]:
    zones = []
    for i, row in enumerate(rows):
        where = (*key, "zones", i)
        country = str(row.get("country", "")) if isinstance(row, dict) else ""
        if country not in iso_countries():
            f.fail(where, f"unknown ISO 3166-1 alpha-2 country {country!r}")
            continue
        zones.append(
            Zone(
                str(row.get("name", "")),
                country,
                prefixes(f, (*where, "postal_prefixes"), row, "postal_prefixes"),
            )
        )
    return zones


def _breaks(
    f: CarrierFile, key: tuple, rows: list[Any], currency: str, zones: set[str]
) -> list[WeightBreak]:
    if not rows:
        f.fail((*key, "breaks"), "a rate card needs at least one weight break")
        return []
    breaks: list[WeightBreak] = []
    last: dict[str, float] = {}
    for i, row in enumerate(rows):
        where = (*key, "breaks", i)
        if not isinstance(row, dict):
            f.fail(where, "must be an inline table {up_to_kg, per_kg, per_piece}")
            continue
        zone = str(row.get("zone", ""))
        if zones and zone not in zones:
            f.fail(where, f"zone {zone!r} is not one of the card's zones {sorted(zones)}")
        up_to = non_negative(f, where, row.get("up_to_kg"))
        per_kg = _rate(f, where, row, "per_kg", currency)
        per_piece = _rate(f, where, row, "per_piece", currency)
        if up_to is None or up_to == 0:
            f.fail(where, f"up_to_kg must be > 0, got {row.get('up_to_kg')!r}")
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
    if isinstance(value, int | float) and value < 0:
        f.fail(where, f"{name} must not be negative, got {value}")
        return None
    return money_amount(f, where, value, currency)
