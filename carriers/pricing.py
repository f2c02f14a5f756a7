"""Shipping charges of one parcel on one rate card, itemised.

Weights are handled in whole grams and money in minor units, so every rule below is exact
integer arithmetic: chargeable weight = max(actual, volumetric), rounded up to the card's
increment; the tier whose `up_to_kg` first holds it prices `per_piece + per_kg x kg`;
the minimum charge floors the freight; remote-area and oversize surcharges add per parcel;
the fuel surcharge is a percentage of freight and those surcharges.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

from carriers.errors import NotPriceable
from carriers.model import RateCard, WeightBreak, Zone
from carriers.money import Money


class ChargeKind(StrEnum):
    FREIGHT = "freight"
    SURCHARGE = "surcharge"
    DUTY = "duty"
    TAX = "tax"
    FEE = "fee"


@dataclass(frozen=True)
class Charge:
    kind: ChargeKind
    name: str
    amount: Money


def grams(weight_kg: float) -> int:
    """Whole grams, rounded up: a carrier never bills less than the scale shows."""
    return math.ceil(round(weight_kg * 1000, 6))


def volumetric_grams(dims_cm: tuple[float, float, float], divisor: int | None) -> int:
    if not divisor:
        return 0
    length, width, height = dims_cm
    return math.ceil(round(length * width * height * 1000 / divisor, 6))


def chargeable_grams(card: RateCard, weight_kg: float, dims_cm: tuple[float, float, float]) -> int:
    billed = max(grams(weight_kg), volumetric_grams(dims_cm, card.volumetric_divisor))
    step = grams(card.rounding_kg) if card.rounding_kg else 0
    if step:
        billed = -(-billed // step) * step
    return billed


def zone_of(card: RateCard, country: str | None, postal_code: str | None) -> str:
    """The card's zone for a destination: the zone with the longest matching prefix."""
    if not card.zones:
        return ""
    code = (postal_code or "").replace(" ", "").replace("-", "").upper()
    best: tuple[int, Zone] | None = None
    for zone in card.zones:
        if zone.country != country:
            continue
        for prefix in zone.postal_prefixes:
            if code.startswith(prefix) and (best is None or len(prefix) > best[0]):
                best = (len(prefix), zone)
    if best is None:
        raise NotPriceable(f"rate card {card.id} has no zone for {country} {postal_code}")
    return best[1].name


def tier(card: RateCard, billed_grams: int, zone: str) -> WeightBreak:
    for brk in card.breaks:
        if brk.zone == zone and billed_grams <= grams(brk.up_to_kg):
            return brk
    raise NotPriceable(f"rate card {card.id} has no tier for {billed_grams / 1000:g} kg")


def price_parcel(
    card: RateCard,
    weight_kg: float,
    dims_cm: tuple[float, float, float],
    country: str | None = None,
    postal_code: str | None = None,
) -> list[Charge]:
    """Itemised charges of one parcel; raises NotPriceable when the card cannot price it."""
    billed = chargeable_grams(card, weight_kg, dims_cm)
    brk = tier(card, billed, zone_of(card, country, postal_code))
    freight = brk.per_piece + (brk.per_kg * billed + 500) // 1000
    freight = max(freight, card.minimum_charge)
    charges = [Charge(ChargeKind.FREIGHT, "freight", Money(freight, card.currency))]
    charges += _surcharges(card, weight_kg, dims_cm, postal_code)
    fuel_base = sum(c.amount.amount for c in charges)
    if card.fuel_surcharge_pct:
        fuel = Money(fuel_base, card.currency).times(card.fuel_surcharge_pct / 100)
        charges.append(Charge(ChargeKind.SURCHARGE, "fuel", fuel))
    return charges


def _surcharges(
    card: RateCard, weight_kg: float, dims_cm: tuple[float, float, float], postal_code: str | None
) -> list[Charge]:
    found = []
    code = (postal_code or "").replace(" ", "").upper()
    if card.remote_area_surcharge and any(code.startswith(p) for p in card.remote_area_prefixes):
        found.append(
            Charge(
                ChargeKind.SURCHARGE,
                "remote area",
                Money(card.remote_area_surcharge, card.currency),
            )
        )
    too_long = card.oversize_side_cm is not None and max(dims_cm) > card.oversize_side_cm
    too_heavy = card.oversize_weight_kg is not None and weight_kg > card.oversize_weight_kg
    if card.oversize_surcharge and (too_long or too_heavy):
        found.append(
            Charge(ChargeKind.SURCHARGE, "oversize", Money(card.oversize_surcharge, card.currency))
        )
    return found
